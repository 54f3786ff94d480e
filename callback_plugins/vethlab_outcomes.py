# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""The one place where a machine's outcome for a run is decided, and the class report written.

Every other place that says passed or failed reads what this callback decides: the class report
(index.html, the machine pages, class.csv, junit.xml, summary.json), the closing summary printed
after the play recap, and the `vethlab` command's table, summary and exit code.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: vethlab_outcomes
type: aggregate
short_description: Decides each machine's outcome of a vethlab run and writes the class report
description:
  - For each machine of the run, one outcome. C(passed) when nothing failed and the lab's report,
    written in this run, says every checkpoint passed. C(failed), with the step, the task and the
    reason, when a task failed that no block's rescue handled (Ansible's own count of failures) or
    when the report says a checkpoint failed. C(unreachable), with the SSH error. A failure that
    a rescue handles (the C(auto) image source's failed pull, then busybox) is never an outcome.
  - The machines of the class outside this run (C(--limit)) are C(not in this run), shown with
    the time of their last result and never counted as this run's.
  - When the run ends, whatever happened on each machine, it writes the class report under the
    lab's report folder and prints the class summary (on standard error, after the play recap).
  - A lab run is a playbook with the report step (a play running the role C(lab_report)). It
    learns the class and the report folder from the C(lab_run) fact of the lab's settings step,
    and each machine's verdict from the report step's result (its C(verdict), with the path of its lab.json,
    its digest and each checkpoint's pass); it reads no report back from disk.
    A machine the report step judged takes that verdict; one it did not judge takes the first
    failure no rescue handled, else "no report". Any other run (teardown, one step alone) has no
    verdict, so its machines are C(done), C(failed) or C(unreachable) and no class report is written.
  - When the environment variable VETHLAB_OUTCOMES_FILE names a file, it writes there, as JSON,
    the outcomes and the class summary (the C(vethlab) command reads it).
"""

import json
import os
from pathlib import Path

from ansible import context
from ansible.playbook.block import Block
from ansible.plugins.callback import CallbackBase

from vethlab.files import FolderTurn, machine_folder
from vethlab.machine_report import read_verified, run_owner, stopped_data, write
from vethlab.module_utils.vethlab_texts import render
from vethlab.report import (
    DONE,
    FAILED,
    PASSED,
    UNREACHABLE,
    now,
    previous_summary,
    render_class_report,
    summary_lines,
    without_lab,
)
from vethlab.signature import class_secret


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


def unreachable_reason(message):
    """Which unreachable it is: a changed host key (never graded, said so), a key never learnt, or any other."""
    if "REMOTE HOST IDENTIFICATION HAS CHANGED" in message:
        return "reason.host_key_changed"
    if "Host key verification failed" in message or "host key is known" in message:
        return "reason.host_key_unknown"
    return "reason.unreachable"


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "vethlab_outcomes"
    CALLBACK_NEEDS_ENABLED = False

    def __init__(self):
        super().__init__()
        self._play = ""
        self._hosts = {}  # every host of the run, in the order first seen
        self._failures = {}  # host: the first failure no rescue handles {step, task, message}
        self._unreachable = {}  # host: the connection error
        self._verdicts = {}  # host: the report step's verdict {report, digest, passed, checkpoints} (lab_report_write)
        self._run_ids = {}  # host: this run's id (the settings step's owner: machine_report.run_owner)
        self._run = None  # the lab_run fact: {report_dir, class_hosts}
        self._judges = False  # the playbook has the report step: a lab run, with a class report
        self._turn = None  # this run's turn at writing its report folder (FolderTurn), once it knows the folder

    # ----------------------------------------------------------------- events

    def _seen(self, result):
        host = result._host.get_name()
        self._hosts.setdefault(host, True)
        return host

    def v2_playbook_on_start(self, playbook):
        # Known before any play runs, so a run whose machines all fail early still gets its class report.
        self._judges = any(role.get_name() == "lab_report" for play in playbook.get_plays() for role in play.get_roles())

    def v2_playbook_on_play_start(self, play):
        self._play = play.get_name()

    def v2_runner_on_ok(self, result):
        host = self._seen(result)
        data = result._result
        run = (data.get("ansible_facts") or {}).get("lab_run")
        if isinstance(run, dict) and self._run is None:
            self._run = run
            self._take_turn(run)
        this_run = run_owner(result._task.action, data)
        if this_run:
            self._run_ids[host] = str(this_run.get("run") or "")
        verdict = data.get("verdict")
        if isinstance(verdict, dict) and verdict.get("report") and verdict.get("digest"):
            self._verdicts[host] = verdict  # the report step's verdict: lab.json's path and digest, each checkpoint's pass

    def _take_turn(self, run):
        """Two runs writing one report folder take turns: this run waits here, after its settings step (which
        changes nothing) and before any step that does, until the other has written its class report."""
        if not self._judges or not run.get("report_dir"):
            return
        self._turn = FolderTurn(run["report_dir"])

        def waiting(holder):
            said = "vethlab: another run is writing %s: %s (pid %s, since %s, %s); this run waits for it to finish (Ctrl-C stops it)"
            who = (holder.get("holder", "someone"), holder.get("pid", "?"), holder.get("since", "?"), holder.get("what", ""))
            self._display.display(said % (run["report_dir"], *who), stderr=True)

        self._turn.take(" ".join(["ansible-playbook", *(context.CLIARGS.get("args") or ())]), waiting)

    def v2_runner_on_skipped(self, result):
        self._seen(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        host = self._seen(result)
        # A failure that a block's rescue handles is not the machine's outcome: the rescue recovers
        # (lab_image's auto source builds busybox when the pull fails), or fails itself and says why.
        if ignore_errors or goes_to_rescue(result._task) or host in self._failures:
            return
        data = result._result
        message = data.get("msg") or data.get("stderr") or data.get("reason") or ""
        self._failures[host] = {"step": self._play, "task": result._task.get_name(), "message": str(message).strip()[:2000]}

    def v2_runner_on_unreachable(self, result):
        host = self._seen(result)
        if host not in self._unreachable:
            self._unreachable[host] = str(result._result.get("msg") or "").strip()[:2000]

    # ----------------------------------------------------------------- the outcome

    def _secret(self):
        """The class's secret for the stopped runs' pages: made only when this run may make one (never under AWX);
        None (the pages go unsigned) when there is none, or it cannot be read."""
        if not self._run.get("secret"):
            return None
        try:
            return class_secret(self._run["secret"], create=bool(self._run.get("mint_secret", True)))
        except (OSError, ValueError):
            return None

    def _judging(self):
        """A lab run: its playbook has the report step, and its settings step said where the class report goes."""
        return self._judges and self._run is not None

    def outcome(self, host, stats):
        """passed, failed or unreachable, with the reason a teacher reads (in English, and as message
        parts for the pages in other languages). Ansible's own stats say whether a failure stood (a
        rescued one does not count); this callback's records say why."""
        verdict = self._verdicts.get(host) or {}
        # lab.json as the report step wrote it: read back by its path, only while its bytes have the verdict's digest.
        lab = read_verified(verdict.get("report"), verdict.get("digest")) if verdict else None
        record = {"status": PASSED, "reason_parts": [], "report": verdict.get("report"), "lab": lab}
        record.update(step="", task="", message="")
        if host in self._unreachable or stats.dark.get(host):
            message = self._unreachable.get(host, "")
            record.update(status=UNREACHABLE, reason_parts=[(unreachable_reason(message), {"message": message})], message=message)
        elif verdict and lab is None:
            record.update(status=FAILED, reason_parts=[("reason.report_changed", {"report": verdict["report"]})])
        elif verdict and not verdict.get("passed"):
            # The report step judged the machine: its failed checkpoints are the outcome (the step's own
            # failure that follows, on purpose, says the same).
            failed = [cid for cid, passed in (verdict.get("checkpoints") or {}).items() if not passed]
            record.update(status=FAILED, reason_parts=[("reason.checkpoints", {"ids": ", ".join(failed)})])
        elif stats.failures.get(host):
            failure = self._failures.get(host) or {"step": self._play, "task": "", "message": "a task failed"}
            record.update(status=FAILED, reason_parts=[("reason.step", failure)], **failure)
        elif not self._judging():
            record.update(status=DONE)  # not a lab run (teardown, a single step): no verdict
        elif not verdict:
            record.update(status=FAILED, reason_parts=[("reason.no_report", {})])
        record["reason"] = render(record["reason_parts"])
        return record

    def v2_playbook_on_stats(self, stats):
        hosts = list(self._hosts) + [host for host in stats.processed if host not in self._hosts]
        outcomes = {host: self.outcome(host, stats) for host in hosts}
        summary = None
        if self._judging():
            run = {
                "at": now(),
                "mode": "check" if context.CLIARGS.get("check") else "run",
                "limit": context.CLIARGS.get("subset") or None,
                "playbook": " ".join(os.path.basename(path) for path in context.CLIARGS.get("args") or ()) or "lab.yml",
            }
            report_dir = Path(self._run["report_dir"])
            languages = self._run.get("languages") or ["en"]
            # A machine whose run stopped before its report: its files say so, dated, never an earlier pass.
            for host, outcome in outcomes.items():
                if outcome["status"] in (FAILED, UNREACHABLE) and host not in self._verdicts:
                    data = stopped_data(host, outcome, self._run_ids.get(host, ""), run["at"])
                    secret = self._secret()
                    write(report_dir / machine_folder(host), data, languages, secret)
            summary = render_class_report(
                report_dir, self._run.get("class_hosts") or hosts, outcomes, run, previous_summary(report_dir), languages
            )
            self._display.display("\n".join(["", "Class summary:", *summary_lines(summary, languages[0])]), stderr=True)
        path = os.environ.get("VETHLAB_OUTCOMES_FILE")
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump({"outcomes": without_lab(outcomes), "summary": summary}, handle, indent=2)
        if self._turn is not None:
            self._turn.give_back()
