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

from ansible.playbook.block import Block
from ansible.plugins.callback import CallbackBase


def goes_to_rescue(task):
    """Whether a failure of ``task`` is handed to a rescue section, as Ansible's play iterator does:
    some enclosing block has a rescue, and the task stands in that block's main section (directly,
    or through an imported role's or a nested block). A task of a rescue or always section does not."""
    walked = set()
    node, parent = task, getattr(task, "_parent", None)
    while parent is not None:
        walked.add(getattr(node, "_uuid", None))
        if isinstance(parent, Block) and parent.rescue and any(getattr(item, "_uuid", None) in walked for item in parent.block):
            return True
        node, parent = parent, getattr(parent, "_parent", None)
    return False


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
        if self._outcomes.get(host, {}).get("status") in ("failed", "unreachable"):
            return  # the first failure is the reason
        message = result._result.get("msg") or result._result.get("stderr") or result._result.get("reason") or ""
        self._outcomes[host] = {"status": status, "step": self._play, "task": result._task.get_name(), "message": str(message)[:2000]}
        self._write()

    def v2_playbook_on_play_start(self, play):
        self._play = play.get_name()

    def v2_runner_on_failed(self, result, ignore_errors=False):
        # A failure that a block's rescue handles is not the host's outcome: the rescue recovers
        # (lab_image's auto source builds busybox when the pull fails), or fails itself and says why.
        if not ignore_errors and not goes_to_rescue(result._task):
            self._record(result, "failed")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        self._write()
