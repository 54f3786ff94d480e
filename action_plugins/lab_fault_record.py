# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Action plugin: keep, on the controller only, which fault each machine got (vethlab break), or forget the ones
put back (vethlab break --undo). The record is what --undo runs: the machine keeps nothing."""

from __future__ import annotations

import json
import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from vethlab.files import write_if_changed
from vethlab.report import now


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("path", "undo"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        path = self._task.args.get("path")
        if not isinstance(path, str) or not path:
            raise AnsibleActionFail("lab_fault_record: 'path' names the record's file on the controller")
        try:
            with open(path, encoding="utf-8") as handle:
                records = json.load(handle)
        except FileNotFoundError:
            records = {}
        except ValueError as error:
            raise AnsibleActionFail("lab_fault_record: %s is not JSON (%s); it was left as it was" % (path, error)) from error
        hostvars, changed = task_vars.get("hostvars") or {}, []
        for host in task_vars.get("ansible_play_hosts") or []:
            done = (hostvars.get(host) or {}).get("lab_break_undone" if self._task.args.get("undo") else "lab_break_applied") or {}
            if done.get("skipped") or done.get("failed"):
                continue
            if self._task.args.get("undo"):
                if records.pop(host, None) is not None:
                    changed.append(host)
            elif done.get("record"):
                records[host] = dict(done["record"], at=now())
                changed.append(host)
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        write_if_changed(path, (json.dumps(records, indent=1, sort_keys=True) + "\n").encode("utf-8"), mode=0o600)
        result.update(changed=bool(changed), machines=changed, faults={host: records.get(host, {}).get("fault") for host in changed})
        return result
