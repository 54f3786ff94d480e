#!/usr/bin/env python3
"""make bench: wall time of lab.yml against the lesson typed as a shell script.

On a warm machine (Docker installed, lab up), runs `ansible-playbook lab.yml` and
scripts/lesson.sh alternately, RUNS times each, and prints each run, the medians and,
as its last line, `ratio lab/shell: X.XX` (target: 4.0 or less). One more line before
it gives the median of lab.yml with lab_fresh=true (containers recreated, as the
shell script does), for information.

Both sides use the offline busybox image; nothing is pulled.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
IMAGE = "vethlab/busybox:latest"


def run(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    completed = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        sys.exit("bench: %s failed (exit %d): %s" % (" ".join(argv), completed.returncode, completed.stderr[-2000:]))
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each side (at least 5)")
    args = parser.parse_args()
    runs = max(5, args.runs)
    env = dict(os.environ, PATH="%s:%s" % (VENV_BIN, os.environ.get("PATH", "")))
    lab = [str(VENV_BIN / "ansible-playbook"), "lab.yml", "-e", "lab_image_source=busybox"]
    shell = ["sh", "scripts/lesson.sh", IMAGE]

    print("warming up: one lab.yml run (installs and starts Docker if needed, builds the image, starts the lab)")
    run(lab, env)
    times = {"lab": [], "shell": [], "fresh": []}
    for number in range(1, runs + 1):
        times["lab"].append(run(lab, env))
        times["shell"].append(run(shell, env))
        print("run %d: lab.yml %.2f s, lesson.sh %.2f s" % (number, times["lab"][-1], times["shell"][-1]))
    for _ in range(runs):
        times["fresh"].append(run([*lab, "-e", "lab_fresh=true"], env))
    run(lab, env)  # leave the lab as lab.yml makes it
    medians = {side: statistics.median(values) for side, values in times.items()}
    print("median lab.yml: %.2f s" % medians["lab"])
    print("median lesson.sh: %.2f s" % medians["shell"])
    print("median lab.yml -e lab_fresh=true (containers recreated): %.2f s" % medians["fresh"])
    print("ratio lab/shell: %.2f" % (medians["lab"] / medians["shell"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
