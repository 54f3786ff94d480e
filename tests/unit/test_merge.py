"""vethlab report --merge: one class report from the report folders of a class run in parts (AWX's slices, runs
with --limit) equals the report of the class run whole, the runs' times aside; in any order, the same every time;
a machine whose slice failed shows that slice's reason; the newest result of a machine judged twice wins."""

from __future__ import annotations

import copy
import csv
import io
import itertools
import json

import pytest

from conftest import FIXTURES
from vethlab.files import FolderTurn, machine_folder
from vethlab.report import merge_reports, render_class_report

RECORDED = json.loads((FIXTURES / "reports" / "lab.json").read_text(encoding="utf-8"))
ROSTER = ["s01", "s02", "s03", "s04", "s05"]
RESULTS = {  # each machine's outcome: passed, failed at C5, unreachable
    "s01": "passed",
    "s02": "failed",
    "s03": "passed",
    "s04": "unreachable",
    "s05": "passed",
}


def judged(folder, host):
    """A machine's folder as its run wrote it, and its outcome (as the vethlab_outcomes callback decides it)."""
    status = RESULTS[host]
    if status == "unreachable":
        message = "ssh: connect to host 192.0.2.4 port 22: No route to host"
        return {"status": status, "reason": message, "reason_parts": [("reason.unreachable", {"message": message})], "report": None}
    lab = copy.deepcopy(RECORDED)
    lab["host"] = host
    if status == "failed":
        lab["passed"] = False
        lab["checkpoints"][4]["passed"] = False
    path = folder / machine_folder(host) / "lab.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(lab), encoding="utf-8")
    (path.parent / "lab.md").write_text("# %s\n" % host, encoding="utf-8")
    parts = [] if status == "passed" else [("reason.checkpoints", {"ids": lab["checkpoints"][4]["id"]})]
    return {"status": status, "reason": "", "reason_parts": parts, "report": str(path)}


def run_of(folder, hosts, at):
    """A run of ``hosts`` of the class, at ``at``, writing its report folder."""
    outcomes = {host: judged(folder, host) for host in hosts}
    run = {"at": at, "mode": "run", "limit": None, "playbook": "lab.yml"}
    return render_class_report(folder, ROSTER, outcomes, run, None, ["en", "zh"])


def rows(folder):
    """class.csv without the time each machine was judged."""
    table = list(csv.DictReader(io.StringIO((folder / "class.csv").read_text(encoding="utf-8"))))
    return [{key: value for key, value in row.items() if key not in ("at", "judged at")} for row in table]


def slices(tmp_path, count):
    """AWX's slicing of the roster (sorted by name, slice k every count-th from k), each slice its own folder."""
    folders = []
    for k in range(count):
        folder = tmp_path / ("slice%d" % k)
        run_of(folder, sorted(ROSTER)[k::count], "2026-12-06T10:0%d:00Z" % k)
        folders.append(folder)
    return folders


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_the_merge_of_any_slicing_equals_the_whole_run_in_any_order(tmp_path, count):
    whole = tmp_path / "whole"
    run_of(whole, ROSTER, "2026-12-06T10:00:00Z")
    folders = slices(tmp_path, count)
    merged = []
    for n, order in enumerate(itertools.islice(itertools.permutations(folders), 3)):
        out = tmp_path / ("merged%d" % n)
        summary = merge_reports(out, list(order))
        assert rows(out) == rows(whole)
        assert [m["status"] for m in summary["machines"]] == [RESULTS[host] for host in ROSTER]
        assert "No route to host" in next(m["reason"] for m in summary["machines"] if m["host"] == "s04")
        merged.append((out / "summary.json").read_text(encoding="utf-8").replace(str(out), "OUT"))
        assert (out / machine_folder("s02") / "lab.md").read_text() == "# s02\n"  # each machine's files, copied
    assert len(set(merged)) == 1  # any order, the same report


def report_files(folder):
    """The class report's files and their bytes; the folder's turn file says who wrote last and when, not the report."""
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file() and path.name != FolderTurn.NAME}


def test_merging_again_changes_nothing_and_the_newest_result_of_a_machine_wins(tmp_path):
    first, second = slices(tmp_path, 2)
    out = tmp_path / "merged"
    merge_reports(out, [first, second])
    before = report_files(out)
    merge_reports(out, [second, first])
    assert report_files(out) == before
    # s02 judged again later (fixed), in a run of its own: the newer result counts.
    later = tmp_path / "later"
    RESULTS["s02"] = "passed"
    try:
        run_of(later, ["s02"], "2026-12-06T11:00:00Z")
    finally:
        RESULTS["s02"] = "failed"
    summary = merge_reports(out, [first, later, second])
    assert next(m for m in summary["machines"] if m["host"] == "s02")["status"] == "passed"


def test_a_folder_no_run_wrote_is_refused_by_name(tmp_path):
    with pytest.raises(ValueError, match=r"has no summary\.json"):
        merge_reports(tmp_path / "out", [tmp_path])


def test_the_command_merges_into_the_folder_it_is_given_and_says_the_class(tmp_path, capsys):
    from vethlab.cli import EXIT_FAILED, main

    folders = slices(tmp_path, 2)
    code = main(["report", "--merge", *map(str, folders), "-d", str(tmp_path / "merged"), "--language", "en"])
    said = capsys.readouterr().out
    assert code == EXIT_FAILED and "3 of 5" in said and str(tmp_path / "merged" / "index.html") in said
