"""The course's next chapters on the real engine: --link, a custom network, network connect.

Each lesson's checkpoints pass with this machine's values, the cells that must fail do (and say
which of unreachable or unresolved they saw), a rerun changes nothing, teardown leaves none of the
lab's containers or networks and every user network; a custom network that would clash stops the
run before anything changes; the student's page exists in both languages.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from lab_engine import CAPTURE, ansible_playbook, changed_tasks, cut_cable, docker, engine_state, on_screen, own_networks, task_result
from vethlab.module_utils.vethlab_checkpoints import ids

pytestmark = [pytest.mark.engine]

LAB = ("lab.yml", "-e", "lab_image_source=busybox", "-e", "lab_lessons=all")
NETWORK_CONTAINERS = ["alpine-net-01", "alpine-net-02"]


def lab(reports, *extra):
    return ansible_playbook(*LAB, "-e", "lab_report_dir=%s" % reports, *extra)


def report(reports):
    return json.loads((reports / "localhost" / "lab.json").read_text())


def cells(data, checkpoint):
    return [
        (c["source"], c.get("name") or c["target"], c["expected"], c["observed"])
        for c in data["reachability"]
        if c["checkpoint"] == checkpoint
    ]


def unit_lab(reports, *extra):
    """A run into whole_unit's folder: its ping captured (C21, C22), as every run there is - a run that did not would
    remove the capture, a change."""
    return lab(reports, *CAPTURE, *extra)


@pytest.fixture(scope="module")
def whole_unit(tmp_path_factory):
    """The whole course's lab, every checkpoint (unit_lab)."""
    reports = tmp_path_factory.mktemp("reports")
    code, _, output = unit_lab(reports)
    assert code == 0, output
    return reports


def test_every_lesson_passes_with_this_machines_values(whole_unit):
    data = report(whole_unit)
    assert data["passed"] is True
    assert [(lesson["id"], lesson["passed"]) for lesson in data["lessons"]] == [
        ("docker0", True), ("link", True), ("network", True), ("connect", True),
    ]  # fmt: skip
    assert [c["id"] for c in data["checkpoints"]] == list(ids())  # every lesson's, in the course's order
    assert {c["lesson"] for c in data["checkpoints"]} == {"docker0", "link", "network", "connect"}
    network = json.loads(docker("network", "inspect", "mynet"))[0]
    bridge = "br-" + network["Id"][:12]
    assert network["IPAM"]["Config"][0] == {"Subnet": "192.168.0.0/16", "Gateway": "192.168.0.1"}
    assert network["Labels"] == {"vethlab.lab": "true"}
    checkpoints = {c["id"]: c for c in data["checkpoints"]}
    assert checkpoints["C13"]["detail"] == (
        "mynet: %s 192.168.0.1/16, gateway 192.168.0.1; docker network inspect mynet: driver bridge, subnet 192.168.0.0/16,"
        " gateway 192.168.0.1" % bridge
    )  # the kernel's bridge, then Docker's record of the network: both agree
    assert {p["container"]: p["bridge"] for p in data["pairs"] if p["container"] in NETWORK_CONTAINERS} == dict.fromkeys(
        NETWORK_CONTAINERS, bridge
    )
    # connect: alpine01 has two interfaces, each one end of a veth pair on its own bridge (eth0 on
    # docker0; the other eth1, or eth2 once it was connected again: Docker does not reuse the name).
    mine = sorted((p["bridge"], p["container_interface"]) for p in data["pairs"] if p["container"] == "alpine01")
    assert [bridge_name for bridge_name, _ in mine] == sorted(["docker0", bridge]) and ("docker0", "eth0") in mine


def test_the_cells_that_must_fail_fail_as_the_lesson_says(whole_unit):
    data = report(whole_unit)
    # docker0: no name service on the default bridge.
    assert cells(data, "C9") == [("alpine02", "alpine01", "unresolved", "unresolved")]
    # link: one-way.
    assert cells(data, "C10") == [("alpine03", "alpine02", "reachable", "reachable")]
    assert cells(data, "C11") == [("alpine02", "alpine03", "unresolved", "unresolved")]
    # network: by name both ways; isolated from docker0 (no reply, by address).
    assert cells(data, "C15") == [
        ("alpine-net-01", "alpine-net-02", "reachable", "reachable"), ("alpine-net-02", "alpine-net-01", "reachable", "reachable"),
    ]  # fmt: skip
    assert cells(data, "C17") == [("alpine02", "alpine-net-01", "unreachable", "unreachable")]
    # connect: alpine01 reaches it by name; alpine02, on docker0 only, cannot even resolve it.
    assert cells(data, "C19") == [("alpine01", "alpine-net-01", "reachable", "reachable")]
    assert cells(data, "C20") == [("alpine02", "alpine-net-01", "unresolved", "unresolved")]
    assert all(c["passed"] for c in data["reachability"])


def test_link_writes_the_callers_hosts_file_only(whole_unit):
    alpine02 = docker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "alpine02").strip()
    assert re.search(r"^%s\s+alpine02\b" % re.escape(alpine02), docker("exec", "alpine03", "cat", "/etc/hosts"), re.M)
    assert "alpine03" not in docker("exec", "alpine02", "cat", "/etc/hosts")
    checkpoint = next(c for c in report(whole_unit)["checkpoints"] if c["id"] == "C12")
    assert (
        checkpoint["passed"]
        and checkpoint["detail"]
        == "alpine03's /etc/hosts: %s alpine02; alpine02's /etc/hosts has no alpine03; Docker recorded alpine03 --link alpine02" % alpine02
    )
    assert "nameserver 127.0.0.11" in docker("exec", "alpine-net-01", "cat", "/etc/resolv.conf")


def test_a_rerun_changes_nothing(whole_unit):
    code, result, output = unit_lab(whole_unit)
    assert code == 0 and result["stats"]["localhost"]["changed"] == 0, (changed_tasks(result), output)


def test_a_broken_connection_is_seen_as_a_name_that_does_not_resolve_and_repaired(whole_unit):
    docker("network", "disconnect", "mynet", "alpine01")
    before = engine_state()
    code, _, output = unit_lab(whole_unit, "--check")
    assert code == 2, output
    data = report(whole_unit)
    assert [c["id"] for c in data["checkpoints"] if not c["passed"]] == ["C18", "C19"]
    (cell,) = [c for c in data["reachability"] if c["checkpoint"] == "C19"]
    assert (cell["expected"], cell["observed"]) == ("reachable", "unresolved")  # a DNS matter, not a firewall one
    assert "a name that does not resolve is a DNS matter, not a firewall one" in cell["why"]
    assert "DNS 的问题，不是防火墙的问题" in cell["i18n"]["zh"]["why"]
    assert engine_state() == before
    code, result, output = unit_lab(whole_unit)
    assert code == 0, output
    assert task_result(result, "Connect a container to the custom network (docker network connect)")["changed"] is True
    assert report(whole_unit)["passed"] is True


def test_a_hand_made_link_container_without_link_fails_c10_to_c12_and_is_repaired(whole_unit, tmp_path):
    """alpine03 started without --link, its /etc/hosts line written by hand: the pings by name answer as
    --link would make them, but Docker's record (HostConfig.Links) has no link: C10-C12 fail, in check mode too."""
    image = docker("inspect", "-f", "{{.Config.Image}}", "alpine03").strip()
    address = docker("inspect", "-f", "{{.NetworkSettings.Networks.bridge.IPAddress}}", "alpine02").strip()
    docker("rm", "-f", "alpine03")
    docker("run", "-dit", "--name", "alpine03", "--label", "vethlab.lab=true", "--dns", "127.0.0.1", image)
    docker("exec", "alpine03", "sh", "-c", 'echo "$1 alpine02" >> /etc/hosts', "sh", address)
    before = engine_state()
    code, _, output = lab(tmp_path, "--check")
    assert code == 2, output
    data = report(tmp_path)
    checkpoints = {c["id"]: c for c in data["checkpoints"]}
    assert [c["id"] for c in data["checkpoints"] if not c["passed"]] == ["C10", "C11", "C12"]
    for cid in ("C10", "C11", "C12"):
        assert "Docker has no --link from alpine03 to alpine02 (HostConfig.Links)" in checkpoints[cid]["detail"], cid
        assert "Docker 没有记录 alpine03 到 alpine02 的 --link" in checkpoints[cid]["i18n"]["zh"]["detail"], cid
    assert engine_state() == before
    code, _, output = lab(tmp_path)
    assert code == 0, output
    assert report(tmp_path)["passed"] is True


def test_a_cut_off_or_paused_source_makes_the_cells_that_must_fail_errors_not_passes(whole_unit, tmp_path):
    """alpine02 cut off (eth0 down): its name lookups cannot leave and its pings get no reply, so every
    cell that must fail from it would pass; each is judged only from a source that reaches its gateway."""
    cut_cable("alpine02")  # in the whole lab whole_unit made (each test before ends with a repairing run)
    code, _, output = lab(tmp_path, "--check")
    assert code == 2, output
    must_fail = [c for c in report(tmp_path)["reachability"] if c["source"] == "alpine02" and c["expected"] != "reachable"]
    assert sorted(c["checkpoint"] for c in must_fail) == ["C11", "C17", "C20", "C9"]
    for cell in must_fail:
        assert (cell["observed"], cell["passed"]) == ("error", False), cell
        assert cell["why"].startswith("alpine02 cannot reach its own gateway"), cell["why"]
    code, _, output = lab(tmp_path)
    assert code == 0, output
    # The same source paused (the repair run left a whole lab): it is not asked (docker exec cannot run in
    # it), no cell from it passes, and every checkpoint that needs it fails, naming its state.
    docker("pause", "alpine02")
    try:
        code, _, output = lab(tmp_path, "--check")
        assert code == 2, output
        data = report(tmp_path)
        assert not [c for c in data["reachability"] if c["source"] == "alpine02" and c["passed"]]
        checkpoints = {c["id"]: c for c in data["checkpoints"]}
        for cid in ("C4", "C5", "C9", "C11", "C17"):
            assert not checkpoints[cid]["passed"] and "alpine02 is paused: the lesson needs it running" in checkpoints[cid]["detail"], cid
    finally:
        docker("unpause", "alpine02")
    code, _, output = lab(tmp_path)
    assert code == 0, output


def in_namespace(container, *argv):
    """A command in the container's network namespace, from the host (the container itself lacks NET_ADMIN)."""
    pid = docker("inspect", "-f", "{{.State.Pid}}", container).strip()
    subprocess.run(["nsenter", "-t", pid, "-n", *argv], check=True)


def test_a_reply_a_source_gives_itself_or_from_a_name_resolved_elsewhere_does_not_count(whole_unit, tmp_path):
    """docker0's address, the host's primary address and alpine02's address added to alpine01's lo: alpine01
    answers its own pings to the host, to outside and to its peer. alpine03's name for alpine02 written to
    alpine01's address. Each cell fails saying what the kernel did or where the name led, in check mode;
    the rerun repairs alpine01."""
    lab(tmp_path)
    data = report(tmp_path)
    # On a whole lab every reply rests on the kernel's route, read in the source's namespace: never lo.
    answered = [c for c in data["reachability"] if c["expected"] == "reachable"]
    assert answered and all(c["route"] and " dev lo" not in c["route"] for c in answered), answered
    assert {c["route"].split(" dev ")[1].split()[0] for c in answered if c["source"] == "host"} >= {"docker0"}
    gateway, primary = data["bridge"]["ipv4"][0].split("/")[0], data["outside_address"]
    peers = {c["target"]: c["address"] for c in data["reachability"] if c["source"] == "host"}
    for address in (gateway, primary, peers["alpine02"]):
        in_namespace("alpine01", "ip", "addr", "add", address + "/32", "dev", "lo")
    hosts = docker("exec", "alpine03", "cat", "/etc/hosts")
    # /etc/hosts is bind-mounted: rewritten in place, never replaced
    prepend = '{ echo "$1 alpine02"; cat /etc/hosts; } > /tmp/h && cat /tmp/h > /etc/hosts'
    docker("exec", "alpine03", "sh", "-c", prepend, "sh", peers["alpine01"])
    try:
        before = engine_state()
        code, _, output = lab(tmp_path, "--check")
        assert code == 2, output
        assert engine_state() == before
        data = report(tmp_path)
        failed = {c["id"] for c in data["checkpoints"] if not c["passed"]}
        # (C5 fails too, for real: alpine01 sends its reply to the host's 172.17.0.1 to itself)
        assert {"C6", "C7", "C8", "C10"} <= failed and not failed & {"C9", "C15", "C17", "C19", "C20"}, failed
        own = [c for c in data["reachability"] if c["source"] == "alpine01" and c.get("address") in (gateway, primary, peers["alpine02"])]
        assert len(own) == 3 and all(c["observed"] == "reachable" and not c["passed"] for c in own)
        for cell in own:
            assert "is an address of alpine01 itself" in cell["why"], cell["why"]
            assert "是 alpine01 自己的地址" in cell["i18n"]["zh"]["why"]
        (by_name,) = [c for c in data["reachability"] if c["checkpoint"] == "C10"]
        assert "but the name alpine02 resolved to %s, which is not an address of alpine02" % peers["alpine01"] in by_name["why"]
        assert any(p["code"] == "lo_address" for p in data["health"]["alpine01"]), data["health"]
    finally:  # the lab does not rewrite a hosts file by hand: this test's own change is undone here
        docker("exec", "alpine03", "sh", "-c", 'printf %s "$1" > /etc/hosts', "sh", hosts)
    code, _, output = lab(tmp_path)
    assert code == 0, output
    assert report(tmp_path)["passed"] is True


def test_both_languages_and_no_english_sentence_left_on_the_chinese_page(whole_unit):
    folder = whole_unit / "localhost"
    english, chinese = (folder / "lab.md").read_text(), (folder / "lab.zh.md").read_text()
    assert "中文：lab.zh.md" in english and "English: lab.md" in chinese
    assert "## 检查点" in chinese and "| C17 | docker0 上的容器无法访问自定义网络上的容器 | 通过 |" in chinese
    # Names, addresses, commands and code are not sentences: what is left must have no run of three English words.
    left = re.sub(r"`[^`]*`|\([^)]*\)|（[^）]*）", " ", chinese)
    left = re.sub(r"\b(ip addr|docker network (create|connect|inspect)|master|nameserver|--link|--check|ping|eth\d@if\d+)\b", " ", left)
    words = re.findall(r"[A-Za-z][A-Za-z'-]+(?:\s+[A-Za-z][A-Za-z'-]+){2,}", left)
    assert words == [], words


def test_teardown_leaves_no_lab_container_or_network_and_every_user_network(whole_unit):
    user = "vethlab-user-net"
    subprocess.run(["docker", "network", "rm", user], capture_output=True)
    docker("network", "create", "--subnet", "10.213.0.0/24", user)
    try:
        code, _, output = ansible_playbook("playbooks/lab_teardown.yml")
        assert code == 0, output
        assert not docker("ps", "-aq", "--filter", "label=vethlab.lab=true").strip()
        assert not docker("network", "ls", "-q", "--filter", "label=vethlab.lab=true").strip()
        assert docker("network", "ls", "-q", "--filter", "name=^%s$" % user).strip()
    finally:
        subprocess.run(["docker", "network", "rm", user], capture_output=True)


@pytest.fixture
def own_address():
    """Give this machine one more address of its own, on its loopback (nothing leaves the machine)."""
    added = []

    def add(cidr):
        subprocess.run(["ip", "addr", "add", cidr, "dev", "lo"], check=True)
        added.append(cidr)

    yield add
    for cidr in added:
        subprocess.run(["ip", "addr", "del", cidr, "dev", "lo"], capture_output=True)


@pytest.mark.parametrize(
    ("setup", "settings", "said"),
    [
        (
            ["network", "create", "vethlab-refused"],
            {"lab_network_name": "vethlab-refused"},
            "a Docker network named vethlab-refused exists but was not created by the lab (no label vethlab.lab)",
        ),
        (
            ["network", "create", "--subnet", "10.214.0.0/24", "vethlab-overlapped"],
            {"lab_network_subnet": "10.214.0.0/16", "lab_network_gateway": "10.214.9.1"},
            "lab_network_subnet 10.214.0.0/16 overlaps the Docker network vethlab-overlapped (10.214.0.0/24)",
        ),
    ],
    ids=["user-network-with-the-labs-name", "overlapping-subnet"],
)
def test_a_network_that_would_clash_stops_the_run_before_anything_changes(tmp_path, setup, settings, said):
    name = setup[-1]
    subprocess.run(["docker", "network", "rm", name], capture_output=True)
    docker(*setup)
    try:
        before = engine_state(), own_networks()
        code, result, output = lab(tmp_path, "-e", json.dumps(settings))
        assert code == 2, output
        message = task_result(result, "Refuse what the reset must not do")["msg"]
        assert message.startswith("The custom network cannot be made; nothing was changed: ") and said in message
        assert (engine_state(), own_networks()) == before
    finally:
        subprocess.run(["docker", "network", "rm", name], capture_output=True)


def test_a_gateway_that_is_this_machines_address_is_refused(tmp_path, own_address):
    own_address("10.215.0.1/32")
    before = engine_state(), own_networks()
    code, result, output = lab(tmp_path, "-e", json.dumps({"lab_network_subnet": "10.215.0.0/16", "lab_network_gateway": "10.215.0.1"}))
    assert code == 2, output
    message = task_result(result, "Refuse what the reset must not do")["msg"]
    assert "lab_network_gateway 10.215.0.1 is an address of this host (on lo)" in message
    assert (engine_state(), own_networks()) == before


def test_a_subnet_containing_this_machines_network_is_allowed_with_a_warning(tmp_path, own_address):
    own_address("10.216.7.5/32")  # as the course's VM, 192.168.10.128, sat inside 192.168.0.0/16
    settings = json.dumps({"lab_network_subnet": "10.216.0.0/16", "lab_network_gateway": "10.216.0.1", "lab_report_dir": str(tmp_path)})
    try:
        code, screen = on_screen(*LAB, "-e", settings)
        assert code == 0, screen
        shown = " ".join(screen.replace("''", "'").split())  # as one line: the screen wraps long messages
        assert "Warning: this host's address 10.216.7.5 (lo) is inside the custom network's subnet 10.216.0.0/16" in shown
        page, chinese = (tmp_path / "localhost" / "lab.md").read_text(), (tmp_path / "localhost" / "lab.zh.md").read_text()
        assert "## Warnings" in page and "10.216.7.5 (lo)" in page
        assert "## 警告" in chinese and "本机地址 10.216.7.5（lo）在自定义网络的子网 10.216.0.0/16 之内" in chinese
    finally:
        ansible_playbook("playbooks/lab_teardown.yml")  # the lab's mynet, on this subnet, goes


def test_bad_lesson_settings_change_nothing(tmp_path):
    before = engine_state(), own_networks()
    settings = {"lab_lessons": ["docker0", "links"], "lab_network_subnet": "192.168.0.1/16", "lab_report_languages": ["fr"]}
    code, result, output = ansible_playbook("lab.yml", "-e", json.dumps(settings))
    assert code == 2, output
    message = task_result(result, "Refuse bad settings before anything changes")["msg"]
    assert 'lab_lessons: "links" is not a lesson (docker0, link, network, connect, or all)' in message
    assert 'lab_report_languages must list languages among en, zh, got ["fr"]' in message
    assert (engine_state(), own_networks()) == before
