"""The `vethlab` command: run the lab on a class of machines with ansible-runner.

    vethlab up -i INVENTORY      the whole lesson on every machine, then the class report
    vethlab check -i INVENTORY   only look (lab.yml in check mode): ip addr, pings, checkpoints; no change
    vethlab report [-i INVENTORY] render the class report again from reports/<inventory's name>/
    vethlab down -i INVENTORY    remove the lab's containers (nothing else)
    vethlab prepare -i INVENTORY every student machine ready for the lesson typed by hand (lab-check, task card)
    vethlab grade -i INVENTORY [--watch SECONDS]
                                 judge each student's own lab, keep the history, draw the class board
    vethlab restore -i INVENTORY -l MACHINE --to LESSON
                                 the lab's own reference state of the lessons before LESSON, to go on from
    vethlab reset -i INVENTORY -l MACHINE
                                 remove what the student made for the lessons, listing it

While it runs, a live table shows one row per machine (its current step, ok, changed, failed).
The verdict is not decided here: each machine's outcome, the summary and the exit code come from
what the vethlab_outcomes callback decided for the run (the class report reads the same).
Exit codes: 0 every machine of the run passed, 1 a machine failed or was unreachable, 2 bad
usage or no machine matched, 130 interrupted (Ctrl-C): it says which machines had their report
written; the locks the run took on the machines are taken over at once by the next run from this
controller (vethlab_lock's ``gone`` runs).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAYBOOKS = {
    "up": "lab.yml",
    "check": "lab.yml",
    "down": "playbooks/lab_teardown.yml",
    "prepare": "playbooks/prepare.yml",
    "grade": "playbooks/grade.yml",
    "restore": "lab.yml",
    "reset": "playbooks/student_reset.yml",
    "break": "playbooks/break.yml",
    "keys": "playbooks/keys.yml",
}
# The class's machines' SSH host keys, next to its inventory (vethlab.signature.class_file): learnt on purpose only.
KNOWN_HOSTS_SUFFIX = ".known_hosts"
EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class Board:
    """Per-machine progress, fed by ansible-runner's events. Progress only: no verdict."""

    def __init__(self):
        self.hosts: dict[str, dict] = {}
        self.step = ""
        self.graded: dict | None = None

    def handle(self, event: dict) -> bool:
        kind = event.get("event", "")
        data = event.get("event_data") or {}
        if kind == "playbook_on_play_start":
            self.step = data.get("play", "")
        host = data.get("host")
        if not host or not kind.startswith("runner_on_") or kind == "runner_on_start":
            return True
        row = self.hosts.setdefault(host, {"step": "", "ok": 0, "changed": 0, "failed": 0, "status": "running"})
        row["step"] = self.step
        if kind == "runner_on_ok":
            res = data.get("res") or {}
            row["ok"] += 1
            row["changed"] += 1 if res.get("changed") else 0
            facts = res.get("ansible_facts") or {}
            # Its report is written (the report step's verdict came back): progress, not the verdict itself.
            row["reported"] = row.get("reported") or bool(res.get("verdict"))
            record = res.get("record")
            if isinstance(record, dict) and record.get("fault"):
                row["fault"] = "%s in %s" % (record["fault"], record.get("container"))
            if "lab_student_removed" in facts:
                row["removed"] = facts["lab_student_removed"]  # what vethlab reset removed (or would, with --check)
            if facts.get("lab_grade_board"):
                self.graded = facts["lab_grade_board"]  # the grade run's board, as vethlab/grade.py wrote it
        elif kind in ("runner_on_failed", "runner_on_unreachable") and not data.get("ignore_errors"):
            row["failed"] += 1  # rescued failures too: the outcome, at the end, says what stood
        return True

    def settle(self, outcomes: dict) -> None:
        """Each row's status, as the run's outcomes say."""
        for host, outcome in outcomes.items():
            row = self.hosts.setdefault(host, {"step": "", "ok": 0, "changed": 0, "failed": 0})
            row["status"] = outcome["status"]

    def table(self):
        from rich.table import Table
        from rich.text import Text

        from vethlab.files import printable

        table = Table(title="vethlab: %s" % (self.step or "starting"))
        for column in ("machine", "step", "ok", "changed", "failed", "status"):
            table.add_column(column)
        for host, row in sorted(self.hosts.items()):
            style = {"failed": "red", "unreachable": "yellow", "passed": "green", "done": "green"}.get(row["status"], "")
            cells = (host, row["step"], str(row["ok"]), str(row["changed"]), str(row["failed"]), row["status"])
            table.add_row(*(Text(printable(cell)) for cell in cells), style=style)  # Text: no markup read in a name
        return table


def command_line(command: str, extra: list[str], lessons=None, refresh: int = 0, check: bool = False, capture: bool = False) -> list[str]:
    """The ansible-playbook arguments a command gives its playbook: the user's -e, then the command's own."""
    cmdline = []
    for item in extra:
        cmdline += ["-e", item]
    if command == "down":
        cmdline += ["-e", "lab_teardown_images=false"]
    if command == "check" or check:
        cmdline += ["--check"]
    if command in ("prepare", "grade", "restore", "reset") and lessons:
        cmdline += ["-e", json.dumps({"lab_lessons": lessons})]
    if command == "grade" and refresh:
        cmdline += ["-e", "lab_grade_refresh=%d" % refresh]
    if command == "grade" and capture:
        cmdline += ["-e", "lab_grade_capture=true"]
    return cmdline


@contextlib.contextmanager
def live_board(quiet: bool):
    """The live table of a run: yields the board and the events' handler (any thread may call it; ``handler(None)``
    draws the board again), and ends the table's last line before the summary starts."""
    from rich.console import Console
    from rich.live import Live

    board, drawing, console = Board(), threading.Lock(), Console(stderr=True)
    with Live(board.table(), console=console, refresh_per_second=4, transient=quiet) as live:

        def handler(event):
            with drawing:
                if event is not None:
                    board.handle(event)
                live.update(board.table())
            return True

        yield board, handler
    if not quiet:
        console.print()


def run_playbook(
    command: str,
    inventory: str,
    limit: str | None,
    extra: list[str],
    quiet: bool,
    lessons: list[str] | None = None,
    refresh: int = 0,
    check: bool = False,
    capture: bool = False,
    trust_new_keys: bool = False,
) -> tuple[int, Board, dict]:
    """Run the command's playbook; return ansible's exit code, the board and what the callback decided
    (``interrupted``: Ctrl-C stopped the run, which ansible-runner then cancelled)."""
    import ansible_runner

    bin_dir = str(Path(sys.executable).parent)
    cmdline = command_line(command, extra, lessons, refresh, check, capture)
    with tempfile.TemporaryDirectory(prefix="vethlab-runner-") as private, live_board(quiet) as (board, handler):
        decided = Path(private) / "outcomes.json"
        interrupted = []
        previous = signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))
        try:
            result = ansible_runner.run(
                **runner_options(private, ROOT / PLAYBOOKS[command], inventory, limit, cmdline),
                envvars={
                    **ssh_settings(inventory, trust_new_keys),
                    "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
                    "ANSIBLE_CALLBACK_PLUGINS": str(ROOT / "callback_plugins"),
                    "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
                    "VETHLAB_OUTCOMES_FILE": str(decided),
                },
                event_handler=handler,
                quiet=True,
                cancel_callback=lambda: bool(interrupted),
            )
        finally:
            signal.signal(signal.SIGINT, previous)
        outcomes = json.loads(decided.read_text(encoding="utf-8")) if decided.is_file() else {"outcomes": {}, "summary": None}
        outcomes["interrupted"] = bool(interrupted)
        board.settle(outcomes["outcomes"])
        handler(None)
    return result.rc, board, outcomes


def runner_options(private: str, playbook: Path, inventory: str, limit: str | None, cmdline: list[str]) -> dict:
    """How the vethlab command runs a playbook through ansible-runner: in a private folder of its own, in the
    project's folder, with the facts of ansible.cfg's day-long cache - ansible-runner would point the fact cache at
    its private folder (ANSIBLE_CACHE_PLUGIN_CONNECTION), which is new every time, unless its fact cache type is
    other than jsonfile."""
    return {
        "private_data_dir": private,
        "project_dir": str(ROOT),
        "playbook": str(playbook),
        "inventory": os.path.abspath(inventory),
        "limit": limit,
        "cmdline": " ".join(_quote(part) for part in cmdline) or None,
        "fact_cache_type": "ansible.cfg",
        # ansible-runner asks cancel_callback (Ctrl-C) each time its wait for the playbook's output times out: every
        # 0.2 s here, not its default 5 s, so that Ctrl-C stops a run at once and not a few steps later.
        "settings": {"pexpect_timeout": 0.2},
    }


VARIANTS_SUFFIX = ".variants"


def class_uses_variants(inventory: str, asked: bool = False) -> bool:
    """Whether the class gives each machine its own values: recorded next to its inventory the first time a command is
    given --variants, so that grade, break, reset and restore judge and act on the same values without the flag
    (a grade without them would fail the students who followed their card). Removing the file turns it off."""
    from vethlab.signature import class_file

    marker = class_file(os.path.abspath(inventory), VARIANTS_SUFFIX)
    if asked and not marker.exists():
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("lab_variants: true  # written by vethlab --variants; remove this file to turn it off\n", encoding="utf-8")
    return marker.exists()


def known_hosts(inventory: str) -> Path:
    from vethlab.signature import class_file

    return class_file(os.path.abspath(inventory), KNOWN_HOSTS_SUFFIX)


def control_dir(known: Path) -> str:
    """Where the class's SSH connections are kept open between tasks: a folder of its own (named by its known_hosts),
    short enough for a socket's path."""
    import hashlib

    return os.path.expanduser("~/.ansible/cp/vethlab-%s" % hashlib.sha256(str(known).encode("utf-8")).hexdigest()[:12])


def ssh_settings(inventory: str, trust_new_keys: bool = False) -> dict[str, str]:
    """How the vethlab command checks SSH host keys: as ansible-playbook does (ansible-runner would turn it off),
    unless the user turned it off (ANSIBLE_HOST_KEY_CHECKING=False). The keys are looked up in the class's own
    known_hosts (next to its inventory), then the user's; with ``trust_new_keys`` a machine met for the first time
    has its key recorded there (ssh's accept-new), and a changed key is still refused. Its SSH connections are its
    own (a control path apart from ansible-playbook's), so none opened without key checking is reused."""
    known = known_hosts(inventory)
    known.parent.mkdir(parents=True, exist_ok=True)
    files = "UserKnownHostsFile=%s %s" % (known, os.path.expanduser("~/.ssh/known_hosts"))
    args = ["-o", files] + (["-o", "StrictHostKeyChecking=accept-new"] if trust_new_keys else [])
    extra = os.environ.get("ANSIBLE_SSH_COMMON_ARGS", "")
    return {
        "ANSIBLE_HOST_KEY_CHECKING": os.environ.get("ANSIBLE_HOST_KEY_CHECKING", "True"),
        "ANSIBLE_SSH_COMMON_ARGS": " ".join([extra, *(_quote(arg) for arg in args)]).strip(),
        # The class's own SSH connections: never one that a run without key checking left open (ControlPersist) reused.
        "ANSIBLE_SSH_CONTROL_PATH_DIR": os.environ.get("ANSIBLE_SSH_CONTROL_PATH_DIR", control_dir(known)),
    }


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vethlab", description="Run the docker0/veth lab on a class of machines.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("up", "run the whole lesson on every machine, then the class report"),
        ("check", "only look: ip addr, pings, checkpoints and reports; change nothing on the machines"),
        ("keys", "meet each machine once and record its SSH host key next to the inventory (a changed key is refused)"),
        ("down", "remove the lab's containers on every machine, nothing else"),
        ("prepare", "every student machine ready for the lesson typed by hand: Docker, the image, lab-check, the task card"),
        ("grade", "judge each student's own lab (changing nothing), keep the history, draw the class board"),
        ("restore", "build the lab's own reference state of the lessons before --to LESSON, so a student can go on"),
        ("reset", "remove the containers and network the student made for the lessons (only with -l), listing them"),
        ("break", "the troubleshooting lesson: one fault in each machine's working lab (recorded here), or --undo"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("-i", "--inventory", required=True, help="inventory file or folder")
        command.add_argument("-l", "--limit", help="only these machines (an Ansible pattern)")
        command.add_argument("-e", "--extra-vars", action="append", default=[], help="VAR=VALUE or JSON, as ansible-playbook -e")
        command.add_argument("-q", "--quiet", action="store_true", help="clear the live table at the end")
        if name in ("up", "prepare"):
            command.add_argument(
                "--trust-new-keys",
                action="store_true",
                help="record the SSH host key of a machine met for the first time (as vethlab keys)",
            )
        if name == "up":
            command.add_argument(
                "--workers",
                metavar="W1,W2",
                help="run the class in slices on these execution nodes ([user@]host[:port], over SSH, ansible-runner worker"
                " there), then merge the slices' reports into the class's (docs/awx.md)",
            )
            command.add_argument("--slices", type=int, metavar="N", help="with --workers: how many slices (default: one per worker)")
            command.add_argument(
                "--worker-command",
                default="ansible-runner worker",
                metavar="CMD",
                help="with --workers: how a worker starts ansible-runner's worker (default: ansible-runner worker)",
            )
            command.add_argument(
                "--ssh-key",
                metavar="FILE",
                help="with --workers: the private key of the students' machines, sent to each worker's ssh-agent",
            )
        if name in ("prepare", "grade", "reset"):
            command.add_argument("--lessons", nargs="+", help="the lessons: docker0, link, network, connect or all (default: docker0)")
        if name in ("up", "check", "prepare", "grade", "restore"):
            command.add_argument(
                "--variants", action="store_true", help="each machine its own values (lab_variants=true; or set it in the inventory)"
            )
        if name == "restore":
            command.add_argument("--to", required=True, metavar="LESSON", help="the lesson the student goes on with")
        if name in ("restore", "reset"):
            command.add_argument("--check", action="store_true", help="say what would change, change nothing")
        if name == "break":
            command.add_argument(
                "--fault",
                default="random",
                help="random (default), nomaster, eth0_down, address_deleted, wrong_route, icmp_dropped, wrong_bridge",
            )
            command.add_argument("--undo", action="store_true", help="put back exactly what the last break did on each machine")
        if name == "grade":
            command.add_argument(
                "--watch", type=int, metavar="SECONDS", help="grade again every SECONDS while the class works (Ctrl-C stops)"
            )
            command.add_argument(
                "--path", action="store_true", help="also capture the lessons' pings at every hop of the veth pairs (C21, C22)"
            )
    report = sub.add_parser("report", help="render the class report again from the report folder")
    report.add_argument(
        "-i", "--inventory", default=str(ROOT / "inventory" / "local.yml"), help="the class's inventory (default: inventory/local.yml)"
    )
    report.add_argument("-d", "--report-dir", help="the report folder (default: reports/<the inventory's name>/, as the lab writes it)")
    report.add_argument(
        "--verify",
        metavar="FILE",
        nargs="+",
        help="say whether each file (lab.json, lab.md, lab.zh.md) is exactly as the controller signed it, which machine and run"
        " it is of, and whether that machine has a later result",
    )
    report.add_argument("--machine", metavar="NAME", help="with --verify: the machine each file must be of (default: its folder's)")
    report.add_argument(
        "--merge",
        metavar="DIR",
        nargs="+",
        help="one class report from these report folders of the class (slices, runs with --limit): each machine's newest"
        " result, written into the report folder (-d, or the class's)",
    )
    for command in sub.choices.values():
        command.add_argument(
            "--language", choices=("en", "zh"), default=default_language(), help="the summary's language (default: from LANG; en)"
        )
    return parser


def inventory_view(inventory: str, limit: str | None = None) -> tuple[list[str], list[str], dict]:
    """The inventory as the lab reads it: its machines, those -l selects, and the class's variables (its first
    machine's: lab_class_id, lab_class_roster, which AWX copies into every slice)."""
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.vars.manager import VariableManager

    loader = DataLoader()
    found = InventoryManager(loader=loader, sources=[os.path.abspath(inventory)])
    everyone = [host.name for host in found.get_hosts()]
    selected = [host.name for host in found.get_hosts(pattern=limit or "all")]
    variables = VariableManager(loader=loader, inventory=found).get_vars(host=found.get_hosts()[0]) if everyone else {}
    return everyone, selected, variables


def class_folder(inventory: str, variables: dict | None = None) -> Path:
    """The class's report folder, as the lab names it: reports/<lab_class_id> when the inventory sets it, else
    reports/<the inventory's name> (roles/lab/vars/main.yml, lab_class_id_used). ``variables``: the class's, when
    already read (inventory_view)."""
    from vethlab.files import inventory_folder, machine_folder

    if variables is None:
        try:
            variables = inventory_view(inventory)[2]
        except Exception:  # noqa: BLE001 - an inventory Ansible cannot read: the lab would not run on it either
            variables = {}
    given = variables.get("lab_class_id")
    return ROOT / "reports" / (machine_folder(str(given)) if given else inventory_folder(inventory))


def default_language() -> str:
    """Chinese when the user's locale is Chinese (LANG=zh_CN.UTF-8), else English."""
    return "zh" if os.environ.get("LC_ALL", os.environ.get("LANG", "")).startswith("zh") else "en"


def main(argv: list[str] | None = None) -> int:
    from vethlab.files import printable
    from vethlab.module_utils.vethlab_texts import say
    from vethlab.report import DONE, outcome_line, previous_summary, render_class_report, summary_lines

    args = build_parser().parse_args(argv)
    if args.command != "report" and os.path.exists(args.inventory) and class_uses_variants(args.inventory, args.__dict__.get("variants")):
        args.extra_vars = [*args.extra_vars, "lab_variants=true"]

    if args.command == "report" and args.verify:
        return verify_files(args.verify, args.inventory, args.language, args.machine, args.report_dir)
    if args.command == "report" and args.merge:
        from vethlab.report import merge_reports

        try:
            summary = merge_reports(Path(args.report_dir) if args.report_dir else class_folder(args.inventory), args.merge)
        except ValueError as error:
            print("vethlab report --merge: %s" % error, file=sys.stderr)
            return EXIT_USAGE
        print("\n".join(summary_lines(summary, args.language)))
        return EXIT_PASSED if summary["passed"] else EXIT_FAILED
    if args.command == "report":
        report_dir = Path(args.report_dir) if args.report_dir else class_folder(args.inventory)
        previous = previous_summary(report_dir)
        if previous is None:
            print("vethlab report: %s has no summary.json; run 'vethlab up' first" % report_dir, file=sys.stderr)
            return EXIT_USAGE
        summary = render_class_report(
            report_dir, previous["hosts"], previous["outcomes"], previous["run"], previous, previous.get("languages") or ["en"]
        )
        print("\n".join(summary_lines(summary, args.language)))
        return EXIT_PASSED if summary["passed"] else EXIT_FAILED

    if not os.path.exists(args.inventory):
        print("vethlab %s: no inventory at %s" % (args.command, args.inventory), file=sys.stderr)
        return EXIT_USAGE
    if args.command == "grade":
        return grade(args)
    if args.command == "up" and args.workers:
        return up_on_workers(args)
    if args.command == "break":
        args.extra_vars = [*args.extra_vars, json.dumps({"lab_break_fault": args.fault, "lab_break_undo": args.undo})]
    lessons = args.__dict__.get("lessons")
    if args.command in ("restore", "reset"):
        from vethlab.module_utils.vethlab_lessons import ids

        if not args.limit:
            print("vethlab %s: name the machines with -l (e.g. -l student07): it is done only where asked" % args.command, file=sys.stderr)
            return EXIT_USAGE
        if args.command == "restore":
            if args.to not in ids()[1:]:
                print("vethlab restore: --to names the lesson to go on with: one of %s" % ", ".join(ids()[1:]), file=sys.stderr)
                return EXIT_USAGE
            lessons = ids()[: ids().index(args.to)]
        lessons = lessons or ["all"]
    trust = args.command == "keys" or bool(args.__dict__.get("trust_new_keys"))
    rc, board, decided = run_playbook(
        args.command,
        args.inventory,
        args.limit,
        args.extra_vars,
        args.quiet,
        lessons,
        check=bool(args.__dict__.get("check")),
        trust_new_keys=trust,
    )
    outcomes, summary = decided["outcomes"], decided["summary"]
    if decided.get("interrupted"):
        return interrupted(args.command, board, args.language)
    if not outcomes:
        print("vethlab %s: no machine matched in %s (ansible exit %d)" % (args.command, args.inventory, rc), file=sys.stderr)
        return EXIT_USAGE
    if args.command == "reset":
        for host, row in sorted(board.hosts.items()):
            removed = row.get("removed") or {}
            found = [*removed.get("containers", []), *removed.get("networks", [])]
            verb = "would remove" if args.check else "removed"
            print(printable("%s: %s %s" % (host, verb, ", ".join(found) if found else "nothing (no container or network of the lessons)")))
    if args.command == "break":
        for host, row in sorted(board.hosts.items()):
            if row.get("fault"):
                print(
                    printable("%s: %s" % (host, ("put back: %s" if args.undo else "broken: %s (the teacher's record only)") % row["fault"]))
                )
    if args.command in ("prepare", "reset", "break", "keys"):
        undone = {host: outcome for host, outcome in outcomes.items() if outcome["status"] != DONE}
        if args.command == "prepare":
            print(say("prepare.summary", args.language, done=len(outcomes) - len(undone), machines=len(outcomes)))
        if args.command == "keys":
            print(
                say(
                    "keys.summary",
                    args.language,
                    done=len(outcomes) - len(undone),
                    machines=len(outcomes),
                    path=known_hosts(args.inventory),
                )
            )
        for host, outcome in sorted(undone.items()):
            print(outcome_line(host, outcome, args.language))
        return EXIT_FAILED if undone else EXIT_PASSED
    if args.command == "down":
        undone = {host: outcome for host, outcome in outcomes.items() if outcome["status"] != DONE}
        print(say("class.down", args.language, done=len(outcomes) - len(undone), machines=len(outcomes)))
        for host, outcome in sorted(undone.items()):
            print(outcome_line(host, outcome, args.language))
        return EXIT_FAILED if undone else EXIT_PASSED
    if summary is None:  # the run ended before its settings step: the settings themselves failed
        for host, outcome in sorted(outcomes.items()):
            print(outcome_line(host, outcome, args.language))
        return EXIT_FAILED
    print("\n".join(summary_lines(summary, args.language)))
    return EXIT_PASSED if summary["passed"] else EXIT_FAILED


def up_on_workers(args) -> int:
    """vethlab up --workers: the class in slices on execution nodes (vethlab/workers.py), one class report."""
    from vethlab.files import printable
    from vethlab.report import summary_lines
    from vethlab.signature import class_file, class_secret, secret_path
    from vethlab.workers import GONE_SUFFIX, parse_worker, run_sliced

    def refuse(message: str) -> int:
        print("vethlab up --workers: %s" % message, file=sys.stderr)
        return EXIT_USAGE

    workers = [part for part in args.workers.split(",") if part.strip()]
    try:
        for worker in workers:
            parse_worker(worker)
    except ValueError as error:
        return refuse(str(error))
    if not workers:
        return refuse("name at least one worker")
    if args.slices is not None and args.slices < 1:
        return refuse("--slices must be 1 or more (%d given)" % args.slices)
    try:
        key = Path(args.ssh_key).read_text(encoding="utf-8") if args.ssh_key else None
    except OSError as error:
        return refuse("cannot read --ssh-key %s: %s" % (args.ssh_key, error.strerror))
    everyone, hosts, variables = inventory_view(args.inventory, args.limit)
    roster = list(variables.get("lab_class_roster") or everyone)  # the class: its roster, else the inventory's machines
    if not hosts:
        return refuse("no machine matched in %s" % args.inventory)
    try:
        secret = class_secret(secret_path(os.path.abspath(args.inventory)))
    except ValueError as error:
        return refuse(str(error))
    board = None
    try:
        with live_board(args.quiet) as (board, handler):
            summary, done = run_sliced(
                project=ROOT,
                inventory=os.path.abspath(args.inventory),
                roster=roster,
                hosts=hosts,
                workers=workers,
                count=args.slices or len(workers),
                command=args.worker_command,
                cmdline=command_line("up", args.extra_vars),
                secret=secret,
                ssh_key=key,
                known_hosts=known_hosts(args.inventory),
                handler=handler,
                out=class_folder(args.inventory, variables),
                languages=["en", "zh"],
                trust_new_keys=bool(args.trust_new_keys),
                gone_file=class_file(os.path.abspath(args.inventory), GONE_SUFFIX),
            )
            board.settle({machine["host"]: machine for machine in summary["machines"] if machine["host"] in hosts})
            handler(None)
    except KeyboardInterrupt:
        return interrupted("up", board or Board(), args.language)
    for run in done:
        said = "lost: " + run.error if run.error else "done" + (" (run again here: %s)" % run.retried_after if run.retried_after else "")
        print(printable("slice %d (%s) on %s: %s" % (run.number + 1, ", ".join(run.hosts), run.worker, said)))
    print("\n".join(summary_lines(summary, args.language)))
    return EXIT_PASSED if summary["passed"] else EXIT_FAILED


def latest_run(report_dir: Path, host: str) -> dict | None:
    """The machine's latest result in a report folder: the run of the lab.json its summary names (None: none)."""
    from vethlab.report import previous_summary
    from vethlab.signature import run_of

    summary = previous_summary(report_dir) or {}
    outcome = (summary.get("outcomes") or {}).get(host) or {}
    try:
        return run_of(json.loads(Path(outcome.get("report") or "").read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def verify_files(files: list[str], inventory: str, language: str, machine: str | None = None, report_dir: str | None = None) -> int:
    """vethlab report --verify: each file's signature against the class's secret (next to its inventory), byte for
    byte; the machine and run it is of; refused when it is another machine's than its folder (or ``machine``) says,
    and marked superseded when that machine has a later result in the report folder."""
    from vethlab.files import machine_folder, printable
    from vethlab.module_utils.vethlab_texts import say
    from vethlab.signature import class_secret, secret_path, verify

    path = secret_path(inventory)
    try:
        secret = class_secret(path, create=False)
    except FileNotFoundError:
        print(say("verify.no_secret", language, path=str(path), inventory=inventory), file=sys.stderr)
        return EXIT_USAGE
    every = True
    for name in files:
        try:
            data = Path(name).read_bytes()
        except OSError as error:
            print(say("verify.unreadable", language, file=name, reason=error.strerror or str(error)))
            every = False
            continue
        authentic, why, run = verify(os.path.basename(name), data, secret)
        print(printable(say("verify.authentic" if authentic else "verify.forged", language, file=name, why=say(why, language))))
        if not authentic:
            every = False
            continue
        print(printable(say("verify.of", language, host=run["host"] or "-", run_id=run["run_id"] or "-", run_at=run["run_at"] or "-")))
        folder = Path(name).resolve().parent
        # The machine it must be: the one asked, else its folder's (a machine's folder in a report folder).
        expected = machine or (folder.name if (folder.parent / "summary.json").is_file() else None)
        if expected and machine_folder(run["host"]) != machine_folder(expected):
            print(printable(say("verify.wrong_machine", language, file=name, host=run["host"] or "-", expected=expected)))
            every = False
            continue
        reports = Path(report_dir) if report_dir else folder.parent if (folder.parent / "summary.json").is_file() else None
        reports = reports or class_folder(inventory)
        latest = latest_run(reports, run["host"])
        if latest and latest["run_id"] != run["run_id"] and latest["run_at"] > run["run_at"]:
            print(
                printable(say("verify.superseded", language, file=name, host=run["host"], run_id=latest["run_id"], run_at=latest["run_at"]))
            )
            every = False
    return EXIT_PASSED if every else EXIT_FAILED


def grade(args) -> int:
    """vethlab grade: one grade run, or one every --watch seconds until Ctrl-C; the board is vethlab/grade.py's."""
    import time

    from vethlab.grade import summary_lines
    from vethlab.report import outcome_line

    while True:
        rc, board, decided = run_playbook(
            args.command, args.inventory, args.limit, args.extra_vars, args.quiet, args.lessons, args.watch or 0, capture=args.path
        )
        if decided.get("interrupted"):
            return interrupted(args.command, board, args.language)
        if board.graded is None:
            for host, outcome in sorted(decided["outcomes"].items()):
                print(outcome_line(host, outcome, args.language))
            print("vethlab grade: no board was drawn (ansible exit %d)" % rc, file=sys.stderr)
            return EXIT_USAGE if not decided["outcomes"] else EXIT_FAILED
        print("\n".join(summary_lines(board.graded, args.language)), flush=True)
        for host, outcome in sorted(decided["outcomes"].items()):  # why a machine was not graded: the SSH error's kind
            if outcome["status"] == "unreachable":
                print(outcome_line(host, outcome, args.language), flush=True)
        if not args.watch:
            return EXIT_PASSED if board.graded["passed"] else EXIT_FAILED
        try:
            time.sleep(args.watch)
        except KeyboardInterrupt:
            return EXIT_PASSED if board.graded["passed"] else EXIT_FAILED


def interrupted(command: str, board: Board, language: str) -> int:
    """Ctrl-C: which machines had their report written before it, and which did not; exit 130."""
    from vethlab.module_utils.vethlab_texts import say

    done = sorted(host for host, row in board.hosts.items() if row.get("reported"))
    left = sorted(host for host in board.hosts if host not in done)
    print(
        say(
            "run.interrupted",
            language,
            command=command,
            done=len(done),
            machines=len(board.hosts),
            names=", ".join(done) or "-",
            left=", ".join(left) or "-",
        ),
        file=sys.stderr,
    )
    return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
