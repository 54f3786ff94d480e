"""lab.yml on this machine, for real: the whole lesson, twice, against the kernel's own numbers."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from conftest import pair_tuples, pairs_from_truth
from lab_engine import CAPTURE, ROOT, ansible_playbook, docker, engine_available, host_engine_pid, sysfs_links, task_result
from vethlab.module_utils.vethlab_lessons import lesson
from vethlab.signature import STAMP as SIGNATURE_STAMP
from vethlab.signature import class_secret, secret_path, verify

pytestmark = [pytest.mark.engine]

# The docker0 lesson's checkpoint ids, from its declaration.
DOCKER0 = [checkpoint.id for checkpoint in lesson("docker0").checkpoints]


def lab(report_dir, *extra):
    return ansible_playbook("lab.yml", "-e", "lab_image_source=busybox", "-e", "lab_report_dir=%s" % report_dir, *CAPTURE, *extra)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    assert engine_available(), "the Docker engine does not answer: run 'make engine' (the test command does)"
    reports = tmp_path_factory.mktemp("reports")
    code, report, output = lab(reports)
    assert code == 0, output
    return reports, report


def test_the_settings_are_checked_once_and_no_step_checks_its_role_again(first_run):
    """The settings step checks every setting against each role's spec (the lab role's own included); it and the steps
    after it import their role without Ansible's own argument check (rolespec_validate: false), which would check the
    same again, once per role. The engine's play keeps its role's check (playbooks/docker_engine.yml also runs alone)."""
    _, report = first_run
    checks = [
        (play["play"]["name"], task["task"]["name"].split(" : ")[0])
        for play in report["plays"]
        for task in play["tasks"]
        if "Validating arguments against arg spec" in task["task"]["name"]
    ]
    assert [role for _, role in checks] == ["docker_engine"], checks
    step_tasks = [task for play in report["plays"][2:] for task in play["tasks"]]
    assert step_tasks and not any("Validating arguments" in task["task"]["name"] for task in step_tasks)


def test_every_checkpoint_passes_with_this_hosts_values(first_run):
    reports, _ = first_run
    data = json.loads((reports / "localhost" / "lab.json").read_text())
    assert set(data) >= {"host", "bridge", "pairs", "reachability", "checkpoints", "passed"}
    assert data["host"] == "localhost" and data["passed"] is True
    assert [c["id"] for c in data["checkpoints"]] == DOCKER0 and DOCKER0
    assert all(c["passed"] for c in data["checkpoints"])
    assert data["bridge"]["name"] == "docker0" and data["bridge"]["ipv4"]
    assert len(data["reachability"]) == 9 and all(cell["passed"] for cell in data["reachability"])
    assert [(c["observed"], c["reachable"]) for c in data["reachability"]] == [("reachable", True)] * 8 + [("unresolved", False)]
    assert {cell["address"] for cell in data["reachability"] if cell["checkpoint"] == "C7"} == {data["outside_address"]}


def test_the_pairs_are_the_kernels(first_run):
    reports, _ = first_run
    data = json.loads((reports / "localhost" / "lab.json").read_text())
    truth = {
        "host": sysfs_links(),
        "containers": {name: sysfs_links(name) for name in ("alpine01", "alpine02")},
    }
    assert pair_tuples(data) == pairs_from_truth(truth)
    assert {pair["container"] for pair in data["pairs"]} == {"alpine01", "alpine02"}


def test_the_students_page_shows_the_pairs_crossing_over(first_run):
    reports, _ = first_run
    data = json.loads((reports / "localhost" / "lab.json").read_text())
    page = (reports / "localhost" / "lab.md").read_text()
    for pair in data["pairs"]:
        assert (
            "%s@if%d` | \u21c4 | `%d: %s@if%d"
            % (pair["container_interface"], pair["host_ifindex"], pair["host_ifindex"], pair["host_interface"], pair["container_ifindex"])
            in page
        )
    assert page.count("| passed |") == len(DOCKER0)
    assert "| C5 | host | alpine01 |" in page


# What a rerun writes anew, as this test knows it: the run's id and time, each cell's probes, the captured ping (its
# packets' rows, lab.json's packet_path, the pcapng) and the signature.
PAGE_STAMP = re.compile(r"^(\| (ARP|ICMP) |" + SIGNATURE_STAMP.lstrip("^") + ")")


def unstamped(folder):
    """Each report file without the run's stamp: lab.json's data without it, each page's lines with the run's id
    and time in place of this run's."""
    data = json.loads((folder / "lab.json").read_text())
    run_id, run_at = data["run_id"], data["run_at"].replace("T", " ").replace("Z", " UTC")
    found = {"lab.json": {key: value for key, value in data.items() if key not in ("run_id", "run_at", "signature", "packet_path")}}
    found["lab.json"]["reachability"] = [{key: value for key, value in cell.items() if key != "probes"} for cell in data["reachability"]]
    for path in folder.glob("*.md"):
        text = path.read_text().replace(run_id, "RUN").replace(run_at, "AT")
        found[path.name] = [line for line in text.splitlines() if not PAGE_STAMP.match(line)]
    return found


def test_a_second_run_changes_nothing_and_rewrites_no_report(first_run):
    """The same lab, judged again: nothing changes, and each report says only that this run judged it."""
    reports, _ = first_run
    before, stamped = unstamped(reports / "localhost"), json.loads((reports / "localhost" / "lab.json").read_text())
    code, report, output = lab(reports)
    assert code == 0, output
    assert report["stats"]["localhost"]["changed"] == 0, output
    assert unstamped(reports / "localhost") == before
    again = json.loads((reports / "localhost" / "lab.json").read_text())
    assert again["run_id"] and again["run_id"] != stamped["run_id"] and again["run_at"] >= stamped["run_at"]
    for page in ("lab.md", "lab.zh.md"):
        assert again["run_id"] in (reports / "localhost" / page).read_text(), page
    # Each file carries the signature of what it says now, made with the class's secret next to the inventory.
    secret = class_secret(secret_path(ROOT / "inventory" / "local.yml"), create=False)
    for name in ("lab.json", "lab.md", "lab.zh.md"):
        assert verify(name, (reports / "localhost" / name).read_bytes(), secret)[0], name
    # ... and the secret itself is in no report file.
    assert not [path for path in reports.rglob("*") if path.is_file() and secret in path.read_bytes()]


def test_check_mode_on_the_running_lab_changes_nothing(first_run):
    reports, _ = first_run
    code, report, output = lab(reports, "--check")
    assert code == 0, output
    assert report["stats"]["localhost"]["changed"] == 0, output


def test_lab_fresh_false_on_the_command_line_keeps_the_containers(first_run):
    reports, _ = first_run
    code, report, output = lab(reports, "-e", "lab_fresh=false")
    assert code == 0, output
    assert report["stats"]["localhost"]["changed"] == 0, output


def test_a_stopped_container_is_started_again(first_run):
    reports, _ = first_run
    docker("stop", "-t", "0", "alpine02")
    # Check mode judges it where it stands: every checkpoint that needs alpine02 fails, naming its state.
    code, _, output = lab(reports, "--check")
    assert code == 2, output
    checkpoints = {c["id"]: c for c in json.loads((reports / "localhost" / "lab.json").read_text())["checkpoints"]}
    needing = [cid for cid in DOCKER0 if cid not in ("C1",)]
    assert [cid for cid in DOCKER0 if not checkpoints[cid]["passed"]] == needing
    for cid in needing:
        assert cid in ("C2", "C3") or "alpine02 is exited: the lesson needs it running" in checkpoints[cid]["detail"], cid
    code, report, output = lab(reports)
    assert code == 0, output
    start = task_result(report, "Start the lab's containers")
    assert [(item["item"]["name"], item["item"]["action"]) for item in start["results"]] == [("alpine02", "start")]
    assert json.loads((reports / "localhost" / "lab.json").read_text())["passed"] is True


def test_a_removed_container_is_created_again(first_run):
    reports, _ = first_run
    docker("rm", "-f", "alpine01")
    code, report, output = lab(reports)
    assert code == 0, output
    start = task_result(report, "Start the lab's containers")
    assert [(item["item"]["name"], item["item"]["action"]) for item in start["results"] if item["changed"]] == [("alpine01", "create")]
    data = json.loads((reports / "localhost" / "lab.json").read_text())
    assert data["passed"] is True and data["states"] == {"alpine01": "running", "alpine02": "running"}


def test_lab_fresh_recreates_the_containers_with_new_veths(first_run):
    reports, _ = first_run
    before = {pair["container"]: pair["host_interface"] for pair in json.loads((reports / "localhost" / "lab.json").read_text())["pairs"]}
    code, _, output = lab(reports, "-e", "lab_fresh=true")
    assert code == 0, output
    after = {pair["container"]: pair["host_interface"] for pair in json.loads((reports / "localhost" / "lab.json").read_text())["pairs"]}
    assert set(after) == set(before) and all(after[name] != before[name] for name in before)


def test_a_user_container_with_a_lab_name_is_never_touched(first_run, tmp_path):
    reports, _ = first_run
    docker("rm", "-f", "alpine02")
    docker("run", "-dit", "--name", "alpine02", "--label", "owner=student", "vethlab/busybox:latest")
    keep = docker("inspect", "-f", "{{.Id}}", "alpine02").strip()
    try:
        code, report, output = lab(reports)
        assert code == 2, output
        result = task_result(report, "Refuse what the reset must not do")
        assert '"alpine02" exists on this host but was not created by the lab' in result["msg"]
        assert "lab_reset_scope=all" in result["msg"] and "docker rename" in result["msg"]
        assert docker("inspect", "-f", "{{.Id}} {{.State.Running}}", "alpine02").split() == [keep, "true"]
    finally:
        docker("rm", "-f", "alpine02")
    code, _, output = lab(reports)
    assert code == 0, output


SAY_ENGINE = "Say where the engine comes from, unless podman's docker is in the way"


def test_a_named_source_in_check_mode_on_this_machine_removes_nothing(first_run):
    """This machine runs Debian's docker.io: auto keeps it; naming docker-ce in check mode says what
    a switch would remove, and nothing changes (no package, no engine restart)."""
    assert first_run
    packages = ["dpkg-query", "-W", "-f", "${Package} ${Version} ${db:Status-Abbrev}\\n"]
    before = subprocess.run(packages, capture_output=True, text=True, check=True).stdout
    engine = host_engine_pid()
    assert engine is not None
    code, report, output = ansible_playbook("playbooks/docker_engine.yml", "--check", "-e", "docker_engine_source=docker-ce")
    assert code == 0, output
    said = task_result(report, SAY_ENGINE)["msg"]
    assert "Docker from docker-ce (docker-ce, docker-ce-cli, containerd.io), switching: would remove docker.io" in said
    assert subprocess.run(packages, capture_output=True, text=True, check=True).stdout == before
    assert host_engine_pid() == engine
    code, report, output = ansible_playbook("playbooks/docker_engine.yml", "--check")
    assert code == 0, output
    assert "Docker from distro (docker.io), installed: kept" in task_result(report, SAY_ENGINE)["msg"]


@pytest.mark.browser
def test_the_ping_is_captured_at_every_hop_and_the_file_names_each(first_run):
    """C21 on the real engine: the same echo request (one id and sequence) at the five hops of alpine01 -> alpine02,
    in ping-path.pcapng as scapy (and tshark) read it, one interface per hop; the diagram on the machine's page."""
    from scapy.layers.inet import ICMP, IP

    from vethlab.pcap import read_pcapng

    reports, _ = first_run
    data = json.loads((reports / "localhost" / "lab.json").read_text())
    assert next(c for c in data["checkpoints"] if c["id"] == "C21")["passed"] is True
    first, host = data["packet_path"]
    assert (first["source"], first["target"], host["source"], host["target"]) == ("alpine01", "alpine02", "host", "alpine01")
    veths = {pair["container"]: pair["host_interface"] for pair in data["pairs"]}
    names = ["alpine01:eth0", veths["alpine01"], "docker0", veths["alpine02"], "alpine02:eth0"]
    assert [hop["name"] for hop in first["hops"]] == names
    assert [hop["name"] for hop in host["hops"]] == ["docker0", veths["alpine01"], "alpine01:eth0"]
    frames = read_pcapng(reports / "localhost" / "ping-path.pcapng")
    assert {name for name, _, _ in frames} == set(names)
    echo = {}
    for name, _, frame in frames:
        packet = IP(frame[14:]) if frame[12:14] == b"\x08\x00" else None
        if (
            packet is not None
            and ICMP in packet
            and packet[ICMP].type == 8
            and (packet.src, packet.dst) == (first["source_ip"], first["target_ip"])
        ):
            echo.setdefault((packet[ICMP].id, packet[ICMP].seq), set()).add(name)
    assert list(echo.values()) == [set(names)], echo  # one request, seen at every hop
    # Nothing but ARP and ICMP echo between the lab's own addresses was kept.
    lab = {first["source_ip"], first["target_ip"], host["source_ip"]}
    assert all(frame[12:14] in (b"\x08\x06", b"\x08\x00") for _, _, frame in frames)
    shark = subprocess.run(
        ["tshark", "-r", str(reports / "localhost" / "ping-path.pcapng"), "-T", "fields", "-e", "frame.interface_name", "-e", "ip.src"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shark.returncode == 0, shark.stderr
    rows = [line.split("\t") for line in shark.stdout.splitlines()]
    assert {row[0] for row in rows} == set(names) and {row[1] for row in rows if row[1]} <= lab
    page = (reports / "machines" / "localhost.html").read_text()
    assert page.count('<svg class="sequence"') == 2 and "ICMP echo request" in page
    # As a person sees it: Chromium draws the diagram, its hops and arrows' labels are on the page.
    from chromium import rendered_dom, visible_text

    seen = visible_text(rendered_dom((reports / "machines" / "localhost.html").as_uri()))
    assert all(name in seen for name in names) and "ARP who-has %s? tell %s" % (first["target_ip"], first["source_ip"]) in seen
    assert "ICMP 回显请求" in (reports / "machines" / "localhost.zh.html").read_text()
    assert "| ICMP echo request %s → %s" % (first["source_ip"], first["target_ip"]) in (reports / "localhost" / "lab.md").read_text()


def test_lab_capture_false_leaves_c21_out_and_removes_an_earlier_capture(first_run, tmp_path):
    """lab_capture: false - no C21 in the table, no packet_path, and a capture an earlier run left is removed (the
    folder never shows another run's capture as this one's)."""
    (tmp_path / "localhost").mkdir()
    (tmp_path / "localhost" / "ping-path.pcapng").write_bytes(b"an earlier run's")
    code, _, output = lab(tmp_path, "--check", "-e", "lab_capture=false")
    assert code == 0, output
    data = json.loads((tmp_path / "localhost" / "lab.json").read_text())
    assert [c["id"] for c in data["checkpoints"]] == [cid for cid in DOCKER0 if cid != "C21"] and data["packet_path"] == []
    assert not (tmp_path / "localhost" / "ping-path.pcapng").exists()
