"""The `vethlab` command (ansible-runner) on this machine: up, check, report, down, exit codes."""

from __future__ import annotations

import os
import subprocess

from lab_engine import BIN, ROOT, build_busybox_image, cut_cable, docker

VETHLAB = str(BIN / "vethlab")


def vethlab(*argv: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH="%s:%s" % (BIN, os.environ.get("PATH", "")))
    return subprocess.run([VETHLAB, *argv], cwd="/", env=env, capture_output=True, text=True, timeout=600)


def test_up_check_report_and_down(tmp_path):
    inventory = str(ROOT / "inventory" / "local.yml")
    reports = "lab_report_dir=%s" % tmp_path
    done = vethlab("up", "-i", inventory, "-e", "lab_image_source=busybox", "-e", reports)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 of 1 machines passed." in done.stdout
    assert "Report: %s/index.html" % tmp_path in done.stdout
    assert "localhost" in done.stderr and "passed" in done.stderr  # the live table
    assert (tmp_path / "index.html").is_file() and (tmp_path / "summary.json").is_file()

    done = vethlab("check", "-i", inventory, "-e", reports)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 of 1 machines passed." in done.stdout

    done = vethlab("report", "-d", str(tmp_path))
    assert done.returncode == 0 and "1 of 1 machines passed." in done.stdout

    keep = "vethlab-cli-user-container"
    docker("rm", "-f", keep)
    docker("run", "-dit", "--name", keep, build_busybox_image())
    try:
        done = vethlab("down", "-i", inventory)
        assert done.returncode == 0, done.stdout + done.stderr
        assert not docker("ps", "-aq", "--filter", "label=vethlab.lab=true").strip()
        assert docker("inspect", "-f", "{{.State.Running}}", keep).strip() == "true"
        assert docker("images", "-q", "vethlab/busybox:latest").strip(), "down removes containers only"
    finally:
        docker("rm", "-f", keep)


def test_a_failed_checkpoint_exits_1_and_says_which(tmp_path):
    inventory = str(ROOT / "inventory" / "local.yml")
    done = vethlab("up", "-i", inventory, "-e", "lab_image_source=busybox", "-e", "lab_report_dir=%s" % tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    cut_cable("alpine02")
    done = vethlab("check", "-i", inventory)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "0 of 1 machines passed." in done.stdout and "localhost: failed C5" in done.stdout
    done = vethlab("up", "-i", inventory, "-e", "lab_image_source=busybox", "-e", "lab_fresh=true", "-e", "lab_report_dir=%s" % tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_usage_and_no_machine_matched_exit_2(tmp_path):
    assert vethlab("frobnicate").returncode == 2
    assert vethlab("up").returncode == 2
    done = vethlab("up", "-i", str(tmp_path / "nowhere.yml"))
    assert done.returncode == 2 and "no inventory" in done.stderr
    done = vethlab("check", "-i", str(ROOT / "inventory" / "local.yml"), "-l", "no-such-machine")
    assert done.returncode == 2 and "no machine matched" in done.stderr
