"""A container's network as the lesson needs it (the lab's to repair) and the host's bridges (reported only)."""

from __future__ import annotations

import copy

import pytest

from conftest import load_captured
from vethlab.module_utils.vethlab_health import bridge_problems, container_problems, health
from vethlab.module_utils.vethlab_pairing import pair_veths, parse_outputs

HOST, CONTAINERS, _ = load_captured("two-containers", "txt", "busybox.txt")
ON_DOCKER0 = ["docker0"]


@pytest.fixture
def veths():
    return pair_veths(*parse_outputs(HOST, CONTAINERS))


def codes(problems):
    return [found["code"] for found in problems]


def eth0(veths, name):
    return next(iface for iface in veths["containers"][name] if iface["name"] == "eth0")


def test_the_captured_lab_is_healthy(veths):
    containers, bridges = health(veths, ["alpine01", "alpine02"], {"alpine01": ON_DOCKER0, "alpine02": ON_DOCKER0}, ["docker0"])
    assert containers == {"alpine01": [], "alpine02": []} and bridges == {"docker0": []}


def test_eth0_down_is_named_now_and_after_the_repair_in_both_languages(veths):
    eth0(veths, "alpine01")["flags"].remove("UP")
    (found,) = container_problems(veths, "alpine01", ON_DOCKER0)
    assert (found["code"], found["params"], found["is"], found["was"]) == (
        "eth0_down",
        {"interface": "eth0"},
        "eth0 is down",
        "eth0 was down",
    )
    assert found["i18n"]["zh"] == {"is": "eth0 处于关闭（down）状态", "was": "eth0 曾处于关闭（down）状态"}
    assert container_problems(veths, "alpine02", ON_DOCKER0) == []


def test_an_address_outside_the_bridges_subnet_or_none_is_a_problem(veths):
    eth0(veths, "alpine01")["ipv4"] = ["10.9.0.2/24"]
    eth0(veths, "alpine02")["ipv4"] = []
    assert codes(container_problems(veths, "alpine01", ON_DOCKER0)) == ["eth0_no_address"]
    assert "172.17.0.0/16" in container_problems(veths, "alpine02", ON_DOCKER0)[0]["is"]


def test_the_host_veth_down_missing_or_on_another_bridge(veths):
    down, gone, moved = (copy.deepcopy(veths) for _ in range(3))
    down["pairs"][0]["host_flags"].remove("UP")
    gone["pairs"] = gone["pairs"][1:]
    moved["pairs"][0]["bridge"] = "br-1ec26c1f3dc8"
    veth = veths["pairs"][0]["host_interface"]
    assert container_problems(down, "alpine01", ON_DOCKER0)[0]["was"] == "its host veth %s was down" % veth
    assert codes(container_problems(gone, "alpine01", ON_DOCKER0)) == ["veth_missing"]
    assert codes(container_problems(moved, "alpine01", ON_DOCKER0)) == ["veth_off_bridge"]


def test_no_eth0_at_all_and_a_second_interface_missing(veths):
    veths["containers"]["alpine01"] = []
    assert codes(container_problems(veths, "alpine01", ON_DOCKER0)) == ["no_eth0"]
    # Connected to a second network, it should also have an interface whose veth is on that network's bridge.
    assert codes(container_problems(veths, "alpine02", ["docker0", "br-1ec26c1f3dc8"])) == ["not_connected"]
    # Whatever Docker named it (eth2 after a reconnection): found by its veth's bridge.
    veths["pairs"][1]["bridge"] = "br-1ec26c1f3dc8"
    veths["pairs"].append(dict(veths["pairs"][1], container_interface="eth2", bridge="docker0"))
    veths["containers"]["alpine02"].append(dict(eth0(veths, "alpine02"), name="eth2"))
    assert "not_connected" not in codes(container_problems(veths, "alpine02", ["docker0", "br-1ec26c1f3dc8"]))


def test_the_bridge_down_missing_or_without_address_is_the_hosts(veths):
    veths["bridges"]["docker0"]["flags"].remove("UP")
    assert codes(bridge_problems(veths, "docker0")) == ["bridge_down"]
    veths["bridges"]["docker0"]["ipv4"] = []
    assert codes(bridge_problems(veths, "docker0")) == ["bridge_down", "bridge_no_address"]
    assert codes(bridge_problems(veths, "br-nowhere")) == ["bridge_missing"]
    # A bridge fault is not a container's: the containers stay healthy, nothing is recreated.
    assert health(veths, ["alpine01"], {"alpine01": ON_DOCKER0}, ["docker0"])[0] == {"alpine01": []}
