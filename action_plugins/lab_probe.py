# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Action plugin: the lab_probe module's work in this process on the controller's own machine, else the module
on its machine (vethlab/in_process.py). Either way the output once: Ansible adds stdout_lines and stderr_lines to a
module's result, and every job event carries a result whole (docs/awx.md)."""

from __future__ import annotations

from vethlab.in_process import action_module
from vethlab.module_utils.vethlab_host import PROBE_SPEC, run_probe


class ActionModule(action_module(PROBE_SPEC, run_probe)):
    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        for copy in ("stdout_lines", "stderr_lines"):
            result.pop(copy, None)
        return result
