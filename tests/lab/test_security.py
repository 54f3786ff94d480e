"""The engine's exposure, as the lab leaves it: no TCP socket, and the docker group opt-in."""

from __future__ import annotations

import json
import subprocess

import pytest

from lab_engine import ansible_playbook, engine_available

pytestmark = [pytest.mark.engine]

STUDENT = "vethlab-student"


def listening(kind: str) -> str:
    """ss's listening sockets of one kind (-t TCP, -x unix), with their processes."""
    return subprocess.run(["ss", "-l", kind, "-n", "-p", "-H"], capture_output=True, text=True, check=True).stdout


def test_the_engine_listens_on_its_unix_socket_and_on_no_tcp_port():
    code, _, output = ansible_playbook("playbooks/docker_engine.yml")
    assert code == 0, output
    assert engine_available()
    assert "dockerd" in listening("-x")  # the check below looks at the right process
    assert "dockerd" not in listening("-t"), listening("-t")
    assert "tcp://" not in " ".join(
        open("/proc/%s/cmdline" % pid).read().replace("\0", " ")
        for pid in subprocess.run(["pgrep", "-x", "dockerd"], capture_output=True, text=True).stdout.split()
    )


@pytest.fixture
def student():
    subprocess.run(["userdel", "-r", STUDENT], capture_output=True)
    subprocess.run(["useradd", "--create-home", STUDENT], check=True)
    yield STUDENT
    subprocess.run(["userdel", "-r", STUDENT], capture_output=True)


def groups_of(user: str) -> list[str]:
    return subprocess.run(["id", "-nG", user], capture_output=True, text=True, check=True).stdout.split()


def test_the_docker_group_is_opt_in(student):
    members = subprocess.run(["getent", "group", "docker"], capture_output=True, text=True, check=True).stdout
    code, _, output = ansible_playbook("playbooks/docker_engine.yml")
    assert code == 0, output
    assert "docker" not in groups_of(student)
    assert subprocess.run(["getent", "group", "docker"], capture_output=True, text=True).stdout == members
    code, _, output = ansible_playbook("playbooks/docker_engine.yml", "-e", json.dumps({"docker_engine_users": [student]}))
    assert code == 0, output
    assert "docker" in groups_of(student)
