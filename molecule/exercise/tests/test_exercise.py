"""The exercise scenario's verifier (pytest-testinfra): on each student machine, lab-check - the student's own
view - agrees with what testinfra itself sees of the student's containers; the teacher's board says the same.

It imports nothing of vethlab: lab-check is run as the student runs it, its JSON read; the board is read from the
controller's report folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

STAGES = {"student11": "connect", "student12": "docker0"}


@pytest.fixture(scope="module")
def machine(host):
    return host.ansible.get_variables()["inventory_hostname"]


def lab_check(host, *argv):
    return host.run("lab-check %s" % " ".join(argv))


def test_lab_check_is_installed_for_every_user_and_the_card_is_there(host):
    assert host.file("/usr/local/bin/lab-check").mode == 0o755
    assert "docker run -dit --name alpine01 alpine" in host.file("/etc/vethlab/task-card.md").content_string
    assert "任务卡" in host.file("/etc/vethlab/task-card.zh.md").content_string


def test_lab_check_sees_what_the_student_typed(host, machine):
    done = lab_check(host, "--json")
    verdict = json.loads(done.stdout)
    assert verdict["stage"] == STAGES[machine]
    statuses = {c["id"]: c["status"] for c in verdict["checkpoints"]}
    typed_link = host.docker("alpine03").is_running if machine == "student11" else False
    assert (statuses["C10"] == "passed") == typed_link
    assert statuses["C2"] == "passed" and host.docker("alpine01").is_running and host.docker("alpine02").is_running
    if machine == "student12":
        assert done.rc == 1 and statuses["C13"] == "not started" and "mynet" not in host.check_output("docker network ls")
    else:
        assert done.rc == 0 and set(statuses.values()) == {"passed"}
    # The student's containers carry no label of the lab.
    assert host.check_output("docker ps -a --filter label=vethlab.lab=true --format '{{.Names}}'") == ""


def test_the_board_shows_the_two_stages(host, machine):
    report = Path(host.ansible.get_variables()["lab_report_dir"])
    board = {row["machine"]: row for row in json.loads((report / "grade.json").read_text())["machines"]}
    assert board[machine]["stage"] == STAGES[machine]
    assert board[machine]["passed"] is (machine == "student11")
    assert "student11" in (report / "grade.zh.html").read_text(encoding="utf-8")
