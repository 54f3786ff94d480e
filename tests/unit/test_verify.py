"""The verify step over a captured lab and recorded ping answers: every cell's why, in both languages."""

from __future__ import annotations

import pytest

from conftest import load_captured
from vethlab.module_utils.vethlab_health import problem
from vethlab.module_utils.vethlab_pairing import pair_veths
from vethlab.module_utils.vethlab_verify import verify, where_to_look

HOST, CONTAINERS, _ = load_captured("two-containers", "txt", "busybox.txt")
NAMES = ["alpine01", "alpine02"]
ANSWER = "PING {0} ({0}): 56 data bytes\n\n--- {0} ping statistics ---\n1 packets transmitted, {1} packets received\n"


@pytest.fixture
def observed():
    return {"veths": pair_veths(HOST, CONTAINERS), "running": list(NAMES), "health": {}, "bridge_problems": {}}


def answering(silent=()):
    """A runner as the default bridge answers: every address replies, except from a source to an
    address in ``silent``; no name resolves (busybox's "bad address")."""

    def runner(argv):
        source = argv[2] if argv[0] == "docker" else "host"
        target = argv[-1]
        if not target[0].isdigit():
            return 1, "", "ping: bad address '%s'\n" % target
        answered = 0 if (source, target) in silent else 1
        return (0 if answered else 1), ANSWER.format(target, answered), ""

    return runner


def run(observed, runner):
    return verify(observed, NAMES, "192.0.2.2", "docker0", runner, attempts=1)


def test_a_healthy_lab_passes_with_every_cell_reachable(observed):
    result = run(observed, answering())
    assert result["passed"] is True and len(result["reachability"]) == 9
    (by_name,) = [cell for cell in result["reachability"] if cell["name"]]
    assert (by_name["source"], by_name["name"], by_name["expected"], by_name["observed"]) == (
        "alpine02",
        "alpine01",
        "unresolved",
        "unresolved",
    )
    assert [lesson["id"] for lesson in result["lessons"]] == ["docker0"] and result["lessons"][0]["passed"]
    assert result["lessons"][0]["i18n"]["zh"]["title"] == "理解Docker0"
    cell = result["reachability"][0]
    assert (cell["expected"], cell["observed"], cell["passed"], cell["reachable"], cell["as_expected"]) == (
        "reachable",
        "reachable",
        True,
        True,
        True,
    )
    assert cell["detail"] == "1 of 1 echo requests answered" and cell["i18n"]["zh"]["detail"] == "发出 1 个回显请求，收到 1 个回复"
    assert "why" not in cell


def test_a_cell_dropped_between_whole_containers_points_at_the_firewall(observed):
    address = observed["veths"]["pairs"][1]["ipv4"][0].split("/")[0]
    result = run(observed, answering(silent={("alpine01", address)}))
    (failed,) = [cell for cell in result["reachability"] if not cell["passed"]]
    assert failed["why"].startswith("0 of 1 echo requests answered; the interfaces and addresses look right: look for a firewall rule")
    assert "防火墙" in failed["i18n"]["zh"]["why"]
    assert [c["id"] for c in result["checkpoints"] if not c["passed"]] == ["C8"]


def test_a_broken_container_is_named_in_each_of_its_cells(observed):
    observed["health"] = {"alpine02": [problem("eth0_down", interface="eth0")], "alpine01": []}
    address = observed["veths"]["pairs"][1]["ipv4"][0].split("/")[0]
    silent = {("host", address), ("alpine02", "172.17.0.1"), ("alpine02", "192.0.2.2"), ("alpine01", address)}
    silent |= {("alpine02", pair["ipv4"][0].split("/")[0]) for pair in observed["veths"]["pairs"]}
    result = run(observed, answering(silent=silent))
    failed = [cell for cell in result["reachability"] if not cell["passed"]]
    # The five cells that go through alpine02, each naming the fault ...
    through = [cell for cell in failed if cell["expected"] == "reachable"]
    assert len(through) == 5 and all(
        "alpine02: eth0 is down; a run of the lab without --check recreates it" in cell["why"] for cell in through
    )
    assert all("alpine02：eth0 处于关闭（down）状态" in cell["i18n"]["zh"]["why"] for cell in through)
    # ... and C9's must-fail cell from alpine02: its name "does not resolve" only because alpine02 is cut off,
    # which is no proof of the lesson's reason: an error, not a pass.
    (c9,) = [cell for cell in failed if cell["expected"] != "reachable"]
    assert (c9["checkpoint"], c9["observed"], c9["control"]) == ("C9", "error", "172.17.0.1")
    assert c9["why"].startswith("alpine02 cannot reach its own gateway 172.17.0.1")
    assert "连自己的网关 172.17.0.1 都无法到达" in c9["i18n"]["zh"]["why"]


def test_where_to_look_tells_a_dns_problem_from_a_firewall_and_an_unexpected_answer():
    cell = {"source": "alpine02", "target": "alpine01", "expected": "reachable", "observed": "unresolved"}
    assert where_to_look(cell, {}, []) == [("look.dns", {})]
    cell = {"source": "alpine02", "target": "alpine-net-01", "expected": "unreachable", "observed": "reachable"}
    assert where_to_look(cell, {}, []) == [("cell.expected_unreachable_but_reachable", {})]
    cell = {"source": "alpine02", "target": "alpine03", "expected": "unresolved", "observed": "reachable", "address": "172.17.0.4"}
    assert where_to_look(cell, {}, []) == [("cell.expected_unresolved_but_resolved", {"address": "172.17.0.4"})]
    cell = {"source": "host", "target": "alpine01", "expected": "reachable", "observed": "unreachable"}
    bridge_down = problem("bridge_down", bridge="docker0")
    ((key, params),) = where_to_look(cell, {}, [bridge_down])
    assert key == "look.bridge" and params["problems"] == {"en": "docker0 is down", "zh": "docker0 处于关闭状态"}


def test_a_reply_from_an_address_on_the_sources_own_lo_does_not_count(observed):
    """ICMP to the host blocked, and 172.17.0.1 added to alpine01's lo: its "container -> host" ping is
    answered by alpine01 itself. The cell fails, saying so."""
    observed["addresses"] = {"alpine01": [["lo", "127.0.0.1/8"], ["lo", "172.17.0.1/32"], ["eth0", "172.17.0.2/16"]]}
    blocked = {("alpine02", "172.17.0.1")}  # the real host does not answer: only alpine01's trick does
    result = run(observed, answering(silent=blocked))
    (c6,) = [c for c in result["checkpoints"] if c["id"] == "C6"]
    assert not c6["passed"]
    (tricked,) = [c for c in result["reachability"] if c["source"] == "alpine01" and c["address"] == "172.17.0.1"]
    assert tricked["observed"] == "reachable" and not tricked["passed"] and tricked["wrong_path"]
    assert "but 172.17.0.1 is an address of alpine01 itself (on lo: 172.17.0.1/32)" in tricked["why"]
    assert "是 alpine01 自己的地址" in tricked["i18n"]["zh"]["why"]


def test_a_name_that_resolves_to_another_address_does_not_count():
    from vethlab.module_utils.vethlab_checkpoints import Seen
    from vethlab.module_utils.vethlab_verify import wrong_path

    seen = Seen({"addresses": {"alpine02": [["eth0", "172.17.0.3/16"]], "alpine03": [["eth0", "172.17.0.4/16"]]}}, NAMES)
    cell = {"source": "alpine03", "target": "alpine02", "name": "alpine02", "address": "172.17.0.9", "observed": "reachable"}
    assert wrong_path(cell, seen) == [
        ("cell.resolved_elsewhere", {"name": "alpine02", "address": "172.17.0.9", "target": "alpine02", "theirs": "172.17.0.3"})
    ]
    assert wrong_path(dict(cell, address="172.17.0.3"), seen) == []
