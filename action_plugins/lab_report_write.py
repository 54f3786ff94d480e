# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Action plugin: a machine's report, written on the controller in-process (vethlab/machine_report.py).

Given the steps' results, it builds the report's data once (lab.json), renders the student's page in each
language, writes the captured ping, signs the files with the class's secret and writes each whose bytes changed.
``changed`` is decided from the data, the run's stamp aside: a rerun that finds the lab as it was counts as no
change. Its result is small: the files, the ``verdict`` (lab.json's path and digest, each checkpoint's pass) - the one
source the class report reads (the vethlab_outcomes callback) - and ``run_at``, when it judged the machine (UTC, the
run's ``run_at`` if given, else now: one time for every file that says it).
Writes in check mode too (the task says ``check_mode: false``): the report is this run's observation.
"""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from vethlab.machine_report import report_data, write
from vethlab.report import now
from vethlab.signature import class_secret

RESULTS = ("plan", "image", "inspect", "verify")


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("dest", "host", "run", "results", "languages", "sign", "mint"))
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self._task.args
        dest, results = args.get("dest"), args.get("results")
        if not isinstance(dest, str) or not dest:
            raise AnsibleActionFail("lab_report_write: 'dest' must name a folder on the controller")
        missing = [name for name in RESULTS if not isinstance((results or {}).get(name), dict)]
        if missing:
            raise AnsibleActionFail("lab_report_write: 'results' lacks the steps' results: %s" % ", ".join(missing))
        languages = args.get("languages") or ["en"]
        try:
            mint = boolean(args.get("mint", True), strict=False)
            secret = class_secret(args["sign"], create=mint) if args.get("sign") else None
        except (OSError, ValueError) as error:
            raise AnsibleActionFail("lab_report_write: the class's secret: %s" % error) from error
        run = dict(args.get("run") or {})
        run["run_at"] = run.get("run_at") or now()
        data = report_data(str(args.get("host") or ""), run, results)
        try:
            done = write(dest, data, languages, secret)
        except (OSError, ValueError, KeyError) as error:
            raise AnsibleActionFail("lab_report_write: cannot write the report in %s: %s" % (dest, error)) from error
        # The event carries the verdict (where lab.json is, its digest, each checkpoint's pass), never the whole report.
        result.update(done, run_at=run["run_at"])
        return result
