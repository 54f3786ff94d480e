#!/usr/bin/env python3
"""make bench-fleet: a simulated class of 1 node and of 4 nodes, its time and the controller's cost.

Starts N student machines with the fleet scenario's image and recipe (systemd, sshd, no Docker),
times `ansible-playbook lab.yml` against them (Docker installed through systemd on each, then the
whole lesson) with a cold fact cache, as a class's first run has it, removes them, RUNS times for
each size. Prints each run (wall seconds, and the controller's CPU seconds: ansible-playbook and
every process it waited for, its SSH clients included), the medians, the controller's CPU per
student machine and what a class of 200 would cost it, and last `ratio 4 nodes/1 node: X.XX`.
Needs the node image: `molecule create -s fleet` builds it once (the script does that when it is
missing).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
ENV = dict(os.environ, PATH="%s:%s" % (BIN, os.environ.get("PATH", "")), NO_COLOR="1")


def sh(*argv: str, check: bool = True, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, check=check, capture_output=True, text=True, env=env or ENV, **kwargs)


def node_image(repository: str = "vethlab/student-node") -> str:
    """The fleet scenario's node image (vethlab/student-node; -engine: with Docker preinstalled), built when missing."""
    images = sh("docker", "images", "--format", "{{.Repository}}:{{.Tag}}", repository).stdout.split()
    if not images:
        sh(str(BIN / "molecule"), "create", "--scenario-name", "fleet", cwd=ROOT)
        sh(str(BIN / "molecule"), "destroy", "--scenario-name", "fleet", cwd=ROOT)
        images = sh("docker", "images", "--format", "{{.Repository}}:{{.Tag}}", repository).stdout.split()
    return images[0]


def start(names: list[str], image: str, key: Path) -> dict[str, str]:
    addresses = {}
    for name in names:
        sh("docker", "rm", "-f", name, check=False)
        sh("docker", "volume", "rm", "-f", "vethlab-bench-%s" % name, check=False)
        sh(
            "docker", "run", "--detach", "--pull=never", "--name=" + name, "--hostname=" + name, "--label=vethlab.fleet=true",
            "--cap-add=ALL", "--cap-drop=SYS_RESOURCE", "--security-opt=seccomp=unconfined", "--security-opt=apparmor=unconfined",
            "--security-opt=systempaths=unconfined", "--device-cgroup-rule=a *:* rwm", "--cgroupns=host",
            "--volume=/sys/fs/cgroup:/sys/fs/cgroup:rw", "--tmpfs=/run", "--tmpfs=/run/lock", "--tmpfs=/tmp",
            "--volume=vethlab-bench-%s:/var/lib/docker" % name, image, "/sbin/init",
        )  # fmt: skip
        public = (key.parent / (key.name + ".pub")).read_text()
        keys = "/home/teacher/.ssh/authorized_keys"
        authorize = "cat > %s && chown teacher: %s && chmod 600 %s" % (keys, keys, keys)
        sh("docker", "exec", "-i", name, "sh", "-c", authorize, input=public)
        addresses[name] = sh("docker", "inspect", "-f", "{{.NetworkSettings.IPAddress}}", name).stdout.strip()
    for address in addresses.values():
        for _ in range(240):
            try:
                with socket.create_connection((address, 22), timeout=1) as connection:
                    if connection.recv(64).startswith(b"SSH-"):
                        break
            except OSError:
                time.sleep(0.5)
    return addresses


def stop(names: list[str]) -> None:
    for name in names:
        sh("docker", "rm", "-f", name, check=False)
        sh("docker", "volume", "rm", "-f", "vethlab-bench-%s" % name, check=False)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def class_inventory(addresses: dict[str, str], key: Path, workdir: Path, **settings) -> dict:
    """The simulated class as an inventory: the machines reached over SSH as the teacher, with become, no name lookup
    leaving them, the reports in ``workdir``, and the lab's ``settings``."""
    common = {
        "ansible_user": "teacher",
        "ansible_become": True,
        "ansible_ssh_private_key_file": str(key),
        "ansible_ssh_common_args": "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
        "lab_containers_dns": ["127.0.0.1"],
        "lab_report_dir": str(workdir / "reports"),
    }
    return {"students": {"hosts": {name: {"ansible_host": address} for name, address in addresses.items()}, "vars": {**common, **settings}}}


def converge(addresses: dict[str, str], key: Path, workdir: Path, lessons: str = "docker0") -> tuple[float, float]:
    inventory = class_inventory(
        addresses, key, workdir, lab_image_source="controller", lab_image_controller_source="busybox", lab_lessons=[lessons]
    )
    path = workdir / "inventory.json"
    path.write_text(json.dumps(inventory))
    shutil.rmtree(ROOT / ".ansible" / "facts", ignore_errors=True)  # cold, as a class's first run
    cpu, started = children_cpu(), time.perf_counter()
    done = sh(str(BIN / "ansible-playbook"), "-i", str(path), "lab.yml", cwd=ROOT, check=False)
    elapsed, spent = time.perf_counter() - started, children_cpu() - cpu
    if done.returncode != 0:
        sys.exit("bench-fleet: lab.yml failed:\n%s" % done.stdout[-4000:])
    return elapsed, spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs for each size (default 3)")
    args = parser.parse_args()
    image = node_image()
    times: dict[int, list[tuple[float, float]]] = {1: [], 4: []}
    with tempfile.TemporaryDirectory(prefix="vethlab-bench-fleet-") as work:
        workdir = Path(work)
        key = workdir / "id_ed25519"
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key))
        for run in range(1, args.runs + 1):
            for size in (1, 4):
                names = ["bench%02d" % number for number in range(1, size + 1)]
                try:
                    addresses = start(names, image, key)
                    times[size].append(converge(addresses, key, workdir))
                finally:
                    stop(names)
                wall, cpu = times[size][-1]
                print("run %d: %d node(s) converged in %.1f s, controller cpu %.1f s" % (run, size, wall, cpu), flush=True)
    wall = {size: statistics.median(run[0] for run in values) for size, values in times.items()}
    cpu = {size: statistics.median(run[1] for run in values) for size, values in times.items()}
    per_machine = (cpu[4] - cpu[1]) / 3  # what one more student machine costs the controller
    fixed = cpu[1] - per_machine  # what a run costs whatever the class's size
    print("median converge, 1 node: %.1f s, controller cpu %.1f s" % (wall[1], cpu[1]))
    print("median converge, 4 nodes: %.1f s, controller cpu %.1f s" % (wall[4], cpu[4]))
    print("controller cpu per student machine: %.2f s (and %.1f s per run whatever the size)" % (per_machine, fixed))
    print(
        "a class of 200 on one controller: about %.0f cpu seconds, at least %.0f s on its %d cores"
        % (fixed + 200 * per_machine, (fixed + 200 * per_machine) / (os.cpu_count() or 1), os.cpu_count() or 1)
    )
    print("ratio 4 nodes/1 node: %.2f" % (wall[4] / wall[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
