"""Parsing one `ip addr` output: iproute2 text and JSON, busybox text, pasted text."""

from __future__ import annotations

import json

import pytest

from conftest import read_fixture
from vethlab.module_utils.vethlab_ip import IpOutputError, parse_ip_addr


def by_name(interfaces):
    return {iface.name: iface for iface in interfaces}


def test_lesson_container_output_busybox(lesson):
    interfaces = by_name(parse_ip_addr(lesson["alpine01"], "alpine01"))
    eth0 = interfaces["eth0"]
    assert (eth0.ifindex, eth0.link_ifindex, eth0.header) == (12, 13, "eth0@if13")
    assert "M-DOWN" in eth0.flags
    assert eth0.state == "UP"
    assert eth0.mac == "02:42:ac:11:00:02"
    assert eth0.ipv4 == ["172.17.0.2/16"]
    assert interfaces["lo"].is_loopback


def test_lesson_host_output_skips_elisions_and_comments_with_a_warning(lesson):
    warnings = []
    interfaces = by_name(parse_ip_addr(lesson["host"], "host", warnings))
    assert sorted(interfaces) == ["docker0", "lo", "veth398a65c"]
    veth = interfaces["veth398a65c"]
    assert (veth.ifindex, veth.link_ifindex, veth.master, veth.link_netnsid) == (13, 12, "docker0", 0)
    assert veth.ipv6 == ["fe80::6010:aaff:fecb:5bc8/64"]
    assert interfaces["docker0"].ipv4 == ["172.17.0.1/16"]
    assert len(warnings) == 1
    assert "skipped 4 line(s)" in warnings[0] and "line 2, 3, 7, 8" in warnings[0]


def test_iproute2_text_with_altname_none_and_permaddr():
    interfaces = by_name(parse_ip_addr(read_fixture("handwritten", "ubuntu-host.txt")))
    assert interfaces["enp0s3"].altnames == ["enx0800274e66a1"]
    assert interfaces["enp0s3"].ipv4 == ["10.0.2.15/24"]
    assert interfaces["tunl0"].link_none and interfaces["tunl0"].header == "tunl0@NONE"
    assert interfaces["ip6tnl0"].link_type == "tunnel6" and interfaces["ip6tnl0"].mac is None
    assert interfaces["veth7f3a2c1"].altnames == ["vethlab-web"]
    assert interfaces["veth11aa22b"].master == "br-1ec26c1f3dc8"
    assert interfaces["veth11aa22b"].link_netnsid == 1


@pytest.mark.parametrize("scenario", ["two-containers", "multi-network"])
def test_text_and_json_of_the_same_host_agree(scenario):
    text = parse_ip_addr(read_fixture("captured", scenario, "host.txt"))
    data = parse_ip_addr(read_fixture("captured", scenario, "host.json"))
    assert [iface.as_dict() for iface in text] == [iface.as_dict() for iface in data]


def test_busybox_and_iproute2_of_the_same_container_agree_on_what_pairing_needs():
    busybox = by_name(parse_ip_addr(read_fixture("captured", "multi-network", "containers", "alpine01.busybox.txt")))
    iproute2 = by_name(parse_ip_addr(read_fixture("captured", "multi-network", "containers", "alpine01.iproute2.txt")))
    assert sorted(busybox) == sorted(iproute2) == ["eth0", "eth1", "lo"]
    for name in busybox:
        for field in ("ifindex", "link_ifindex", "mac", "ipv4"):
            assert getattr(busybox[name], field) == getattr(iproute2[name], field), (name, field)
    assert iproute2["eth0"].link_netnsid == 0 and busybox["eth0"].link_netnsid is None


def test_lost_indentation_parses_like_the_original():
    original = read_fixture("handwritten", "ubuntu-host.txt")
    flattened = "\n".join(line.strip() for line in original.splitlines())
    assert [i.as_dict() for i in parse_ip_addr(flattened)] == [i.as_dict() for i in parse_ip_addr(original)]


def test_windows_line_endings_and_leading_spaces_are_accepted(lesson):
    pasted = "\r\n".join("   " + line for line in lesson["alpine01"].splitlines())
    assert by_name(parse_ip_addr(pasted, "alpine01"))["eth0"].link_ifindex == 13


def test_point_to_point_and_bare_addresses():
    text = (
        "5: wg0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc noqueue state UNKNOWN group default qlen 1000\n"
        "    link/none \n"
        "    inet 10.9.0.1 peer 10.9.0.2/32 scope global wg0\n"
        "    inet 10.9.1.1 scope global wg0\n"
    )
    wg0 = parse_ip_addr(text)[0]
    assert wg0.link_type == "none" and wg0.mac is None
    assert wg0.ipv4 == ["10.9.0.1/32", "10.9.1.1/32"]


def test_json_link_forms():
    data = [
        {"ifindex": 1, "ifname": "lo", "flags": ["LOOPBACK"], "link_type": "loopback", "addr_info": []},
        {"ifindex": 3, "ifname": "tunl0", "link": None, "flags": ["NOARP"], "link_type": "ipip"},
        {"ifindex": 7, "ifname": "veth0", "link": "veth1", "flags": [], "link_type": "ether", "address": "AA:bb:cc:dd:ee:ff"},
        {"ifindex": 9, "ifname": "vethx", "link_index": 4, "link_netnsid": 2, "master": "docker0", "flags": [], "link_type": "ether"},
    ]
    interfaces = by_name(parse_ip_addr(json.dumps(data)))
    assert interfaces["tunl0"].link_none
    assert interfaces["veth0"].link_name == "veth1" and interfaces["veth0"].mac == "aa:bb:cc:dd:ee:ff"
    assert interfaces["vethx"].header == "vethx@if4" and interfaces["vethx"].link_netnsid == 2


@pytest.mark.parametrize(
    ("text", "source", "message", "line_number"),
    [
        ("", "host", "the output is empty", None),
        ("   \n\n", "alpine01", "the output is empty", None),
        ("hello world\n", "host", "expected an interface line", 1),
        ("1: lo: <LOOPBACK,UP> mtu 65536\n    link/loopback 00:00:00:00:00:00\ngarbage here\n", "web", "not a line of 'ip addr' output", 3),
        ("12: eth0@if13: <UP> mtu 1500\n    inet 172.17.0./16 scope global eth0\n", "alpine01", "is not an IPv4 address", 2),
        ("12: eth0@if13: <UP> mtu 1500\n    inet6 zz::1/64 scope link\n", "alpine01", "is not an IPv6 address", 2),
        ("12: eth0@if13: <UP> mtu 1500\n    link/ether\n", "alpine01", "link/ether line without a MAC", 2),
        ("12: eth0: <UP> mtu 1500\n12: eth1: <UP> mtu 1500\n", "host", "interface index 12 appears twice", 2),
        ("0: eth0: <UP> mtu 1500\n", "host", "interface index 0 is out of range", 1),
        ("12: eth0@if0: <UP> mtu 1500\n", "host", "peer index 0 is out of range", 1),
        ("12: eth0: <UP> mtu big\n", "host", "mtu 'big' is not a number", 1),
        ("......\n# nothing else\n", "host", "no interface found", None),
        ('[{"ifindex": 1, "ifname": "lo"', "host", "not valid 'ip -j addr' JSON", 1),
        ('{"ifindex": 1}', "host", "JSON must be a list", None),
        ('[{"ifindex": "1", "ifname": "lo"}]', "host", "JSON interface #0: 'ifindex' must be a positive integer", None),
        ('[{"ifindex": 1, "ifname": "bad name"}]', "host", "'ifname' must be an interface name", None),
        (
            '[{"ifindex": 2, "ifname": "e", "addr_info": [{"family": "inet", "local": "1.2.3"}]}]',
            "h",
            "needs 'local' and 'prefixlen'",
            None,
        ),
        (
            '[{"ifindex": 2, "ifname": "e", "addr_info": [{"family": "inet", "local": "::1", "prefixlen": 6}]}]',
            "h",
            "is not an inet address",
            None,
        ),
    ],
)
def test_bad_input_names_the_source_and_the_line(text, source, message, line_number):
    with pytest.raises(IpOutputError) as caught:
        parse_ip_addr(text, source)
    error = caught.value
    assert message in str(error)
    assert error.source == source
    assert error.line_number == line_number
    where = "host output" if source == "host" else "container %r output" % source
    assert str(error).startswith(where)
    if line_number is not None:
        assert repr(text.splitlines()[line_number - 1].strip()[:20])[1:-1] in str(error)


@pytest.mark.parametrize("value", [None, 5, ["1: lo: <LOOPBACK> mtu 1"], {"stdout": "x"}])
def test_output_that_is_not_text_is_refused(value):
    with pytest.raises(IpOutputError, match="expected the text of 'ip addr'"):
        parse_ip_addr(value, "alpine02")
