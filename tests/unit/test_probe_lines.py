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


# Debian's names (roles/docker_engine/vars/Debian.yml, shortened): each source's packages, its engine first.
PACKAGES = {"distro": ["docker.io"], "docker-ce": ["docker-ce", "docker-ce-cli", "containerd.io"]}
CONFLICTING = {"distro": ["docker-ce", "docker-ce-cli", "containerd.io"], "docker-ce": ["docker.io", "containerd"]}


def state(lines, source="auto", **settings):
    return filters.vethlab_engine_state(lines, PACKAGES, CONFLICTING, source, **settings)


def test_a_warm_machine_keeps_its_engine_and_has_nothing_to_do():
    found = state(LINES, host_packages=["iproute2"])
    assert (found["installed_source"], found["source_used"], found["engine_packages"]) == ("distro", "distro", ["docker.io"])
    assert found["missing_packages"] == found["missing_host_tools"] == found["installed_conflicts"] == []
    assert found["work"] == [] and found["podman_in_the_way"] is False
    assert found["versions"]["docker.io"] == "26.1.5+dfsg1-9+b9"  # the probe's reading is part of the state


def test_auto_never_removes_an_engine_and_a_named_source_switches():
    kept = state(["docker-ce installed 27.3.1", "docker-ce-cli installed 27.3.1", "containerd.io installed 1.7", "docker-engine answers"],
                 start_with="direct")  # fmt: skip
    assert (kept["source_used"], kept["installed_conflicts"], kept["work"]) == ("docker-ce", [], [])
    switching = state(LINES, source="docker-ce")
    assert switching["installed_conflicts"] == ["docker.io"]
    assert switching["missing_packages"] == ["docker-ce", "docker-ce-cli", "containerd.io"] and "packages" in switching["work"]


def test_a_blank_machine_gets_the_distributions_engine_unless_podman_is_in_the_way():
    blank = state([], host_packages=["iproute2"], mirrors=["http://mirror"], users=["student"])
    assert (blank["source_used"], blank["missing_packages"], blank["missing_host_tools"]) == ("distro", ["docker.io"], ["iproute2"])
    assert blank["work"] == ["packages", "host tools", "registry mirrors", "start", "users"]
    assert state(["podman-docker installed 4.3"])["podman_in_the_way"] is True
    assert state(["podman-docker installed 4.3"], source="distro")["podman_in_the_way"] is False  # named: it goes


def test_the_engine_starts_when_it_does_not_answer_or_systemd_would_not_start_it_at_boot():
    answering = ["docker.io installed 26.1", "docker-engine answers"]
    assert state(answering)["work"] == ["start"]  # systemd (the default), not enabled
    assert state(answering, start_with="direct")["work"] == []
    assert state(["docker.io installed 26.1", "docker-service enabled"])["work"] == ["start"]  # enabled, not answering


def test_without_a_distribution_engine_the_source_is_docker_ce_and_a_source_without_packages_is_named():
    rhel = filters.vethlab_engine_state([], {"docker-ce": ["docker-ce"]}, {"docker-ce": ["podman-docker"]}, "auto")
    assert rhel["source_used"] == "docker-ce" and rhel["missing_packages"] == ["docker-ce"]
    assert filters.vethlab_engine_state([], PACKAGES, CONFLICTING, "moby")["source_used"] == "docker-ce"
    try:
        filters.vethlab_engine_state([], {"distro": ["docker.io"]}, {}, "docker-ce")
    except ValueError as error:
        assert "docker-ce" in str(error) and "distro" in str(error)
    else:
        raise AssertionError("a source without packages was taken")
