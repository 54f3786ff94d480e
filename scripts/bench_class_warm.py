#!/usr/bin/env python3
"""A warm class's lab run, this checkout against another, in turn: the controller's CPU per student machine.

Starts 4 simulated student machines (the fleet scenario's node with Docker preinstalled), gives each checkout one
warm-up run (Docker's lab state, the image, the facts), then RUNS times in turn: `ansible-playbook lab.yml` on the 4
machines, then on one of them (`-l bench01`), from this checkout and from the one --against names (a `git worktree
add` of an earlier commit; both run with this checkout's .venv). Each figure is the whole command: wall seconds and
the controller's CPU seconds (every process it waited for, the SSH clients included; the machines' own CPU is
theirs). Prints the medians and the controller's CPU per student machine, (CPU with 4 - CPU with 1) / 3, and per run
whatever the class's size. Removes what it started.

    .venv/bin/python scripts/bench_class_warm.py --against /tmp/before [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_fleet import BIN, ENV, ROOT, children_cpu, class_inventory, node_image, sh, start, stop

STUDENTS = ["bench%02d" % number for number in range(1, 5)]


def lab_run(tree: Path, inventory: Path, *more: str) -> tuple[float, float]:
    env = dict(ENV, ANSIBLE_CONFIG=str(tree / "ansible.cfg"))
    cpu, started = children_cpu(), time.perf_counter()
    done = sh(str(BIN / "ansible-playbook"), "-i", str(inventory), "lab.yml", *more, cwd=tree, env=env, check=False)
    elapsed, spent = time.perf_counter() - started, children_cpu() - cpu
    if done.returncode != 0:
        sys.exit("bench-class-warm: lab.yml in %s failed:\n%s" % (tree, done.stdout[-4000:]))
    return elapsed, spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, type=Path, help="another checkout of the project (git worktree add)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each checkout, in turn (default 5)")
    args = parser.parse_args()
    trees = {"this": ROOT, "against": args.against.resolve()}
    if not (trees["against"] / "lab.yml").is_file():
        sys.exit("bench-class-warm: %s has no lab.yml: name a checkout of the project" % trees["against"])
    figures: dict[tuple[str, int], list[tuple[float, float]]] = {(name, size): [] for name in trees for size in (4, 1)}
    with tempfile.TemporaryDirectory(prefix="vethlab-bench-class-") as work:
        workdir = Path(work)
        key = workdir / "id_ed25519"
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key))
        try:
            addresses = start(STUDENTS, node_image("vethlab/student-node-engine"), key)
            inventory = workdir / "class.json"
            inventory.write_text(json.dumps(class_inventory(addresses, key, workdir, lab_image_source="busybox")))
            for tree in trees.values():
                lab_run(tree, inventory)  # warm-up
            for run in range(1, args.runs + 1):
                for name, tree in trees.items():
                    figures[name, 4].append(lab_run(tree, inventory))
                    figures[name, 1].append(lab_run(tree, inventory, "-l", STUDENTS[0]))
                said = ", ".join("%s %d: %.2f s (cpu %.2f s)" % (*key, *values[-1]) for key, values in figures.items())
                print("run %d: %s" % (run, said), flush=True)
        finally:
            stop(STUDENTS)
    for name, tree in trees.items():
        wall = {size: statistics.median(value[0] for value in figures[name, size]) for size in (4, 1)}
        cpu = {size: statistics.median(value[1] for value in figures[name, size]) for size in (4, 1)}
        per_machine = (cpu[4] - cpu[1]) / (len(STUDENTS) - 1)
        print(
            "median, %s (%s): 4 machines %.2f s, cpu %.2f s; 1 machine %.2f s, cpu %.2f s; controller cpu per student machine"
            " %.2f s, and %.2f s per run whatever the size"
            % (name, tree, wall[4], cpu[4], wall[1], cpu[1], per_machine, cpu[1] - per_machine)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
