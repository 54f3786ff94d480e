"""The `vethlab` command: run the lab on a class of machines with ansible-runner.

    vethlab up -i INVENTORY      the whole lesson on every machine, then the class report
    vethlab check -i INVENTORY   only look (lab.yml in check mode): ip addr, pings, checkpoints; no change
    vethlab report               render the class report again from reports/
    vethlab down -i INVENTORY    remove the lab's containers (nothing else)

While it runs, a live table shows one row per machine (its current step, ok, changed, failed).
Exit codes: 0 every machine passed, 1 a machine failed or was unreachable, 2 bad usage or no
machine matched.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAYBOOKS = {"up": "lab.yml", "check": "lab.yml", "down": "playbooks/lab_teardown.yml"}
JUDGE_TASK = "Ping the matrix and judge the checkpoints"
EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class Board:
    """Per-machine progress, fed by ansible-runner's events."""

    def __init__(self):
        self.hosts: dict[str, dict] = {}
        self.step = ""

    def row(self, host: str) -> dict:
        return self.hosts.setdefault(host, {"step": "", "ok": 0, "changed": 0, "failed": 0, "status": "running", "checkpoints": None})

    def handle(self, event: dict) -> bool:
        kind = event.get("event", "")
        data = event.get("event_data") or {}
        host = data.get("host")
        if kind == "playbook_on_play_start":
            self.step = data.get("play", "")
        if not host or (host == "localhost" and self.step.startswith("Write the class report")):
            return True
        row = self.row(host) if kind.startswith("runner_on_") else None
        if row is None:
            return True
        row["step"] = self.step
        if kind == "runner_on_ok":
            row["ok"] += 1
            row["changed"] += 1 if (data.get("res") or {}).get("changed") else 0
            if (data.get("task") or "").endswith(JUDGE_TASK):
                row["checkpoints"] = (data.get("res") or {}).get("checkpoints")
                row["message"] = "; ".join("%s %s" % (c["id"], c["detail"]) for c in row["checkpoints"] or [] if not c["passed"])
        elif kind == "runner_on_failed" and not data.get("ignore_errors"):
            row["failed"] += 1
            if row["status"] == "running":
                row["status"] = "failed"
                row["message"] = "%s: %s" % (data.get("task", ""), (data.get("res") or {}).get("msg", ""))
        elif kind == "runner_on_unreachable":
            row["failed"] += 1
            row["status"] = "unreachable"
            row["message"] = (data.get("res") or {}).get("msg", "")
        return True

    def table(self):
        from rich.table import Table

        table = Table(title="vethlab: %s" % (self.step or "starting"))
        for column in ("machine", "step", "ok", "changed", "failed", "status"):
            table.add_column(column)
        for host, row in sorted(self.hosts.items()):
            style = {"failed": "red", "unreachable": "yellow", "passed": "green"}.get(row["status"], "")
            table.add_row(host, row["step"], str(row["ok"]), str(row["changed"]), str(row["failed"]), row["status"], style=style)
        return table


def run_playbook(command: str, inventory: str, limit: str | None, extra: list[str], quiet: bool) -> tuple[int, Board]:
    import ansible_runner
    from rich.console import Console
    from rich.live import Live

    board = Board()
    bin_dir = str(Path(sys.executable).parent)
    cmdline = []
    for item in extra:
        cmdline += ["-e", item]
    if command == "down":
        cmdline += ["-e", "lab_teardown_images=false"]
    if command == "check":
        cmdline += ["--check"]
    console = Console(stderr=True)
    with tempfile.TemporaryDirectory(prefix="vethlab-runner-") as private, Live(
        board.table(), console=console, refresh_per_second=4, transient=quiet
    ) as live:

        def handler(event):
            board.handle(event)
            live.update(board.table())
            return True

        result = ansible_runner.run(
            private_data_dir=private,
            project_dir=str(ROOT),
            playbook=str(ROOT / PLAYBOOKS[command]),
            inventory=os.path.abspath(inventory),
            limit=limit,
            cmdline=" ".join(_quote(part) for part in cmdline) or None,
            envvars={
                "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
                "ANSIBLE_CALLBACK_PLUGINS": str(ROOT / "callback_plugins"),
                "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
            },
            event_handler=handler,
            quiet=True,
        )
        for row in board.hosts.values():
            if row["status"] == "running":
                passed = row["checkpoints"] is not None and all(c["passed"] for c in row["checkpoints"])
                row["status"] = "passed" if passed else ("done" if command == "down" else "failed")
        live.update(board.table())
    return result.rc, board


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def class_summary(report_dir: Path) -> dict | None:
    path = report_dir / "summary.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def print_summary(summary: dict, out=sys.stdout) -> None:
    machines = summary["machines"]
    passed = [m for m in machines if m["status"] == "passed"]
    print("%d of %d machines passed." % (len(passed), len(machines)), file=out)
    for machine in machines:
        if machine["status"] != "passed":
            print("  %s: %s" % (machine["host"], machine["reason"] or machine["status"]), file=out)
    print("Report: %s" % summary["index"], file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vethlab", description="Run the docker0/veth lab on a class of machines.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("up", "run the whole lesson on every machine, then the class report"),
        ("check", "only look: ip addr, pings, checkpoints and reports; change nothing"),
        ("down", "remove the lab's containers on every machine, nothing else"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("-i", "--inventory", required=True, help="inventory file or folder")
        command.add_argument("-l", "--limit", help="only these machines (an Ansible pattern)")
        command.add_argument("-e", "--extra-vars", action="append", default=[], help="VAR=VALUE or JSON, as ansible-playbook -e")
        command.add_argument("-q", "--quiet", action="store_true", help="clear the live table at the end")
    report = sub.add_parser("report", help="render the class report again from the report folder")
    report.add_argument("-d", "--report-dir", default=str(ROOT / "reports"), help="the report folder (default: reports/)")
    args = parser.parse_args(argv)

    if args.command == "report":
        from vethlab.report import render_class_report

        report_dir = Path(args.report_dir)
        previous = class_summary(report_dir)
        if previous is None:
            print("vethlab report: %s has no summary.json; run 'vethlab up' first" % report_dir, file=sys.stderr)
            return EXIT_USAGE
        summary = render_class_report(report_dir, previous["hosts"], previous["outcomes"])
        print_summary(summary)
        return EXIT_PASSED if summary["passed"] else EXIT_FAILED

    if not os.path.exists(args.inventory):
        print("vethlab %s: no inventory at %s" % (args.command, args.inventory), file=sys.stderr)
        return EXIT_USAGE
    rc, board = run_playbook(args.command, args.inventory, args.limit, args.extra_vars, args.quiet)
    if not board.hosts:
        print("vethlab %s: no machine matched in %s (ansible exit %d)" % (args.command, args.inventory, rc), file=sys.stderr)
        return EXIT_USAGE
    if args.command == "down":
        failed = [host for host, row in board.hosts.items() if row["status"] in ("failed", "unreachable")]
        print("Removed the lab's containers on %d machines." % (len(board.hosts) - len(failed)))
        for host in failed:
            print("  %s: %s" % (host, board.hosts[host]["status"]))
        return EXIT_FAILED if failed else EXIT_PASSED
    failed = {host: row for host, row in board.hosts.items() if row["status"] != "passed"}
    print("%d of %d machines passed." % (len(board.hosts) - len(failed), len(board.hosts)))
    for host, row in sorted(failed.items()):
        print("  %s: %s %s" % (host, row["status"], row.get("message") or ""))
    if args.command == "up":
        print("Report: %s" % (_report_dir(args.extra_vars) / "index.html"))
    return EXIT_FAILED if failed or rc != 0 else EXIT_PASSED


def _report_dir(extra: list[str]) -> Path:
    for item in extra:
        if item.startswith("lab_report_dir="):
            return Path(item.split("=", 1)[1])
        if item.lstrip().startswith("{"):
            value = json.loads(item).get("lab_report_dir")
            if value:
                return Path(value)
    return ROOT / "reports"


if __name__ == "__main__":
    sys.exit(main())
