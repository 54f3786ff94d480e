#!/usr/bin/env python3
"""Capture real ``ip addr`` outputs from the local Docker engine as test fixtures.

Each scenario starts labelled containers from the offline busybox image, records

* ``host.txt`` / ``host.json``: the host's ``ip addr`` / ``ip -j addr`` (iproute2);
* ``containers/<name>.busybox.txt``: ``ip addr`` run by busybox inside the container
  (what alpine prints);
* ``containers/<name>.iproute2.txt`` / ``.iproute2.json``: the host's iproute2 run in
  the container's network namespace (``nsenter -n``);
* ``truth.json``: the kernel's own numbers, ``/sys/class/net/*/ifindex`` and
  ``iflink``, on the host and inside every container;

then removes its containers and networks.  Only containers and networks carrying the
label ``vethlab.fixture`` are ever created or removed.

The scenario ``packet-path`` records instead two pings captured at every hop (vethlab_capture.capture, the
lab's own capture): ``capture-flushed.json`` (neighbour entries flushed first: ARP in it) and
``capture-cached.json`` (the entries still cached: no ARP), each the paths with their hops and frames, in
``fixtures/packet-path/``.

Usage: python3 tests/capture_fixtures.py [SCENARIO ...]   (needs root and dockerd)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lab_engine import BUSYBOX_IMAGE, build_busybox_image, docker, sysfs_links

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "captured"
LABEL = "vethlab.fixture=1"


def run(*argv: str) -> str:
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def start(name: str, *network_args: str) -> None:
    docker("run", "-d", "--name", name, "--label", LABEL, *network_args, BUSYBOX_IMAGE, "sleep", "3600")


def cleanup() -> None:
    ids = docker("ps", "-aq", "--filter", "label=" + LABEL).split()
    if ids:
        docker("rm", "-f", *ids)
    nets = docker("network", "ls", "-q", "--filter", "label=" + LABEL).split()
    if nets:
        docker("network", "rm", *nets)


def record(scenario: str, containers: list[str]) -> None:
    target = FIXTURES / scenario
    (target / "containers").mkdir(parents=True, exist_ok=True)
    (target / "host.txt").write_text(run("ip", "addr"))
    (target / "host.json").write_text(json.dumps(json.loads(run("ip", "-j", "addr")), indent=1) + "\n")
    truth = {"host": sysfs_links(None), "containers": {}}
    for name in containers:
        pid = docker("inspect", "-f", "{{.State.Pid}}", name).strip()
        base = target / "containers" / name
        base.with_suffix(".busybox.txt").write_text(docker("exec", name, "ip", "addr"))
        base.with_suffix(".iproute2.txt").write_text(run("nsenter", "-t", pid, "-n", "ip", "addr"))
        iproute2_json = json.loads(run("nsenter", "-t", pid, "-n", "ip", "-j", "addr"))
        base.with_suffix(".iproute2.json").write_text(json.dumps(iproute2_json, indent=1) + "\n")
        truth["containers"][name] = sysfs_links(name)
    (target / "truth.json").write_text(json.dumps(truth, indent=1, sort_keys=True) + "\n")
    print("captured %s: %d containers" % (scenario, len(containers)))


def two_containers() -> list[str]:
    start("alpine01")
    start("alpine02")
    return ["alpine01", "alpine02"]


def multi_network() -> list[str]:
    docker("network", "create", "--label", LABEL, "vethlab-fixture-net")
    start("alpine01")
    docker("network", "connect", "vethlab-fixture-net", "alpine01")
    start("alpine02", "--network", "vethlab-fixture-net")
    start("isolated", "--network", "none")
    return ["alpine01", "alpine02", "isolated"]


def fifty() -> list[str]:
    names = ["alpine%02d" % number for number in range(1, 51)]
    for name in names:
        start(name)
    return names


def packet_path() -> list[str]:
    """capture01 -> capture02 and the host -> capture01, captured at every hop, twice (flushed, cached)."""
    from vethlab.module_utils.vethlab_capture import capture, hop

    names = ["capture01", "capture02"]
    for name in names:
        start(name, "--dns", "127.0.0.1")
    addresses = {name: docker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", name).strip() for name in names}
    links = {line.split(": ")[0]: line.split(": ")[1].split("@")[0] for line in run("ip", "-o", "link", "show").splitlines()}
    veths = {}
    for name in names:
        pid = docker("inspect", "-f", "{{.State.Pid}}", name).strip()
        peer = run("nsenter", "-t", pid, "-n", "ip", "-o", "link", "show", "eth0").split(": ")[1].split("@if")[1]
        veths[name] = links[peer]
    bridge_ip = json.loads(run("ip", "-j", "-4", "addr", "show", "dev", "docker0"))[0]["addr_info"][0]["local"]

    def hops(source, target):
        ends = [hop("%s:eth0" % source, source, "eth0"), hop(veths[source], None, veths[source])] if source != "host" else []
        return [
            *ends,
            hop("docker0", None, "docker0", bridge=True),
            hop(veths[target], None, veths[target]),
            hop("%s:eth0" % target, target, "eth0"),
        ]

    def runner(argv):
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        return done.returncode, done.stdout, done.stderr

    target = FIXTURES.parent / "packet-path"  # beside captured/, whose folders are ip addr scenarios
    target.mkdir(parents=True, exist_ok=True)
    for kind, flush in (("flushed", True), ("cached", False)):
        paths = [
            {"source": "capture01", "target": "capture02", "source_ip": addresses["capture01"], "target_ip": addresses["capture02"]},
            {"source": "host", "target": "capture01", "source_ip": bridge_ip, "target_ip": addresses["capture01"]},
        ]
        for path in paths:
            path["hops"] = hops(path["source"], path["target"])
        capture(paths, runner, ["busybox", "ping"], flush=flush)
        (target / ("capture-%s.json" % kind)).write_text(json.dumps(paths, indent=1) + "\n")
    print("captured packet-path: two pings, flushed and cached")
    return []


SCENARIOS = {"two-containers": two_containers, "multi-network": multi_network, "fifty": fifty}
OTHERS = {"packet-path": packet_path}


def main(argv: list[str]) -> int:
    build_busybox_image()
    for scenario in argv or [*SCENARIOS, *OTHERS]:
        cleanup()
        try:
            if scenario in OTHERS:
                OTHERS[scenario]()
            else:
                record(scenario, SCENARIOS[scenario]())
        finally:
            cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
