"""The troubleshooting lesson's faults as steps: each breaks one thing and its undo puts back exactly that."""

from __future__ import annotations

import re

import pytest

from vethlab.module_utils.vethlab_faults import FAULTS, FaultError, apply, plan, undo

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


def test_apply_runs_the_breaking_steps_in_the_containers_namespace_and_undo_only_the_record(monkeypatch):
    ran = []
    host = ip_addr(
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN",
        "3: docker0: <BROADCAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP",
        "13: veth398a65c@if12: <BROADCAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master docker0 state UP",
    )

    def runner(argv):
        ran.append(argv)
        if argv[:2] == ["docker", "inspect"]:
            return 0, "4242\n", ""
        if argv[0] == "nsenter" and argv[-5:] == ["ip", "addr", "show", "dev", "eth0"]:
            return 0, ip_addr("12: eth0@if13: <BROADCAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP"), ""
        if "route" in argv and "show" in argv:
            return 0, "default via 172.17.0.1 dev eth0\n", ""
        if argv == ["ip", "addr"]:
            return 0, host, ""
        if argv[:4] == ["ip", "addr", "show", "dev"]:
            return 0, block(host, argv[4]), ""
        return 0, "", ""

    record = apply(runner, "nomaster", ["alpine01"])
    assert record == {
        "fault": "nomaster",
        "container": "alpine01",
        "undo": [{"netns": None, "argv": ["ip", "link", "set", "veth398a65c", "master", "docker0"]}],
    }
    assert ["ip", "link", "set", "veth398a65c", "nomaster"] in ran
    ran.clear()
    undo(runner, record)
    assert ran[-1] == ["ip", "link", "set", "veth398a65c", "master", "docker0"] and len([a for a in ran if "set" in a]) == 1
    with pytest.raises(FaultError, match="runs ip or iptables, not rm"):
        undo(runner, {"undo": [{"netns": None, "argv": ["rm", "-rf", "/"]}]})


HOST_LINKS = ip_addr(
    "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN",
    "4: eth0: <BROADCAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast master br0 state UP",
    "5: docker0: <BROADCAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP",
    "13: veth398a65c@if12: <BROADCAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master docker0 state UP",
)


def host_runner(eth0_line, ran):
    """The host as `ip addr` shows it; the container's eth0 as ``eth0_line`` says."""

    def runner(argv):
        ran.append(argv)
        if argv[:2] == ["docker", "inspect"]:
            return 0, "4242\n", ""
        if argv[0] == "nsenter" and argv[-5:] == ["ip", "addr", "show", "dev", "eth0"]:
            return 0, ip_addr(eth0_line.strip()), ""
        if argv == ["ip", "addr"]:
            return 0, HOST_LINKS, ""
        if argv[:4] == ["ip", "addr", "show", "dev"]:
            return 0, block(HOST_LINKS, argv[4]), ""
        return 0, "", ""

    return runner


@pytest.mark.parametrize("eth0_line", ["12: eth0@if4: <UP>\n", "12: eth0@if99: <UP>\n", "3: eth0@if13: <UP>\n"])
def test_a_host_link_that_is_not_the_containers_peer_is_never_taken_for_its_veth(eth0_line):
    """Index 4 is the host's own eth0 (no pair); 99 is no link; a veth whose peer is another container's eth0 (12,
    not 3) is not this one's. Each: the fault is refused and no link is set."""
    ran = []
    with pytest.raises(FaultError, match="host veth was not found"):
        apply(host_runner(eth0_line, ran), "nomaster", ["alpine01"])
    assert not [argv for argv in ran if argv[:3] == ["ip", "link", "set"]]


@pytest.mark.parametrize("link", ["eth0", "docker0", "lo"])
def test_an_undo_that_would_move_a_host_link_which_is_no_veth_changes_nothing(link):
    ran = []
    record = {
        "fault": "nomaster",
        "container": "alpine01",
        "undo": [
            {"netns": "alpine01", "argv": ["ip", "link", "set", "eth0", "up"]},
            {"netns": None, "argv": ["ip", "link", "set", link, "master", "docker0"]},
        ],
    }
    with pytest.raises(FaultError, match="%s is not a veth pair's end on this machine; nothing was changed" % link):
        undo(host_runner("12: eth0@if13: <UP>\n", ran), record)
    assert not [argv for argv in ran if "set" in argv]
