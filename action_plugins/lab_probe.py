# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Action plugin: the lab_probe module's work in this process on the controller's own machine, else the module
on its machine (vethlab/in_process.py)."""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from vethlab import in_process
from vethlab.module_utils.vethlab_host import PROBE_SPEC, run_probe


class ActionModule(ActionBase):
    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        result.update(in_process.run(self, task_vars, PROBE_SPEC, run_probe))
        return result
