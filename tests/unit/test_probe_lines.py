"""The engine probe's lines (roles/docker_engine/tasks/probe.yml) read in one pass by the vethlab_probe_lines filter:
dpkg-query's and rpm's "NAME STATUS VERSION" lines, the engine's answer, systemd's, and the record lines."""

from __future__ import annotations

import importlib.util

from conftest import ROOT

spec = importlib.util.spec_from_file_location("vethlab_filters", ROOT / "filter_plugins" / "vethlab.py")
filters = importlib.util.module_from_spec(spec)
spec.loader.exec_module(filters)

LINES = [
    "docker.io installed 26.1.5+dfsg1-9+b9",
    "docker-ce not-installed ",
    "podman-docker not-installed",
    "iproute2 installed 6.1.0-3",
    "docker-engine answers",
    "engine-version 26.1.5+dfsg1",
    "docker-service enabled",
    "package-from:docker.io Debian:12.11/stable, now 26.1.5",
]


def test_the_probe_lines_give_what_is_installed_its_versions_the_engine_and_the_records():
    found = filters.vethlab_probe_lines(LINES)
    assert found["installed"] == ["docker.io", "iproute2"]
    assert found["versions"] == {"docker.io": "26.1.5+dfsg1-9+b9", "iproute2": "6.1.0-3"}
    assert found["answers"] is True and found["enabled"] is True
    assert found["records"] == {"engine-version": "26.1.5+dfsg1", "package-from:docker.io": "Debian:12.11/stable, now 26.1.5"}


def test_an_engine_that_does_not_answer_and_nothing_installed():
    found = filters.vethlab_probe_lines(["docker.io not-installed", ""])
    assert found == {"installed": [], "versions": {}, "answers": False, "enabled": False, "records": {}}
    assert filters.vethlab_probe_lines(None)["installed"] == []
