"""A class's report folder is its inventory's; two runs writing one folder take turns; an interrupted run's locks
are taken over at once by the next run from the same controller."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import time

from conftest import load_action_plugin
from vethlab.files import FolderTurn, inventory_folder
from vethlab.module_utils.vethlab_lock import acquire


def test_each_inventory_has_a_report_folder_of_its_own(tmp_path):
    for name in ("classroom.yml", "local.yml", "张三班.yaml", "class 2.ini", "hosts"):
        (tmp_path / name).write_text("all: {}\n")
    assert inventory_folder(tmp_path / "classroom.yml") == "classroom"
    assert inventory_folder(str(tmp_path / "local.yml")) == "local"
    assert inventory_folder(tmp_path / "张三班.yaml") == "张三班"
    assert inventory_folder(tmp_path / "class 2.ini").startswith("class_2-")  # folded, with a hash of its own
    assert inventory_folder(tmp_path / "hosts") == "hosts"
    assert inventory_folder(str(tmp_path) + "/") == tmp_path.name  # an inventory folder
    assert inventory_folder("student01,student02,") == "adhoc" and inventory_folder(None) == "adhoc"


def _hold(folder, seconds):
    turn = FolderTurn(folder)
    turn.take("the first run")
    time.sleep(seconds)
    turn.give_back()


def test_a_second_writer_waits_for_the_first_and_is_told_who_it_is(tmp_path):
    first = multiprocessing.get_context("fork").Process(target=_hold, args=(tmp_path, 1.5))
    first.start()
    time.sleep(0.5)
    told, started = [], time.monotonic()
    turn = FolderTurn(tmp_path)
    turn.take("the second run", told.append)
    waited = time.monotonic() - started
    first.join()
    assert waited >= 0.8 and told and told[0]["what"] == "the first run" and told[0]["pid"] == first.pid
    assert json.loads((tmp_path / ".vethlab-writer").read_text())["what"] == "the second run"
    turn.give_back()


def test_a_turn_is_given_back_when_its_process_dies_however_it_dies(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from vethlab.files import FolderTurn; FolderTurn(sys.argv[1]).take('x'); time.sleep(60)",
            str(tmp_path),
        ]
    )
    time.sleep(1.0)
    holder.kill()
    holder.wait()
    told = []
    FolderTurn(tmp_path).take("next", told.append)
    assert told == []


def test_the_next_run_names_this_controllers_runs_that_are_gone(tmp_path):
    settings = load_action_plugin("lab_settings")
    runs = tmp_path / "runs.json"
    dead = subprocess.Popen(["sleep", "0"])
    dead.wait()
    assert settings.gone_runs("vm-%d-1" % dead.pid, dead.pid, "1", runs) == []
    alive = settings.process_start(1)  # pid 1 is alive
    assert settings.gone_runs("vm-1-%s" % alive, 1, alive, runs) == ["vm-%d-1" % dead.pid]
    assert sorted(json.loads(runs.read_text())) == sorted(["vm-%d-1" % dead.pid, "vm-1-%s" % alive])
    assert oct(runs.stat().st_mode & 0o777) == "0o600"


def test_a_run_is_recorded_once_and_an_ended_run_not_looked_for_again(tmp_path):
    """Every machine's settings check asks, in the same run: the file is written by the first, and a run found ended
    is marked so (its pid is not looked for in /proc again)."""
    settings = load_action_plugin("lab_settings")
    runs = tmp_path / "runs.json"
    dead = subprocess.Popen(["sleep", "0"])
    dead.wait()
    runs.write_text(json.dumps({"vm-%d-1" % dead.pid: {"pid": dead.pid, "started": "1", "at": time.time() - 60}}))
    alive = settings.process_start(1)
    first = settings.gone_runs("vm-1-%s" % alive, 1, alive, runs)
    written = runs.stat().st_mtime_ns, runs.read_bytes()
    assert first == ["vm-%d-1" % dead.pid] and json.loads(written[1])["vm-%d-1" % dead.pid]["ended"] is True
    time.sleep(0.01)
    assert settings.gone_runs("vm-1-%s" % alive, 1, alive, runs) == first  # the next machine of the same run
    assert (runs.stat().st_mtime_ns, runs.read_bytes()) == written  # not written again


def test_a_run_names_only_the_newest_gone_runs_of_the_last_hours(tmp_path):
    """The owner every step carries stays small on a controller that has run the lab hundreds of times."""
    settings = load_action_plugin("lab_settings")
    runs = tmp_path / "runs.json"
    now = time.time()
    dead = subprocess.Popen(["sleep", "0"])
    dead.wait()
    earlier = {"vm-%d-%d" % (dead.pid, n): {"pid": dead.pid, "started": str(n), "at": now - 60 * n} for n in range(1, 101)}
    earlier["vm-old"] = {"pid": dead.pid, "started": "x", "at": now - 7 * 3600}
    runs.write_text(json.dumps(earlier))
    alive = settings.process_start(1)
    gone = settings.gone_runs("vm-1-%s" % alive, 1, alive, runs)
    assert gone == sorted("vm-%d-%d" % (dead.pid, n) for n in range(1, settings.GONE_NAMED + 1))  # the newest 20
    kept = json.loads(runs.read_text())
    assert "vm-old" not in kept  # a gone run of over 6 hours ago is forgotten
    assert sorted(kept) == sorted([*gone, "vm-1-%s" % alive])  # and so is one never to be named again


def test_a_lock_of_a_gone_run_is_taken_over_at_once(tmp_path):
    path = str(tmp_path / "lab.lock")
    now = time.time()
    (tmp_path / "lab.lock").write_text(json.dumps({"run": "vm-99-1", "holder": "t@vm", "since": now, "seen": now, "stale_after": 600}))
    taken = acquire(path, "vm-100-2", "t@vm", wait=0, gone=["vm-99-1"])
    assert taken["stale"]["run"] == "vm-99-1" and taken["taken"]["run"] == "vm-100-2"


def test_nothing_a_machine_says_reaches_the_terminal_raw():
    """A reason quoting a container's stderr with escape sequences (clear the line, move up, a C1 CSI, a newline
    faking another machine's line) is printed with each control shown escaped, in every summary line."""
    from vethlab.files import printable
    from vethlab.grade import summary_lines as grade_lines
    from vethlab.report import outcome_line

    said = "exec failed\x1b[2K\x1b[1A\r\n  student08: passed\x9b31m\x07"
    outcome = {"status": "failed", "reason_parts": [("reason.step", {"step": "Verify", "task": "ping", "message": said})]}
    line = outcome_line("student07\x1b[0m", outcome)
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in line), repr(line)
    assert "\\x1b[2K\\x1b[1A\\x0d\\x0a  student08: passed\\x9b31m\\x07" in line and "student07\\x1b[0m" in line
    board = {"counts": {"passed": 0, "machines": 1}, "board": "grade.html", "machines": [
        {"machine": "student07", "passed": False, "stage": None, "reason": said}
    ]}  # fmt: skip
    assert all(not any(ord(ch) < 0x20 for ch in printed) for printed in grade_lines(board))
    assert printable("tab\tkept") == "tab\tkept"
