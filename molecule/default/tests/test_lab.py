"""The independent verifier (pytest-testinfra): the checkpoints recomputed from the machine.

It imports nothing of vethlab. On each machine of the scenario it reads the kernel (sysfs on the
host and inside each container, `ip` for addresses and the default route), asks Docker for each
container's state, and pings every cell of the lesson's matrix itself. Each test recomputes one
checkpoint of the docker0 lesson, requires it to pass, and requires the machine's lab.json (written
by the run, on the controller) to say the same thing; then every veth pair of every container the
lab made (found by its label) against the kernel, and every cell of every lesson's pings (by address
or by name) pinged again. A machine that contradicts its report fails here: a cable cut after the
converge, a report that claims a pass the kernel does not show.
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path

import pytest

LESSON_CONTAINERS = ["alpine01", "alpine02"]
LAB_LABEL = "vethlab.lab"
# name ifindex iflink master flags, for every interface in sysfs.
SYSFS = (
    'for d in /sys/class/net/*; do m=$(readlink "$d/master" 2>/dev/null || true); '
    'echo "${d##*/} $(cat "$d/ifindex") $(cat "$d/iflink") ${m##*/}" $(cat "$d/flags"); done'
)
IFF_UP = 0x1


def interfaces(text):
    """{name: {ifindex, iflink, master, up}} from the SYSFS loop's output."""
    found = {}
    for line in text.splitlines():
        words = line.split()
        if len(words) == 4:  # no master
            words.insert(3, "")
        name, ifindex, iflink, master, flags = words
        found[name] = {"ifindex": int(ifindex), "iflink": int(iflink), "master": master, "up": bool(int(flags, 16) & IFF_UP)}
    return found


def run(host, argv):
    """Run an argument list on the machine (testinfra quotes each argument)."""
    return host.run(" ".join(["%s"] * len(argv)), *argv)


def ipv4(host, argv):
    """The first 'inet A/N' of `ip -4 -o addr show ...`, as an interface, or None."""
    words = run(host, argv).stdout.split()
    return ipaddress.ip_interface(words[words.index("inet") + 1]) if "inet" in words else None


def pings(host, argv):
    """Whether one echo request is answered (bounded: one request, two seconds)."""
    return run(host, argv).rc == 0


class Machine:
    """Everything the verifier saw on one machine, and the lab.json the run wrote for it."""

    def __init__(self, host):
        variables = host.ansible.get_variables()
        name = variables["inventory_hostname"]
        report = Path(variables["lab_report_dir"]) / name / "lab.json"
        assert report.is_file(), "%s: the run wrote no %s" % (name, report)
        self.name, self.report = name, json.loads(report.read_text(encoding="utf-8"))
        self.containers = variables.get("lab_containers", LESSON_CONTAINERS)
        self.ping = ["ping"] if host.exists("ping") else ["busybox", "ping"]
        self.host_links = interfaces(host.check_output(SYSFS))
        self.bridge = ipv4(host, ["ip", "-4", "-o", "addr", "show", "dev", "docker0"]) if host.interface("docker0").exists else None
        route = host.check_output("ip -4 route show default").split()
        device = route[route.index("dev") + 1] if "dev" in route else None
        self.primary = ipv4(host, ["ip", "-4", "-o", "addr", "show", "dev", device]) if device else None
        self.running, self.eth0, self.links = {}, {}, {}
        labelled = run(host, ["docker", "ps", "--filter", "label=%s=true" % LAB_LABEL, "--format", "{{.Names}}"]).stdout.split()
        for container in dict.fromkeys(self.containers + labelled):
            self.running[container] = host.docker(container).is_running
            if self.running[container]:
                self.links[container] = interfaces(run(host, ["docker", "exec", container, "sh", "-c", SYSFS]).stdout)
                address = ipv4(host, ["docker", "exec", container, "ip", "-4", "-o", "addr", "show", "dev", "eth0"])
                self.eth0[container] = dict(self.links[container].get("eth0") or {}, address=address)
        self.cells = self._ping_the_matrix(host)
        self.host = host

    def veth_of(self, container):
        """The host interface that is the other end of the container's eth0: both directions agree."""
        eth0 = self.eth0.get(container) or {}
        return [
            name
            for name, link in self.host_links.items()
            if eth0 and link["ifindex"] == eth0.get("iflink") and link["iflink"] == eth0.get("ifindex") and name != "lo"
        ]

    def _ping_the_matrix(self, host):
        """(checkpoint, source, address) -> answered, for every cell of the lesson, pinged here."""
        lesson = {name: self.eth0[name] for name in self.containers if name in self.eth0}
        addresses = {name: str(eth0["address"].ip) for name, eth0 in lesson.items() if eth0.get("address")}
        cells = {}
        for address in addresses.values():
            cells["C5", "host", address] = pings(host, [*self.ping, "-c", "1", "-W", "2", address])
        for name in addresses:
            inside = ["docker", "exec", name, "ping", "-c", "1", "-W", "2"]
            if self.bridge:
                cells["C6", name, str(self.bridge.ip)] = pings(host, [*inside, str(self.bridge.ip)])
            if self.primary:
                cells["C7", name, str(self.primary.ip)] = pings(host, [*inside, str(self.primary.ip)])
            for other, address in addresses.items():
                if other != name:
                    cells["C8", name, address] = pings(host, [*inside, address])
        return cells

    def reported(self, checkpoint):
        return next(c for c in self.report["checkpoints"] if c["id"] == checkpoint)


@pytest.fixture(scope="module")
def machine(host):
    return Machine(host)


def agree(machine, checkpoint, passed, seen):
    """The checkpoint passes on the machine, and the report says what the machine shows."""
    reported = machine.reported(checkpoint)
    assert reported["passed"] == passed, "%s %s: lab.json says %s, the machine shows %s (%s)" % (
        machine.name,
        checkpoint,
        "passed" if reported["passed"] else "failed",
        "passed" if passed else "failed",
        seen,
    )
    assert passed, "%s %s fails on the machine: %s" % (machine.name, checkpoint, seen)


def test_c1_docker0_is_up_with_an_ipv4_address(machine):
    link = machine.host_links.get("docker0") or {}
    passed = bool(link.get("up")) and machine.bridge is not None
    agree(machine, "C1", passed, "docker0 %s, %s" % ("up" if link.get("up") else "down or missing", machine.bridge))
    assert machine.report["bridge"]["ipv4"] == [str(machine.bridge)]


def test_c2_each_container_runs_with_an_eth0_address_in_docker0s_subnet(machine):
    network = machine.bridge.network if machine.bridge else None
    seen = {}
    for name in machine.containers:
        address = (machine.eth0.get(name) or {}).get("address")
        seen[name] = "%s, eth0 %s" % ("running" if machine.running[name] else "not running", address)
        seen[name] += "" if address and network and address.ip in network else " (not in %s)" % network
    agree(machine, "C2", all(s.startswith("running") and "(not in" not in s for s in seen.values()), seen)
    assert [machine.report["states"][name] == "running" for name in machine.containers] == [
        machine.running[name] for name in machine.containers
    ]


def test_c3_each_eth0_pairs_with_one_veth_on_docker0_the_indexes_crossing_over(machine):
    seen = {name: [(veth, machine.host_links[veth]["master"]) for veth in machine.veth_of(name)] for name in machine.containers}
    passed = all(len(veths) == 1 and veths[0][1] == "docker0" for veths in seen.values())
    agree(machine, "C3", passed, seen)
    reported = {
        (p["container"], p["container_ifindex"], p["host_interface"], p["host_ifindex"])
        for p in machine.report["pairs"]
        if p["container"] in machine.containers and p["container_interface"] == "eth0"
    }
    kernel = {
        (name, machine.eth0[name]["ifindex"], veth, machine.host_links[veth]["ifindex"])
        for name in machine.containers
        if name in machine.eth0
        for veth in machine.veth_of(name)
    }
    assert reported == kernel, "%s: lab.json's pairs %s, the kernel's %s" % (machine.name, sorted(reported), sorted(kernel))


def test_c4_one_lab_veth_on_docker0_per_running_container(machine):
    lab_veths = sorted(
        veth for name in machine.containers for veth in machine.veth_of(name) if machine.host_links[veth]["master"] == "docker0"
    )
    running = [name for name in machine.containers if machine.running[name]]
    agree(
        machine,
        "C4",
        bool(running) and len(lab_veths) == len(running),
        "%d lab veths on docker0 %s, %d running" % (len(lab_veths), lab_veths, len(running)),
    )


@pytest.mark.parametrize("checkpoint", ["C5", "C6", "C7", "C8"])
def test_c5_to_c8_every_cell_of_the_matrix_pinged_by_the_verifier(machine, checkpoint):
    mine = {cell: answered for cell, answered in machine.cells.items() if cell[0] == checkpoint}
    unanswered = sorted(cell for cell, answered in mine.items() if not answered)
    agree(
        machine, checkpoint, bool(mine) and not unanswered, "no reply: %s" % unanswered if unanswered else "%d cells answered" % len(mine)
    )
    reported = {
        (c["checkpoint"], c["source"], c["address"]): c["reachable"]
        for c in machine.report["reachability"]
        if c["checkpoint"] == checkpoint
    }
    assert reported == mine, "%s %s: lab.json's cells %s, the verifier's pings %s" % (machine.name, checkpoint, reported, mine)


def test_the_verdict_and_the_outside_address(machine):
    assert machine.report["passed"] is True
    assert machine.report["outside_address"] == str(machine.primary.ip)


def kernel_pairs(machine):
    """Every veth pair of every lab container, as the kernel states it: (container, interface, veth, master)."""
    pairs = set()
    for container, links in machine.links.items():
        for name, link in links.items():
            if name == "lo" or link["iflink"] == link["ifindex"]:
                continue
            for veth, host_link in machine.host_links.items():
                if host_link["ifindex"] == link["iflink"] and host_link["iflink"] == link["ifindex"]:
                    pairs.add((container, name, veth, host_link["master"]))
    return pairs


def test_every_pair_of_every_lab_container_is_the_kernels(machine):
    reported = {(p["container"], p["container_interface"], p["host_interface"], p["bridge"]) for p in machine.report["pairs"]}
    kernel = kernel_pairs(machine)
    assert reported == kernel, "%s: lab.json's pairs %s, the kernel's %s" % (machine.name, sorted(reported), sorted(kernel))


def seen(result, by_name):
    """What one ping of the verifier's says: a reply, no reply, or (by name) a name that does not resolve."""
    if result.rc == 0 and "bytes from" in result.stdout:
        return "reachable"
    if by_name and "bad address" in result.stdout + result.stderr:
        return "unresolved"
    return "unreachable"


def test_every_cell_of_every_lesson_pinged_again_by_the_verifier(machine):
    for cell in machine.report["reachability"]:
        target = cell.get("name") or cell["address"]
        argv = (
            [*machine.ping, "-c", "1", "-W", "2", target]
            if cell["source"] == "host"
            else ["docker", "exec", cell["source"], "ping", "-c", "1", "-W", "2", target]
        )
        observed = seen(run(machine.host, argv), bool(cell.get("name")))
        if observed != cell["observed"]:  # one more try before calling the report wrong: a ping may be lost
            observed = seen(run(machine.host, argv), bool(cell.get("name")))
        assert observed == cell["observed"], "%s %s: %s -> %s, lab.json says %s, the verifier sees %s" % (
            machine.name, cell["checkpoint"], cell["source"], target, cell["observed"], observed,
        )  # fmt: skip
        assert cell["passed"] == (cell["observed"] == cell["expected"])
