"""Pairing container interfaces with host veths, checked against the kernel's own numbers."""

from __future__ import annotations

import itertools

import pytest

from conftest import CAPTURED, load_captured, pair_tuples, pairs_from_truth, read_fixture
from vethlab.module_utils.vethlab_pairing import IpOutputError, pair_veths, parse_outputs

HOST_FORMATS = ["txt", "json"]
CONTAINER_FORMATS = ["busybox.txt", "iproute2.txt", "iproute2.json"]


def test_the_lesson_pairs_alpine01_eth0_with_veth398a65c(lesson):
    result = pair_veths(*parse_outputs(lesson["host"], {"alpine01": lesson["alpine01"]}))
    assert pair_tuples(result) == {("alpine01", "eth0", 12, "veth398a65c", 13)}
    (pair,) = result["pairs"]
    assert pair["bridge"] == "docker0"
    assert (pair["container_peer_ifindex"], pair["host_peer_ifindex"]) == (13, 12)
    assert pair["ipv4"] == ["172.17.0.2/16"] and pair["mac"] == "02:42:ac:11:00:02"
    assert result["bridges"]["docker0"]["ipv4"] == ["172.17.0.1/16"]
    assert result["bridges"]["docker0"]["members"] == ["veth398a65c"]
    assert result["unpaired"] == []
    assert [iface["header"] for iface in result["containers"]["alpine01"]] == ["eth0@if13"]


def test_the_lesson_exec_output_with_elisions_pairs_the_same(lesson):
    result = pair_veths(*parse_outputs(lesson["host"], {"alpine01": lesson["alpine01_exec"]}))
    assert pair_tuples(result) == {("alpine01", "eth0", 12, "veth398a65c", 13)}
    assert any("alpine01" in warning for warning in result["warnings"])


@pytest.mark.parametrize(
    ("scenario", "host_format", "container_format"),
    list(itertools.product(CAPTURED, HOST_FORMATS, CONTAINER_FORMATS)),
)
def test_captured_outputs_pair_as_the_kernel_does(scenario, host_format, container_format):
    host, containers, truth = load_captured(scenario, host_format, container_format)
    expected = pairs_from_truth(truth)
    assert expected, "the capture holds no veth pair at all"
    result = pair_veths(*parse_outputs(host, containers))
    assert pair_tuples(result) == expected
    # Every host interface the kernel links into another namespace is either paired or explained.
    paired_host = {p["host_interface"] for p in result["pairs"]}
    crossing = {name for name, v in truth["host"].items() if v["iflink"] != v["ifindex"] and v["iflink"] != 0}
    unpaired_host = {u["interface"] for u in result["unpaired"] if u["side"] == "host"}
    assert crossing == paired_host | unpaired_host
    assert not paired_host & unpaired_host


def test_two_networks_pair_eth0_and_eth1_on_different_bridges():
    host, containers, _ = load_captured("multi-network", "txt", "busybox.txt")
    result = pair_veths(*parse_outputs(host, containers))
    bridges = {(p["container"], p["container_interface"]): p["bridge"] for p in result["pairs"]}
    assert bridges[("alpine01", "eth0")] == "docker0"
    assert bridges[("alpine01", "eth1")].startswith("br-")
    assert bridges[("alpine02", "eth0")] == bridges[("alpine01", "eth1")]
    assert set(result["bridges"]) == {"docker0", bridges[("alpine01", "eth1")]}
    assert sorted(result["bridges"][bridges[("alpine01", "eth1")]]["members"]) == sorted(
        p["host_interface"] for p in result["pairs"] if p["bridge"] != "docker0"
    )


def test_a_container_with_network_none_is_unpaired_with_its_reason():
    host, containers, _ = load_captured("multi-network", "txt", "busybox.txt")
    result = pair_veths(*parse_outputs(host, containers))
    (isolated,) = [u for u in result["unpaired"] if u["container"] == "isolated"]
    assert isolated["side"] == "container" and isolated["interface"] is None
    assert "--network none" in isolated["reason"]
    assert result["containers"]["isolated"] == []
    assert [iface["name"] for iface in result["containers"]["alpine01"]] == ["eth0", "eth1"]


def test_fifty_containers_each_have_exactly_one_veth_on_docker0():
    host, containers, _ = load_captured("fifty", "txt", "busybox.txt")
    assert len(containers) == 50
    result = pair_veths(*parse_outputs(host, containers))
    assert sorted(p["container"] for p in result["pairs"]) == sorted(containers)
    assert len({p["host_interface"] for p in result["pairs"]}) == 50
    assert {p["bridge"] for p in result["pairs"]} == {"docker0"}
    assert len(result["bridges"]["docker0"]["members"]) == 50
    assert result["unpaired"] == []


def test_a_veth_of_a_container_that_was_not_given_is_unpaired_on_the_host_side():
    host, containers, truth = load_captured("two-containers", "txt", "busybox.txt")
    result = pair_veths(*parse_outputs(host, {"alpine01": containers["alpine01"]}))
    assert [p["container"] for p in result["pairs"]] == ["alpine01"]
    (missing,) = result["unpaired"]
    assert missing["side"] == "host" and missing["container"] is None
    assert truth["host"][missing["interface"]]["iflink"] == truth["containers"]["alpine02"]["eth0"]["ifindex"]
    assert "not given" in missing["reason"]


def test_same_index_in_two_namespaces_pairs_by_both_directions():
    host = read_fixture("handwritten", "ubuntu-host.txt")
    result = pair_veths(*parse_outputs(host, {"web": read_fixture("handwritten", "web.txt"), "db": read_fixture("handwritten", "db.txt")}))
    assert pair_tuples(result) == {
        ("web", "eth0", 2, "veth7f3a2c1", 8),
        ("db", "eth0", 2, "vethc0ffee1", 10),
        ("db", "eth1", 3, "veth11aa22b", 12),
    }
    # Pairs come in the order the containers were given, then by interface index.
    assert [(p["container"], p["container_interface"]) for p in result["pairs"]] == [
        ("web", "eth0"),
        ("db", "eth0"),
        ("db", "eth1"),
    ]
    assert result["unpaired"] == []  # web's tunl0@NONE is not a veth and is not reported
    assert {p["host_interface"]: p["host_link_netnsid"] for p in result["pairs"]} == {
        "veth7f3a2c1": 0,
        "vethc0ffee1": 1,
        "veth11aa22b": 1,
    }


def test_no_substring_or_off_by_one_matching():
    # Container eth0@if1 must not match host veth "13" (substring of if13) nor "index + 1".
    host = (
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN\n"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
        "13: vethaaa@if12: <UP> mtu 1500 master docker0\n"
        "    link/ether 62:10:aa:cb:5b:c8 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n"
    )
    container = (
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue\n"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
        "12: eth0@if1: <UP> mtu 1500\n"
        "    link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff\n"
    )
    result = pair_veths(*parse_outputs(host, {"c": container}))
    assert result["pairs"] == []
    reasons = {u["side"]: u["reason"] for u in result["unpaired"]}
    assert "host interface 1 is lo" in reasons["container"]
    assert "peer @if13" in reasons["host"]


def test_one_direction_agreeing_is_not_a_pair():
    host = "13: vethaaa@if12: <UP> mtu 1500 master docker0\n    link/ether 62:10:aa:cb:5b:c8 brd ff:ff:ff:ff:ff:ff\n"
    container = "12: eth0@if14: <UP> mtu 1500\n    link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff\n"
    result = pair_veths(*parse_outputs(host, {"c": container}))
    assert result["pairs"] == []
    assert "no interface 14" in result["unpaired"][0]["reason"]


def test_the_same_output_under_two_names_is_ambiguous_not_paired_twice(lesson):
    result = pair_veths(*parse_outputs(lesson["host"], {"a": lesson["alpine01"], "b": lesson["alpine01"]}))
    assert result["pairs"] == []
    assert {u["container"] for u in result["unpaired"]} == {"a", "b"}
    assert all("more than one container interface" in u["reason"] for u in result["unpaired"])


def test_a_container_on_the_host_network_is_explained():
    host, _, _ = load_captured("two-containers", "txt", "busybox.txt")
    result = pair_veths(*parse_outputs(host, {"hostnet": host}))
    assert result["pairs"] == []
    assert any(u["container"] == "hostnet" and "--network host" in u["reason"] for u in result["unpaired"])


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        ({1: "x"}, "a container name must be a non-empty string, got int"),
        ({"": "x"}, "a container name must be a non-empty string"),
        ({"alpine01": {"stdout": "x"}}, "container 'alpine01' output: expected the text of 'ip addr'"),
        ({"alpine01": "not ip output"}, "container 'alpine01' output, line 1"),
        ("alpine01", "expected a mapping of container name"),
    ],
)
def test_bad_container_input_is_refused_with_its_source(lesson, outputs, message):
    with pytest.raises(IpOutputError) as caught:
        pair_veths(*parse_outputs(lesson["host"], outputs))
    assert message in str(caught.value)


def test_bad_host_output_names_the_host(lesson):
    with pytest.raises(IpOutputError, match=r"^host output, line 1: .*'docker0 is up'"):
        pair_veths(*parse_outputs("docker0 is up", {"alpine01": lesson["alpine01"]}))


def test_a_veth_of_a_container_not_given_says_why_in_every_language():
    """A user's own container on docker0: its host veth is unpaired, and the student reads why in Chinese too."""
    from conftest import load_captured

    host, containers, _ = load_captured("two-containers", "txt", "busybox.txt")
    result = pair_veths(*parse_outputs(host, {"alpine01": containers["alpine01"]}))  # alpine02 is someone else's
    (host_only,) = [item for item in result["unpaired"] if item["side"] == "host"]
    assert host_only["reason"].startswith("no given container has interface ")
    assert host_only["i18n"]["zh"]["reason"].startswith("没有哪个给定的容器有编号为 ")
