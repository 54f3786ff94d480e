#!/usr/bin/env python3
"""make bench-merge: one class report from the report folders of a class of 2,000 machines run in 20 slices.

Makes the slices' folders as runs write them (each machine's lab.json, lab.md and lab.zh.md - the recorded report
of tests/fixtures/reports, named for the machine - and each slice's class report; one machine in ten failed at
C5), not timed; then times `vethlab report --merge` over them, as a teacher types it, RUNS times into a new folder
each: wall seconds, CPU seconds and the peak memory of the process. Targets (issue 30): at most 30 CPU-s and 1 GiB.
"""

from __future__ import annotations

import argparse
import copy
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vethlab.files import machine_folder  # noqa: E402
from vethlab.report import render_class_report  # noqa: E402
from vethlab.workers import slices  # noqa: E402

RECORDED = json.loads((ROOT / "tests" / "fixtures" / "reports" / "lab.json").read_text(encoding="utf-8"))


def slice_folders(work: Path, machines: int, count: int) -> list[Path]:
    roster = ["s%04d" % number for number in range(1, machines + 1)]
    folders = []
    for k, part in enumerate(slices(roster, count)):
        folder = work / ("slice%02d" % k)
        outcomes = {}
        for host in part:
            lab = copy.deepcopy(RECORDED)
            lab["host"] = host
            failed = int(host[1:]) % 10 == 0
            if failed:
                lab["passed"] = False
                next(c for c in lab["checkpoints"] if c["id"] == "C5")["passed"] = False
            target = folder / machine_folder(host)
            target.mkdir(parents=True)
            (target / "lab.json").write_text(json.dumps(lab), encoding="utf-8")
            (target / "lab.md").write_text("# %s\n" % host, encoding="utf-8")
            (target / "lab.zh.md").write_text("# %s\n" % host, encoding="utf-8")
            outcomes[host] = {
                "status": "failed" if failed else "passed",
                "reason": "",
                "reason_parts": [("reason.checkpoints", {"ids": "C5"})] if failed else [],
                "report": str(target / "lab.json"),
                "lab": lab,
            }
        run = {"at": "2026-12-06T10:%02d:00Z" % k, "mode": "run", "limit": ",".join(part), "playbook": "lab.yml"}
        render_class_report(folder, roster, outcomes, run, None, ["en", "zh"])
        folders.append(folder)
    return folders


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--machines", type=int, default=2000)
    parser.add_argument("--slices", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vethlab-bench-merge-") as work:
        work = Path(work)
        started = time.perf_counter()
        folders = slice_folders(work, args.machines, args.slices)
        made = time.perf_counter() - started
        print("made %d slices of a class of %d machines in %.1f s (not timed)" % (len(folders), args.machines, made))
        figures = []
        for run in range(1, args.runs + 1):
            out = work / ("merged%d" % run)
            command = [str(ROOT / ".venv" / "bin" / "vethlab"), "report", "--merge", *map(str, folders), "-d", str(out)]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True)
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if done.returncode not in (0, 1):
                sys.exit("bench-merge: the merge failed (%d):\n%s" % (done.returncode, done.stderr[-3000:]))
            expected = "%d of %d machines passed." % (args.machines - args.machines // 10, args.machines)
            if expected not in done.stdout:
                sys.exit("bench-merge: the merge did not say %r:\n%s" % (expected, done.stdout[-2000:]))
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            figures.append((wall, cpu, after.ru_maxrss / 1024))
            print("run %d: %.1f s, cpu %.1f s, peak %.0f MiB (the largest process so far)" % (run, *figures[-1]), flush=True)
    wall, cpu = statistics.median(f[0] for f in figures), statistics.median(f[1] for f in figures)
    peak = max(f[2] for f in figures)
    print("median: %.1f s, cpu %.1f s; peak memory %.0f MiB (targets: 30 cpu s, 1024 MiB)" % (wall, cpu, peak))
    return 0


if __name__ == "__main__":
    sys.exit(main())
