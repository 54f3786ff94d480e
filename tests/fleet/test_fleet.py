"""The Molecule scenario `fleet`: a simulated classroom of three student machines over SSH.

create, converge, idempotence and verify (pytest-testinfra, over SSH on each machine) run as
Molecule steps; `vethlab up --limit` runs one machine and marks the others not in this run; then
one machine is broken (stopped, so SSH times out) and the class is run again: the others pass, and
index.html, class.csv and junit.xml say why the broken one failed. destroy removes the nodes and
volumes.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
import shutil
import signal
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import lab_engine
from chromium import rendered_dom, visible_text
from lab_engine import BIN, ROOT, SHORT_SSH_TIMEOUT, ansible_playbook, docker, start_execution_node, task_result
from vethlab.module_utils.vethlab_lessons import lesson

pytestmark = [pytest.mark.engine, pytest.mark.fleet, pytest.mark.browser]

STUDENTS = ["student01", "student02", "student03"]
# The docker0 lesson's checkpoints, each judged on every machine.
JUDGED = str(len(lesson("docker0").checkpoints))


def molecule(step: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    return lab_engine.molecule("fleet", step, check, env=env)


def reports_dir() -> Path:
    found = sorted(glob.glob(os.path.expanduser("~/.ansible/tmp/molecule.*.fleet/reports")), key=os.path.getmtime)
    assert found, "the fleet scenario wrote no reports"
    return Path(found[-1])


@pytest.fixture(scope="module")
def fleet():
    lab_engine.molecule_fresh("fleet")
    try:
        for step in ("create", "converge", "idempotence", "verify"):
            molecule(step)
        yield reports_dir()
    finally:
        molecule("destroy")
        assert not [name for name in STUDENTS if docker("ps", "-aq", "--filter", "name=^%s$" % name).strip()]
        assert not [name for name in STUDENTS if docker("volume", "ls", "-q", "--filter", "name=vethlab-%s-docker" % name).strip()]


def test_the_class_passes(fleet):
    rows = list(csv.DictReader(io.StringIO((fleet / "class.csv").read_text())))
    assert [(r["machine"], r["passed"], r["failed"]) for r in rows] == [(name, JUDGED, "0") for name in STUDENTS]
    text = visible_text(rendered_dom((fleet / "index.html").as_uri()))
    assert "3 of 3 machines passed every checkpoint." in text
    # The packet itself, captured on each student machine, its frames fetched: each machine's ping-path.pcapng names
    # that machine's own five hops, and its C21 passed.
    import json

    from vethlab.pcap import read_pcapng

    for name in STUDENTS:
        data = json.loads((fleet / name / "lab.json").read_text())
        hops = [hop["name"] for hop in data["packet_path"][0]["hops"]]
        assert hops[0] == "alpine01:eth0" and hops[2] == "docker0" and len(hops) == 5, hops
        assert {interface for interface, _, _ in read_pcapng(fleet / name / "ping-path.pcapng")} == set(hops), name
        assert next(c for c in data["checkpoints"] if c["id"] == "C21")["passed"] is True


def test_reset_scope_all_wipes_a_machine_as_the_lesson_does_and_keeps_volumes(fleet):
    """The lesson's wipe, on a student machine's own engine: every container and image goes,
    a volume and the file in it stay, and the other machines are untouched. The next test's
    converge brings the lab back on it."""
    node = "student01"

    def inner(*argv: str) -> str:
        return docker("exec", node, "docker", *argv)

    image = inner("images", "--format", "{{.Repository}}:{{.Tag}}").split()[0]
    inner("volume", "create", "homework")
    inner("run", "-d", "--pull", "never", "--name", "notes", "-v", "homework:/data", image,
          "sh", "-c", "echo homework > /data/notes.txt && exec sleep 3600")  # fmt: skip
    inner("tag", image, "student/work:1")
    notes = "/var/lib/docker/volumes/homework/_data/notes.txt"
    docker("exec", node, "sh", "-c", "for i in $(seq 50); do test -s %s && exit 0; sleep 0.1; done; exit 1" % notes)
    assert set(inner("ps", "-a", "--format", "{{.Names}}").split()) == {"alpine01", "alpine02", "notes"}
    elsewhere = docker("exec", "student02", "docker", "ps", "-q", "--no-trunc")
    code, report, output = ansible_playbook(
        "-i",
        str(fleet.parent / "inventory"),
        "playbooks/lab_step.yml",
        "-e",
        "lab_step=reset",
        "--limit",
        node,
        "-e",
        "lab_reset_scope=all",
    )
    assert code == 0, output
    said = task_result(report, "Say what the reset removes", host=node)["msg"]
    assert all(name in said for name in ("alpine01", "alpine02", "notes")), said
    assert not inner("ps", "-aq").strip() and not inner("images", "-aq").strip()
    assert "homework" in inner("volume", "ls", "-q").split()
    assert docker("exec", node, "cat", notes) == "homework\n"
    assert docker("exec", "student02", "docker", "ps", "-q", "--no-trunc") == elsewhere


def vethlab(*argv: str, env: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH="%s:%s" % (BIN, os.environ.get("PATH", "")), **SHORT_SSH_TIMEOUT, **(env or {}))
    return subprocess.run([str(BIN / "vethlab"), *argv], env=env, capture_output=True, text=True, timeout=600)


def test_a_limited_run_marks_the_others_not_in_this_run(fleet):
    # Runs after the test above, which wiped student01's lab: a teacher repairs that one machine.
    before = {r["machine"]: r for r in csv.DictReader(io.StringIO((fleet / "class.csv").read_text()))}
    done = vethlab("up", "-i", str(fleet.parent / "inventory"), "-l", "student01")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 of 1 machines passed. 2 not in this run (--limit): earlier results, not counted." in done.stdout
    rows = {r["machine"]: r for r in csv.DictReader(io.StringIO((fleet / "class.csv").read_text()))}
    assert (rows["student01"]["status"], rows["student01"]["passed"]) == ("passed", JUDGED) and rows["student01"]["at"] > before[
        "student01"
    ]["at"]
    for name in ("student02", "student03"):
        assert (rows[name]["status"], rows[name]["passed"], rows[name]["at"]) == ("not in this run", "", "")
        assert rows[name]["problems"] == "not in this run; last result, at %s UTC: passed" % before[name]["at"].replace("T", " ")[:16]
    suites = {s.get("name"): s for s in ET.fromstring((fleet / "junit.xml").read_text())}
    assert [suites[name].get("skipped") for name in STUDENTS] == ["0", "1", "1"]
    index = visible_text(rendered_dom((fleet / "index.html").as_uri()))
    assert "1 of 1 machines passed every checkpoint. 2 not in this run (outside --limit)" in index


# --- The class in slices on execution nodes: vethlab up --workers (transmit | ssh worker | process) ---------------
WORKER_IMAGE_OF = "student01"  # the workers run the class's own node image: Debian, sshd, Python 3.11, ssh-agent


def docker_quiet(*argv: str) -> str:
    """The docker CLI where failing is an answer (a container already gone, a process list of a stopped node)."""
    return subprocess.run(("docker", *argv), capture_output=True, text=True).stdout


def address(node: str) -> str:
    return docker("inspect", "-f", '{{(index .NetworkSettings.Networks "vethlab-class-fleet").IPAddress}}', node).strip()


def running(node: str) -> str:
    """The node started (an earlier test may have stopped it) and its sshd answering; its address."""
    if docker("inspect", "-f", "{{.State.Running}}", node).strip() != "true":
        docker("start", node)
    import socket
    import time

    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection((address(node), 22), timeout=2) as connection:
                if connection.recv(16).startswith(b"SSH-"):
                    return address(node)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def start_worker(name: str, key: Path) -> str:
    """An execution node on the class's network, from the class's own node image (lab_engine.start_execution_node).
    Returns its address once its sshd answers."""
    start_execution_node(name, docker("inspect", "-f", "{{.Config.Image}}", WORKER_IMAGE_OF).strip(), key, "vethlab-class-fleet")
    return running(name)


@pytest.fixture(scope="module")
def workers(fleet, tmp_path_factory):
    """Two execution nodes, an inventory of the class without the controller's key file (the key goes to each
    worker's ssh-agent with --ssh-key), the students' host keys recorded, and an ssh-agent holding the teacher's key
    for the SSH to the workers. Removes the nodes, the agent and the class's report folder it made."""
    import uuid

    key = fleet.parent / "id_ed25519"
    folder = tmp_path_factory.mktemp("workers")
    class_id = "workers-%s" % uuid.uuid4().hex[:8]
    students = {name: running(name) for name in STUDENTS}
    inventory = folder / "class.yml"
    hosts = "".join("    %s: {ansible_host: %s}\n" % (name, ip) for name, ip in students.items())
    inventory.write_text(
        "all:\n  hosts:\n%s  vars:\n    ansible_user: teacher\n    ansible_become: true\n    lab_class_id: %s\n"
        "    lab_image_busybox_name: vethlab/busybox-class:latest\n    lab_image_label: vethlab.class.image\n"
        "    lab_containers_dns: [127.0.0.1]\n" % (hosts, class_id)
    )
    agent = folder / "agent.sock"
    started = subprocess.run(["ssh-agent", "-a", str(agent)], capture_output=True, text=True, check=True).stdout
    agent_pid = started.split("SSH_AGENT_PID=")[1].split(";")[0]
    env = {"SSH_AUTH_SOCK": str(agent)}
    names = ["vethlab-worker1", "vethlab-worker2"]
    try:
        subprocess.run(["ssh-add", str(key)], env=dict(os.environ, **env), capture_output=True, check=True)
        addresses = [start_worker(name, key) for name in names]
        done = vethlab("keys", "-i", str(inventory), env=dict(env, ANSIBLE_PRIVATE_KEY_FILE=str(key)))
        assert done.returncode == 0, done.stdout + done.stderr
        yield {"inventory": inventory, "key": key, "env": env, "workers": ["teacher@%s" % ip for ip in addresses],
               "report": ROOT / "reports" / class_id, "start": lambda name: "teacher@%s" % start_worker(name, key)}  # fmt: skip
    finally:
        subprocess.run(["kill", agent_pid], check=False)
        for name in [*names, "vethlab-worker3"]:
            docker_quiet("rm", "-f", name)
        shutil.rmtree(ROOT / "reports" / class_id, ignore_errors=True)


def default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def up_on_workers(workers, *argv, **popen):
    command = [
        str(BIN / "vethlab"), "up", "-i", str(workers["inventory"]), "--trust-new-keys", "--ssh-key", str(workers["key"]),
        "--worker-command", "env PATH=%s:/usr/bin:/bin ansible-runner worker" % BIN, "--language", "en", *argv,
    ]  # fmt: skip
    env = dict(os.environ, PATH="%s:%s" % (BIN, os.environ.get("PATH", "")), **workers["env"])
    if popen:
        # Ctrl-C as a terminal gives it, whatever this process inherited: a shell that starts a job in the background
        # without job control (`(make test &)`) leaves SIGINT ignored, and an ignored SIGINT is inherited.
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


def class_rows(folder: Path) -> dict:
    table = csv.DictReader(io.StringIO((folder / "class.csv").read_text()))
    return {row["machine"]: (row["status"], row["passed"], row["failed"], row["total"], row["problems"]) for row in table}


def test_the_class_in_slices_on_two_workers_is_one_report_equal_to_the_unsliced_run(fleet, workers):
    """Two slices (student01+student03, student02), each on its own execution node through ansible-runner's stream:
    one class report, its rows as the same class's unsliced run's (from this controller, just before), every
    machine's files signed with the class's secret (the workers never made one: they were given it)."""
    whole = vethlab("up", "-i", str(workers["inventory"]), env=dict(workers["env"], ANSIBLE_PRIVATE_KEY_FILE=str(workers["key"])))
    assert whole.returncode == 0, whole.stdout + whole.stderr
    unsliced = class_rows(workers["report"])
    done = up_on_workers(workers, "--workers", ",".join(workers["workers"]))
    assert done.returncode == 0, done.stdout + done.stderr
    first, second = workers["workers"]
    assert "slice 1 (student01, student03) on %s: done" % first in done.stdout, done.stdout
    assert "slice 2 (student02) on %s: done" % second in done.stdout, done.stdout
    assert "3 of 3 machines passed." in done.stdout
    assert class_rows(workers["report"]) == unsliced
    for name in STUDENTS:  # the live table was fed from the process side: one row per machine
        assert name in done.stderr
    files = [str(workers["report"] / name / "lab.json") for name in STUDENTS]
    verified = vethlab("report", "-i", str(workers["inventory"]), "--verify", *files)
    assert verified.returncode == 0 and verified.stdout.count("authentic") == 3, verified.stdout + verified.stderr
    summary = json.loads((workers["report"] / "summary.json").read_text())
    assert sorted(summary["hosts"]) == STUDENTS


def test_a_worker_lost_mid_run_has_its_slice_run_again_on_the_other(fleet, workers):
    """The second worker's machine is killed while its slice runs: ssh gives it up after 15 s of silence, the slice
    runs again on the first worker (the lost run's locks on the machines named gone), and the class passes."""
    import time

    lost = "vethlab-worker3"
    spare = workers["start"](lost)
    run = up_on_workers(workers, "--workers", "%s,%s" % (workers["workers"][0], spare), popen=True)
    try:
        deadline = time.monotonic() + 120
        while "ansible-playbook" not in docker_quiet("exec", lost, "ps", "-eo", "args"):
            assert run.poll() is None and time.monotonic() < deadline, "the slice never started on %s" % lost
            time.sleep(0.3)
        time.sleep(2)  # well into the lab
        docker("kill", lost)
        out, err = run.communicate(timeout=600)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 0, out + err
    assert "slice 2 (student02) on %s: done (run again here: %s:" % (workers["workers"][0], spare) in out, out
    assert "3 of 3 machines passed." in out


def test_ctrl_c_ends_every_slice_writes_no_report_and_the_next_run_takes_the_locks_at_once(fleet, workers):
    """Ctrl-C while both slices run: exit 130, the class report untouched; the runs it gave up are kept next to the
    inventory, and the next run on the workers takes the locks they left on the machines at once (it may wait 5 s)."""
    import time

    summary = workers["report"] / "summary.json"
    before = summary.read_bytes() if summary.exists() else None
    run = up_on_workers(workers, "--workers", ",".join(workers["workers"]), popen=True)
    try:
        deadline = time.monotonic() + 120
        # Into the lab: the reset step has taken the lock (/run/vethlab.lock) on a machine of each slice, both held at
        # once. Read through each machine's root as the kernel shows it to this host (/proc/PID/root), not with
        # `docker exec`: under a busy engine an exec took long enough for both slices to end before the signal.
        locks = [Path("/proc/%s/root/run/vethlab.lock" % docker("inspect", "-f", "{{.State.Pid}}", node).strip())
                 for node in ("student01", "student02")]  # fmt: skip
        while not all(lock.exists() for lock in locks):
            assert run.poll() is None and time.monotonic() < deadline, "the slices never took the machines' locks"
            time.sleep(0.05)
        run.send_signal(signal.SIGINT)
        _, err = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 130, err
    assert "vethlab up was interrupted (Ctrl-C)." in err
    assert (summary.read_bytes() if summary.exists() else None) == before  # no report from half a run
    from vethlab.signature import class_file
    from vethlab.workers import GONE_SUFFIX

    given_up = json.loads(class_file(workers["inventory"], GONE_SUFFIX).read_text())
    assert given_up, "the interrupted runs were not kept"
    assert docker_quiet("exec", "student01", "ls", "/run/vethlab.lock").strip()  # the lock the interrupted run left
    # The workers swapped: each slice on the worker that did not run it (a worker's own records would know its runs).
    again = up_on_workers(workers, "--workers", ",".join(reversed(workers["workers"])), "-e", "lab_lock_wait=5")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "3 of 3 machines passed." in again.stdout


def test_a_slice_no_worker_could_run_shows_its_machines_with_the_reason(fleet, workers):
    done = up_on_workers(workers, "--workers", workers["workers"][0], "--worker-command", "false")
    assert done.returncode == 1, done.stdout + done.stderr
    rows = class_rows(workers["report"])
    for name in STUDENTS:
        status, _, _, _, problems = rows[name]
        assert status == "unreachable" and "was lost, twice" in problems and "exit 1" in problems, rows[name]
    assert "0 of 3 machines passed." in done.stdout


def test_a_broken_machine_does_not_stop_the_class(fleet):
    docker("stop", "-t", "0", "student03")  # a student's machine that is off
    done = molecule("converge", check=False, env=SHORT_SSH_TIMEOUT)
    assert done.returncode != 0  # the run says a machine failed
    rows = {r["machine"]: r for r in csv.DictReader(io.StringIO((fleet / "class.csv").read_text()))}
    assert rows["student01"]["passed"] == rows["student02"]["passed"] == JUDGED
    assert rows["student03"]["passed"] == "0" and rows["student03"]["status"] == "unreachable"
    assert rows["student03"]["problems"].startswith("unreachable:") and "student03" not in rows["student01"]["problems"]
    assert "port 22" in rows["student03"]["problems"]
    suites = {s.get("name"): s for s in ET.fromstring((fleet / "junit.xml").read_text())}
    assert set(suites) == set(STUDENTS)
    failure = suites["student03"].find("testcase/failure")
    assert failure is not None and failure.get("type") == "unreachable" and "port 22" in failure.get("message")
    assert suites["student01"].get("failures") == "0"
    index = visible_text(rendered_dom((fleet / "index.html").as_uri()))
    assert "2 of 3 machines passed every checkpoint." in index
    assert "student03 unreachable unreachable:" in index
    page = visible_text(rendered_dom((fleet / "machines" / "student01.html").as_uri()))
    assert "student01: passed" in page and "veth pair" in page and "docker0" in page


def test_the_vethlab_command_reports_the_broken_machine(fleet):
    docker("stop", "-t", "0", "student03")  # a student's machine that is off (stopped already, when the test above ran)
    done = vethlab("check", "-i", str(fleet.parent / "inventory"))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "2 of 3 machines passed." in done.stdout
    assert "student03: unreachable" in done.stdout
    for name in ("student01", "student02", "student03"):
        assert name in done.stderr  # one row each in the live table
