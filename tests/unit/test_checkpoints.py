"""The checkpoint table: each entry's judge over captured outputs and measured cells, in both languages."""

from __future__ import annotations

import copy

import pytest

from conftest import load_captured
from vethlab.module_utils.vethlab_checkpoints import CHECKPOINTS, IDS, LESSON_TITLES, Seen, evaluate, matrix, of_lessons
from vethlab.module_utils.vethlab_health import problem
from vethlab.module_utils.vethlab_lessons import LESSONS, lesson, run_plan
from vethlab.module_utils.vethlab_pairing import pair_veths, parse_outputs
from vethlab.module_utils.vethlab_texts import LANGUAGES

HOST, CONTAINERS, _ = load_captured("two-containers", "txt", "busybox.txt")
NAMES = ["alpine01", "alpine02"]
PLAN = run_plan({"lab_containers": NAMES}, ["docker0"], [], False)
ANSWERED = "1 of 1 echo requests answered"


@pytest.fixture
def observed():
    return {"veths": pair_veths(*parse_outputs(HOST, CONTAINERS)), "running": list(NAMES), "health": {}, "bridge_problems": {}}


def measured(seen, passed=True, where=None):
    """The docker0 lesson's cells, as the verify step returns them (each as expected, or not)."""
    cells = matrix(seen, ["docker0"])
    for cell in cells:
        failed = not passed and (where is None or where(cell))
        cell.update(
            observed=("reachable" if cell["expected"] != "reachable" else "unreachable") if failed else cell["expected"],
            passed=not failed,
            detail=ANSWERED if not failed else "0 of 1 echo requests answered",
        )
        if failed:
            cell["why"] = "0 of 1 echo requests answered; look here"
    return cells


def judged(observed, **changes):
    seen = Seen(observed, PLAN, primary="192.0.2.2")
    seen.cells = changes.pop("cells", None) or measured(seen)
    return {c["id"]: c for c in evaluate(seen, ["docker0"])["checkpoints"]}


ORDER = [entry.id for entry in LESSONS]
DOCKER0 = [checkpoint.id for checkpoint in lesson("docker0").checkpoints]


def test_every_entry_is_whole_and_every_text_has_every_language():
    # Ids are stable names (a class's grade history is kept by them): numbered without a gap, each once, and a
    # checkpoint added later takes the next number whichever lesson's table it joins; within a table, in order.
    assert sorted(IDS, key=lambda cid: int(cid[1:])) == ["C%d" % number for number in range(1, len(IDS) + 1)]
    for entry in LESSONS:
        numbers = [int(checkpoint.id[1:]) for checkpoint in entry.checkpoints]
        assert numbers == sorted(numbers), entry.id
    assert [checkpoint.lesson for checkpoint in CHECKPOINTS] == sorted((c.lesson for c in CHECKPOINTS), key=ORDER.index)
    assert all(set(LESSON_TITLES[entry]) == set(LANGUAGES) for entry in ORDER)
    for checkpoint in CHECKPOINTS:
        assert checkpoint.lesson in ORDER
        # A checkpoint with cells is judged by them (judge_cells, or a judge that adds Docker's record to them).
        assert checkpoint.judge is not None and (checkpoint.cells is not None or checkpoint.judge.__name__ != "judge_cells")
        for texts in (checkpoint.title, checkpoint.passed, checkpoint.failed):
            assert set(texts) == set(LANGUAGES) and all(texts.values())


def test_the_matrix_has_the_lessons_cells(observed):
    seen = Seen(observed, PLAN, primary="192.0.2.2")
    summary = [(c["checkpoint"], c["lesson"], c["source"], c.get("address") or c["name"], c["expected"]) for c in matrix(seen, ["docker0"])]
    address = {name: seen.eth0_address(name) for name in NAMES}
    assert summary == [
        ("C5", "docker0", "host", address["alpine01"], "reachable"),
        ("C5", "docker0", "host", address["alpine02"], "reachable"),
        ("C6", "docker0", "alpine01", "172.17.0.1", "reachable"),
        ("C6", "docker0", "alpine02", "172.17.0.1", "reachable"),
        ("C7", "docker0", "alpine01", "192.0.2.2", "reachable"),
        ("C7", "docker0", "alpine02", "192.0.2.2", "reachable"),
        ("C8", "docker0", "alpine01", address["alpine02"], "reachable"),
        ("C8", "docker0", "alpine02", address["alpine01"], "reachable"),
        ("C9", "docker0", "alpine02", "alpine01", "unresolved"),  # by name, on the default bridge
    ]


def test_a_healthy_lab_passes_every_checkpoint_with_its_values_in_both_languages(observed):
    checkpoints = judged(observed)
    # Without a capture in the plan, the lesson's table but the captured checkpoint (C21).
    assert (
        list(checkpoints) == [checkpoint.id for checkpoint in of_lessons(["docker0"], run_plan({}, ["docker0"], [], False))] == DOCKER0[:-1]
    )
    assert DOCKER0[-1] == "C21"
    assert all(c["passed"] for c in checkpoints.values())
    assert checkpoints["C1"]["detail"] == "docker0 172.17.0.1/16"
    pair = observed["veths"]["pairs"][0]
    line = "alpine01: eth0@if%d \u21c4 %s@if%d (master docker0)" % (pair["host_ifindex"], pair["host_interface"], pair["container_ifindex"])
    assert line in checkpoints["C3"]["detail"]
    assert (
        line.replace(" (master docker0)", "（master docker0）").replace("alpine01: ", "alpine01：")
        in checkpoints["C3"]["i18n"]["zh"]["detail"]
    )
    assert checkpoints["C4"]["detail"].startswith("2 lab veths on docker0")
    assert checkpoints["C4"]["i18n"]["zh"]["detail"].startswith("docker0 上有 2 个实验 veth")
    c5 = "host \u2192 alpine01 (%s): %s" % (observed["veths"]["pairs"][0]["ipv4"][0].split("/")[0], ANSWERED)
    assert checkpoints["C5"]["detail"].startswith(c5)
    by_id = {checkpoint.id: checkpoint for checkpoint in CHECKPOINTS}
    assert all(
        c["text"] == by_id[cid].passed["en"] and c["i18n"]["zh"]["text"] == by_id[cid].passed["zh"] for cid, c in checkpoints.items()
    )
    assert checkpoints["C1"]["i18n"]["zh"]["title"] == by_id["C1"].title["zh"]


def test_a_stopped_container_fails_c2_and_c3_naming_it(observed):
    stopped = copy.deepcopy(observed)
    del stopped["veths"]["containers"]["alpine02"]
    stopped["veths"]["pairs"] = [p for p in stopped["veths"]["pairs"] if p["container"] != "alpine02"]
    stopped["running"] = ["alpine01"]
    stopped["states"] = {"alpine01": "running", "alpine02": "exited"}
    checkpoints = judged(stopped)
    assert not checkpoints["C2"]["passed"] and "alpine02: no eth0 (not running)" in checkpoints["C2"]["detail"]
    assert "alpine02：没有 eth0（没有运行）" in checkpoints["C2"]["i18n"]["zh"]["detail"]
    assert not checkpoints["C3"]["passed"] and "alpine02: no eth0" in checkpoints["C3"]["detail"]
    # A stopped container fails every checkpoint that needs it, naming its state (its cells cannot be
    # asked: C4's count and the pings of C5-C9 would otherwise pass on what is left).
    assert stopped["states"]["alpine02"] == "exited"
    for cid in ("C4", *(c.id for c in CHECKPOINTS if c.lesson == "docker0" and c.cells)):
        assert not checkpoints[cid]["passed"], cid
        assert "alpine02 is exited: the lesson needs it running" in checkpoints[cid]["detail"], cid
        assert "alpine02 处于 exited 状态：本节课需要它在运行" in checkpoints[cid]["i18n"]["zh"]["detail"], cid
    assert checkpoints["C1"]["passed"]  # docker0 itself is fine
    assert checkpoints["C2"]["text"] == CHECKPOINTS[1].failed["en"]


def test_a_paused_container_fails_the_checkpoints_that_need_it(observed):
    paused = copy.deepcopy(observed)
    paused["running"] = ["alpine01"]
    paused["states"] = {"alpine01": "running", "alpine02": "paused"}
    checkpoints = judged(paused)
    assert not checkpoints["C4"]["passed"] and "alpine02 is paused" in checkpoints["C4"]["detail"]
    assert not checkpoints["C5"]["passed"] and "alpine02 is paused" in checkpoints["C5"]["detail"]


def test_an_unreachable_cell_fails_its_checkpoint_only_and_shows_why(observed):
    seen = Seen(observed, PLAN, primary="192.0.2.2")
    cells = measured(seen, passed=False, where=lambda cell: cell["checkpoint"] == "C8" and cell["source"] == "alpine01")
    checkpoints = judged(observed, cells=cells)
    assert [cid for cid, c in checkpoints.items() if not c["passed"]] == ["C8"]
    assert checkpoints["C8"]["detail"] == "alpine01 \u2192 alpine02 (%s): 0 of 1 echo requests answered; look here" % seen.eth0_address(
        "alpine02"
    )


def test_no_cell_measured_is_a_failure_not_a_pass(observed):
    seen = Seen(observed, PLAN, primary="192.0.2.2")
    seen.cells = []
    checkpoints = {c["id"]: c for c in evaluate(seen, ["docker0"])["checkpoints"]}
    assert [checkpoints[cid]["passed"] for cid in ("C5", "C6", "C7", "C8")] == [False] * 4
    assert checkpoints["C5"]["detail"] == "no cell was measured"


def test_no_docker0_fails_c1_and_c2(observed):
    broken = copy.deepcopy(observed)
    broken["veths"]["bridges"].pop("docker0")
    checkpoints = judged(broken, cells=[{"checkpoint": "C5", "source": "host", "target": "x", "passed": True, "detail": ANSWERED}])
    assert not checkpoints["C1"]["passed"] and checkpoints["C1"]["detail"] == "docker0 has no IPv4 address"
    assert not checkpoints["C2"]["passed"]


def test_docker0_down_fails_c1_saying_so_in_both_languages(observed):
    observed["bridge_problems"] = {"docker0": [problem("bridge_down", bridge="docker0")]}
    checkpoints = judged(observed)
    assert not checkpoints["C1"]["passed"]
    assert checkpoints["C1"]["detail"] == "on the host, docker0 is down (docker0 172.17.0.1/16)"
    assert checkpoints["C1"]["i18n"]["zh"]["detail"] == "在主机上，docker0 处于关闭状态（docker0 172.17.0.1/16）"


def test_a_veth_on_another_bridge_fails_c3_and_c4(observed):
    observed["veths"]["pairs"][0]["bridge"] = "br-1ec26c1f3dc8"
    checkpoints = judged(observed)
    assert not checkpoints["C3"]["passed"]
    assert "alpine01: eth0 has its veth on br-1ec26c1f3dc8" in checkpoints["C3"]["detail"]
    assert not checkpoints["C4"]["passed"]


def test_only_the_lessons_asked_for_are_judged(observed):
    seen = Seen(observed, PLAN, primary="192.0.2.2")
    assert matrix(seen, []) == [] and evaluate(seen, []) == {"checkpoints": [], "lessons": [], "passed": False}


# --------------------------------------------------------------------------- structure from Docker's record


def linked(observed, links, hosts_line=True):
    """The link lesson seen on the captured machine: alpine03 (the second container's interfaces, as
    a stand-in) started with ``links`` (Docker's HostConfig.Links), its /etc/hosts with or without
    the line --link writes; both of its cells answered as the lesson expects."""
    veths = copy.deepcopy(observed["veths"])
    veths["containers"]["alpine03"] = veths["containers"]["alpine02"]
    run = run_plan({"lab_containers": NAMES}, ["link"], [], False)
    seen = Seen(dict(observed, veths=veths, running=[*NAMES, "alpine03"]), run, primary="192.0.2.2")
    address = seen.eth0_address("alpine02")
    hosts = "127.0.0.1\tlocalhost\n" + ("%s\talpine02 3f2c1d\n" % address if hosts_line else "")
    seen.files = {"alpine03": {"/etc/hosts": hosts}, "alpine02": {"/etc/hosts": "127.0.0.1\tlocalhost\n"}}
    seen.inspected = {"alpine03": {"links": links}, "alpine02": {"links": []}}
    seen.cells = [dict(cell, observed=cell["expected"], passed=True, detail=ANSWERED) for cell in matrix(seen, ["link"])]
    return {c["id"]: c for c in evaluate(seen, ["link"])["checkpoints"]}


def test_link_passes_when_docker_recorded_it_and_the_hosts_file_agrees(observed):
    checkpoints = linked(observed, ["alpine02"])
    assert all(checkpoints[cid]["passed"] for cid in ("C10", "C11", "C12")), checkpoints
    assert "Docker recorded alpine03 --link alpine02" in checkpoints["C12"]["detail"]


def test_a_hosts_file_edited_by_hand_without_link_fails_c10_to_c12(observed):
    checkpoints = linked(observed, [])
    for cid in ("C10", "C11", "C12"):
        assert not checkpoints[cid]["passed"], cid
        assert "Docker has no --link from alpine03 to alpine02 (HostConfig.Links)" in checkpoints[cid]["detail"], cid
        assert "Docker 没有记录 alpine03 到 alpine02 的 --link" in checkpoints[cid]["i18n"]["zh"]["detail"], cid


def test_a_link_in_the_wrong_direction_fails(observed):
    checkpoints = linked(observed, ["alpine02"])
    assert checkpoints["C12"]["passed"]
    veths = copy.deepcopy(observed["veths"])
    veths["containers"]["alpine03"] = veths["containers"]["alpine02"]
    seen = Seen(dict(observed, veths=veths, running=[*NAMES, "alpine03"]), run_plan({"lab_containers": NAMES}, ["link"], [], False))
    seen.inspected = {"alpine03": {"links": []}, "alpine02": {"links": ["alpine03"]}}  # alpine02 --link alpine03
    seen.files = {"alpine03": {"/etc/hosts": ""}, "alpine02": {"/etc/hosts": ""}}
    c12 = {c["id"]: c for c in evaluate(seen, ["link"])["checkpoints"]}["C12"]
    assert not c12["passed"] and "Docker has no --link from alpine03 to alpine02" in c12["detail"]


def test_a_network_created_with_another_subnet_fails_c13_saying_which(observed):
    run = run_plan({"lab_containers": NAMES}, ["network"], [], False)
    record = {"driver": "bridge", "bridge": "br-0123456789ab", "subnet": "10.9.0.0/24", "gateway": "10.9.0.1", "containers": {}}
    seen = Seen(dict(observed, networks={"mynet": record}), run, primary="192.0.2.2")
    c13 = {c["id"]: c for c in evaluate(seen, ["network"])["checkpoints"]}["C13"]
    assert not c13["passed"]
    assert "docker network inspect mynet disagrees with the lesson: subnet 10.9.0.0/24 (the lesson: 192.168.0.0/16)" in c13["detail"]
    assert "与本节课不一致" in c13["i18n"]["zh"]["detail"]


def test_a_container_without_a_namespace_of_its_own_passes_nothing_and_gives_no_other_a_pass(observed):
    # --network host: alpine01's "eth0" would be this machine's uplink; the collect step keeps no interface of it.
    host_network = copy.deepcopy(observed)
    del host_network["veths"]["containers"]["alpine01"]
    host_network["veths"]["pairs"] = [p for p in host_network["veths"]["pairs"] if p["container"] != "alpine01"]
    host_network["shared_namespaces"] = {"alpine01": {"with": "host", "how": "--network host"}}
    checkpoints = judged(host_network)
    mine = "its network namespace is this machine's own (--network host): it has no eth0 of its own"
    assert "alpine01: no eth0 (%s)" % mine in checkpoints["C2"]["detail"]
    assert "它的网络命名空间就是本机自己的（--network host）" in checkpoints["C2"]["i18n"]["zh"]["detail"]
    # No cell goes to or from it - C8 has no address of alpine01 to ping (before: the host's own, answered).
    assert not any("alpine01" in (cell["source"], cell.get("target")) for cell in matrix(Seen(host_network, PLAN), ["docker0"]))
    for cid in ("C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9"):
        assert not checkpoints[cid]["passed"], cid
    assert "alpine01: %s; no ping from it or to it crosses a veth pair" % mine in checkpoints["C8"]["detail"]
    assert checkpoints["C1"]["passed"]
