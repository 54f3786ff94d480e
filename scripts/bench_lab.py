#!/usr/bin/env python3
"""make bench: lab.yml against the lesson typed by hand, like for like, on this machine.

Two comparisons, the lab with its default settings (as a user runs it, the capture included) against the lesson
by hand, run alternately RUNS times:
- fresh: the containers recreated - `ansible-playbook lab.yml -e lab_fresh=true` against
  scripts/lesson.sh (removes and recreates both containers, reads ip addr, pings every cell);
- warm: a healthy lab checked again - `ansible-playbook lab.yml` against scripts/lesson_check.sh
  (reads ip addr and pings the same cells, the name lookup included; creates nothing).
Target for both ratios: 4.0.
Then what the capture adds to a warm run: lab.yml as it runs by default (the docker0 lesson's ping
captured at every hop, C21, ping-path.pcapng) against lab.yml -e lab_capture=false, alternately.
Prints each run (wall seconds and the CPU seconds of the process and its children), the medians,
both ratios, `capture adds: X.XX s` (the median of the pairwise differences) and, as its last line,
`ratio lab/shell: X.XX`, the larger of the two ratios.

The warm-up builds the offline busybox image (lab_image_source=busybox), so nothing is ever
pulled; the timed lab.yml runs then use the default settings (image source auto: the image
present), as a rerun does, and the shell runs the same image. Both sides give the containers DNS
127.0.0.1: no name lookup leaves this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
DNS = json.dumps({"lab_containers_dns": ["127.0.0.1"]})
TARGET = 4.0  # lab.yml's wall time against the lesson by hand, warm and fresh


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the command and every process it waited for)."""
    cpu, start = children_cpu(), time.perf_counter()
    completed = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        sys.exit("bench: %s failed (exit %d): %s" % (" ".join(argv), completed.returncode, completed.stderr[-2000:]))
    return elapsed, children_cpu() - cpu


def median(runs: list[tuple[float, float]], index: int) -> float:
    return statistics.median(run[index] for run in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each side of each comparison (at least 3)")
    args = parser.parse_args()
    runs = max(3, args.runs)
    env = dict(os.environ, PATH="%s:%s" % (VENV_BIN, os.environ.get("PATH", "")))
    lab = [str(VENV_BIN / "ansible-playbook"), "lab.yml", "-e", DNS]
    print("warming up: one lab.yml run (installs and starts Docker if needed, builds the image, starts the lab)")
    run([*lab, "-e", "lab_image_source=busybox"], env)
    image = subprocess.run(
        ["docker", "inspect", "--format", "{{.Config.Image}}", "alpine01"], capture_output=True, text=True, check=True
    ).stdout.strip()
    print("both sides run the image %s" % image)
    plain = [*lab, "-e", "lab_capture=false"]
    sides = {
        "warm": (lab, ["sh", "scripts/lesson_check.sh"]),
        "fresh": ([*lab, "-e", "lab_fresh=true"], ["sh", "scripts/lesson.sh", image]),
    }
    times: dict[str, dict[str, list]] = {name: {"lab": [], "shell": []} for name in sides}
    for name, (lab_argv, shell_argv) in sides.items():
        if name == "warm":
            run(lab, env)  # a healthy lab, as lab.yml makes it
        for number in range(1, runs + 1):
            times[name]["lab"].append(run(lab_argv, env))
            times[name]["shell"].append(run(shell_argv, env))
            (lab_wall, lab_cpu), (shell_wall, shell_cpu) = times[name]["lab"][-1], times[name]["shell"][-1]
            print(
                "%s run %d: lab.yml %.2f s (cpu %.2f s), shell %.2f s (cpu %.2f s)"
                % (name, number, lab_wall, lab_cpu, shell_wall, shell_cpu)
            )
    run(lab, env)  # a healthy lab again
    captured = []
    for number in range(1, runs + 1):
        captured.append((run(lab, env), run(plain, env)))
        (with_wall, with_cpu), (without_wall, without_cpu) = captured[-1]
        print(
            "capture run %d: lab.yml %.2f s (cpu %.2f s), lab_capture=false %.2f s (cpu %.2f s)"
            % (number, with_wall, with_cpu, without_wall, without_cpu)
        )
    run(lab, env)  # leave the lab as lab.yml makes it
    adds = statistics.median(pair[0][0] - pair[1][0] for pair in captured)
    adds_cpu = statistics.median(pair[0][1] - pair[1][1] for pair in captured)
    print(
        "capture: median lab.yml %.2f s, median lab_capture=false %.2f s; capture adds: %.2f s (cpu %.2f s), target 1.5 s"
        % (median([pair[0] for pair in captured], 0), median([pair[1] for pair in captured], 0), adds, adds_cpu)
    )
    ratios = {}
    for name in sides:
        lab_wall, shell_wall = median(times[name]["lab"], 0), median(times[name]["shell"], 0)
        ratios[name] = lab_wall / shell_wall
        print(
            "%s: median lab.yml %.2f s (cpu %.2f s), median shell %.2f s (cpu %.2f s), ratio %.2f (target %.1f: %s)"
            % (
                name,
                lab_wall,
                median(times[name]["lab"], 1),
                shell_wall,
                median(times[name]["shell"], 1),
                ratios[name],
                TARGET,
                "met" if ratios[name] <= TARGET else "missed",
            )
        )
    print("ratio lab/shell: %.2f" % max(ratios.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
