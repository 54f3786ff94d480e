# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Write the class board of a grade run, on the controller: each machine's judged lab (its lab_grade_result),
or why it has none (unreachable, failed), appended to the history and drawn (vethlab/grade.py)."""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from vethlab.grade import grade_class

# A student's identity, from the inventory: what a gradebook knows them by.
IDENTITY = (("id", "student_id"), ("email", "student_email"), ("name", "student_name"), ("section", "student_section"))


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("report_dir", "plan", "languages", "refresh", "points"))

    @staticmethod
    def identities(hostvars, hosts):
        """Each machine's student, as the inventory names them (student_id, student_email, student_name,
        student_section): what a gradebook knows them by."""
        found = {}
        for host in hosts:
            variables = hostvars.get(host) or {}
            who = {key: str(variables[name]) for key, name in IDENTITY if variables.get(name) not in (None, "")}
            if who:
                found[host] = who
        return found

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        args = self._task.args
        hostvars = task_vars.get("hostvars") or {}
        graded = set(task_vars.get("ansible_play_hosts") or [])
        results = {}
        for host in task_vars.get("ansible_play_hosts_all") or []:
            judged = (hostvars.get(host) or {}).get("lab_grade_result") or {}
            if host in graded and judged.get("checkpoints"):
                results[host] = judged
            else:
                reason = judged.get("msg") or "the machine was unreachable, or a step before the grade failed"
                results[host] = {"status": "failed" if judged else "unreachable", "reason": str(reason)[:500]}
        # The class: its roster (the settings step's lab_run), else the inventory's machines, whatever -l says.
        class_hosts = list((task_vars.get("lab_run") or {}).get("class_hosts") or (task_vars.get("groups") or {}).get("all") or [])
        summary = grade_class(
            args["report_dir"],
            results,
            dict(args["plan"]),
            list(args.get("languages") or ["en", "zh"]),
            int(args.get("refresh") or 0),
            identities=self.identities(hostvars, class_hosts or list(results)),
            points=dict(args.get("points") or {}),
            class_hosts=class_hosts,
        )
        result.update(changed=False, ansible_facts={"lab_grade_board": summary})
        return result
