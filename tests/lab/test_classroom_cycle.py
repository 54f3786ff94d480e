"""The classroom cycle on this machine, for real: prepare, the student types the first lesson by hand, lab-check and
`vethlab grade` agree, a break is named by both with its hint, and nothing the student made - nor an unrelated
container of theirs - is touched by prepare or grade. The later lessons, a student who fell behind (reset, restore)
and the cycle over SSH are tests/fleet/test_exercise.py's, on the simulated class.

Cost: about 35 s (two prepares, two grades, the first lesson typed).
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from lab_engine import BIN, CAPTURE, ROOT, ansible_playbook, build_busybox_image, docker

pytestmark = [pytest.mark.engine]

VETHLAB = str(BIN / "vethlab")
INVENTORY = str(ROOT / "inventory" / "local.yml")
STUDENT_CONTAINERS = ["alpine01", "alpine02", "alpine03", "alpine-net-01", "alpine-net-02"]
# No name lookup may leave this machine: the student's containers on docker0 ask 127.0.0.1, where nothing answers.
DNS = ["--dns", "127.0.0.1"]


def student(*argv):
    """What the student types (docker ..., as the task card says)."""
    docker(*argv)


@pytest.fixture
def classroom(tmp_path):
    """A machine with a leftover of the lab's (labelled alpine01) and an unrelated container of the student's own;
    everything this test makes is removed after it, and the alpine tag only when the test made it."""
    image = build_busybox_image()  # the suite's own image: the lab's (vethlab/busybox:latest) is another test's to make or remove
    subprocess.run(["docker", "rm", "-f", *STUDENT_CONTAINERS, "my-notes"], capture_output=True)
    subprocess.run(["docker", "network", "rm", "mynet"], capture_output=True)
    had_alpine = subprocess.run(["docker", "image", "inspect", "alpine:latest"], capture_output=True).returncode == 0
    docker("run", "-d", "--name", "alpine01", "--label", "vethlab.lab=true", image, "sleep", "600")
    docker("run", "-d", "--name", "my-notes", image, "sleep", "600")
    places = {
        "check": tmp_path / "bin" / "lab-check",
        "dir": tmp_path / "etc",
        "reports": tmp_path / "reports",
        "cache": tmp_path / "cache",
    }
    yield places
    subprocess.run(["docker", "rm", "-f", *STUDENT_CONTAINERS, "my-notes"], capture_output=True)
    subprocess.run(["docker", "network", "rm", "mynet"], capture_output=True)
    if not had_alpine:
        subprocess.run(["docker", "rmi", "alpine:latest"], capture_output=True)


def settings(places):
    return [
        "-e", "lab_prepare_check_path=%s" % places["check"],
        "-e", "lab_prepare_dir=%s" % places["dir"],
        "-e", "lab_report_dir=%s" % places["reports"],
    ]  # fmt: skip


def lab_check(places, *argv, lang="en"):
    # The student's own hint ladder lives in their cache: this test's, so an earlier run's never counts.
    env = dict(os.environ, VETHLAB_PREPARED=str(places["dir"] / "prepared.json"), LANG="C.UTF-8", XDG_CACHE_HOME=str(places["cache"]))
    return subprocess.run([str(places["check"]), *argv, "--lang", lang], capture_output=True, text=True, env=env, timeout=120)


def grade(places):
    done = subprocess.run(
        [VETHLAB, "grade", "-i", INVENTORY, "--lessons", "all", "-q", *settings(places)], capture_output=True, text=True, timeout=300
    )
    board = json.loads((places["reports"] / "grade.json").read_text())
    return done, board


def statuses(places):
    """What lab-check says of every checkpoint, and what the grade's history recorded last."""
    mine = json.loads(lab_check(places, "--json").stdout)
    return {c["id"]: c["status"] for c in mine["checkpoints"]}, mine["stage"]


def last_graded(places):
    return json.loads((places["reports"] / "grades.jsonl").read_text().splitlines()[-1])


def test_prepare_then_the_student_types_the_first_lesson_and_lab_check_and_grade_agree(classroom):
    places = classroom
    done = subprocess.run(
        [VETHLAB, "prepare", "-i", INVENTORY, "--lessons", "all", "-q", *settings(places)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 of 1 machines prepared." in done.stdout
    # The lab's leftover is gone, the student's own container is not; the image the lesson types is there.
    names = docker("ps", "-a", "--format", "{{.Names}}").split()
    assert "alpine01" not in names and "my-notes" in names
    assert docker("image", "inspect", "--format", "{{.Id}}", "alpine:latest").strip()
    card = (places["dir"] / "task-card.md").read_text()
    assert "docker run -dit --name alpine01 alpine" in card and "lab-check docker0" in card
    assert "docker run -dit --name alpine01 alpine" in (places["dir"] / "task-card.zh.md").read_text()
    assert os.access(places["check"], os.X_OK)
    # A second prepare changes nothing.
    # (capturing, as the vethlab command's prepare above did by default: the card records it)
    code, result, output = ansible_playbook("playbooks/prepare.yml", "-e", "lab_lessons=all", *settings(places), *CAPTURE)
    assert code == 0, output
    assert sum(stats["changed"] for stats in result["stats"].values()) == 0, output

    # Before anything is typed: every lesson not started, exit 1.
    before = lab_check(places)
    assert before.returncode == 1 and "C1   not started" in before.stdout and "C2   not started" in before.stdout

    # The docker0 lesson, typed as the card says.
    student("run", "-dit", *DNS, "--name", "alpine01", "alpine")
    student("run", "-dit", *DNS, "--name", "alpine02", "alpine")
    first = lab_check(places, "docker0")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "9 of 9 checkpoints passed." in first.stdout
    done, board = grade(places)
    assert done.returncode == 1, done.stdout + done.stderr  # the later lessons are not started
    mine, stage = statuses(places)
    assert mine == last_graded(places)["checkpoints"] and stage == board["machines"][0]["stage"] == "docker0"
    assert mine["C9"] == "passed" and mine["C10"] == "not started"

    # A break: alpine02 stopped. lab-check and grade both name the checkpoints it fails, the hint with them.
    docker("stop", "-t", "0", "alpine02")
    broken = lab_check(places, "docker0", lang="zh")
    assert broken.returncode == 1 and "C2   未通过" in broken.stdout and "提示（C2）：" in broken.stdout
    done, board = grade(places)
    mine, _ = statuses(places)
    assert mine == last_graded(places)["checkpoints"] and mine["C2"] == "failed" and board["machines"][0]["stage"] is None
    history = (places["reports"] / "grades.jsonl").read_text().splitlines()
    assert len(history) == 2 and board["machines"][0]["stuck_since"] == json.loads(history[-1])["at"]
    assert "全班实验进度" in (places["reports"] / "grade.zh.html").read_text()

    # Nothing the student made was touched by prepare or grade.
    names = docker("ps", "-a", "--format", "{{.Names}}").split()
    assert all(name in names for name in ["alpine01", "alpine02", "my-notes"])
    assert not docker("ps", "-a", "--filter", "label=vethlab.lab=true", "--format", "{{.Names}}").split()
