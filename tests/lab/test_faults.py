"""Faults a classroom throws at the lab, on the live engine."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from lab_engine import (
    CAPTURE,
    ROOT,
    ansible_playbook,
    build_busybox_image,
    cut_cable,
    docker,
    engine_available,
    engine_state,
    stop_host_engine,
    sysfs_links,
    task_result,
)

pytestmark = [pytest.mark.engine]


def lab(*extra, env=None):
    return ansible_playbook("lab.yml", "-e", "lab_image_source=busybox", *extra, env=env)


@pytest.fixture(scope="module")
def judge(tmp_path_factory):
    """lab-check, as prepare installs it, with no task card: the lesson's own values."""
    from vethlab.labcheck import build

    folder = tmp_path_factory.mktemp("judge")
    build(folder / "lab-check")
    return folder


def judged(judge, *argv: str) -> dict:
    """What lab-check --json says of the docker0 lesson on this machine (``argv``: more of its arguments, --path)."""
    env = dict(os.environ, VETHLAB_PREPARED=str(judge / "none.json"), XDG_CACHE_HOME=str(judge))
    done = subprocess.run([str(judge / "lab-check"), "docker0", *argv, "--json"], capture_output=True, text=True, env=env, timeout=120)
    return json.loads(done.stdout)


def lab_is_whole(judge) -> bool:
    """Whether this machine's lab is whole as lab.yml makes it here: alpine01 and alpine02 are the lab's (its label,
    its busybox image) and the judge, looking from outside, passes the docker0 lesson (about 0.3 s, against a lab
    run's 4-8 s)."""
    seen = subprocess.run(
        ["docker", "inspect", "--format", '{{.Config.Image}} {{index .Config.Labels "vethlab.lab"}}', "alpine01", "alpine02"],
        capture_output=True,
        text=True,
    )
    if seen.returncode != 0 or seen.stdout.split("\n")[:2] != ["vethlab/busybox:latest true"] * 2:
        return False
    try:
        return all(c["passed"] for c in judged(judge)["checkpoints"])
    except ValueError:  # lab-check said no JSON (no lab to judge): not whole
        return False


@pytest.fixture
def whole_lab(judge, tmp_path):
    """The whole lab a test breaks: lab.yml runs only when the judge finds it not whole (the tests here end with a
    whole lab, each repairing what it broke). Yields the test's report folder."""
    if not lab_is_whole(judge):
        code, _, output = lab("-e", "lab_report_dir=%s" % tmp_path)
        assert code == 0, output
    return tmp_path


@pytest.mark.exclusive
def test_reset_scope_all_in_check_mode_lists_everything_and_removes_nothing(tmp_path):
    user = "vethlab-fault-user-container"
    docker("rm", "-f", user)
    docker("run", "-dit", "--name", user, build_busybox_image())
    try:
        before = engine_state()
        code, report, output = ansible_playbook("playbooks/lab_step.yml", "-e", "lab_step=reset", "--check", "-e", "lab_reset_scope=all")
        assert code == 0, output
        message = task_result(report, "Say what the reset removes")["msg"]
        assert message.startswith("Would remove (scope all): containers ")
        for name in docker("ps", "-a", "--format", "{{.Names}}").split():
            assert name in message
        assert "volumes never" in message
        assert engine_state() == before
    finally:
        docker("rm", "-f", user)


def test_teardown_removes_only_what_the_lab_created(whole_lab, tmp_path):
    user = "vethlab-fault-keep"
    docker("rm", "-f", user)
    docker("run", "-dit", "--name", user, "--label", "owner=student", "vethlab/busybox:latest")
    volume = "vethlab-fault-volume"
    docker("volume", "create", volume)
    try:
        code, _, output = ansible_playbook("playbooks/lab_teardown.yml")
        assert code == 0, output
        assert not docker("ps", "-aq", "--filter", "label=vethlab.lab=true").strip()
        assert docker("inspect", "-f", "{{.State.Running}}", user).strip() == "true"
        assert docker("volume", "ls", "-q", "--filter", "name=" + volume).strip() == volume
        # The image the lab built loses its name (docker keeps the layers while the user's container uses them).
        assert not docker("images", "-q", "vethlab/busybox:latest").strip()
    finally:
        docker("rm", "-f", user)
        docker("image", "prune", "--force", "--filter", "label=vethlab.lab.image=true")  # the layers it kept
        docker("volume", "rm", volume)
    code, _, output = lab("-e", "lab_report_dir=%s" % tmp_path)
    assert code == 0, output


def test_reset_of_the_labs_images_keeps_a_users_container_from_them(whole_lab, tmp_path):
    user = "vethlab-fault-user-of-lab-image"
    docker("rm", "-f", user)
    docker("run", "-dit", "--name", user, "vethlab/busybox:latest")
    try:
        code, report, output = ansible_playbook("playbooks/lab_step.yml", "-e", "lab_step=reset", "-e", "lab_reset_images=true")
        assert code == 0, output
        assert "vethlab/busybox:latest" in task_result(report, "Say what the reset removes")["msg"]
        assert not docker("images", "-q", "vethlab/busybox:latest").strip()
        assert docker("inspect", "-f", "{{.State.Running}}", user).strip() == "true"
    finally:
        docker("rm", "-f", user)
        docker("image", "prune", "--force", "--filter", "label=vethlab.lab.image=true")  # the layers it kept
    code, _, output = lab("-e", "lab_report_dir=%s" % tmp_path)
    assert code == 0, output


# (step as the lesson names it, the task before which the engine dies)
KILL_POINTS = [
    ("start the containers", "Look at the lab's containers and their network"),
    ("inspect the interfaces", "Read ip addr on the host and in each running lab container, and pair the veths"),
    ("verify reachability", "Ping the matrix and judge the checkpoints"),
]
STARTED_DIRECTLY = "Start dockerd directly, logging to /var/log/dockerd.log"


@pytest.mark.exclusive
def test_an_engine_stopped_or_killed_during_a_run_is_named_and_the_next_run_starts_it_and_converges(tmp_path):
    """The engine stopped as a reboot or an admin would, then killed during each step in turn: every run starts the
    engine it finds stopped (no systemd here: dockerd directly); a run in which it dies names the step, exits 2 and
    leaves files that say this run stopped, never an earlier pass; the run after the last death passes. One chain of
    four runs, each kill point's own case (they were four tests of two runs each).

    The lab's containers are killed before the engine is stopped, as a reboot ends them: their shells ignore SIGTERM,
    and dockerd stopping would give each 10 s first (11 s of this test's 53 s, waiting; the engine that starts again
    after a crash gives the ones it finds still running the same 10 s, which the runs after the kill points do)."""
    assert engine_available()
    running = docker("ps", "--quiet", "--filter", "label=vethlab.lab=true").split()
    if running:
        docker("kill", *running)  # as a reboot ends them
    stop_host_engine()  # by its pid file, as a reboot or an admin would
    assert not engine_available()
    # An earlier run's passing report, which a run that dies must not leave in place.
    (tmp_path / "localhost").mkdir()
    (tmp_path / "localhost" / "lab.json").write_text('{"host": "localhost", "passed": true, "written_by": "an earlier run"}\n')
    for step, task in KILL_POINTS:
        fault = {
            "ANSIBLE_CALLBACK_PLUGINS": "%s:%s" % (ROOT / "tests" / "fault_plugins", ROOT / "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "vethlab_kill_engine",
            "VETHLAB_KILL_ENGINE_AT": task,
        }
        # The containers and inspect steps' tasks run when there is work (lab_fresh: new containers); pinging always runs.
        fresh = () if step == "verify reachability" else ("-e", "lab_fresh=true")
        code, report, output = lab("-e", "lab_report_dir=%s" % tmp_path, *fresh, env=fault)
        assert task_result(report, STARTED_DIRECTLY)["changed"] is True, step  # found stopped (or killed by the run before)
        assert not engine_available(), "the fault was not injected at %s" % task
        assert code == 2, output
        message = task_result(report, "Stop, saying why the step failed")["msg"]
        assert message.startswith('The Docker engine on localhost stopped answering during the step "%s", at the task "' % step), message
        assert "Run the lab again" in message
        # The run stopped at the fault: no report was judged from a dead engine, and the machine's files say
        # that this run stopped, where and why, dated - never the earlier pass.
        stopped = json.loads((tmp_path / "localhost" / "lab.json").read_text())
        assert stopped["passed"] is False and stopped["outcome"] == "failed" and stopped["checkpoints"] == []
        assert stopped["stopped"]["message"] == message and stopped["run_id"] and stopped["run_at"]
        assert "This run stopped before its report: failed at" in (tmp_path / "localhost" / "lab.md").read_text()
        assert "本次运行在写报告之前就停止了" in (tmp_path / "localhost" / "lab.zh.md").read_text()
    code, report, output = lab("-e", "lab_report_dir=%s" % tmp_path)
    assert code == 0, output
    assert task_result(report, STARTED_DIRECTLY)["changed"] is True
    assert json.loads((tmp_path / "localhost" / "lab.json").read_text())["passed"] is True


def test_what_the_user_owns_survives_every_run_with_its_data(tmp_path):
    """Default scope: the user's running and stopped containers, image, network and volume (and
    the file in it) are untouched by the lab, a fresh lab, a reset of the lab's images and teardown."""
    image = build_busybox_image()
    running, stopped, network, volume, own_image = (
        "vethlab-user-running",
        "vethlab-user-stopped",
        "vethlab-user-net",
        "vethlab-user-data",
        "student/work:1",
    )

    def remove_what_the_user_owns():
        for argv in (["rm", "-f", running, stopped], ["network", "rm", network], ["volume", "rm", volume], ["rmi", own_image]):
            subprocess.run(["docker", *argv], capture_output=True)

    remove_what_the_user_owns()  # left over by an interrupted run
    try:
        docker("volume", "create", volume)
        docker("network", "create", network)
        docker("run", "-d", "--name", running, "--network", network, "-v", volume + ":/data", image,
               "sh", "-c", "echo homework > /data/notes.txt && exec sleep 3600")  # fmt: skip
        docker("run", "--name", stopped, image, "true")  # ran, exited: a stopped container
        docker("tag", image, own_image)
        data = Path(docker("volume", "inspect", "-f", "{{.Mountpoint}}", volume).strip()) / "notes.txt"
        for _ in range(50):
            if data.exists():
                break
            time.sleep(0.1)

        def owned():
            return {
                "containers": docker("inspect", "-f", "{{.Id}} {{.State.Status}}", running, stopped).split("\n"),
                "network": docker("network", "inspect", "-f", "{{.Id}} {{len .Containers}}", network).strip(),
                "volume": docker("volume", "inspect", "-f", "{{.Name}}", volume).strip(),
                "data": data.read_text(),
                "image": docker("images", "-q", "--no-trunc", own_image).strip(),
            }

        before = owned()
        assert before["data"] == "homework\n" and before["image"] and before["containers"][1].endswith(" exited")
        runs = [
            ("lab.yml",),
            ("lab.yml", "-e", "lab_fresh=true"),
            ("playbooks/lab_step.yml", "-e", "lab_step=reset", "-e", "lab_reset_images=true"),
            ("playbooks/lab_teardown.yml",),
            ("lab.yml",),
        ]
        for run in runs:
            code, _, output = ansible_playbook(*run, "-e", "lab_image_source=busybox", "-e", "lab_report_dir=%s" % tmp_path)
            assert code == 0, output
            assert owned() == before, "after %s" % " ".join(run)
    finally:
        remove_what_the_user_owns()


def assert_a_cut_cable_is_reported_cell_by_cell(tmp_path, report):
    """What --check says of alpine02's cut cable: exactly the cells through it, each with why; C9's must-fail
    cell from it an error; the page and the failure message in the same words."""
    data = json.loads((tmp_path / "localhost" / "lab.json").read_text())
    assert data["passed"] is False
    reachable = [c for c in data["reachability"] if c["expected"] == "reachable"]
    failed = {(c["source"], c["target"]) for c in reachable if not c["as_expected"]}
    involving = {(c["source"], c["target"]) for c in reachable if "alpine02" in (c["source"], c["target"])}
    assert failed == involving and len(failed) == 5  # host->02, 02->docker0, 02->outside, 01->02, 02->01
    assert all(c["detail"] for c in data["reachability"] if not c["as_expected"])
    assert all(
        "alpine02: eth0 is down; a run of the lab without --check recreates it" in c["why"] for c in reachable if not c["as_expected"]
    )
    # C9's cell from alpine02, which must fail: its name "does not resolve" only because alpine02 reaches nothing.
    (c9,) = [c for c in data["reachability"] if c["checkpoint"] == "C9"]
    assert (c9["observed"], c9["as_expected"]) == ("error", False) and c9["why"].startswith("alpine02 cannot reach its own gateway")
    # ... and the packet itself (C21): the capture sees where alpine01's ping to alpine02 stops.
    assert [c["id"] for c in data["checkpoints"] if not c["passed"]] == ["C5", "C6", "C7", "C8", "C9", "C21"]
    (c21,) = [c for c in data["checkpoints"] if c["id"] == "C21"]
    assert "alpine01 → alpine02" in c21["detail"] and "never at" in c21["detail"], c21["detail"]
    page = (tmp_path / "localhost" / "lab.md").read_text()
    assert page.count("**not as expected**") == 6 and page.count("| **FAILED** |") == 6
    message = task_result(report, "Show the checkpoints, and fail the host when one failed")["msg"]
    assert message.startswith("localhost failed C5, C6, C7, C8, C9, C21:") and "lab.md" in message
    assert "`alpine02`: eth0 is down; the lab recreates this container on its next run" in page


def cut_address(container):
    """`ip addr del` of eth0's IPv4 address, inside the container's network namespace."""
    pid = docker("inspect", "-f", "{{.State.Pid}}", container).strip()
    line = subprocess.run(["nsenter", "-t", pid, "-n", "ip", "-4", "-o", "addr", "show", "dev", "eth0"], capture_output=True, text=True)
    address = line.stdout.split()[3]
    subprocess.run(["nsenter", "-t", pid, "-n", "ip", "addr", "del", address, "dev", "eth0"], check=True)


def host_veth(container):
    """The host end of the container's eth0, found by the kernel's numbers (sysfs)."""
    peer = sysfs_links(container)["eth0"]["iflink"]
    return next(name for name, links in sysfs_links().items() if links["ifindex"] == peer)


def down_host_veth(container):
    subprocess.run(["ip", "link", "set", host_veth(container), "down"], check=True)


# (what a student did, to which container, how it reads now, how the repair reports it). A cut cable is judged
# cell by cell, alone; the other two faults share one lab run (one container each): the same cases, four lab runs
# fewer.
LAB_FAULTS = {
    "eth0_down": [(cut_cable, "alpine02", "eth0_down", "alpine02: eth0 was down; created again")],
    "address_and_veth": [
        (cut_address, "alpine01", "eth0_no_address", "alpine01: eth0 had no address in "),
        (down_host_veth, "alpine02", "veth_down", "alpine02: its host veth veth"),
    ],
}


@pytest.mark.parametrize("faults", LAB_FAULTS.values(), ids=LAB_FAULTS.keys())
def test_a_fault_in_what_the_lab_owns_is_reported_by_check_and_repaired_by_a_rerun(whole_lab, tmp_path, faults):
    cut_cable_case = faults[0][2] == "eth0_down"  # judged cell by cell, its packet too (C21): its runs capture
    reports = ("-e", "lab_report_dir=%s" % tmp_path, *(CAPTURE if cut_cable_case else ()))
    for fault, container, _, _ in faults:
        fault(container)
    before = engine_state()
    # Check mode only looks: the machine fails, each container is named with its fault, nothing changes.
    result, checked, output = lab(*reports, "--check")
    assert result == 2, output
    data = json.loads((tmp_path / "localhost" / "lab.json").read_text())
    health = {name: [p["code"] for p in problems] for name, problems in data["health"].items()}
    assert data["passed"] is False and health == {"alpine01": [], "alpine02": [], **{c: [code] for _, c, code, _ in faults}}
    if cut_cable_case:  # (this case once had a test of its own)
        assert_a_cut_cable_is_reported_cell_by_cell(tmp_path, checked)
    assert json.loads((tmp_path / "summary.json").read_text())["machines"][0]["status"] == "failed"
    assert engine_state() == before
    # A rerun repairs them, says which container and why, and reports the change.
    result, report, output = lab(*reports)
    assert result == 0, output
    said = [item["msg"] for item in task_result(report, "Say which containers were created again, and why")["results"] if "msg" in item]
    for _, _, _, repaired in faults:
        assert [msg for msg in said if msg.startswith(repaired)], (repaired, said)
    assert report["stats"]["localhost"]["changed"] > 0 and engine_state() != before
    assert json.loads((tmp_path / "localhost" / "lab.json").read_text())["passed"] is True
    # The next run finds a healthy lab and changes nothing.
    result, report, output = lab(*reports)
    assert result == 0 and report["stats"]["localhost"]["changed"] == 0, output


@pytest.mark.exclusive
def test_docker0_down_is_the_hosts_fault_reported_not_repaired(tmp_path):
    reports = ("-e", "lab_report_dir=%s" % tmp_path, *CAPTURE)  # C21 too: the packet stops at the bridge
    assert lab(*reports)[0] == 0
    before = engine_state()
    subprocess.run(["ip", "link", "set", "docker0", "down"], check=True)
    try:
        result, report, output = lab(*reports)
        assert result == 2, output
        data = json.loads((tmp_path / "localhost" / "lab.json").read_text())
        checkpoints = {c["id"]: c for c in data["checkpoints"]}
        assert not checkpoints["C1"]["passed"] and checkpoints["C1"]["detail"].startswith("on the host, docker0 is down")
        assert [c["id"] for c in data["checkpoints"] if not c["passed"]] == ["C1", "C5", "C6", "C7", "C8", "C9", "C21"]
        failed = [c for c in data["reachability"] if not c["passed"]]
        assert len(failed) == 9  # every cell; C9's, which must fail, is an error: alpine02 cannot reach its gateway
        reachable = [c for c in failed if c["expected"] == "reachable"]
        assert all("on the host, docker0 is down: the lab does not change the host's network" in c["why"] for c in reachable)
        assert [c["observed"] for c in failed if c["expected"] != "reachable"] == ["error"]
        assert data["health"] == {"alpine01": [], "alpine02": []}  # the containers are whole: none recreated
        assert engine_state() == before
        assert "docker0 is down" in (tmp_path / "localhost" / "lab.md").read_text()
        assert "DOWN" in subprocess.run(["ip", "link", "show", "docker0"], capture_output=True, text=True).stdout  # left as it was
    finally:
        subprocess.run(["ip", "link", "set", "docker0", "up"], check=True)
    result, report, output = lab(*reports)
    assert result == 0, output
    changed = [t["task"]["name"] for p in report["plays"] for t in p["tasks"] if t["hosts"].get("localhost", {}).get("changed")]
    assert set(changed) <= {
        "lab_report : Write the report - lab.json, the student's page in each language (lab.md, lab.zh.md), ping-path.pcapng",
    }, changed  # the report is written again; nothing else
    assert engine_state() == before


@pytest.mark.parametrize(("fault", "failing"), [("nomaster", {"C3", "C4", "C5", "C6", "C7", "C8"}), ("wrong_route", {"C7"})])
def test_each_fault_of_the_lesson_is_seen_and_put_back(judge, whole_lab, tmp_path, fault, failing):
    """vethlab break on this machine's working lab: the student's judge (lab-check) sees the fault's checkpoints fail,
    the controller alone records it, and --undo puts back exactly that: lab-check passes again. (eth0_down and
    address_deleted are the cut cable and the deleted address above; icmp_dropped, which touches the host's
    firewall, runs on a simulated student machine.)"""

    def lab_check():
        return {c["id"] for c in judged(judge)["checkpoints"] if not c["passed"]}

    def own_links():
        """This machine's uplink (its default route's), docker0 and lo, each with its master: what a fault must never
        move (the other lanes' bridges come and go meanwhile)."""
        route = subprocess.run(["ip", "-4", "route", "show", "default"], capture_output=True, text=True, check=True).stdout.split()
        names = {route[route.index("dev") + 1] if "dev" in route else "lo", "docker0", "lo"}
        shown = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True, check=True).stdout
        words = [line.split(": ", 2)[1:] for line in shown.splitlines()]
        return {name: rest.split(" master ")[1].split()[0] if " master " in rest else None for name, rest in words if name in names}

    before, links = engine_state(), own_links()
    code, _, output = ansible_playbook("playbooks/break.yml", "-e", "lab_report_dir=%s" % tmp_path, "-e", "lab_break_fault=%s" % fault)
    assert code == 0, output
    assert own_links() == links  # the fault is the container's veth's, never the host's uplink or a bridge
    record = json.loads((tmp_path / "faults.json").read_text())["localhost"]
    assert record["fault"] == fault and record["container"] == "alpine01" and record["undo"]
    assert lab_check() == failing
    # The packet itself (lab-check --path, as root): off docker0, the ping stops between alpine01's veth and the bridge.
    captured = {c["id"]: c for c in judged(judge, "--path")["checkpoints"]}
    veth = record["undo"][0]["argv"][3] if fault == "nomaster" else None
    assert captured["C21"]["passed"] is (fault != "nomaster"), captured["C21"]["detail"]
    if veth:
        assert "it stops between %s and docker0" % veth in captured["C21"]["detail"], captured["C21"]["detail"]
    code, _, output = ansible_playbook("playbooks/break.yml", "-e", "lab_report_dir=%s" % tmp_path, "-e", "lab_break_undo=true")
    assert code == 0, output
    assert lab_check() == set() and json.loads((tmp_path / "faults.json").read_text()) == {}
    assert own_links() == links
    assert engine_state() == before  # no container made, removed or restarted: only its network state, put back


def test_a_fault_acts_only_in_the_namespace_it_was_made_for(tmp_path):
    """A student recreates alpine01 after a break inside another container's namespace (--network container:victim):
    --undo changes nothing there and says alpine01 was made again, the record is kept; a new break refuses it. The
    victim is this test's own container: whatever happened, no host link is at stake."""
    image = build_busybox_image()
    code, _, output = lab("-e", "lab_report_dir=%s" % tmp_path)
    assert code == 0, output
    code, _, output = ansible_playbook("playbooks/break.yml", "-e", "lab_report_dir=%s" % tmp_path, "-e", "lab_break_fault=eth0_down")
    assert code == 0, output
    record = json.loads((tmp_path / "faults.json").read_text())["localhost"]
    try:
        docker("rm", "-f", "alpine01")
        docker("run", "-d", "--name", "vethlab-test-victim", image, "sleep", "600")
        docker("run", "-d", "--name", "alpine01", "--network", "container:vethlab-test-victim", image, "sleep", "600")
        victim = docker("exec", "vethlab-test-victim", "ip", "addr", "show", "eth0")
        code, _, output = ansible_playbook("playbooks/break.yml", "-e", "lab_report_dir=%s" % tmp_path, "-e", "lab_break_undo=true")
        assert code != 0 and "alpine01 is not the container the fault was made in (its id was %s" % record["id"][:12] in output, output
        assert json.loads((tmp_path / "faults.json").read_text())["localhost"]["undo"] == record["undo"]  # kept
        code, _, output = ansible_playbook("playbooks/break.yml", "-e", "lab_report_dir=%s" % tmp_path, "-e", "lab_break_fault=eth0_down")
        assert code != 0 and "alpine01 runs with --network container:" in output, output
        assert docker("exec", "vethlab-test-victim", "ip", "addr", "show", "eth0") == victim  # untouched
    finally:
        subprocess.run(["docker", "rm", "-f", "alpine01", "vethlab-test-victim"], capture_output=True)
