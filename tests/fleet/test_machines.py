"""The Molecule scenario `machines`: a teacher's machine that already runs Docker CE.

Docker's repository cannot be reached here, so Docker CE is installed as stand-in packages with its
names (docker-ce, docker-ce-cli, containerd.io) and Debian's docker.io binaries inside
(molecule/machines/standin-debs.sh); the role sees what a machine with Docker CE shows: dpkg's
names and an engine under systemd. Molecule runs create, prepare (Docker CE and the teacher's
daemon.json), converge (lab.yml with the default docker_engine_source, auto) and verify
(testinfra: the lab, and Docker CE still the engine). Then, on the same machine: a source named
explicitly in check mode, registry mirrors (a mirror on a closed port of 127.0.0.1; Docker Hub's
names point to 127.0.0.1 in the machine's /etc/hosts, so nothing leaves it), a daemon.json that is
not JSON, and podman's `docker` where Docker CE was.
"""

from __future__ import annotations

import glob
import json
import os
from pathlib import Path

import pytest

import lab_engine
from lab_engine import ansible_playbook, docker, task_result

pytestmark = [pytest.mark.engine, pytest.mark.fleet]

NODE = "teacher-ce"
MIRROR = "http://127.0.0.1:9"  # nothing listens there
# Where the engine goes when a mirror fails: pointed at the machine itself.
DOCKER_HUB = ("registry-1.docker.io", "index.docker.io", "auth.docker.io", "production.cloudflare.docker.com")
TEACHERS_SETTINGS = {"log-level": "warn", "labels": ["owner=teacher"]}


def inner(*argv: str) -> str:
    return docker("exec", NODE, *argv)


def packages() -> str:
    """Every installed package and its version on the machine: equal before and after means none changed."""
    return inner("dpkg-query", "-W", "-f", "${Package} ${Version} ${db:Status-Abbrev}\\n")


def engine_pid() -> str:
    return inner("systemctl", "show", "--property", "MainPID", "--value", "docker").strip()


def running() -> set[str]:
    return set(inner("docker", "ps", "--format", "{{.Names}}").split())


@pytest.fixture(scope="module")
def inventory():
    lab_engine.molecule_fresh("machines")
    try:
        for step in ("create", "prepare", "converge", "verify"):
            lab_engine.molecule("machines", step)
        found = sorted(glob.glob(os.path.expanduser("~/.ansible/tmp/molecule.*.machines/inventory")), key=os.path.getmtime)
        assert found, "the machines scenario wrote no inventory"
        inner("sh", "-c", "printf '127.0.0.1 %s\\n' " + " ".join(DOCKER_HUB) + " >> /etc/hosts")
        yield Path(found[-1])
    finally:
        lab_engine.molecule("machines", "destroy")
        assert not docker("ps", "-aq", "--filter", "name=^%s$" % NODE).strip()
        assert not docker("volume", "ls", "-q", "--filter", "name=vethlab-%s-docker" % NODE).strip()


def run(inventory: Path, playbook: str, *argv: str):
    return ansible_playbook("-i", str(inventory), playbook, *argv)


def test_auto_keeps_docker_ce_and_says_so(inventory):
    # The converge (lab.yml, source auto) passed and testinfra found Docker CE still the engine.
    code, report, output = run(inventory, "playbooks/docker_engine.yml")
    assert code == 0, output
    said = task_result(report, "Say where the engine comes from, unless podman's docker is in the way", host=NODE)["msg"]
    assert "Docker from docker-ce (docker-ce, docker-ce-cli, containerd.io), installed: kept" in said
    assert "docker-ce 20.10.24-standin ii" in packages() and "docker.io" not in packages()


def test_a_named_source_in_check_mode_says_what_it_would_remove_and_removes_nothing(inventory):
    before, pid = packages(), engine_pid()
    code, report, output = run(inventory, "playbooks/docker_engine.yml", "--check", "-e", "docker_engine_source=distro")
    assert code == 0, output
    said = task_result(report, "Say where the engine comes from, unless podman's docker is in the way", host=NODE)["msg"]
    assert "Docker from distro (docker.io), switching: would remove docker-ce, docker-ce-cli, containerd.io" in said
    assert packages() == before and engine_pid() == pid


def test_registry_mirrors_are_merged_the_engine_restarts_and_what_ran_comes_back(inventory):
    inner("docker", "run", "--detach", "--tty", "--pull", "never", "--name", "homework", "vethlab/busybox-class:latest", "sh")
    pid, lab_image = engine_pid(), "vethlab/busybox:mirror"  # a name not present: auto must try a pull first
    code, report, output = run(
        inventory,
        "lab.yml",
        "-e",
        json.dumps({"docker_engine_registry_mirrors": [MIRROR], "lab_image_source": "auto", "lab_image_busybox_name": lab_image}),
    )
    assert code == 0, output
    settings = json.loads(inner("cat", "/etc/docker/daemon.json"))
    assert settings == {**TEACHERS_SETTINGS, "registry-mirrors": [MIRROR]}
    assert engine_pid() != pid  # restarted, as the file changed
    assert MIRROR in inner("docker", "info", "--format", "{{json .RegistryConfig.Mirrors}}")
    fallback = task_result(report, "Say why busybox is used instead", host=NODE)["msg"]
    assert "Tried to pull alpine:latest; it failed" in fallback and "connection refused" in fallback
    assert {"homework", "alpine01", "alpine02"} <= running()


def test_a_pull_through_a_closed_mirror_fails_with_the_engines_reason_and_no_restart(inventory):
    pid = engine_pid()
    code, _, output = run(inventory, "lab.yml", "-e", json.dumps({"docker_engine_registry_mirrors": [MIRROR], "lab_image_source": "pull"}))
    assert code != 0
    assert "lab_image_source=pull could not pull alpine:latest" in output and "connection refused" in output
    assert engine_pid() == pid  # daemon.json unchanged: no restart


def test_a_daemon_json_that_is_not_json_is_left_byte_for_byte(inventory):
    broken = '{"log-level": "warn",\n  "labels": ["owner=teacher"\n'
    inner("sh", "-c", "printf '%s' \"$1\" > /etc/docker/daemon.json", "sh", broken)
    pid, before = engine_pid(), packages()
    try:
        code, _, output = run(inventory, "lab.yml", "-e", json.dumps({"docker_engine_registry_mirrors": ["http://127.0.0.1:8"]}))
        assert code != 0
        assert "/etc/docker/daemon.json is not valid JSON" in output, output[-3000:]
        assert inner("cat", "/etc/docker/daemon.json") == broken
        assert engine_pid() == pid and packages() == before
    finally:
        inner("sh", "-c", "printf '%s' \"$1\" > /etc/docker/daemon.json", "sh", json.dumps(TEACHERS_SETTINGS))


def test_podmans_docker_stops_auto_before_any_change(inventory):
    inner("systemctl", "stop", "docker.service", "docker.socket", "containerd.service")
    inner("dpkg", "--purge", "docker-ce", "docker-ce-cli", "containerd.io")
    inner("dpkg", "--install", "/var/tmp/podman-docker.deb")
    before = packages()
    code, _, output = run(inventory, "lab.yml")
    assert code != 0
    assert "podman-docker is installed on %s" % NODE in output
    assert "docker_engine_source=distro" in output and "docker_engine_source=docker-ce" in output
    assert packages() == before
