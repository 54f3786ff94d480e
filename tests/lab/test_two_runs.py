"""Two lab runs on one machine at once (a student's `make lab` while the teacher's `vethlab up`).

The reset step takes the lab's lock on the machine and the verify step gives it back: the second
run waits for the first, then runs; with a short lab_lock_wait it stops, saying who holds the
lock since when, and changes nothing; a lock left by a run that is gone is taken over.
"""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest

from lab_engine import BIN, LAB_TEST_SETTINGS, ROOT, ansible_playbook, build_busybox_image, docker, engine_state, task_result

pytestmark = [pytest.mark.engine]

LOCK = "/run/vethlab.lock"


def lab_args(reports) -> list[str]:
    return ["lab.yml", "-e", "lab_image_source=busybox", "-e", "lab_report_dir=%s" % reports]


def lab_containers() -> list[str]:
    return sorted(docker("ps", "--all", "--filter", "label=vethlab.lab", "--format", "{{.Names}}").split())


@pytest.fixture(autouse=True)
def no_lock_left():
    if os.path.exists(LOCK):
        os.unlink(LOCK)  # an earlier test's own lock, never a real run's: the tests run one at a time
    yield
    assert not os.path.exists(LOCK), "a run left the lab's lock behind"


def test_two_fresh_runs_at_once_end_with_one_lab(tmp_path):
    build_busybox_image()
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "PATH": "%s:%s" % (BIN, os.environ["PATH"]), "ANSIBLE_NOCOLOR": "1"}
    runs = [
        subprocess.Popen(
            [str(BIN / "ansible-playbook"), "-e", LAB_TEST_SETTINGS, *lab_args(tmp_path / name), "-e", "lab_fresh=true"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in ("student", "teacher")
    ]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], "\n\n".join(output[-4000:] for output in outputs)
    assert lab_containers() == ["alpine01", "alpine02"]
    for name in ("student", "teacher"):
        assert json.loads((tmp_path / name / "localhost" / "lab.json").read_text())["passed"] is True


def test_a_short_wait_stops_saying_who_holds_the_lock_and_changes_nothing(tmp_path):
    build_busybox_image()
    since = time.time()
    holder = {"run": "teacher-run", "holder": "teacher@front-desk", "since": since, "seen": since, "stale_after": 600}
    with open(LOCK, "w", encoding="utf-8") as handle:
        json.dump(holder, handle)
    before = engine_state()
    code, _, output = ansible_playbook(*lab_args(tmp_path), "-e", "lab_lock_wait=2", "-e", "lab_fresh=true")
    assert code != 0
    assert (
        "another lab run holds this machine: teacher@front-desk, since %s" % time.strftime("%Y-%m-%d %H:%M", time.gmtime(since)) in output
    )
    assert "(run teacher-run)" in output
    assert engine_state() == before
    assert json.load(open(LOCK, encoding="utf-8")) == holder  # still the teacher's
    os.unlink(LOCK)


def test_a_stale_lock_is_taken_over(tmp_path):
    build_busybox_image()
    long_ago = time.time() - 3600
    with open(LOCK, "w", encoding="utf-8") as handle:
        json.dump({"run": "crashed-run", "holder": "student@laptop", "since": long_ago, "seen": long_ago, "stale_after": 600}, handle)
    code, report, output = ansible_playbook(*lab_args(tmp_path), "-e", "lab_lock_wait=2")
    assert code == 0, output
    warnings = task_result(report, "Look at the engine and the lab")["warnings"]
    assert any(w.startswith("took over a stale lab lock: student@laptop") for w in warnings), warnings


def test_two_runs_writing_one_report_folder_take_turns(tmp_path):
    """A student's `make lab` and the teacher's run, both writing one report folder: the second waits for the
    first's class report (the folder's turn, an flock held for the whole run), saying who writes it."""
    build_busybox_image()
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "PATH": "%s:%s" % (BIN, os.environ["PATH"]), "ANSIBLE_NOCOLOR": "1"}
    runs = []
    for _ in range(2):
        runs.append(
            subprocess.Popen(
                [str(BIN / "ansible-playbook"), "-e", LAB_TEST_SETTINGS, *lab_args(tmp_path)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
        time.sleep(0.5)
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], "\n\n".join(output[-4000:] for output in outputs)
    waited = [output for output in outputs if "vethlab: another run is writing %s" % tmp_path in output]
    assert len(waited) == 1, outputs
    assert "this run waits for it to finish" in waited[0] and "ansible-playbook" in waited[0]
    assert json.loads((tmp_path / "summary.json").read_text())["passed"] is True
    assert json.loads((tmp_path / ".vethlab-writer").read_text())["pid"] in [run.pid for run in runs]
