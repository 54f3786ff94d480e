# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Action plugin: the lab_probe module's work in this process on the controller's own machine, else the module
on its machine (vethlab/in_process.py)."""

from __future__ import annotations

from vethlab.in_process import action_module
from vethlab.module_utils.vethlab_host import PROBE_SPEC, run_probe

ActionModule = action_module(PROBE_SPEC, run_probe)
