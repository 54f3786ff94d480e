"""The class report rendered from the run's outcomes and lab.json files, looked at in headless Chromium."""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET

import pytest

from chromium import rendered_dom, visible_text
from conftest import FIXTURES
from vethlab.report import clusters_in_order, render_class_report, summary_lines, topology_dot, topology_svgs

LAB = json.loads((FIXTURES / "reports" / "lab.json").read_text())
EVIL = "<script>document.title='pwned'</script>"


RUN = {"at": "2026-11-28T19:40:12Z", "mode": "run", "limit": None, "playbook": "lab.yml"}
UNREACHABLE = "ssh: connect to host 172.17.0.6 port 22: Connection timed out"


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
    for folder, data in (("student01", good), ("student02", failing), ("evil", evil)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "lab.json").write_text(json.dumps(data))
    return tmp_path


def outcomes(class_dir):
    """What the vethlab_outcomes callback decides, one record per machine of the run."""
    return {
        "student01": {"status": "passed", "reason": "", "report": str(class_dir / "student01" / "lab.json")},
        "student02": {
            "status": "failed",
            "reason": "checkpoints failed: C8",
            "reason_parts": [["reason.checkpoints", {"ids": "C8"}]],
            "report": str(class_dir / "student02" / "lab.json"),
        },
        "student03": {
            "status": "unreachable",
            "reason": "unreachable: " + UNREACHABLE,
            "reason_parts": [["reason.unreachable", {"message": UNREACHABLE}]],
            "report": None,
        },
    }


def test_every_machine_is_listed_with_its_result_and_reason(class_dir):
    summary = render_class_report(class_dir, ["student01", "student02", "student03"], outcomes(class_dir), RUN)
    statuses = {m["host"]: (m["status"], m["reason"]) for m in summary["machines"]}
    assert statuses["student01"] == ("passed", "")
    assert statuses["student02"] == ("failed", "checkpoints failed: C8")
    assert statuses["student03"] == ("unreachable", "unreachable: " + UNREACHABLE)
    assert summary["passed"] is False and summary["counts"] == {
        "passed": 1, "failed": 1, "unreachable": 1, "not in this run": 0, "in_run": 3,
    }  # fmt: skip
    rows = list(csv.DictReader(io.StringIO((class_dir / "class.csv").read_text())))
    assert [(r["machine"], r["status"], r["passed"], r["failed"], r["total"], r["at"]) for r in rows] == [
        ("student01", "passed", "9", "0", "9", RUN["at"]),
        ("student02", "failed", "8", "1", "9", RUN["at"]),
        ("student03", "unreachable", "0", "9", "9", RUN["at"]),
    ]
    assert rows[2]["problems"].startswith("unreachable: ssh: connect to host")
    suites = ET.fromstring((class_dir / "junit.xml").read_text())
    by_host = {suite.get("name"): suite for suite in suites}
    assert by_host["student03"].get("failures") == "1"
    assert by_host["student03"].find("testcase/failure").get("type") == "unreachable"
    assert by_host["student02"].get("failures") == "1" and by_host["student01"].get("failures") == "0"
    assert suites.get("failures") == "2"
    assert summary_lines(summary) == [
        "1 of 3 machines passed.",
        "  student02: checkpoints failed: C8",
        "  student03: unreachable: " + UNREACHABLE,
        "Report: %s" % (class_dir / "index.html"),
    ]


@pytest.mark.browser
def test_a_machine_outside_the_run_keeps_its_last_result_with_its_time_and_is_not_counted(class_dir):
    first = render_class_report(class_dir, ["student01", "student02", "student03"], outcomes(class_dir), RUN)
    later = dict(RUN, at="2026-11-28T20:05:00Z", limit="student02")
    only = {"student02": dict(outcomes(class_dir)["student02"], status="passed", reason="")}
    second = render_class_report(class_dir, ["student01", "student02", "student03"], only, later, first)
    machines = {m["host"]: m for m in second["machines"]}
    assert machines["student01"]["status"] == "not in this run"
    assert machines["student01"]["reason"] == "not in this run; last result, at 2026-11-28 19:40 UTC: passed"
    assert machines["student03"]["reason"] == "not in this run; last result, at 2026-11-28 19:40 UTC: unreachable"
    assert machines["student01"]["passed_count"] is None and machines["student01"]["report"] is None
    assert second["counts"]["in_run"] == 1 and second["counts"]["not in this run"] == 2 and second["passed"] is True
    assert summary_lines(second)[0] == "1 of 1 machines passed. 2 not in this run (--limit): earlier results, not counted."
    rows = {r["machine"]: r for r in csv.DictReader(io.StringIO((class_dir / "class.csv").read_text()))}
    assert (rows["student01"]["status"], rows["student01"]["passed"], rows["student01"]["at"]) == ("not in this run", "", "")
    skipped = ET.fromstring((class_dir / "junit.xml").read_text())
    assert {s.get("name"): s.get("skipped") for s in skipped} == {"student01": "1", "student02": "0", "student03": "1"}
    # A third run, outside again: the last result stays the one with a time, not "not in this run".
    third = render_class_report(class_dir, ["student01", "student02", "student03"], only, dict(later, at="2026-11-28T21:00:00Z"), second)
    assert {m["host"]: m["reason"] for m in third["machines"]}["student01"].endswith("19:40 UTC: passed")
    text = visible_text(rendered_dom((class_dir / "index.html").as_uri()))
    assert "1 of 1 machines passed every checkpoint. 2 not in this run (outside --limit)" in text
    assert "student01 not in this run not in this run; last result, at 2026-11-28 19:40 UTC: passed" in text


def test_rendering_twice_writes_nothing_the_second_time(class_dir):
    first = render_class_report(class_dir, ["student01", "student02", "student03"], outcomes(class_dir), RUN)
    second = render_class_report(class_dir, ["student01", "student02", "student03"], outcomes(class_dir), RUN)
    assert first["written"] and second["written"] == []


@pytest.mark.browser
def test_a_report_that_is_not_this_runs_is_never_shown(class_dir):
    # student02 failed before its report step in this run: its lab.json on disk is an earlier run's.
    earlier = dict(outcomes(class_dir)["student02"], reason="failed at Start the containers / x: y", report=None)
    summary = render_class_report(class_dir, ["student02"], {"student02": earlier}, RUN)
    (machine,) = summary["machines"]
    assert machine["status"] == "failed" and machine["passed_count"] == 0 and machine["report"] is None
    page = visible_text(rendered_dom((class_dir / "machines" / "student02.html").as_uri()))
    assert "No report from this machine in this run." in page and "veth pair" not in page


def test_the_topology_joins_each_veth_to_its_bridge_and_its_container():
    dot = topology_dot(LAB)
    pair = LAB["pairs"][0]
    assert '"%d: %s@if%d"' % (pair["host_ifindex"], pair["host_interface"], pair["container_ifindex"]) in dot
    assert '"%d: eth0@if%d\\n' % (pair["container_ifindex"], pair["host_ifindex"]) in dot
    assert dot.count('[label="veth pair"') == len(LAB["pairs"]) and dot.count('[label="master"]') == len(LAB["pairs"])
    # Every bridge, and a container with two interfaces (connected to a second network) holds both.
    connected = json.loads(json.dumps(LAB))
    second = dict(connected["pairs"][0], container_interface="eth1", container_ifindex=90, host_ifindex=91, host_interface="vethb")
    connected["pairs"].append(dict(second, bridge="br-1ec26c1f3dc8"))
    connected["bridges"]["br-1ec26c1f3dc8"] = {"ipv4": ["192.168.0.1/16"]}
    dot = topology_dot(connected)
    assert "br-1ec26c1f3dc8\\n192.168.0.1/16" in dot and dot.count("subgraph cluster") == 2
    cluster = dot.split("subgraph cluster0", 1)[1].split("}", 1)[0]
    assert "eth0@if" in cluster and "90: eth1@if91" in cluster


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which("dot"), reason="Graphviz's dot draws the topology; without it the pages have none")
def test_one_dot_process_draws_every_machines_own_topology():
    labs = {}
    for number in range(1, 4):
        lab = json.loads(json.dumps(LAB))
        for pair in lab["pairs"]:
            pair["host_interface"] = "veth%d%s" % (number, pair["host_interface"][4:10])
        labs["s%02d" % number] = lab
    labs["s04"] = None  # a machine without a report: no drawing
    drawn = topology_svgs(labs)
    assert drawn["s04"] is None
    for host in ("s01", "s02", "s03"):
        svg = drawn[host]
        assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
        names = {pair["host_interface"] for pair in labs[host]["pairs"]}
        others = {pair["host_interface"] for other in ("s01", "s02", "s03") if other != host for pair in labs[other]["pairs"]}
        assert all(name in svg for name in names) and not any(name in svg for name in others), host


@pytest.mark.browser
def test_pages_in_both_languages_link_each_other_and_count_what_the_class_failed(class_dir):
    summary = render_class_report(class_dir, ["student01", "student02", "student03"], outcomes(class_dir), RUN, languages=["en", "zh"])
    assert summary["failures"]["C8"] == 1 and summary["failures"]["C1"] == 0
    english = rendered_dom((class_dir / "index.html").as_uri())
    chinese = visible_text(rendered_dom((class_dir / "index.zh.html").as_uri()))
    assert 'href="index.zh.html"' in english and "3 台机器中有 1 台通过了所有检查点。" in chinese
    assert "未通过的机器数 0 0 0 0 0 0 0 1 0" in chinese  # C1..C9: one machine failed C8
    assert "无法连接：ssh: connect to host" in chinese and "未通过的检查点：C8" in chinese
    page = visible_text(rendered_dom((class_dir / "machines" / "student02.zh.html").as_uri()))
    assert "← 班级报告" in page and "student02: 未通过" in page and "检查点" in page


@pytest.mark.browser
def test_a_person_sees_the_class_in_chromium_and_no_script_runs(class_dir):
    decided = dict(outcomes(class_dir), **{EVIL: {"status": "passed", "reason": "", "report": str(class_dir / "evil" / "lab.json")}})
    render_class_report(class_dir, ["student01", "student02", "student03", EVIL], decided, RUN)
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


def test_a_run_that_stopped_before_its_report_says_so_in_every_language():
    from vethlab.machine_report import files as report_files
    from vethlab.machine_report import stopped_data

    outcome = {"status": "failed", "reason": "failed at Reset the lab / x: the engine stopped.", "step": "Reset the lab", "task": "x"}
    outcome["reason_parts"] = [{"en": "failed at Reset the lab / x: the engine stopped.", "zh": "在“Reset the lab / x”失败：引擎停止了。"}]
    files = report_files(stopped_data("张三", outcome, "", "2026-11-29T16:06:00Z"), ["en", "zh"])
    data = json.loads(files["lab.json"])
    assert data["passed"] is False and data["checkpoints"] == [] and data["stopped"]["step"] == "Reset the lab"
    assert "Run `-`, 2026-11-29 16:06 UTC." in files["lab.md"]  # stopped before the settings step gave the run an id
    assert "This run stopped before its report: failed at Reset the lab / x: the engine stopped. No checkpoint" in files["lab.md"]
    assert "本次运行在写报告之前就停止了：在“Reset the lab / x”失败：引擎停止了。没有判定任何检查点" in files["lab.zh.md"]


@pytest.mark.browser  # the class page is read as Chromium renders it
def test_each_machines_engine_is_in_the_csv_and_on_the_class_page(class_dir):
    """lab.json's engine (docker_engine's result), one line per machine: package, version, repository; an engine
    with no package says its own version; a machine without the record (an earlier report) an empty cell."""
    fedora = dict(LAB, host="student01", engine={"package": "moby-engine", "version": "24.0.5-4.fc40", "repository": "fedora",
                                                 "engine_version": "20.10.24+dfsg1", "distribution": "Fedora 40",
                                                 "package_manager": "dnf"})  # fmt: skip
    loose = dict(LAB, host="student02", engine={"package": None, "engine_version": "27.3.1"})
    (class_dir / "student01" / "lab.json").write_text(json.dumps(fedora))
    (class_dir / "student02" / "lab.json").write_text(json.dumps(loose))
    run = outcomes(class_dir)
    run["student02"] = dict(run["student01"], report=str(class_dir / "student02" / "lab.json"))
    render_class_report(class_dir, ["student01", "student02", "student03"], run, RUN)
    rows = {r["machine"]: r["engine"] for r in csv.DictReader(io.StringIO((class_dir / "class.csv").read_text()))}
    assert rows == {"student01": "moby-engine 24.0.5-4.fc40 (fedora)", "student02": "dockerd 27.3.1", "student03": ""}
    page = visible_text(rendered_dom((class_dir / "index.zh.html").as_uri()))
    assert "Docker 引擎" in page and "moby-engine 24.0.5-4.fc40" in page and "dockerd 27.3.1" in page
    machine = visible_text(rendered_dom((class_dir / "machines" / "student01.zh.html").as_uri()))
    assert "Docker 引擎：moby-engine 24.0.5-4.fc40 (fedora)；引擎报告的版本为 20.10.24+dfsg1（Fedora 40，软件包管理器 dnf）" in machine


def test_dots_clusters_come_in_the_order_of_their_ids_whatever_order_dot_wrote_them():
    """dot, drawing several graphs in one process, writes a later graph's clusters in an order that varies from run to
    run; the page must be the same bytes for the same graph (else a rerun rewrites it: seen under load, 17 of 60)."""
    one = '<g id="clust1" class="cluster">\n<title>cluster0</title>\n<text>alpine01</text>\n</g>\n'
    two = '<g id="clust2" class="cluster">\n<title>cluster1</title>\n<text>alpine02</text>\n</g>\n'
    node = '<!-- bridge0 -->\n<g id="node1" class="node">\n<title>bridge0</title>\n</g>\n'
    head, tail = '<svg>\n<g id="graph0" class="graph">\n<title>topology</title>\n', node + "</g>\n</svg>\n"
    assert clusters_in_order(head + two + one + tail) == head + one + two + tail
    assert clusters_in_order(head + one + two + tail) == head + one + two + tail
    assert clusters_in_order(head + one + tail) == head + one + tail
    # Every graph of one dot process, drawn again and again: each machine's SVG the same each time.
    drawn = {}
    for _ in range(10):
        for host, svg in topology_svgs({"a": LAB, "b": LAB, "c": LAB}).items():
            drawn.setdefault(host, set()).add(svg)
    assert {host: len(svgs) for host, svgs in drawn.items()} == {"a": 1, "b": 1, "c": 1}
