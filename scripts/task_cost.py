#!/usr/bin/env python3
"""What one task costs the controller per machine: the CPU of ansible-playbook (and every process it waited for,
its SSH clients included) for 50 tasks of one kind, against the inventory's first machine and against all of them.

    .venv/bin/python scripts/task_cost.py [-i INVENTORY] [--tasks 50]

Without -i it starts three simulated student machines (the fleet scenario's node image, over SSH with a key made for
the run, as make bench-fleet does) and removes them at the end.

Kinds: a module run on the machine over its connection (`ansible.builtin.command: true`), and two that run on the
controller only (`ansible.builtin.debug`, `ansible.builtin.set_fact`). Prints, for each, the CPU per task per machine:
(CPU with all - CPU with one) / (machines - 1) / tasks. Runs nothing but `true` on the machines.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
KINDS = {
    "command over the connection": "    - ansible.builtin.command: 'true'\n      changed_when: false\n",
    "debug, on the controller": "    - ansible.builtin.debug: {msg: cost}\n",
    "set_fact, on the controller": "    - ansible.builtin.set_fact: {vethlab_cost_%d: 1}\n",
}


def cpu_of(argv: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=dict(os.environ, PATH="%s:%s" % (BIN, os.environ["PATH"])))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit("task_cost: %s failed:\n%s" % (" ".join(argv), done.stdout[-3000:]))
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-i", "--inventory", help="machines to measure on (default: three simulated ones)")
    parser.add_argument("--tasks", type=int, default=50)
    args = parser.parse_args()
    if args.inventory:
        return measure(args.inventory, args.tasks)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_fleet import node_image, sh, start, stop

    names = ["cost%02d" % number for number in range(1, 4)]
    with tempfile.TemporaryDirectory(prefix="vethlab-task-cost-") as work:
        key = Path(work) / "id_ed25519"
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key))
        try:
            addresses = start(names, node_image(), key)
            inventory = Path(work) / "machines.yml"
            common = "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
            inventory.write_text(
                "all:\n  hosts:\n%s  vars: {ansible_user: teacher, ansible_ssh_private_key_file: %s, ansible_ssh_common_args: '%s'}\n"
                % ("".join("    %s: {ansible_host: %s}\n" % item for item in addresses.items()), key, common)
            )
            return measure(str(inventory), args.tasks)
        finally:
            stop(names)


def measure(inventory: str, count: int) -> int:
    """Print each kind's controller CPU per task per machine on ``inventory``'s machines."""
    import json

    listed = subprocess.run([str(BIN / "ansible-inventory"), "-i", inventory, "--list"], capture_output=True, text=True, check=True)
    hosts = sorted(set(json.loads(listed.stdout).get("_meta", {}).get("hostvars", {})))
    if len(hosts) < 2:
        sys.exit("task_cost: the inventory needs two machines or more (%d found)" % len(hosts))
    with tempfile.TemporaryDirectory(prefix="vethlab-task-cost-") as work:
        for kind, task in KINDS.items():
            playbook = Path(work) / "cost.yml"
            tasks = "".join(task % number if "%d" in task else task for number in range(count))
            playbook.write_text("- hosts: all\n  gather_facts: false\n  tasks:\n" + tasks)
            base = [str(BIN / "ansible-playbook"), "-i", inventory, str(playbook)]
            cpu_of(base)  # warm: connections opened, plugins cached
            one, everyone = cpu_of([*base, "-l", hosts[0]]), cpu_of(base)
            per = (everyone - one) / (len(hosts) - 1) / count
            print("%-30s %.1f ms controller CPU per task per machine (%d tasks: 1 machine %.2f s, %d machines %.2f s)"
                  % (kind, per * 1000, count, one, len(hosts), everyone))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
