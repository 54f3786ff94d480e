"""The classroom cycle on this machine, for real: prepare, the student types each lesson by hand, lab-check and
`vethlab grade` agree after each lesson, a break is named by both with its hint, and nothing the student made - nor
an unrelated container of theirs - is touched by prepare or grade.

Cost: about 45 s (two prepares, three grades, the lesson typed once).
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from lab_engine import BIN, LAB_TEST_SETTINGS, ROOT, ansible_playbook, build_busybox_image, docker

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
    build_busybox_image()
    subprocess.run(["docker", "rm", "-f", *STUDENT_CONTAINERS, "my-notes"], capture_output=True)
    subprocess.run(["docker", "network", "rm", "mynet"], capture_output=True)
    had_alpine = subprocess.run(["docker", "image", "inspect", "alpine:latest"], capture_output=True).returncode == 0
    docker("run", "-d", "--name", "alpine01", "--label", "vethlab.lab=true", "vethlab/busybox:latest", "sleep", "600")
    docker("run", "-d", "--name", "my-notes", "vethlab/busybox:latest", "sleep", "600")
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


def test_prepare_then_the_student_types_each_lesson_and_lab_check_and_grade_agree(classroom):
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
    code, result, output = ansible_playbook("playbooks/prepare.yml", "-e", "lab_lessons=all", *settings(places))
    assert code == 0, output
    assert sum(stats["changed"] for stats in result["stats"].values()) == 0, output

    # Before anything is typed: every lesson not started, exit 1.
    before = lab_check(places)
    assert before.returncode == 1 and "C1   passed" in before.stdout and "C2   not started" in before.stdout

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

    # --link, the custom network, network connect.
    student("run", "-dit", *DNS, "--name", "alpine03", "--link", "alpine02", "alpine")
    student("network", "create", "--driver", "bridge", "--subnet", "192.168.0.0/16", "--gateway", "192.168.0.1", "mynet")
    student("run", "-dit", "--name", "alpine-net-01", "--net", "mynet", "alpine")
    student("run", "-dit", "--name", "alpine-net-02", "--net", "mynet", "alpine")
    student("network", "connect", "mynet", "alpine01")
    whole = lab_check(places)
    assert whole.returncode == 0, whole.stdout
    assert "20 of 20 checkpoints passed." in whole.stdout
    done, board = grade(places)
    assert done.returncode == 0 and "1 of 1 machines passed every checkpoint." in done.stdout, done.stdout + done.stderr
    mine, stage = statuses(places)
    assert mine == last_graded(places)["checkpoints"] and stage == board["machines"][0]["stage"] == "connect"

    # A break: alpine-net-02 taken off the custom network. Both name C14 and C15; lab-check gives the hint.
    docker("network", "disconnect", "mynet", "alpine-net-02")
    broken = lab_check(places, "network", lang="zh")
    assert broken.returncode == 1
    assert "C14  未通过" in broken.stdout and "提示（C14）： 用 --net mynet 启动的容器" in broken.stdout
    done, board = grade(places)
    assert done.returncode == 1 and "localhost: stage Linking containers (--link)" in done.stdout
    mine, _ = statuses(places)
    assert mine == last_graded(places)["checkpoints"]
    assert [c for c, s in mine.items() if s == "failed"] == ["C14", "C15"]
    assert lab_check(places, "--hint", "C14").stdout.startswith("C14 (2/3): ")

    # The history: three grades; C1 first passed at the first, the board's "unchanged since" is the last change.
    history = (places["reports"] / "grades.jsonl").read_text().splitlines()
    assert len(history) == 3
    assert board["machines"][0]["stuck_since"] == json.loads(history[-1])["at"]
    page = (places["reports"] / "grade.zh.html").read_text()
    assert "全班实验进度" in page and 'data-machine="localhost"' in page

    # Nothing the student made was touched by prepare or grade.
    names = docker("ps", "-a", "--format", "{{.Names}}").split()
    assert all(name in names for name in [*STUDENT_CONTAINERS, "my-notes"])
    assert not docker("ps", "-a", "--filter", "label=vethlab.lab=true", "--format", "{{.Names}}").split()


def test_reset_removes_what_the_student_made_and_restore_lets_them_go_on(classroom):
    """A student who fell behind: vethlab reset -l removes what they made for the lessons (only there, listing
    it; --check lists and removes nothing), vethlab restore --to network builds the lab's own docker0 and --link
    lessons, and the student goes on with the custom network by hand."""
    places = classroom
    done = subprocess.run(
        [VETHLAB, "prepare", "-i", INVENTORY, "--lessons", "all", "-q", *settings(places)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    student("run", "-dit", *DNS, "--name", "alpine01", "alpine")
    student("run", "-dit", *DNS, "--name", "alpine02", "alpine")
    student("network", "create", "--subnet", "10.77.0.0/24", "mynet")  # a mistake: another subnet

    def reset(*extra):
        return subprocess.run(
            [VETHLAB, "reset", "-i", INVENTORY, "-l", "localhost", "-q", *extra, "-e", "lab_report_dir=%s" % places["reports"]],
            capture_output=True,
            text=True,
        )

    looked = reset("--check")
    assert looked.returncode == 0 and "localhost: would remove alpine01, alpine02, mynet" in looked.stdout, looked.stdout + looked.stderr
    assert {"alpine01", "alpine02"} <= set(docker("ps", "-a", "--format", "{{.Names}}").split())
    removed = reset()
    assert removed.returncode == 0 and "localhost: removed alpine01, alpine02, mynet" in removed.stdout, removed.stdout + removed.stderr
    names = docker("ps", "-a", "--format", "{{.Names}}").split()
    assert "alpine01" not in names and "alpine02" not in names and "my-notes" in names
    assert "mynet" not in docker("network", "ls", "--format", "{{.Name}}").split()
    refused = subprocess.run([VETHLAB, "reset", "-i", INVENTORY], capture_output=True, text=True)
    assert refused.returncode == 2 and "name the machines with -l" in refused.stderr

    restore = [VETHLAB, "restore", "-i", INVENTORY, "-l", "localhost", "--to", "network", "-q", "-e", LAB_TEST_SETTINGS]
    done = subprocess.run(
        [*restore, "-e", "lab_image_source=busybox", "-e", "lab_report_dir=%s" % places["reports"]], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert lab_check(places, "docker0", "link").returncode == 0
    student("network", "create", "--driver", "bridge", "--subnet", "192.168.0.0/16", "--gateway", "192.168.0.1", "mynet")
    student("run", "-dit", "--name", "alpine-net-01", "--net", "mynet", "alpine")
    student("run", "-dit", "--name", "alpine-net-02", "--net", "mynet", "alpine")
    student("network", "connect", "mynet", "alpine01")
    whole = lab_check(places)
    assert whole.returncode == 0 and "20 of 20 checkpoints passed." in whole.stdout, whole.stdout
