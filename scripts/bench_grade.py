#!/usr/bin/env python3
"""make bench-grade: what `vethlab grade` costs the controller, per student machine, on a simulated class.

Starts a simulated class of 1 node and of 4 nodes (the fleet scenario's image and recipe, as
make bench-fleet does), runs lab.yml once on them to give each a whole lab (not measured), then
times `ansible-playbook playbooks/grade.yml -e lab_lessons=all` RUNS times: the first with a cold
fact cache ("cold"), the others right after ("warm"). Prints each run (wall seconds, and the
controller's CPU seconds: ansible-playbook and every process it waited for, its SSH clients
included), then the medians and the controller CPU per student machine, cold and warm:
(cpu with 4 nodes - cpu with 1 node) / 3, and the target: at most 0.3 CPU-s per machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_fleet import BIN, ROOT, children_cpu, converge, node_image, sh, start, stop

TARGET = 0.3  # controller CPU seconds per student machine


def grade(workdir: Path, cold: bool) -> tuple[float, float]:
    if cold:
        shutil.rmtree(ROOT / ".ansible" / "facts", ignore_errors=True)
    cpu, started = children_cpu(), time.perf_counter()
    done = sh(
        str(BIN / "ansible-playbook"),
        "-i",
        str(workdir / "inventory.json"),
        "playbooks/grade.yml",
        "-e",
        "lab_lessons=all",
        cwd=ROOT,
        check=False,
    )
    elapsed, spent = time.perf_counter() - started, children_cpu() - cpu
    if done.returncode != 0:
        sys.exit("bench-grade: grade.yml failed:\n%s" % done.stdout[-4000:])
    board = json.loads((workdir / "reports" / "grade.json").read_text())
    if not board["passed"]:
        sys.exit("bench-grade: a machine of the simulated class did not pass: %s" % board["machines"])
    return elapsed, spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="grade runs for each size, the first cold (default 3)")
    args = parser.parse_args()
    image = node_image()
    measured: dict[int, dict[str, list[tuple[float, float]]]] = {}
    with tempfile.TemporaryDirectory(prefix="vethlab-bench-grade-") as work:
        workdir = Path(work)
        key = workdir / "id_ed25519"
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key))
        for size in (1, 4):
            names = ["bench%02d" % number for number in range(1, size + 1)]
            measured[size] = {"cold": [], "warm": []}
            try:
                addresses = start(names, image, key)
                converge(addresses, key, workdir, lessons="all")  # a whole lab on each machine, not measured
                for run in range(1, args.runs + 1):
                    kind = "cold" if run == 1 else "warm"
                    measured[size][kind].append(grade(workdir, cold=kind == "cold"))
                    wall, cpu = measured[size][kind][-1]
                    print("%d node(s), grade run %d (%s): %.1f s, controller cpu %.2f s" % (size, run, kind, wall, cpu), flush=True)
            finally:
                stop(names)
    for kind in ("cold", "warm"):
        cpu = {size: statistics.median(run[1] for run in measured[size][kind]) for size in measured if measured[size][kind]}
        wall = {size: statistics.median(run[0] for run in measured[size][kind]) for size in measured if measured[size][kind]}
        if len(cpu) < 2:
            continue
        per_machine = (cpu[4] - cpu[1]) / 3
        print("%s: 1 node %.1f s (cpu %.2f s), 4 nodes %.1f s (cpu %.2f s)" % (kind, wall[1], cpu[1], wall[4], cpu[4]))
        verdict = "met" if per_machine <= TARGET else "MISSED"
        print("%s: controller cpu per student machine %.2f s (target <= %.1f s: %s)" % (kind, per_machine, TARGET, verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
