"""The troubleshooting lesson's faults as steps: each breaks one thing and its undo puts back exactly that."""

from __future__ import annotations

import re

import pytest

from vethlab.module_utils.vethlab_faults import FAULTS, ICMP_RULE, FaultError, allowed, apply, plan, undo

SEEN = {"cidr": "172.17.0.2/16", "gateway": "172.17.0.1", "veth": "veth398a65c", "bridges": ["docker0", "br-4aab42532443"]}


@pytest.mark.parametrize("fault", FAULTS)
def test_every_fault_has_steps_to_break_and_to_put_back(fault):
    breaks, undoes = plan(fault, "alpine01", SEEN)
    assert breaks and undoes
    assert all(step["argv"][0] in ("ip", "iptables") for step in breaks + undoes)


def test_the_steps_say_exactly_what_they_do():
    assert plan("nomaster", "alpine01", SEEN) == (
        [{"netns": None, "argv": ["ip", "link", "set", "veth398a65c", "nomaster"]}],
        [{"netns": None, "argv": ["ip", "link", "set", "veth398a65c", "master", "docker0"]}],
    )
    breaks, undoes = plan("address_deleted", "alpine01", SEEN)
    assert breaks == [{"netns": "alpine01", "argv": ["ip", "addr", "del", "172.17.0.2/16", "dev", "eth0"]}]
    assert undoes[-1]["argv"] == ["ip", "route", "replace", "default", "via", "172.17.0.1", "dev", "eth0"]
    wrong = plan("wrong_route", "alpine01", SEEN)[0][0]["argv"][5]
    assert wrong not in ("172.17.0.1", "172.17.0.2") and wrong.startswith("172.17.")
    assert plan("icmp_dropped", "alpine01", SEEN)[1][0]["argv"][:3] == ["iptables", "-D", "INPUT"]
    with pytest.raises(FaultError, match="no fault 'cable_cut'"):
        plan("cable_cut", "alpine01", SEEN)
    assert plan("wrong_bridge", "alpine01", SEEN) == (
        [{"netns": None, "argv": ["ip", "link", "set", "veth398a65c", "master", "br-4aab42532443"]}],
        [
            {"netns": None, "argv": ["ip", "link", "set", "veth398a65c", "master", "docker0"]},
            # What alpine01 learned on the other bridge (its gateway at that bridge's MAC) is forgotten too.
            {"netns": "alpine01", "argv": ["ip", "neigh", "flush", "dev", "eth0"]},
        ],
    )
    with pytest.raises(FaultError, match="no other bridge"):
        plan("wrong_bridge", "alpine01", dict(SEEN, bridges=["docker0"]))
    with pytest.raises(FaultError, match="not a container name"):
        plan("eth0_down", "$(reboot)", SEEN)


def ip_addr(*headers: str) -> str:
    """`ip addr` as iproute2 prints it, one interface per header line ("13: veth398a65c@if12: <UP> ... master docker0")."""
    out = []
    for header in headers:
        index = int(header.split(":", 1)[0])
        out += [header, "    link/ether 02:42:ac:11:00:%02x brd ff:ff:ff:ff:ff:ff" % index]
        if header.split(": ")[1].startswith("eth0@"):
            out.append("    inet 172.17.0.2/16 brd 172.17.255.255 scope global eth0")
    return "\n".join(out) + "\n"


def block(text: str, name: str) -> str:
    """One interface's lines of an `ip addr` output (what `ip addr show dev NAME` prints)."""
    chunks = re.split(r"\n(?=\d+: )", text.strip())
    return "".join(chunk + "\n" for chunk in chunks if chunk.split(": ")[1].split("@")[0] == name)


HOST_LINKS = ip_addr(
    "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN",
    "4: eth0: <BROADCAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast master br0 state UP",
    "5: docker0: <BROADCAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP",
    "13: veth398a65c@if12: <BROADCAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master docker0 state UP",
)
CONTAINER_ID = "3f2c1d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e"
OWN_NETNS, HOST_NETNS = 4026532573, 4026531840


def host_runner(eth0_line="12: eth0@if13: <BROADCAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP\n", ran=None, **machine):
    """A machine as the faults see it: Docker's record of alpine01 (``mode``, ``cid``: its network mode and id, pid
    4242), the inodes of the namespaces (``inodes``: {pid or "self": inode}), the other running containers
    (``others``: {name: pid}), alpine01's eth0 as ``eth0_line`` says, its default route (``gateway``) and the host's
    links; ``rule``: whether the lab's ICMP rule is there. Every command is recorded in ``ran``."""
    ran = [] if ran is None else ran
    inodes = {4242: OWN_NETNS, "self": HOST_NETNS, **machine.get("inodes", {})}
    others = machine.get("others", {})
    gateway = machine.get("gateway", "172.17.0.1")

    def runner(argv):
        ran.append(argv)
        if argv[:2] == ["docker", "inspect"] and argv[-1] == "alpine01":
            return 0, "%s 4242 %s\n" % (machine.get("cid", CONTAINER_ID), machine.get("mode", "bridge")), ""
        if argv[:2] == ["docker", "ps"]:
            return 0, "\n".join([CONTAINER_ID] + ["%064d" % pid for pid in others.values()]) + "\n", ""
        if argv[:2] == ["docker", "inspect"]:
            return 0, "".join("/%s %d\n" % (name, pid) for name, pid in others.items()), ""
        if argv[:4] == ["stat", "-L", "-c", "%n %i"]:  # each path named with its inode; a process gone is not printed
            owners = [(p, int(p.split("/")[2]) if p.split("/")[2].isdigit() else p.split("/")[2]) for p in argv[4:]]
            return 0, "".join("%s %s\n" % (p, inodes[owner]) for p, owner in owners if owner in inodes), ""
        if argv[0] == "nsenter" and argv[-5:] == ["ip", "addr", "show", "dev", "eth0"]:
            return 0, ip_addr(eth0_line.strip()), ""
        if argv[0] == "nsenter" and "route" in argv and "show" in argv:
            return 0, ("default via %s dev eth0\n" % gateway) if gateway else "", ""
        if argv == ["ip", "addr"]:
            return 0, HOST_LINKS, ""
        if argv[:2] == ["iptables", "-C"]:
            return (0 if machine.get("rule") else 1), "", ""
        return 0, "", ""

    return runner


def sets(ran):
    return [
        argv
        for argv in ran
        if "set" in argv or "add" in argv or "del" in argv or "replace" in argv or "flush" in argv or "-I" in argv or "-D" in argv
    ]


def test_apply_runs_the_breaking_steps_in_the_containers_namespace_and_undo_only_the_record():
    ran = []
    record = apply(host_runner(ran=ran), "nomaster", ["alpine01"])
    assert record == {
        "fault": "nomaster",
        "container": "alpine01",
        "id": CONTAINER_ID,
        "netns": OWN_NETNS,
        "veth": "veth398a65c",
        "undo": [{"netns": None, "argv": ["ip", "link", "set", "veth398a65c", "master", "docker0"]}],
    }
    assert sets(ran) == [["ip", "link", "set", "veth398a65c", "nomaster"]]
    ran.clear()
    # The veth is off docker0 now: the undo puts it back, and only that.
    off = HOST_LINKS.replace(" master docker0", "")
    runner = host_runner(ran=ran)
    assert undo(lambda argv: (0, off, "") if argv == ["ip", "addr"] else runner(argv), record) == "put back"
    assert sets(ran) == [["ip", "link", "set", "veth398a65c", "master", "docker0"]]
    with pytest.raises(FaultError, match="runs ip or iptables, not rm"):
        undo(runner, dict(record, undo=[{"netns": None, "argv": ["rm", "-rf", "/"]}]))


@pytest.mark.parametrize("eth0_line", ["12: eth0@if4: <UP>\n", "12: eth0@if99: <UP>\n", "3: eth0@if13: <UP>\n"])
def test_a_host_link_that_is_not_the_containers_peer_is_never_taken_for_its_veth(eth0_line):
    """Index 4 is the host's own eth0 (no pair); 99 is no link; a veth whose peer is another container's eth0 (12,
    not 3) is not this one's. Each: the fault is refused and no link is set."""
    ran = []
    with pytest.raises(FaultError, match="host veth was not found"):
        apply(host_runner(eth0_line, ran), "nomaster", ["alpine01"])
    assert not [argv for argv in ran if argv[:3] == ["ip", "link", "set"]]


RECORD = {"fault": "nomaster", "container": "alpine01", "id": CONTAINER_ID, "netns": OWN_NETNS, "veth": "veth398a65c"}


@pytest.mark.parametrize("link", ["eth0", "docker0", "lo"])
def test_an_undo_that_would_move_a_host_link_which_is_no_veth_changes_nothing(link):
    ran = []
    record = dict(
        RECORD,
        undo=[
            {"netns": "alpine01", "argv": ["ip", "link", "set", "eth0", "up"]},
            {"netns": None, "argv": ["ip", "link", "set", link, "master", "docker0"]},
        ],
    )
    with pytest.raises(FaultError, match="%s is not a veth pair's end of alpine01 .*; nothing was changed" % link):
        undo(host_runner(ran=ran), record)
    # A record naming the host's own eth0 as the veth is refused too: eth0 of alpine01 pairs with veth398a65c.
    with pytest.raises(FaultError, match="now pairs with veth398a65c, not %s" % link):
        undo(host_runner(ran=ran), dict(record, veth=link))
    assert not sets(ran)


@pytest.mark.parametrize(
    ("step", "why"),
    [
        ({"netns": "alpine01", "argv": ["ip", "link", "set", "eth1", "down"]}, "is not a step a fault takes in a container"),
        ({"netns": "alpine02", "argv": ["ip", "link", "set", "eth0", "up"]}, "acts in alpine02's namespace, not in alpine01's"),
        ({"netns": "alpine01", "argv": ["ip", "addr", "add", "1.2.3.4/8", "dev", "lo"]}, "is not a step a fault takes in a container"),
        ({"netns": None, "argv": ["iptables", "-F"]}, "is not a step a fault takes on the host"),
        ({"netns": None, "argv": ["ip", "route", "del", "default"]}, "is not a step a fault takes on the host"),
    ],
)
def test_every_step_of_a_record_is_one_a_fault_takes_or_nothing_runs(step, why):
    ran = []
    with pytest.raises(FaultError, match=why):
        undo(host_runner(ran=ran), dict(RECORD, undo=[{"netns": "alpine01", "argv": ["ip", "link", "set", "eth0", "up"]}, step]))
    assert ran == []  # checked before anything is even read


@pytest.mark.parametrize(
    ("machine", "why"),
    [
        ({"mode": "host"}, "runs with --network host: .* this machine's own network; nothing was changed"),
        ({"mode": "container:3e1f"}, "runs with --network container:3e1f: .* another container; nothing was changed"),
        ({"inodes": {4242: HOST_NETNS}}, "network namespace is this machine's own; nothing was changed"),
        ({"others": {"victim": 5151}, "inodes": {5151: OWN_NETNS}}, "shares its network namespace with victim"),
    ],
)
def test_a_fault_is_refused_in_a_namespace_that_is_not_the_containers_own(machine, why):
    """--network host (where eth0_down would take this machine's uplink down), a namespace joined to another
    container's, either way: nothing is set, the break and the undo alike."""
    ran = []
    for fault in ("eth0_down", "address_deleted", "wrong_route", "nomaster"):
        with pytest.raises(FaultError, match=why):
            apply(host_runner(ran=ran, **machine), fault, ["alpine01"])
    undo_steps = [{"netns": "alpine01", "argv": ["ip", "link", "set", "eth0", "up"]}]
    with pytest.raises(FaultError, match=why):
        undo(host_runner(ran=ran, **machine), dict(RECORD, netns=machine.get("inodes", {}).get(4242, OWN_NETNS), undo=undo_steps))
    assert not sets(ran)


def test_an_undo_acts_only_in_the_container_and_namespace_it_was_made_in():
    record = dict(
        RECORD, fault="address_deleted", undo=[{"netns": "alpine01", "argv": ["ip", "addr", "add", "172.17.0.2/16", "dev", "eth0"]}]
    )
    ran = []
    with pytest.raises(FaultError, match=r"it was made again.*nothing was changed, and the record is kept"):
        undo(host_runner(ran=ran, cid="9" * 64), record)
    with pytest.raises(FaultError, match="its network namespace was %d, now 4026532999" % OWN_NETNS):
        undo(host_runner(ran=ran, inodes={4242: 4026532999}), record)
    with pytest.raises(FaultError, match="names no container id and namespace"):
        undo(host_runner(ran=ran), {key: value for key, value in record.items() if key not in ("id", "netns")})
    assert not sets(ran)


def test_an_undo_after_the_students_own_fix_says_so_and_runs_nothing_but_forgetting_neighbours():
    ran = []
    steps = [
        {"netns": "alpine01", "argv": ["ip", "addr", "add", "172.17.0.2/16", "dev", "eth0"]},
        {"netns": "alpine01", "argv": ["ip", "route", "replace", "default", "via", "172.17.0.1", "dev", "eth0"]},
    ]
    assert undo(host_runner(ran=ran), dict(RECORD, fault="address_deleted", undo=steps)) == "already"
    assert not sets(ran)
    # Half fixed: the address back, the route not - only the route is put back (no "File exists").
    assert undo(host_runner(ran=ran, gateway=None), dict(RECORD, fault="address_deleted", undo=steps)) == "put back"
    assert [argv[-8:] for argv in sets(ran)] == [["ip", "route", "replace", "default", "via", "172.17.0.1", "dev", "eth0"]]
    ran.clear()
    rule = [{"netns": None, "argv": ["iptables", "-D", *ICMP_RULE]}]
    assert undo(host_runner(ran=ran, rule=False), dict(RECORD, fault="icmp_dropped", undo=rule)) == "already"
    assert undo(host_runner(ran=ran, rule=True), dict(RECORD, fault="icmp_dropped", undo=rule)) == "put back"
    assert sets(ran)[-1] == ["iptables", "-D", *ICMP_RULE]


def test_random_picks_only_among_the_faults_the_lessons_allow():
    assert "wrong_bridge" not in allowed(["docker0"]) and "wrong_bridge" in allowed(["docker0", "network"])

    class First:
        def choice(self, items):
            return list(items)[-1]  # the last: wrong_bridge, when allowed

    record = apply(host_runner(), "random", ["alpine01"], rng=First(), dry_run=True, lessons=["docker0"])
    assert record["fault"] == "icmp_dropped"
