"""The `vethlab` command (ansible-runner) on this machine: up, check, report, down, exit codes.

Its verdict is the run's outcomes as the vethlab_outcomes callback decided them: the command's
table, summary and exit code say what the class report says.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess

import pytest

from lab_engine import BIN, CAPTURE, LAB_TEST_SETTINGS, ROOT, build_busybox_image, cut_cable, docker, engine_state

pytestmark = [pytest.mark.engine]

VETHLAB = str(BIN / "vethlab")
INVENTORY = str(ROOT / "inventory" / "local.yml")
# No registry may be contacted: this one is on this machine's own loopback, where nothing listens.
NO_REGISTRY = "lab_image_name=127.0.0.1:9/vethlab/no-registry:latest"


def vethlab(*argv: str, merged: bool = False) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH="%s:%s" % (BIN, os.environ.get("PATH", "")))
    if argv[0] in ("up", "check"):  # the tests' settings first: a test's own -e after them wins
        argv = (argv[0], "-e", LAB_TEST_SETTINGS, *argv[1:])
    return subprocess.run(
        [VETHLAB, *argv],
        cwd="/",
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merged else subprocess.PIPE,
        text=True,
        timeout=600,
    )


def class_rows(report_dir) -> dict:
    return {row["machine"]: row for row in csv.DictReader((report_dir / "class.csv").open())}


def test_up_with_the_default_image_source_and_no_image_passes(tmp_path):
    # auto tries the pull, which fails (nothing listens there), then builds busybox: a handled path,
    # so the machine passed, in the command's summary, its exit code and every class report file.
    docker("rm", "-f", "alpine01", "alpine02")
    subprocess.run(["docker", "rmi", "-f", "vethlab/busybox:latest"], capture_output=True)
    done = vethlab("up", "-i", INVENTORY, "-e", NO_REGISTRY, "-e", "lab_report_dir=%s" % tmp_path, merged=True)
    assert done.returncode == 0, done.stdout
    # The live table's last line ends before the summary starts.
    assert re.search(r"┘\n+1 of 1 machines passed\.\n", done.stdout), done.stdout[-2000:]
    assert "localhost: failed" not in done.stdout
    assert class_rows(tmp_path)["localhost"]["status"] == "passed"
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["passed"] is True and summary["machines"][0]["status"] == "passed"
    lab = json.loads((tmp_path / "localhost" / "lab.json").read_text())
    assert lab["passed"] is True and lab["image"] == {"ref": "vethlab/busybox:latest", "source": "busybox"}


def test_up_check_report_and_down(tmp_path):
    reports = "lab_report_dir=%s" % tmp_path
    done = vethlab("up", "-i", INVENTORY, "-e", "lab_image_source=busybox", "-e", reports)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 of 1 machines passed." in done.stdout
    assert "Report: %s/index.html" % tmp_path in done.stdout
    assert "localhost" in done.stderr and "passed" in done.stderr  # the live table
    assert (tmp_path / "index.html").is_file() and (tmp_path / "summary.json").is_file()

    done = vethlab("check", "-i", INVENTORY, "-e", reports)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 of 1 machines passed." in done.stdout
    assert json.loads((tmp_path / "summary.json").read_text())["run"]["mode"] == "check"

    done = vethlab("report", "-d", str(tmp_path))
    assert done.returncode == 0 and "1 of 1 machines passed." in done.stdout

    keep = "vethlab-cli-user-container"
    docker("rm", "-f", keep)
    docker("run", "-dit", "--name", keep, build_busybox_image())
    try:
        done = vethlab("down", "-i", INVENTORY)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Removed the lab's containers on 1 of 1 machines." in done.stdout
        assert not docker("ps", "-aq", "--filter", "label=vethlab.lab=true").strip()
        assert docker("inspect", "-f", "{{.State.Running}}", keep).strip() == "true"
        assert docker("images", "-q", "vethlab/busybox:latest").strip(), "down removes containers only"
    finally:
        docker("rm", "-f", keep)


def test_check_on_a_cut_cable_fails_everywhere_and_changes_nothing_then_up_repairs(tmp_path):
    reports = "lab_report_dir=%s" % tmp_path
    done = vethlab("up", "-i", INVENTORY, "-e", "lab_image_source=busybox", "-e", reports, *CAPTURE)
    assert done.returncode == 0, done.stdout + done.stderr
    cut_cable("alpine02")
    before = engine_state()
    done = vethlab("check", "-i", INVENTORY, "-e", reports, *CAPTURE)  # C21 too: where the packet stops
    assert done.returncode == 1, done.stdout + done.stderr
    assert "0 of 1 machines passed." in done.stdout and "localhost: checkpoints failed: C5, C6, C7, C8, C9, C21" in done.stdout
    assert engine_state() == before  # check mode only looks: the broken container is still there
    assert class_rows(tmp_path)["localhost"]["status"] == "failed"  # this run's, not the earlier pass
    assert json.loads((tmp_path / "localhost" / "lab.json").read_text())["health"]["alpine02"][0]["code"] == "eth0_down"
    done = vethlab("up", "-i", INVENTORY, "-e", "lab_image_source=busybox", "-e", reports)
    assert done.returncode == 0, done.stdout + done.stderr
    assert class_rows(tmp_path)["localhost"]["status"] == "passed"


def test_usage_and_no_machine_matched_exit_2(tmp_path):
    assert vethlab("frobnicate").returncode == 2
    assert vethlab("up").returncode == 2
    done = vethlab("up", "-i", str(tmp_path / "nowhere.yml"))
    assert done.returncode == 2 and "no inventory" in done.stderr
    done = vethlab("check", "-i", INVENTORY, "-l", "no-such-machine")
    assert done.returncode == 2 and "no machine matched" in done.stderr


def test_ctrl_c_says_the_run_was_interrupted_and_the_next_run_goes_on_at_once(tmp_path):
    """Ctrl-C while the machines run: exit 130, which machines had their report and which did not, no class
    report written from half a run; the lock the run took is taken over by the next run without waiting."""
    import signal
    import time

    build_busybox_image()
    lock = tmp_path / "lab.lock"
    env = dict(os.environ, PATH="%s:%s" % (BIN, os.environ.get("PATH", "")))
    settings = ["-e", LAB_TEST_SETTINGS, "-e", "lab_image_source=busybox", "-e", "lab_lock_path=%s" % lock]
    run = subprocess.Popen(
        [VETHLAB, "up", "-i", INVENTORY, "-e", "lab_report_dir=%s" % tmp_path, "-e", "lab_fresh=true", *settings],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not lock.exists() and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.1)  # the reset step took the machine's lock: the run is changing the lab
    assert lock.exists(), run.communicate()[1]
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 130, err
    assert "vethlab up was interrupted (Ctrl-C). 0 of 1 machines had their report written: -; not finished: localhost." in err
    assert "no machine matched" not in err and not (tmp_path / "summary.json").exists()
    again = vethlab("up", "-i", INVENTORY, "-e", "lab_report_dir=%s" % tmp_path, *settings[2:], "-e", "lab_lock_wait=5")
    assert again.returncode == 0, again.stderr
    assert not lock.exists()
