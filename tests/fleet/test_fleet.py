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
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import lab_engine
from chromium import rendered_dom, visible_text
from lab_engine import BIN, SHORT_SSH_TIMEOUT, ansible_playbook, docker, task_result
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
    molecule("destroy")
    try:
        for step in ("syntax", "create", "converge", "idempotence", "verify"):
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


def vethlab(*argv: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH="%s:%s" % (BIN, os.environ.get("PATH", "")), **SHORT_SSH_TIMEOUT)
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
