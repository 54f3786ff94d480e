#!/usr/bin/env python3
"""make bench-workers: a class's lab run through one execution node against the same run from the controller.

Starts 4 simulated student machines (the fleet scenario's node with Docker preinstalled) and one execution node (the
fleet's base node, with this controller's Python environment mounted read-only: what an execution environment built
from execution-environment.yml holds), records their host keys, gives the class one warm-up `vethlab up`, then RUNS
times in turn: `vethlab up --workers NODE` (one slice: transmit | ssh worker | process, then the merge), the same
class by `vethlab up` from the controller, and `vethlab up --workers NODE -l bench01` (one machine). Each figure is the
whole command: wall seconds, and the controller's CPU seconds (the vethlab process and every process it waited for,
its SSH clients included; the worker's own CPU is the execution node's). Prints the medians, what the stream adds to
the wall time, and the teacher's controller's CPU per student machine with workers - (CPU with 4 - CPU with 1) / 3.
Removes what it started.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from bench_fleet import BIN, ENV, ROOT, children_cpu, node_image, sh, start, stop

from lab_engine import start_execution_node

STUDENTS = ["bench%02d" % number for number in range(1, 5)]
WORKER = "bench-worker"


def start_worker(image: str, key: Path) -> str:
    """The execution node (lab_engine.start_execution_node, on the default bridge); its address once sshd answers."""
    start_execution_node(WORKER, image, key)
    address = sh("docker", "inspect", "-f", "{{.NetworkSettings.IPAddress}}", WORKER).stdout.strip()
    for _ in range(240):
        if sh("ssh-keyscan", "-t", "ed25519", address, check=False).stdout.strip():
            return address
        time.sleep(0.5)
    sys.exit("bench-workers: the execution node's sshd never answered")


def timed(argv: list[str], env: dict) -> tuple[float, float]:
    cpu, started = children_cpu(), time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT)
    elapsed, spent = time.perf_counter() - started, children_cpu() - cpu
    if done.returncode != 0:
        sys.exit("bench-workers: %s failed (%d):\n%s" % (" ".join(argv[:4]), done.returncode, (done.stdout + done.stderr)[-4000:]))
    return elapsed, spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each command, in turn (default 5)")
    args = parser.parse_args()
    base = node_image("vethlab/student-node")
    engine = node_image("vethlab/student-node-engine")
    with tempfile.TemporaryDirectory(prefix="vethlab-bench-workers-") as work:
        work = Path(work)
        key = work / "id_ed25519"
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key))
        agent = work / "agent.sock"
        agent_pid = sh("ssh-agent", "-a", str(agent)).stdout.split("SSH_AGENT_PID=")[1].split(";")[0]
        env = dict(ENV, SSH_AUTH_SOCK=str(agent), ANSIBLE_PRIVATE_KEY_FILE=str(key))
        try:
            sh("ssh-add", str(key), env=env)
            addresses = start(STUDENTS, engine, key)
            worker = "teacher@%s" % start_worker(base, key)
            inventory = work / "class.yml"
            hosts = "".join("    %s: {ansible_host: %s}\n" % item for item in addresses.items())
            inventory.write_text(
                "all:\n  hosts:\n%s  vars:\n    ansible_user: teacher\n    ansible_become: true\n"
                "    lab_image_source: busybox\n    lab_containers_dns: [127.0.0.1]\n    lab_class_id: bench-workers\n" % hosts
            )
            vethlab = [str(BIN / "vethlab"), "up", "-i", str(inventory), "-q"]
            sliced = [
                *vethlab, "--workers", worker, "--trust-new-keys", "--ssh-key", str(key),
                "--worker-command", "env PATH=%s:/usr/bin:/bin ansible-runner worker" % BIN,
            ]  # fmt: skip
            timed([str(BIN / "vethlab"), "keys", "-i", str(inventory), "-q"], env)
            timed(vethlab, env)  # warm-up: Docker's lab state, the image, the facts
            timed(sliced, env)  # warm-up of the worker (its fact cache)
            figures = {"workers": [], "direct": [], "workers, 1 machine": []}
            for run in range(1, args.runs + 1):
                figures["workers"].append(timed(sliced, env))
                figures["direct"].append(timed(vethlab, env))
                figures["workers, 1 machine"].append(timed([*sliced, "-l", STUDENTS[0]], env))
                said = ", ".join("%s %.2f s (cpu %.2f s)" % (name, *values[-1]) for name, values in figures.items())
                print("run %d: %s" % (run, said), flush=True)
        finally:
            stop(STUDENTS)
            sh("docker", "rm", "-f", WORKER, check=False)
            sh("kill", agent_pid, check=False)
            import shutil

            shutil.rmtree(ROOT / "reports" / "bench-workers", ignore_errors=True)
    wall = {name: statistics.median(value[0] for value in values) for name, values in figures.items()}
    cpu = {name: statistics.median(value[1] for value in values) for name, values in figures.items()}
    for name in figures:
        print("median, %s: %.2f s, controller cpu %.2f s" % (name, wall[name], cpu[name]))
    added = wall["workers"] - wall["direct"]
    print("the stream (transmit | worker | process, and the merge) adds %.2f s of wall time for 4 machines" % added)
    print("controller cpu per student machine with workers: %.2f s" % ((cpu["workers"] - cpu["workers, 1 machine"]) / 3))
    print("controller cpu per student machine without (4 machines in one run): %.2f s" % (cpu["direct"] / len(STUDENTS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
