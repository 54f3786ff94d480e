# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Action plugin: render the class report on the controller (vethlab/report.py)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vethlab.report import render_class_report


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("dest", "hosts", "outcomes"))
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        dest = self._task.args.get("dest")
        hosts = self._task.args.get("hosts")
        if not isinstance(dest, str) or not dest:
            raise AnsibleActionFail("lab_class_report: 'dest' must name a folder on the controller")
        if not isinstance(hosts, list) or not all(isinstance(host, str) for host in hosts):
            raise AnsibleActionFail("lab_class_report: 'hosts' must be a list of inventory host names")
        outcomes = self._task.args.get("outcomes")
        if outcomes is None:
            path = os.environ.get("VETHLAB_RUN_OUTCOMES")
            outcomes = {}
            if path and os.path.isfile(path):
                with open(path, encoding="utf-8") as handle:
                    outcomes = json.load(handle)
        summary = render_class_report(Path(dest), hosts, outcomes, dry_run=self._task.check_mode)
        result.update(changed=bool(summary["written"]), **summary)
        return result
