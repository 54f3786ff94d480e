"""The independent verifier (pytest-testinfra): the checkpoints recomputed from the machine.

It imports nothing of vethlab. On each machine of the scenario it reads the kernel (sysfs on the
host and inside each container, `ip` for addresses and the default route), asks Docker for each
container's state, and pings every cell of the lesson's matrix itself. Each test recomputes one
checkpoint of the docker0 lesson, requires it to pass, and requires the machine's lab.json (written
by the run, on the controller) to say the same thing; then every veth pair of every container the
lab made (found by its label) against the kernel, and every cell of every lesson's pings (by address
or by name) pinged again, and every checkpoint of the later lessons (C9-C22) recomputed from Docker's
own records (links, the network), the kernel (bridges, pairs), the verifier's own probes and, for the packet
path (C21, C22), its own capture on the host's hops and the containers' packet counters. A machine
that contradicts its report fails here: a cable cut after the
converge, a report that claims a pass the kernel does not show.
"""

from __future__ import annotations

import ipaddress
import json
import re
from concurrent.futures import ThreadPoolExecutor
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


def at_once(calls):
    """{key: call()} for {key: call}, the calls run side by side: each ping waits for its own reply or its timeout
    (two seconds for a cell that must not answer), not for the others'. Each call is its own command on the machine."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = {key: pool.submit(call) for key, call in calls.items()}
        return {key: future.result() for key, future in futures.items()}


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
        self.variables = variables

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
            cells["C5", "host", address] = [*self.ping, "-c", "1", "-W", "2", address]
        for name in addresses:
            inside = ["docker", "exec", name, "ping", "-c", "1", "-W", "2"]
            if self.bridge:
                cells["C6", name, str(self.bridge.ip)] = [*inside, str(self.bridge.ip)]
            if self.primary:
                cells["C7", name, str(self.primary.ip)] = [*inside, str(self.primary.ip)]
            for other, address in addresses.items():
                if other != name:
                    cells["C8", name, address] = [*inside, address]
        cells = at_once({cell: (lambda argv=argv: pings(host, argv)) for cell, argv in cells.items()})
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
    # One cell after another: the first the report got wrong fails the test at once (a cell cut off from its names
    # waits for its resolver's timeouts, about ten seconds, which side by side every cell would wait for).
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


# ---------------------------------------------------------------------------------------------- C9-C20


def probe(host, source, target):
    """One ping from a container: (reachable | unreachable | unresolved, the address a name resolved to)."""
    result = run(host, ["docker", "exec", source, "ping", "-c", "1", "-W", "2", target])
    resolved = re.search(r"^PING \S+ \(([0-9.]+)\)", result.stdout, re.MULTILINE)
    if result.rc == 0 and "bytes from" in result.stdout:
        return "reachable", resolved.group(1) if resolved else None
    if "bad address" in result.stdout + result.stderr:
        return "unresolved", None
    return "unreachable", resolved.group(1) if resolved else None


def docker_record(host, kind, name):
    """Docker's own record (docker KIND inspect NAME), or {} when there is none."""
    result = run(host, ["docker", kind, "inspect", name])
    return (json.loads(result.stdout) or [{}])[0] if result.rc == 0 else {}


class Lesson:
    """The later lessons as the verifier reads them: the names from the scenario's variables (the lesson's
    defaults otherwise), every value from the machine."""

    def __init__(self, machine):
        get = machine.variables.get
        self.machine, self.host = machine, machine.host
        self.first, self.second = machine.containers[0], machine.containers[1]
        self.link = get("lab_link_container", "alpine03")
        self.net = get("lab_network_name", "mynet")
        self.subnet, self.gateway = get("lab_network_subnet", "192.168.0.0/16"), get("lab_network_gateway", "192.168.0.1")
        self.net1, self.net2 = get("lab_network_containers", ["alpine-net-01", "alpine-net-02"])
        record = docker_record(self.host, "network", self.net)
        self.record, self.br = record, "br-%s" % record.get("Id", "")[:12]

    def address(self, name):
        found = (self.machine.eth0.get(name) or {}).get("address")
        return str(found.ip) if found else None

    def links(self, name):
        return [
            entry.split(":", 1)[0].lstrip("/")
            for entry in (docker_record(self.host, "container", name).get("HostConfig") or {}).get("Links") or []
        ]

    def file(self, name, path):
        return run(self.host, ["docker", "exec", name, "cat", path]).stdout

    def healthy(self, source):
        """The source of a cell that must fail reaches its own gateway (docker0's address) first."""
        return probe(self.host, source, str(self.machine.bridge.ip))[0] == "reachable"

    def by_name(self, source, target):
        observed, resolved = probe(self.host, source, target)
        return observed == "reachable" and resolved == self.address(target), (observed, resolved, self.address(target))

    def must_not_resolve(self, source, target):
        observed = probe(self.host, source, target)[0]
        return self.healthy(source) and observed == "unresolved", observed

    def C9(self):
        return self.must_not_resolve(self.second, self.first)

    def C10(self):
        answered, seen = self.by_name(self.link, self.second)
        return answered and self.second in self.links(self.link), (seen, self.links(self.link))

    def C11(self):
        passed, seen = self.must_not_resolve(self.second, self.link)
        return passed and self.link not in self.links(self.second), seen

    def C12(self):
        lines = [line.split() for line in self.file(self.link, "/etc/hosts").splitlines() if not line.startswith("#")]
        theirs = [words[0] for words in lines if self.second in words[1:]]
        back = [line for line in self.file(self.second, "/etc/hosts").splitlines() if self.link in line.split()[1:]]
        return theirs == [self.address(self.second)] and not back, (theirs, back)

    def C13(self):
        ipam = ((self.record.get("IPAM") or {}).get("Config") or [{}])[0]
        bridge = self.machine.host_links.get(self.br) or {}
        kernel = ipv4(self.host, ["ip", "-4", "-o", "addr", "show", "dev", self.br]) if bridge else None
        seen = (self.record.get("Driver"), ipam.get("Subnet"), ipam.get("Gateway"), self.br, bridge.get("up"), str(kernel))
        wanted = ("bridge", self.subnet, self.gateway, self.br, True, "%s/%s" % (self.gateway, self.subnet.split("/")[1]))
        return seen == wanted, seen

    def C14(self):
        seen = {
            name: [(veth, self.machine.host_links[veth]["master"]) for veth in self.machine.veth_of(name)]
            for name in (self.net1, self.net2)
        }
        return all(len(veths) == 1 and veths[0][1] == self.br for veths in seen.values()), seen

    def C15(self):
        there, seen_there = self.by_name(self.net1, self.net2)
        back, seen_back = self.by_name(self.net2, self.net1)
        return there and back, (seen_there, seen_back)

    def C16(self):
        servers = {
            name: re.findall(r"^nameserver\s+(\S+)", self.file(name, "/etc/resolv.conf"), re.MULTILINE) for name in (self.net1, self.net2)
        }
        return all("127.0.0.11" in found for found in servers.values()), servers

    def C17(self):
        observed = probe(self.host, self.second, self.address(self.net1))[0]
        return self.healthy(self.second) and observed == "unreachable", observed

    def C18(self):
        masters = sorted(master for container, _, _, master in kernel_pairs(self.machine) if container == self.first)
        return masters == sorted(["docker0", self.br]), masters

    def C19(self):
        return self.by_name(self.first, self.net1)

    def C20(self):
        return self.must_not_resolve(self.second, self.net1)


# ------------------------------------------------------------------------------------- C21, C22: the packet itself

# The verifier's own capture, run on the machine with its python3 (nothing of vethlab): a packet socket on each
# host interface named (a bridge's in promiscuous mode), the ping given after "--" run meanwhile, then each
# interface's ICMP echo packets between the two addresses as [type, id, seq], and whether the ping itself got its
# reply (a frame seen arriving is not one the kernel took). One ping, at most 3 seconds.
SNIFF = r"""
import json, select, socket, struct, subprocess, sys, time
names, source, target, ping = sys.argv[1].split(","), sys.argv[2], sys.argv[3], sys.argv[5:]
socks = {}
for name in names:
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((name, 0))
    if name == "docker0" or name.startswith("br-"):
        s.setsockopt(263, 1, struct.pack("iHH8s", socket.if_nametoindex(name), 1, 0, b""))
    socks[s] = name
seen = {name: [] for name in names}
runner = subprocess.Popen(ping, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
end = time.time() + 3
while time.time() < end:
    if runner.poll() is not None and end - time.time() > 0.2:
        end = time.time() + 0.2
    for s in select.select(list(socks), [], [], 0.05)[0]:
        frame = s.recv(65535)
        if frame[12:14] != b"\x08\x00" or frame[23] != 1:
            continue
        ip = frame[14:]
        src, dst = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
        icmp = ip[(ip[0] & 15) * 4:]
        if {src, dst} == {source, target} and icmp[0] in (0, 8):
            seen[socks[s]].append([icmp[0]] + list(struct.unpack("!HH", icmp[4:8])))
try:
    answered = runner.wait(timeout=3) == 0
except subprocess.TimeoutExpired:
    runner.kill()
    answered = False
print(json.dumps({"seen": seen, "answered": answered}))
"""


def sniff(machine, interfaces, source_ip, target_ip, ping):
    """({interface: [[type, id, seq], ...]}, answered): the ICMP echo between the two addresses each host interface
    saw while ``ping`` ran (the verifier's own capture, in the machine's namespace), and whether ping got its reply."""
    result = run(machine.host, ["python3", "-c", SNIFF, ",".join(interfaces), source_ip, target_ip, "--", *ping])
    assert result.rc == 0, "%s: the verifier's capture failed: %s" % (machine.name, result.stderr[-500:])
    found = json.loads(result.stdout)
    return found["seen"], found["answered"]


def counters(machine, container):
    """The container's eth0 packet counters (rx, tx), read from its own sysfs."""
    out = run(
        machine.host,
        ["docker", "exec", container, "cat", "/sys/class/net/eth0/statistics/rx_packets", "/sys/class/net/eth0/statistics/tx_packets"],
    )
    rx, tx = (int(word) for word in out.stdout.split())
    return rx, tx


def crossed(machine, source, target, bridges):
    """One ping from ``source`` (a container) to ``target`` seen by the verifier at every host hop - the source's
    veth, the bridges, the target's veth - with one id and seq, its reply too; and each container's eth0 counters
    moved (sent and received). Returns (passed, what was seen)."""
    source_ip, target_ip = str(machine.eth0[source]["address"].ip), str(machine.eth0[target]["address"].ip)
    hops = [*machine.veth_of(source), *bridges, *machine.veth_of(target)]
    before = {name: counters(machine, name) for name in (source, target)}
    seen, answered = sniff(machine, hops, source_ip, target_ip, ["docker", "exec", source, "ping", "-c", "1", "-W", "2", target_ip])
    after = {name: counters(machine, name) for name in (source, target)}
    requests = [{tuple(p[1:]) for p in seen[name] if p[0] == 8} for name in hops]
    replies = [{tuple(p[1:]) for p in seen[name] if p[0] == 0} for name in hops]
    moved = all(after[name][0] > before[name][0] and after[name][1] > before[name][1] for name in (source, target))
    one = set.intersection(*requests) if requests else set()
    whole = bool(one) and bool(one & set.intersection(*replies)) and moved and answered and len(hops) == len(bridges) + 2
    return whole, (hops, seen, moved, answered)


class Packet:
    """C21 and C22 as the verifier computes them: its own capture on the host's hops, the containers' counters."""

    def __init__(self, machine, lesson):
        self.machine, self.lesson = machine, lesson

    def C21(self):
        machine = self.machine
        first, second = machine.containers[:2]
        there, seen = crossed(machine, first, second, ["docker0"])
        target = str(machine.eth0[first]["address"].ip)
        hops = ["docker0", *machine.veth_of(first)]
        host, answered = sniff(machine, hops, str(machine.bridge.ip), target, [*machine.ping, "-c", "1", "-W", "2", target])
        back = answered and all(any(p[0] == 8 for p in host[name]) and any(p[0] == 0 for p in host[name]) for name in hops)
        return there and back, (seen, host, answered)

    def C22(self):
        lesson, machine = self.lesson, self.machine
        there, seen = crossed(machine, lesson.net1, lesson.net2, [lesson.br])
        # docker0's second container to the custom network's first: seen on docker0, never on br-... or past it.
        target = lesson.address(lesson.net1)
        hops = [*machine.veth_of(lesson.second), "docker0", lesson.br, *machine.veth_of(lesson.net1)]
        cut, answered = sniff(
            machine, hops, lesson.address(lesson.second), target, ["docker", "exec", lesson.second, "ping", "-c", "1", "-W", "1", target]
        )
        stops = bool(cut["docker0"]) and not answered and not cut[lesson.br] and not any(cut[name] for name in machine.veth_of(lesson.net1))
        return there and stops, (seen, cut)


def test_every_later_checkpoint_recomputed_by_the_verifier(machine):
    """C9-C22, each as the verifier computes it, must pass and agree with lab.json; a checkpoint the report has
    and the verifier cannot compute fails, so a new checkpoint cannot pass unverified."""
    lesson = Lesson(machine)
    packet = Packet(machine, lesson)
    later = [c["id"] for c in machine.report["checkpoints"] if int(c["id"][1:]) >= 9]
    assert later, "%s: lab.json has no checkpoint after C8" % machine.name
    for checkpoint in later:
        assert hasattr(lesson, checkpoint) or hasattr(packet, checkpoint), "the verifier cannot recompute %s" % checkpoint
    # The lessons' checkpoints side by side (probes and Docker's records: each waits only for its own pings); then the
    # packet path's, one at a time, so that each capture sees only its own ping.
    computed = at_once({checkpoint: getattr(lesson, checkpoint) for checkpoint in later if hasattr(lesson, checkpoint)})
    computed.update({checkpoint: getattr(packet, checkpoint)() for checkpoint in later if checkpoint not in computed})
    wrong = []
    for checkpoint in later:
        passed, seen = computed[checkpoint]
        try:
            agree(machine, checkpoint, passed, seen)
        except AssertionError as disagreement:  # every checkpoint is recomputed, then every disagreement named
            wrong.append(str(disagreement).split("\n")[0])
    assert not wrong, "\n".join(wrong)
