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
    # The plugins import vethlab and vethlab.module_utils: the project's code is installed in the image.
    source = tmp_path / "_build" / "vethlab"
    assert (source / "pyproject.toml").is_file() and (source / "vethlab" / "module_utils" / "__init__.py").is_file()
    assert sorted(path.name for path in (source / "module_utils").glob("*.py")) == sorted(
        path.name for path in (ROOT / "module_utils").glob("*.py")
    )
    assert "pip install --no-cache-dir --no-deps --editable /opt/vethlab" in containerfile
