"""lab_image's sources on the live engine: an archive from the controller, and a missing one."""

from __future__ import annotations

import json
import subprocess

import pytest

from lab_engine import ansible_playbook, build_busybox_image, docker, engine_available, engine_state, on_screen, task_result

pytestmark = [pytest.mark.engine]

ARCHIVED = "vethlab/archived:test"


@pytest.fixture
def archive(tmp_path):
    assert engine_available(), "the Docker engine does not answer: run 'make engine' (the test command does)"
    docker("tag", build_busybox_image(), ARCHIVED)
    path = tmp_path / "alpine.tar"
    subprocess.run(["docker", "save", "-o", str(path), ARCHIVED], check=True)
    docker("rmi", ARCHIVED)
    yield path
    subprocess.run(["docker", "rmi", "-f", ARCHIVED], capture_output=True)


def image_step(**variables):
    return ansible_playbook("playbooks/lab_step.yml", "-e", json.dumps(dict(variables, lab_step="image")))


def test_an_archive_on_the_controller_is_loaded_once(archive):
    code, report, output = image_step(lab_image_source="archive", lab_image_archive=str(archive), lab_image_name=ARCHIVED)
    assert code == 0, output
    assert task_result(report, "Load the archive (docker load)")["changed"] is True
    assert docker("images", "-q", ARCHIVED).strip()
    assert "(source: archive)" in task_result(report, "Show which image the containers use")["msg"]
    code, report, output = image_step(lab_image_source="archive", lab_image_archive=str(archive), lab_image_name=ARCHIVED)
    assert code == 0, output
    assert report["stats"]["localhost"]["changed"] == 0
    assert task_result(report, "Copy the archive to the host and load it").get("skipped") is True  # the image is there
    assert not [
        task for play in report["plays"] for task in play["tasks"] if task["task"]["name"].endswith("Load the archive (docker load)")
    ]


def test_an_archive_without_the_named_image_is_refused(archive):
    code, report, output = image_step(lab_image_source="archive", lab_image_archive=str(archive), lab_image_name="alpine:3.99")
    assert code == 2, output
    message = task_result(report, "Refuse an archive without the image").get("msg", "")
    assert "holds vethlab/archived:test, not alpine:3.99" in message


def test_a_missing_archive_names_the_source_and_the_others(tmp_path):
    before = docker("images", "-q").split()
    code, report, output = image_step(lab_image_source="archive", lab_image_archive=str(tmp_path / "nowhere.tar"))
    assert code == 2, output
    # The settings step checks the archive before the step runs (the role refuses it too, used on its own).
    message = task_result(report, "Refuse bad settings before anything changes")["msg"]
    assert "lab_image_source=archive" in message and "nowhere.tar" in message and "is not a file" in message
    assert "lab_image_source=pull" in message and "lab_image_source=busybox" in message
    assert docker("images", "-q").split() == before


def test_a_failed_pull_names_the_source_and_the_others():
    # No registry may be contacted: this one is on this machine's own loopback, where nothing listens.
    unreachable = "127.0.0.1:9/vethlab/no-registry:latest"
    before = engine_state()
    code, report, output = image_step(lab_image_source="pull", lab_image_name=unreachable)
    assert code == 2, output
    message = task_result(report, "Explain the failed pull")["msg"]
    assert message.startswith("lab_image_source=pull could not pull %s: " % unreachable), message
    assert "127.0.0.1:9" in message.split(": ", 1)[1]  # the engine's own reason, naming the registry it tried
    assert "lab_image_source=archive" in message and "lab_image_source=busybox" in message
    assert "Nothing else was changed." in message
    assert task_result(report, "Stop, saying why the step failed")["msg"] == message  # the engine answered: the step's reason
    assert engine_state() == before


def test_auto_falls_back_to_busybox_in_one_plain_line_and_the_class_report_says_passed(tmp_path):
    # auto: neither image present, the pull fails (a closed port on this machine), busybox is built.
    # An expected, handled path: one plain line on screen, no error; the machine passed, everywhere.
    fallback = "vethlab/busybox-auto:test"
    subprocess.run(["docker", "rmi", "-f", fallback], capture_output=True)
    variables = {
        "lab_image_source": "auto",
        "lab_image_name": "127.0.0.1:9/vethlab/no-registry:latest",
        "lab_image_busybox_name": fallback,
        "lab_report_dir": str(tmp_path),
    }
    try:
        code, screen = on_screen("lab.yml", "-e", json.dumps(variables))
        assert code == 0, screen
        for alarm in ("fatal:", "FAILED!", "[ERROR]", "failed=1", "rescued=1"):
            assert alarm not in screen, alarm
        assert "Tried to pull 127.0.0.1:9/vethlab/no-registry:latest; it failed (" in screen
        assert "Using vethlab/busybox-auto:test instead, built offline" in screen
        assert "Class summary:\n1 of 1 machines passed." in screen
        summary = json.loads((tmp_path / "summary.json").read_text())
        assert summary["passed"] is True and summary["outcomes"]["localhost"]["status"] == "passed", summary
        assert summary["machines"][0]["status"] == "passed"
        lab = json.loads((tmp_path / "localhost" / "lab.json").read_text())
        assert lab["passed"] is True and lab["image"] == {"ref": fallback, "source": "busybox"}
    finally:
        code, _, output = ansible_playbook("lab.yml", "-e", "lab_image_source=busybox", "-e", "lab_report_dir=%s" % tmp_path)
        subprocess.run(["docker", "rmi", "-f", fallback], capture_output=True)
    assert code == 0, output
