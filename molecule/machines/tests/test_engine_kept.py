"""The teacher's engine stayed (pytest-testinfra verifier of the machines scenario).

lab.yml ran with the default docker_engine_source (auto) on a machine that had Docker CE: Docker CE
is still what is installed and running, Debian's docker.io was not installed, and the teacher's
daemon.json is as it was.
"""

from __future__ import annotations

import json


def test_docker_ce_is_still_the_engine(host):
    for name in ("docker-ce", "docker-ce-cli", "containerd.io"):
        assert host.package(name).is_installed, name
    assert host.package("docker-ce").version == "20.10.24-standin"
    assert not host.package("docker.io").is_installed
    assert host.service("docker").is_running


def test_the_teachers_daemon_json_is_untouched(host):
    with host.sudo():
        settings = json.loads(host.file("/etc/docker/daemon.json").content_string)
    assert settings == {"log-level": "warn", "labels": ["owner=teacher"]}
