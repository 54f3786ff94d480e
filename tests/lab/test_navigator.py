"""lab.yml under ansible-navigator, the command-line form of an AWX or Automation Platform job.

Both run ansible-playbook through ansible-runner, in the project's folder, with ansible-runner's
own callback directory in ANSIBLE_CALLBACK_PLUGINS. Here without an execution environment
(`--ee false`: no image can be pulled or built here); the verdict must be the same as from
ansible-playbook: the play's summary, lab.json and the class report found by the
vethlab_outcomes callback next to lab.yml.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from lab_engine import BIN, LAB_TEST_SETTINGS, ROOT, build_busybox_image

pytestmark = [pytest.mark.engine]


def test_ansible_navigator_runs_the_lab_and_writes_the_same_verdict(tmp_path):
    build_busybox_image()
    reports = tmp_path / "reports"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    environment.update(PATH="%s:%s" % (BIN, os.environ.get("PATH", "")), HOME=str(tmp_path))
    done = subprocess.run(
        [
            str(BIN / "ansible-navigator"),
            "run",
            "lab.yml",
            "--execution-environment",
            "false",
            "--mode",
            "stdout",
            "--playbook-artifact-enable",
            "false",
            "--log-file",
            str(tmp_path / "navigator.log"),
            "-e",
            LAB_TEST_SETTINGS,
            "-e",
            "lab_image_source=busybox",
            "-e",
            "lab_report_dir=%s" % reports,
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    assert "Class summary:\n1 of 1 machines passed." in output
    lab = json.loads((reports / "localhost" / "lab.json").read_text())
    summary = json.loads((reports / "summary.json").read_text())
    assert lab["passed"] is True
    assert [(m["host"], m["status"]) for m in summary["machines"]] == [("localhost", "passed")]
    assert (reports / "class.csv").read_text().splitlines()[1].startswith("localhost,passed,")
    assert (reports / "index.html").is_file()
