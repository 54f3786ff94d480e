"""The lab's lock: one run at a time on a machine; a bounded wait; a stale lock taken over."""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest

from vethlab.module_utils.vethlab_lock import LockBusy, acquire, read, release


class Clock:
    """Time that moves only when the lock waits."""

    def __init__(self, start=1_800_000_000.0):
        self.now = start

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_a_run_takes_the_lock_again_freely_and_gives_it_back(tmp_path):
    path, clock = str(tmp_path / "vethlab.lock"), Clock()
    first = acquire(path, "run-a", "teacher@controller", now=clock, sleep=clock.sleep)["taken"]
    assert (first["run"], first["holder"], first["since"]) == ("run-a", "teacher@controller", clock.now)
    clock.now += 30
    again = acquire(path, "run-a", "teacher@controller", now=clock, sleep=clock.sleep)["taken"]
    assert again["since"] == first["since"] and again["seen"] == clock.now  # news given
    assert release(path, "run-b") is False and read(path)["run"] == "run-a"  # not its lock
    assert release(path, "run-a") is True and read(path) is None


def test_a_second_run_waits_a_bounded_time_then_says_who_holds_it_since_when(tmp_path):
    path, clock = str(tmp_path / "vethlab.lock"), Clock()
    acquire(path, "run-a", "teacher@controller", now=clock, sleep=clock.sleep)
    with pytest.raises(LockBusy) as busy:
        acquire(path, "run-b", "student@vm", wait=5, now=clock, sleep=clock.sleep)
    message = str(busy.value)
    assert message.startswith(
        "another lab run holds this machine: teacher@controller, since 2027-01-15 08:00:00 UTC (run run-a); waited 5 s"
    )
    assert str(path) in message and read(path)["run"] == "run-a"


def test_the_second_run_goes_on_once_the_first_gives_the_lock_back(tmp_path):
    path, clock = str(tmp_path / "vethlab.lock"), Clock()
    acquire(path, "run-a", "teacher@controller", now=clock, sleep=clock.sleep)

    def first_finishes(seconds):
        clock.sleep(seconds)
        if clock.now - 1_800_000_000 >= 3:
            release(path, "run-a")

    taken = acquire(path, "run-b", "student@vm", wait=60, now=clock, sleep=first_finishes)
    assert taken["taken"]["run"] == "run-b" and taken["stale"] is None


def test_a_lock_without_news_is_stale_and_taken_over(tmp_path):
    path, clock = str(tmp_path / "vethlab.lock"), Clock()
    acquire(path, "run-a", "teacher@controller", stale_after=600, now=clock, sleep=clock.sleep)
    clock.now += 601
    taken = acquire(path, "run-b", "student@vm", wait=0, now=clock, sleep=clock.sleep)
    assert taken["taken"]["run"] == "run-b" and taken["stale"]["run"] == "run-a"


def test_a_local_run_whose_process_is_gone_is_stale_at_once(tmp_path):
    path, clock = str(tmp_path / "vethlab.lock"), Clock()
    gone = subprocess.Popen(["true"])
    gone.wait()
    acquire(path, "run-a", "student@this", pid=gone.pid, now=clock, sleep=clock.sleep)
    assert acquire(path, "run-b", "teacher@this", wait=0, now=clock, sleep=clock.sleep)["stale"]["run"] == "run-a"
    # A live process's lock holds.
    acquire(path, "run-b", "teacher@this", pid=os.getpid(), now=clock, sleep=clock.sleep)
    with pytest.raises(LockBusy):
        acquire(path, "run-c", "student@this", wait=0, now=clock, sleep=clock.sleep)


def test_what_is_not_a_lock_is_stale(tmp_path):
    path = tmp_path / "vethlab.lock"
    path.write_text("{half")
    clock = Clock()
    taken = acquire(str(path), "run-a", "teacher@controller", wait=0, now=clock, sleep=clock.sleep)
    assert taken["taken"]["run"] == "run-a" and json.loads(path.read_text())["run"] == "run-a"


CONTENDER = """
import os, sys, time
sys.path.insert(0, sys.argv[4])
from vethlab.module_utils.vethlab_lock import acquire, release
path, run, inside = sys.argv[1], sys.argv[2], sys.argv[3]
overlaps = 0
for round in range(int(sys.argv[5])):
    acquire(path, "%s-%d" % (run, round), run, wait=60, sleep=lambda _: time.sleep(0.0005))
    try:  # the critical section: nobody else may be in it
        os.close(os.open(inside, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        overlaps += 1
    else:
        os.unlink(inside)
    release(path, "%s-%d" % (run, round))
print(overlaps)
"""


def test_two_runs_taking_the_lock_at_once_never_both_hold_it(tmp_path):
    """Three processes take and give back the lock 400 times each, as fast as they can: none ever finds
    another inside. (A lock created empty and written after - a window in which another run read it as
    half written, took it for stale and took it over - let two runs in at once under load.)"""
    from conftest import ROOT

    path, inside = str(tmp_path / "vethlab.lock"), str(tmp_path / "inside")
    runs = [
        subprocess.Popen(["python3", "-c", CONTENDER, path, name, inside, str(ROOT), "400"], stdout=subprocess.PIPE, text=True)
        for name in ("a", "b", "c")
    ]
    overlaps = [int(run.communicate(timeout=120)[0]) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0]
    assert overlaps == [0, 0, 0]
    assert not os.path.exists(path) and [p.name for p in tmp_path.iterdir()] == ["vethlab.lock.guard"]  # the flock's file, empty


def _take_when_told(path, barrier, results, rounds):
    from vethlab.module_utils.vethlab_lock import LockBusy

    for number in range(rounds):
        barrier.wait()
        try:
            acquire(path, "run-%d-%d" % (os.getpid(), number), "teacher@controller", wait=0, stale_after=600)
            results.put(True)
        except LockBusy:
            results.put(False)
        barrier.wait()


def test_runs_finding_one_stale_lock_at_once_let_one_take_it_over(tmp_path):
    """Four processes find the same stale lock (its run's process gone) at the same moment, 150 times: each time
    exactly one takes it over, and the others wait for that one. (A takeover that removed the lock it had judged
    stale and then created its own let two in: the second removed the first's new lock.)"""
    import multiprocessing

    path, workers, rounds = str(tmp_path / "vethlab.lock"), 4, 150
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(workers + 1), context.Queue()
    processes = [context.Process(target=_take_when_told, args=(path, barrier, results, rounds)) for _ in range(workers)]
    for process in processes:
        process.start()
    winners = []
    try:
        for number in range(rounds):
            with open(path, "w", encoding="utf-8") as handle:  # a lock whose local process is gone: stale at once
                json.dump({"run": "ghost-%d" % number, "since": 0, "seen": time.time(), "pid": 2**22 + 1, "local": True}, handle)
            barrier.wait(timeout=30)
            winners.append(sum(results.get(timeout=30) for _ in range(workers)))
            barrier.wait(timeout=30)
    finally:
        for process in processes:
            process.join(timeout=30)
    assert winners == [1] * rounds
