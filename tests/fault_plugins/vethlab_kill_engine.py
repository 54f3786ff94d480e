# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Test-only fault: kill the Docker engine (SIGKILL, as a crash or the OOM killer would) just
before the task named in VETHLAB_KILL_ENGINE_AT starts, once, and wait until it is gone.

Callbacks run in the controller's main process before the task is sent to the hosts, so the
engine is dead when the task runs: the fault lands at the same place on every run.
Used by tests/lab/test_faults.py; not part of vethlab.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: vethlab_kill_engine
type: aggregate
short_description: Test fault injection - kill dockerd before a named task
description:
  - Kills this host's dockerd (the one its pid file names, never another dockerd on the machine) with SIGKILL
    before the task named by VETHLAB_KILL_ENGINE_AT (role prefix ignored).
"""

import os
import signal
import sys
from pathlib import Path

from ansible.plugins.callback import CallbackBase

# The tests' own helpers (this plugin is the tests', loaded by ansible-playbook from tests/fault_plugins/).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from lab_engine import stop_host_engine


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "vethlab_kill_engine"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._target = os.environ.get("VETHLAB_KILL_ENGINE_AT", "")
        self._done = False

    def v2_playbook_on_task_start(self, task, is_conditional):
        if self._done or not self._target or task.get_name().split(" : ")[-1] != self._target:
            return
        self._done = True
        stop_host_engine(signal.SIGKILL, wait=10)
