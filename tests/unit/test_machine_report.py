"""The one writer of a machine's report (vethlab/machine_report.py): its files, when they count as changed (from
the data, the run's stamp aside), the captured ping's file, and the pages of a run that stopped."""

from __future__ import annotations

import copy
import json

from conftest import FIXTURES
from vethlab.machine_report import CAPTURE, files, report_data, stopped_data, unstamped, write
from vethlab.module_utils.vethlab_lessons import run_plan
from vethlab.signature import verify

# A recorded run (a passed docker0 lesson on this machine), given to report_data as the steps' results.
RECORDED = json.loads((FIXTURES / "reports" / "lab.json").read_text(encoding="utf-8"))
RESULTS = {
    "plan": run_plan({"lab_containers": RECORDED["containers"]}, ["docker0"], [], False),
    "image": RECORDED["image"],
    "inspect": {
        "states": RECORDED["states"],
        "health": RECORDED["health"],
        "bridge_problems": RECORDED["bridge_problems"],
        "veths": {key: RECORDED[name] for key, name in (("bridges", "bridges"), ("pairs", "pairs"), ("unpaired", "unpaired"),
                                                          ("containers", "interfaces"))},
    },
    "verify": {key: RECORDED[key] for key in ("passed", "bridge", "outside_address", "checkpoints", "lessons", "reachability")},
}  # fmt: skip
LAB = report_data("localhost", {"run_id": "controller-1-42", "run_at": "2026-12-06T10:00:00Z"}, RESULTS)


def test_the_data_is_the_recorded_runs_with_this_runs_stamp():
    assert LAB["host"] == "localhost" and LAB["run_id"] == "controller-1-42" and LAB["engine"] is None
    assert LAB["pairs"] == RECORDED["pairs"] and LAB["checkpoints"] == RECORDED["checkpoints"] and LAB["packet_path"] == []


SECRET = b"s" * 32


def test_first_write_writes_every_file_then_the_same_data_writes_nothing(tmp_path):
    first = write(tmp_path, LAB, ["en", "zh"], SECRET)
    assert first["changed"] and sorted(path.split("/")[-1] for path in first["written"]) == ["lab.json", "lab.md", "lab.zh.md"]
    again = write(tmp_path, LAB, ["en", "zh"], SECRET)
    assert not again["changed"] and again["written"] == [] and len(again["unchanged"]) == 3
    for name in ("lab.json", "lab.md", "lab.zh.md"):
        assert verify(name, (tmp_path / name).read_bytes(), SECRET)[0], name


def test_a_rerun_that_changes_only_the_stamp_is_restamped_not_written(tmp_path):
    write(tmp_path, LAB, ["en", "zh"], SECRET)
    rerun = copy.deepcopy(LAB)
    rerun.update(run_id="controller-2-99", run_at="2031-01-01T00:00:00Z")
    for cell in rerun["reachability"]:
        cell["probes"] = 2  # a retry under load, and the words that count it
        cell["detail"] = "1 of 2 echo requests answered"
        cell["i18n"] = {"zh": {"detail": "发出 2 个回显请求，收到 1 个回复"}}
    done = write(tmp_path, rerun, ["en", "zh"], SECRET)
    assert not done["changed"] and len(done["restamped"]) == 3 and done["written"] == []
    assert "controller-2-99" in (tmp_path / "lab.md").read_text() and "2031-01-01 00:00:00 UTC" in (tmp_path / "lab.zh.md").read_text()


def test_changed_data_is_written_and_a_new_language_page_is_new(tmp_path):
    write(tmp_path, LAB, ["en"], SECRET)
    failed = copy.deepcopy(LAB)
    failed["passed"], failed["checkpoints"][0]["passed"] = False, False
    done = write(tmp_path, failed, ["en", "zh"], SECRET)
    assert done["changed"] and sorted(path.split("/")[-1] for path in done["written"]) == ["lab.json", "lab.md", "lab.zh.md"]
    # Same data, one language more: the new page is written, the others only restamped or unchanged.
    more = write(tmp_path, failed, ["en", "zh"], SECRET)
    assert not more["changed"]


def test_the_stamp_is_only_the_runs_own_keys():
    stamped = dict(LAB, run_id="x", run_at="y", signature="z", packet_path=[{"frames": 1}])
    assert unstamped(stamped) == unstamped(LAB) and unstamped(dict(LAB, passed=not LAB["passed"])) != unstamped(LAB)
    # What a cell or checkpoint judges is not stamp: a verdict that changes, or a cell's address, is a change.
    verdicts = (("checkpoints", "passed", False), ("reachability", "observed", "unreachable"), ("reachability", "address", "x"))
    for items, key, value in verdicts:
        changed = copy.deepcopy(LAB)
        changed[items][0][key] = value
        assert unstamped(changed) != unstamped(LAB), (items, key)


def test_no_capture_removes_an_earlier_runs_pcapng(tmp_path):
    (tmp_path / CAPTURE).write_bytes(b"an earlier run's capture")
    done = write(tmp_path, dict(LAB, packet_path=[]), ["en"])
    assert done["capture"] is None and not (tmp_path / CAPTURE).exists()


def test_a_hostile_host_name_is_text_on_the_page():
    pages = files(dict(LAB, host="<script>alert(1)</script>|`x`"), ["en"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\\|`x`" in pages["lab.md"] and "<script>" not in pages["lab.md"]


def test_a_stopped_run_is_written_the_same_way_and_signed(tmp_path):
    outcome = {"status": "unreachable", "reason": "ssh: connect to host 192.0.2.9 port 22: No route to host"}
    done = write(tmp_path, stopped_data("s01", outcome, "", "2026-11-29T16:06:00Z"), ["en", "zh"], SECRET)
    assert done["changed"] and verify("lab.md", (tmp_path / "lab.md").read_bytes(), SECRET) == (
        True,
        "verify.why.changed",
        {"host": "s01", "run_id": "", "run_at": "2026-11-29T16:06:00Z"},
    )
    assert "No route to host" in (tmp_path / "lab.zh.md").read_text()


def test_the_verdict_is_small_and_lab_json_is_read_back_only_while_its_digest_holds(tmp_path):
    from vethlab.machine_report import read_verified

    failed = copy.deepcopy(LAB)
    failed["passed"], failed["checkpoints"][4]["passed"] = False, False
    done = write(tmp_path, failed, ["en", "zh"], SECRET)
    verdict = done["verdict"]
    assert verdict["report"] == str(tmp_path / "lab.json") and verdict["passed"] is False
    assert (
        list(verdict["checkpoints"]) == [c["id"] for c in LAB["checkpoints"]] and verdict["failed"][0]["id"] == LAB["checkpoints"][4]["id"]
    )
    assert len(json.dumps(verdict)) < 2000 < len((tmp_path / "lab.json").read_bytes())
    assert read_verified(verdict["report"], verdict["digest"])["checkpoints"][4]["passed"] is False
    (tmp_path / "lab.json").write_text((tmp_path / "lab.json").read_text().replace('"passed": false', '"passed": true'))
    assert read_verified(verdict["report"], verdict["digest"]) is None
