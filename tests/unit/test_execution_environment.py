"""The execution environment for AWX / Automation Platform: `ansible-builder create` writes its build
context offline (building the image itself needs a base image from a registry: not here)."""

from __future__ import annotations

import subprocess

import yaml

from conftest import ROOT
from lab_engine import BIN


def test_ansible_builder_creates_the_build_context_with_what_the_lab_needs(tmp_path):
    done = subprocess.run(
        [str(BIN / "ansible-builder"), "create", "-f", str(ROOT / "execution-environment.yml"), "--context", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    containerfile = (tmp_path / "Dockerfile").read_text()
    assert "ansible-core>=2.17,<2.20" in containerfile and "ansible-runner>=2.4" in containerfile
    collections = {item["name"] for item in yaml.safe_load((tmp_path / "_build" / "requirements.yml").read_text())["collections"]}
    assert collections == {item["name"] for item in yaml.safe_load((ROOT / "requirements.yml").read_text())["collections"]}
    assert "requests" in (tmp_path / "_build" / "requirements.txt").read_text()
    assert "graphviz [platform:rpm]" in (tmp_path / "_build" / "bindep.txt").read_text()
