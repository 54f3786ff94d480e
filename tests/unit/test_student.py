"""The student's side without an engine: the hint ladders, the task card, the stage, lab-check built as a zipapp that
runs on the machine's own Python with nothing but its standard library."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from vethlab.labcheck import archive, build
from vethlab.module_utils.vethlab_checkpoints import IDS
from vethlab.module_utils.vethlab_lessons import run_plan
from vethlab.module_utils.vethlab_student import FAILED, HINT_LEVELS, NOT_STARTED, PASSED, card, hint, next_hint, stage, started
from vethlab.module_utils.vethlab_texts import LANGUAGES, MESSAGES

WHOLE = run_plan({}, ["all"], [], False)
IPV4 = re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b")


@pytest.mark.parametrize("checkpoint", IDS)
def test_every_checkpoint_has_a_whole_ladder_in_every_language_giving_no_address(checkpoint):
    for level in range(1, HINT_LEVELS + 1):
        for lang in LANGUAGES:
            assert lang in MESSAGES["hint.%s.%d" % (checkpoint, level)], (checkpoint, level, lang)
            text = hint(checkpoint, level, WHOLE, lang)
            assert text and "{" not in text
            # The student's own names, never an address: a hint gives away nobody's values (the lesson's subnet
            # and gateway are the course's own, printed on every card).
            assert not set(IPV4.findall(text)) - {"192.168.0.0", "192.168.0.1", "127.0.0.11", "172.17.0.1"}, text
    assert hint(checkpoint, HINT_LEVELS, WHOLE, "en").startswith("Type: ")
    assert hint(checkpoint, HINT_LEVELS, WHOLE, "zh").startswith("输入：")


def test_a_hint_uses_the_students_own_names():
    mine = run_plan({"lab_containers": ["box1", "box2"], "lab_network_name": "classnet"}, ["all"], [], False)
    assert (
        hint("C2", 3, mine, "en")
        == "Type: docker run -dit --name box1 alpine ; docker run -dit --name box2 alpine ; docker exec box1 ip addr"
    )
    assert "classnet" in hint("C18", 3, mine, "zh")


def test_the_task_card_lists_each_lessons_commands_in_both_languages():
    english, chinese = card(WHOLE, "en", "Image: x."), card(WHOLE, "zh", "镜像：x。")
    for text in (english, chinese):
        assert "docker run -dit --name alpine01 alpine" in text and "docker run -dit --name alpine03 --link alpine02 alpine" in text
        assert "docker network create --driver bridge --subnet 192.168.0.0/16 --gateway 192.168.0.1 mynet" in text
        assert "docker network connect mynet alpine01" in text
    assert "ping -c 3 <IP of alpine01>" in english and "ping -c 3 <alpine01 的 IP>" in chinese
    assert "## 2. 容器互联" in chinese and "然后检查你的操作：lab-check link" in chinese
    only_first = card(run_plan({}, ["docker0"], [], False), "en")
    assert "--link" not in only_first and "lab-check docker0" in only_first


def test_a_lesson_is_started_when_one_of_its_containers_exists_whatever_its_state():
    observed = {"states": {"alpine01": "running", "alpine02": "exited", "alpine03": "missing"}, "networks": {"mynet": None}}
    assert started("docker0", WHOLE, observed) and not started("link", WHOLE, observed)
    assert not started("connect", WHOLE, observed)
    observed["networks"]["mynet"] = {"containers": {"alpine01": "192.168.0.4/16"}}
    assert started("connect", WHOLE, observed)


def test_the_stage_is_the_last_of_the_leading_lessons_that_passed():
    lessons = [
        {"id": "docker0", "passed": True},
        {"id": "link", "passed": True},
        {"id": "network", "passed": False},
        {"id": "connect", "passed": True},
    ]
    assert stage(lessons) == "link"
    assert stage([{"id": "docker0", "passed": False}]) is None
    assert (PASSED, FAILED, NOT_STARTED) == ("passed", "failed", "not started")


def test_each_ask_gives_the_next_hint_up_to_the_last(tmp_path):
    path = str(tmp_path / "hints.json")
    assert [next_hint("C3", path) for _ in range(4)] == [2, 3, 3, 3]
    assert next_hint("C4", path) == 2


def test_lab_check_is_a_zipapp_of_module_utils_that_runs_on_the_standard_library_alone(tmp_path):
    target = tmp_path / "lab-check"
    assert build(target) is True and build(target) is False  # the same sources, the same bytes
    assert archive() == target.read_bytes()
    # -I -S: no site-packages, no environment: only Python's standard library is there.
    done = subprocess.run([sys.executable, "-I", "-S", str(target), "--card", "--lang", "zh"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# vethlab：任务卡") and "docker run -dit --name alpine01 alpine" in done.stdout
    done = subprocess.run([sys.executable, "-I", "-S", str(target), "nosuchlesson"], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "no lesson nosuchlesson" in done.stderr


def test_lab_check_says_why_it_cannot_check_and_exits_2(tmp_path):
    target = tmp_path / "lab-check"
    build(target)
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(target), "docker0"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": str(tmp_path), "LANG": "zh_CN.UTF-8"},
    )
    assert done.returncode == 2 and done.stderr.strip() == "lab-check 无法检查你的实验：docker is not installed on this machine"


def test_lab_check_without_root_or_prepares_record_asks_for_sudo_and_changes_nothing(tmp_path):
    """lab-check reads the containers from outside, which needs root: a student without root, where prepare recorded
    no image (no record of root's), is told to use sudo or ask for prepare, and nothing runs but `docker info` (the
    stand-in docker answers only that; a judge's container would need more)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="vethlab-path-"))
    try:
        folder.chmod(0o755)
        build(folder / "lab-check")
        (folder / "docker").write_text('#!/bin/sh\n[ "$1" = info ] && echo 20.10 && exit 0\necho "$@" >> %s/ran\nexit 1\n' % folder)
        (folder / "docker").chmod(0o755)
        done = subprocess.run(
            [
                "setpriv",
                "--reuid",
                "65534",
                "--regid",
                "65534",
                "--clear-groups",
                sys.executable,
                "-I",
                "-S",
                str(folder / "lab-check"),
                "--path",
            ],
            capture_output=True,
            text=True,
            check=False,
            env={
                "PATH": "%s:/usr/bin:/bin" % folder,
                "LANG": "en_US.UTF-8",
                "HOME": str(folder),
                "VETHLAB_PREPARED": str(folder / "prepared.json"),
            },
        )
        assert done.returncode == 2, done.stdout + done.stderr
        assert "lab-check reads your containers from outside them, which needs root: run sudo lab-check" in done.stderr
        assert str(folder / "prepared.json") in done.stderr
        assert not (folder / "ran").exists()
    finally:
        shutil.rmtree(folder)
