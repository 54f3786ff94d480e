"""The class report rendered from lab.json files and run outcomes, looked at in headless Chromium."""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET

import pytest
from chromium import rendered_dom, visible_text

from conftest import FIXTURES
from vethlab.report import render_class_report, report_folder, topology_dot

LAB = json.loads((FIXTURES / "reports" / "lab.json").read_text())
EVIL = "<script>document.title='pwned'</script>"


@pytest.fixture
def class_dir(tmp_path):
    good = dict(LAB, host="student01")
    failing = json.loads(json.dumps(LAB))
    failing["host"] = "student02"
    failing["passed"] = False
    failing["checkpoints"][7]["passed"] = False
    failing["checkpoints"][7]["detail"] = "alpine01 \u2192 alpine02 (172.17.0.3): 0 of 1 echo requests answered"
    evil = dict(LAB, host=EVIL)
    evil["pairs"] = [dict(LAB["pairs"][0], container=EVIL)]
    for host, data in (("student01", good), ("student02", failing), (EVIL, evil)):
        (tmp_path / report_folder(host)).mkdir()
        (tmp_path / report_folder(host) / "lab.json").write_text(json.dumps(data))
    return tmp_path


OUTCOMES = {
    "student02": {"status": "failed", "step": "Write the report", "task": "Fail the host when a checkpoint failed", "message": "C8"},
    "student03": {
        "status": "unreachable",
        "step": "Install and start the Docker engine",
        "task": "Gathering Facts",
        "message": "ssh: connect to host 172.17.0.6 port 22: Connection timed out",
    },
}


def test_every_machine_is_listed_with_its_result_and_reason(class_dir):
    summary = render_class_report(class_dir, ["student01", "student02", "student03"], OUTCOMES)
    statuses = {m["host"]: (m["status"], m["reason"]) for m in summary["machines"]}
    assert statuses["student01"] == ("passed", "")
    assert statuses["student02"] == ("failed", "checkpoints failed: C8")
    assert statuses["student03"][0] == "unreachable" and "Connection timed out" in statuses["student03"][1]
    assert summary["passed"] is False
    rows = list(csv.DictReader(io.StringIO((class_dir / "class.csv").read_text())))
    assert [(r["machine"], r["passed"], r["failed"], r["total"]) for r in rows] == [
        ("student01", "8", "0", "8"),
        ("student02", "7", "1", "8"),
        ("student03", "0", "8", "8"),
    ]
    assert rows[2]["problems"].startswith("unreachable: ssh: connect to host")
    suites = ET.fromstring((class_dir / "junit.xml").read_text())
    by_host = {suite.get("name"): suite for suite in suites}
    assert by_host["student03"].get("failures") == "1"
    assert by_host["student03"].find("testcase/failure").get("type") == "unreachable"
    assert by_host["student02"].get("failures") == "1" and by_host["student01"].get("failures") == "0"
    assert suites.get("failures") == "2"


def test_rendering_twice_writes_nothing_the_second_time(class_dir):
    first = render_class_report(class_dir, ["student01", "student02", "student03"], OUTCOMES)
    second = render_class_report(class_dir, ["student01", "student02", "student03"], OUTCOMES)
    assert first["written"] and second["written"] == []


def test_the_topology_joins_each_veth_to_its_container():
    dot = topology_dot(LAB)
    pair = LAB["pairs"][0]
    assert '"%d: %s@if%d"' % (pair["host_ifindex"], pair["host_interface"], pair["container_ifindex"]) in dot
    assert "%s\\n%d: eth0@if%d" % (pair["container"], pair["container_ifindex"], pair["host_ifindex"]) in dot
    assert dot.count('[label="veth pair"') == len(LAB["pairs"])


def test_a_person_sees_the_class_in_chromium_and_no_script_runs(class_dir):
    render_class_report(class_dir, ["student01", "student02", "student03", EVIL], OUTCOMES)
    dom = rendered_dom((class_dir / "index.html").as_uri())
    text = visible_text(dom)
    assert "2 of 4 machines passed every checkpoint." in text
    assert "student03 unreachable unreachable: ssh: connect to host 172.17.0.6 port 22: Connection timed out" in text
    assert "checkpoints failed: C8" in text
    assert EVIL in text  # shown as text, not run
    assert "pwned" not in dom.split("<body")[0]  # the title was not changed by a script
    assert dom.count("<script") == 0
    page = next(p for p in (class_dir / "machines").iterdir() if p.name.startswith("_script_"))
    machine_dom = rendered_dom(page.as_uri())
    assert EVIL in visible_text(machine_dom) and "<script" not in machine_dom
    if shutil.which("dot"):
        assert "<svg" in machine_dom and "veth pair" in machine_dom
