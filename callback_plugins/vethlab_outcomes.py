# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Record each host's outcome (ok, failed with the step and message, unreachable) for the class report.

Ansible keeps a failed or unreachable host's reason only in its output; the class report needs it
as data. This callback writes {host: {status, step, task, message}} to a JSON file whose path it puts
in the environment as VETHLAB_RUN_OUTCOMES, where the lab_class_report action (a child process) reads it.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: vethlab_outcomes
type: aggregate
short_description: Records each host's outcome for vethlab's class report
description:
  - Writes each host's status (ok, failed, unreachable), the step and task where it failed and the
    message, to a JSON file named by the environment variable VETHLAB_RUN_OUTCOMES.
"""

import json
import os
import tempfile

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "vethlab_outcomes"
    CALLBACK_NEEDS_ENABLED = False

    def __init__(self):
        super().__init__()
        self._outcomes = {}
        self._play = ""
        handle, self._path = tempfile.mkstemp(prefix="vethlab-outcomes-", suffix=".json")
        os.close(handle)
        os.environ["VETHLAB_RUN_OUTCOMES"] = self._path
        self._write()

    def _write(self):
        with open(self._path, "w", encoding="utf-8") as handle:
            json.dump(self._outcomes, handle)

    def _record(self, result, status):
        host = result._host.get_name()
        if self._outcomes.get(host, {}).get("status") == "unreachable":
            return  # a host that could not be reached has no later reason
        # A failure inside a block is followed by its rescue's own, which says why (the engine
        # stopped answering, or what the step said): the last failure is the reason.
        message = str(result._result.get("msg") or result._result.get("stderr") or result._result.get("reason") or "")[:2000]
        earlier = self._outcomes.get(host, {})
        if status == "failed" and earlier.get("status") == "failed" and earlier.get("step") == self._play:
            earlier["message"] = message  # the rescue's explanation of the task that failed first
        else:
            self._outcomes[host] = {"status": status, "step": self._play, "task": result._task.get_name(), "message": message}
        self._write()

    def v2_playbook_on_play_start(self, play):
        self._play = play.get_name()

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if not ignore_errors:
            self._record(result, "failed")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        # A failure that a rescue recovered from is not the host's outcome.
        for host in list(self._outcomes):
            summary = stats.summarize(host)
            if self._outcomes[host]["status"] == "failed" and not summary.get("failures"):
                del self._outcomes[host]
        self._write()
