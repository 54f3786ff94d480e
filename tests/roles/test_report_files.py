"""lab_report_files: writes on the controller only what changed; check mode writes nothing."""

from __future__ import annotations

import json

from lab_engine import ansible_playbook, task_result


def write(dest, files, *extra):
    variables = {"vethlab_test_dest": str(dest), "vethlab_test_files": files}
    return ansible_playbook("-i", "inventory/local.yml", "tests/roles/report_files_playbook.yml", "-e", json.dumps(variables), *extra)


def test_writes_creates_the_folder_and_then_reports_no_change(tmp_path):
    dest = tmp_path / "reports" / "localhost"
    code, report, output = write(dest, {"lab.json": "{}\n", "lab.md": "# lab <b>\u21c4</b>\n"})
    assert code == 0, output
    assert task_result(report, "Write the files")["changed"] is True
    assert (dest / "lab.md").read_text() == "# lab <b>\u21c4</b>\n"
    assert oct((dest / "lab.json").stat().st_mode & 0o777) == "0o644"
    code, report, output = write(dest, {"lab.json": "{}\n", "lab.md": "# lab <b>\u21c4</b>\n"})
    assert code == 0 and task_result(report, "Write the files")["changed"] is False, output


def test_check_mode_reports_but_writes_nothing(tmp_path):
    code, report, output = write(tmp_path / "out", {"lab.json": "{}"}, "--check")
    assert code == 0, output
    result = task_result(report, "Write the files")
    assert result["changed"] is True and result["written"] == [str(tmp_path / "out" / "lab.json")]
    assert not (tmp_path / "out").exists()


def test_a_name_with_a_folder_is_refused(tmp_path):
    code, report, _ = write(tmp_path, {"../escape.md": "x"})
    assert code == 2
    assert "is not a plain file name" in task_result(report, "Write the files")["msg"]
    assert not (tmp_path.parent / "escape.md").exists()
