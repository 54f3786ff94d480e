"""requirements.yml lists the collections vethlab uses; the installed ones must satisfy it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import yaml
from ansible.galaxy.dependency_resolution.versioning import meets_requirements

from conftest import ROOT

USED_COLLECTIONS = {"community.docker", "ansible.posix"}


def installed_collections():
    ansible_galaxy = os.path.join(os.path.dirname(sys.executable), "ansible-galaxy")
    out = subprocess.run([ansible_galaxy, "collection", "list", "--format", "json"], capture_output=True, text=True, check=True).stdout
    versions = {}
    for collections in json.loads(out).values():  # one entry per collection path, first wins
        for name, info in collections.items():
            versions.setdefault(name, info["version"])
    return versions


def test_requirements_yml_names_every_collection_with_a_minimum_version():
    requirements = yaml.safe_load((ROOT / "requirements.yml").read_text())["collections"]
    assert {item["name"] for item in requirements} == USED_COLLECTIONS
    assert all(item["version"].startswith(">=") for item in requirements)


def test_installed_collections_satisfy_requirements_yml():
    requirements = yaml.safe_load((ROOT / "requirements.yml").read_text())["collections"]
    installed = installed_collections()
    for item in requirements:
        assert item["name"] in installed, "%s is not installed" % item["name"]
        assert meets_requirements(installed[item["name"]], item["version"]), (item, installed[item["name"]])


def test_the_version_check_can_fail():
    assert not meets_requirements("3.9.0", ">=3.10.0")
