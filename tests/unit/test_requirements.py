"""requirements.yml names exactly the collections the code uses; the installed ones satisfy it.

The list is not kept by hand: the test finds every fully qualified name (namespace.collection.name)
in the project's own files whose namespace.collection is an installed collection.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from ansible.galaxy.dependency_resolution.versioning import meets_requirements

from conftest import ROOT

# Part of ansible-core itself, never installed from Galaxy.
CORE = {"ansible.builtin", "ansible.legacy"}
FQCN = re.compile(r"\b([a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)\.[a-z][a-z0-9_]+")
NOT_SOURCE = {".git", ".venv", ".ansible", "reports", "fixtures", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}
SOURCE_SUFFIXES = {".yml", ".yaml", ".py", ".j2", ".cfg", ".toml", ".sh", ".md"}


def installed_collections() -> dict[str, str]:
    ansible_galaxy = os.path.join(os.path.dirname(sys.executable), "ansible-galaxy")
    out = subprocess.run([ansible_galaxy, "collection", "list", "--format", "json"], capture_output=True, text=True, check=True).stdout
    versions = {}
    for collections in json.loads(out).values():  # one entry per collection path, first wins
        for name, info in collections.items():
            versions.setdefault(name, info["version"])
    return versions


def project_files(root: Path):
    for path in root.rglob("*"):
        if path == Path(__file__).resolve():
            continue  # this file's examples of what the scan finds are not uses
        if path.is_file() and path.suffix in SOURCE_SUFFIXES and not NOT_SOURCE & set(path.relative_to(root).parts):
            yield path


def collections_used(root: Path, installed: set[str]) -> dict[str, Path]:
    """Each collection named in the project's files, with a file that names it."""
    used = {}
    for path in project_files(root):
        for match in FQCN.finditer(path.read_text(encoding="utf-8", errors="replace")):
            if match.group(1) in installed and match.group(1) not in CORE:
                used.setdefault(match.group(1), path)
    return used


def requirements() -> list[dict]:
    return yaml.safe_load((ROOT / "requirements.yml").read_text())["collections"]


def test_requirements_yml_names_every_collection_the_code_uses_and_no_other():
    used = collections_used(ROOT, set(installed_collections()))
    named = {item["name"] for item in requirements()}
    assert named == set(used), "used but not in requirements.yml: %s; listed but unused: %s" % (
        {name: str(path.relative_to(ROOT)) for name, path in used.items() if name not in named},
        sorted(named - set(used)),
    )
    assert all(item["version"].startswith(">=") for item in requirements())


def test_the_scan_finds_a_collection_wherever_it_is_named(tmp_path):
    (tmp_path / "roles" / "r" / "tasks").mkdir(parents=True)
    (tmp_path / "roles" / "r" / "tasks" / "main.yml").write_text("- community.general.ini_file: {}\n- ansible.builtin.debug: {}\n")
    (tmp_path / "filter.j2").write_text("{{ x | community.crypto.openssl_privatekey_info }}")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "x.py").write_text("community.aws.s3_bucket")
    found = collections_used(tmp_path, {"community.general", "community.crypto", "community.aws", "ansible.builtin"})
    assert set(found) == {"community.general", "community.crypto"}


def test_installed_collections_satisfy_requirements_yml():
    installed = installed_collections()
    for item in requirements():
        assert item["name"] in installed, "%s is not installed" % item["name"]
        assert meets_requirements(installed[item["name"]], item["version"]), (item, installed[item["name"]])


def test_the_version_check_can_fail():
    assert not meets_requirements("3.9.0", ">=3.10.0")
