#!/usr/bin/env python3
"""make bench-check: what lab-check costs a student, judging from outside, on this machine.

A warm-up lab.yml run leaves a whole docker0 lesson (alpine01, alpine02); lab-check is built as prepare installs it
(a file of root's) with prepare's record naming the lab's image by id. Then, alternately RUNS times: `lab-check
docker0` as root (the host's nsenter, ip and ping in the containers' namespaces), the same by a user of the docker
group (uid 65534 with the docker group only: one short-lived container of the recorded image runs the same judge as
root), and `docker exec alpine01 ping -c 1 <alpine02>` against `nsenter -t PID -n ping -c 1 <alpine02>` (one ping
each way, the judge's unit of work). Prints each run, the medians, and the target: the docker group's lab-check
docker0 in at most 1.0 s.
"""

from __future__ import annotations

import argparse
import grp
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
TARGET = 1.0  # seconds, lab-check docker0 by a user of the docker group


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit("bench: %s failed (exit %d): %s" % (" ".join(argv), done.returncode, done.stderr[-2000:]))
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each (at least 3)")
    runs = max(3, parser.parse_args().runs)
    env = dict(os.environ, PATH="%s:%s" % (VENV_BIN, os.environ.get("PATH", "")))
    print("warming up: one lab.yml run (the docker0 lesson, the offline busybox image)")
    dns = json.dumps({"lab_containers_dns": ["127.0.0.1"]})
    warm_up = [str(VENV_BIN / "ansible-playbook"), "lab.yml", "-e", dns, "-e", "lab_image_source=busybox"]
    subprocess.run(warm_up, cwd=ROOT, env=env, check=True, capture_output=True)

    def docker(*argv: str) -> str:
        return subprocess.run(["docker", *argv], capture_output=True, text=True, check=True).stdout.strip()

    image = docker("inspect", "--format", "{{.Image}}", "alpine01")
    folder = Path(tempfile.mkdtemp(prefix="vethlab-bench-check-"))
    folder.chmod(0o755)
    subprocess.run(
        [str(VENV_BIN / "python"), "-m", "vethlab.labcheck", str(folder / "lab-check")], cwd=ROOT, check=True, capture_output=True
    )
    (folder / "prepared.json").write_text(json.dumps({"lessons": ["docker0"], "settings": {}, "judge_image": image}))
    check = dict(os.environ, LANG="C.UTF-8", HOME=str(folder), VETHLAB_PREPARED=str(folder / "prepared.json"))
    student = ["setpriv", "--reuid", "65534", "--regid", "65534", "--groups", str(grp.getgrnam("docker").gr_gid)]
    target = docker("inspect", "--format", "{{.NetworkSettings.IPAddress}}", "alpine02")
    pid = docker("inspect", "--format", "{{.State.Pid}}", "alpine01")
    sides = {
        "lab-check docker0 (root)": [str(folder / "lab-check"), "docker0"],
        "lab-check docker0 (docker group)": [*student, str(folder / "lab-check"), "docker0"],
        "ping through docker exec": ["docker", "exec", "alpine01", "ping", "-c", "1", "-W", "2", target],
        "ping through the namespace": ["nsenter", "-t", pid, "-n", "ping", "-c", "1", "-W", "2", target],
    }
    times: dict[str, list[float]] = {name: [] for name in sides}
    try:
        for number in range(1, runs + 1):
            for name, argv in sides.items():
                times[name].append(timed(argv, check))
            print("run %d: %s" % (number, ", ".join("%s %.3f s" % (name, times[name][-1]) for name in sides)))
    finally:
        subprocess.run(["rm", "-rf", str(folder)], check=False)
    for name in sides:
        print("%s: median %.3f s" % (name, statistics.median(times[name])))
    group = statistics.median(times["lab-check docker0 (docker group)"])
    print("lab-check docker0 by the docker group: %.2f s (target %.1f s: %s)" % (group, TARGET, "met" if group <= TARGET else "missed"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
