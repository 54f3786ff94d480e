"""Checkpoints C1-C8 judged from captured outputs and reachability cells."""

from __future__ import annotations

import copy

import pytest
from vethlab_checkpoints import CHECKPOINTS, evaluate, matrix

from conftest import load_captured
from vethlab_ip import pair_veths

HOST, CONTAINERS, _ = load_captured("two-containers", "txt", "busybox.txt")
NAMES = ["alpine01", "alpine02"]


@pytest.fixture
def veths():
    return pair_veths(HOST, CONTAINERS)


def all_cells(veths, reachable=True):
    addresses = {name: veths["containers"][name][0]["ipv4"][0].split("/")[0] for name in NAMES}
    cells = matrix(NAMES, addresses, ("172.17.0.1", "docker0"), "192.0.2.2")
    for cell in cells:
        cell.update(reachable=reachable, as_expected=reachable, detail="1 of 1 echo requests answered")
    return cells


def by_id(result):
    return {checkpoint["id"]: checkpoint for checkpoint in result["checkpoints"]}


def test_the_matrix_has_the_lessons_cells():
    cells = matrix(NAMES, {"alpine01": "172.17.0.2", "alpine02": "172.17.0.3"}, ("172.17.0.1", "docker0"), "192.0.2.2")
    summary = [(c["checkpoint"], c["source"], c["address"]) for c in cells]
    assert summary == [
        ("C5", "host", "172.17.0.2"),
        ("C5", "host", "172.17.0.3"),
        ("C6", "alpine01", "172.17.0.1"),
        ("C6", "alpine02", "172.17.0.1"),
        ("C7", "alpine01", "192.0.2.2"),
        ("C7", "alpine02", "192.0.2.2"),
        ("C8", "alpine01", "172.17.0.3"),
        ("C8", "alpine02", "172.17.0.2"),
    ]
    assert all(cell["expected"] for cell in cells)


def test_a_healthy_lab_passes_every_checkpoint_with_its_values(veths):
    result = evaluate(veths, NAMES, NAMES, all_cells(veths))
    checkpoints = by_id(result)
    assert list(checkpoints) == list(CHECKPOINTS)
    assert result["passed"] is True
    assert checkpoints["C1"]["detail"] == "docker0 172.17.0.1/16"
    pair = veths["pairs"][0]
    assert (
        "alpine01: eth0@if%d \u21c4 %s@if%d (master docker0)" % (pair["host_ifindex"], pair["host_interface"], pair["container_ifindex"])
        in checkpoints["C3"]["detail"]
    )
    assert checkpoints["C4"]["detail"].startswith("2 lab veths on docker0")
    answered = "1 of 1 echo requests answered"
    assert checkpoints["C5"]["detail"] == "host \u2192 alpine01 (172.17.0.2): %s; host \u2192 alpine02 (172.17.0.3): %s" % (
        answered,
        answered,
    )
    assert all(checkpoint["text"] == CHECKPOINTS[cid][1] for cid, checkpoint in checkpoints.items())


def test_a_stopped_container_fails_c2_c3_c4_naming_it(veths):
    stopped = copy.deepcopy(veths)
    del stopped["containers"]["alpine02"]
    stopped["pairs"] = [p for p in stopped["pairs"] if p["container"] != "alpine02"]
    checkpoints = by_id(evaluate(stopped, NAMES, ["alpine01"], all_cells(veths)))
    assert not checkpoints["C2"]["passed"] and "alpine02: no eth0 (not running)" in checkpoints["C2"]["detail"]
    assert not checkpoints["C3"]["passed"] and "alpine02: no eth0" in checkpoints["C3"]["detail"]
    assert checkpoints["C4"]["passed"]  # one veth, one running container
    assert checkpoints["C2"]["text"] == CHECKPOINTS["C2"][2]


def test_an_unreachable_cell_fails_its_checkpoint_only(veths):
    cells = all_cells(veths)
    for cell in cells:
        if cell["checkpoint"] == "C8" and cell["source"] == "alpine01":
            cell.update(reachable=False, as_expected=False, detail="0 of 1 echo requests answered")
    result = evaluate(veths, NAMES, NAMES, cells)
    checkpoints = by_id(result)
    assert result["passed"] is False
    assert [cid for cid, c in checkpoints.items() if not c["passed"]] == ["C8"]
    assert checkpoints["C8"]["detail"] == (
        "alpine01 \u2192 alpine02 (172.17.0.3): 0 of 1 echo requests answered; the interfaces and addresses look right:"
        " look for a firewall rule on the host dropping the bridge's traffic (iptables -S, nft list ruleset)"
    )


def test_a_failed_cell_says_where_to_look_container_first_then_the_bridge(veths):
    cells = all_cells(veths)
    for cell in cells:
        if "alpine02" in (cell["source"], cell["target"]):
            cell.update(reachable=False, as_expected=False, detail="0 of 1 echo requests answered")
    down = {"code": "eth0_down", "is": "eth0 is down", "was": "eth0 was down"}
    judged = by_id(evaluate(veths, NAMES, NAMES, cells, health={"alpine02": [down], "alpine01": []}))
    assert "alpine02: eth0 is down; a run of the lab without --check recreates it" in judged["C8"]["detail"]
    assert judged["C1"]["passed"]
    bridge_down = {"code": "bridge_down", "is": "docker0 is down", "was": "docker0 was down"}
    judged = by_id(evaluate(veths, NAMES, NAMES, all_cells(veths, reachable=False), bridge_problems=[bridge_down]))
    assert not judged["C1"]["passed"] and judged["C1"]["detail"] == "on the host, docker0 is down (docker0 172.17.0.1/16)"
    assert "on the host, docker0 is down: the lab does not change the host's network" in judged["C5"]["detail"]


def test_no_cell_measured_is_a_failure_not_a_pass(veths):
    checkpoints = by_id(evaluate(veths, NAMES, NAMES, []))
    assert [checkpoints[cid]["passed"] for cid in ("C5", "C6", "C7", "C8")] == [False] * 4
    assert checkpoints["C5"]["detail"] == "no cell was measured"


def test_no_docker0_fails_c1_and_c2(veths):
    broken = copy.deepcopy(veths)
    broken["bridges"].pop("docker0")
    checkpoints = by_id(evaluate(broken, NAMES, NAMES, all_cells(veths)))
    assert not checkpoints["C1"]["passed"] and checkpoints["C1"]["detail"] == "docker0 has no IPv4 address"
    assert not checkpoints["C2"]["passed"]


def test_a_veth_on_another_bridge_fails_c3(veths):
    moved = copy.deepcopy(veths)
    moved["pairs"][0]["bridge"] = "br-1ec26c1f3dc8"
    checkpoints = by_id(evaluate(moved, NAMES, NAMES, all_cells(veths)))
    assert not checkpoints["C3"]["passed"]
    assert "alpine01: eth0 has its veth on br-1ec26c1f3dc8" in checkpoints["C3"]["detail"]
    assert not checkpoints["C4"]["passed"]
