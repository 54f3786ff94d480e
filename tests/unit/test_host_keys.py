"""SSH host keys under the vethlab command: checked as ansible-playbook checks them, learnt on purpose, a changed
one named. (The real SSH: tests/fleet/test_exercise.py::test_host_keys_are_learnt_on_purpose_and_a_changed_one_is_never_graded.)"""

from __future__ import annotations

import importlib.util
import shlex
from pathlib import Path

from vethlab.cli import ssh_settings

_SPEC = importlib.util.spec_from_file_location(
    "vethlab_test_outcomes", Path(__file__).resolve().parents[2] / "callback_plugins" / "vethlab_outcomes.py"
)
OUTCOMES = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(OUTCOMES)
# What Ansible says of a machine whose key changed, and of one never met, with ssh's own words.
CHANGED = (
    "Failed to connect to the host via ssh: @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n"
    "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n... Host key verification failed."
)
UNKNOWN = (
    "Failed to connect to the host via ssh: No ED25519 host key is known for 10.0.0.7 and you have requested strict checking.\r\n"
    "Host key verification failed."
)


def test_keys_are_checked_unless_the_user_turned_it_off(tmp_path, monkeypatch):
    inventory = tmp_path / "classroom.yml"
    inventory.write_text("all: {}\n")
    monkeypatch.delenv("ANSIBLE_HOST_KEY_CHECKING", raising=False)
    monkeypatch.delenv("ANSIBLE_SSH_COMMON_ARGS", raising=False)
    settings = ssh_settings(str(inventory))
    assert settings["ANSIBLE_HOST_KEY_CHECKING"] == "True"  # ansible-runner alone would set False
    args = shlex.split(settings["ANSIBLE_SSH_COMMON_ARGS"])
    assert args[:2] == ["-o", "UserKnownHostsFile=%s %s" % (tmp_path / ".classroom.known_hosts", tmp_path.home() / ".ssh" / "known_hosts")]
    assert "StrictHostKeyChecking=accept-new" not in args
    assert "StrictHostKeyChecking=accept-new" in shlex.split(ssh_settings(str(inventory), trust_new_keys=True)["ANSIBLE_SSH_COMMON_ARGS"])
    monkeypatch.setenv("ANSIBLE_HOST_KEY_CHECKING", "False")
    monkeypatch.setenv("ANSIBLE_SSH_COMMON_ARGS", "-o ConnectTimeout=5")
    settings = ssh_settings(str(inventory))
    assert settings["ANSIBLE_HOST_KEY_CHECKING"] == "False" and settings["ANSIBLE_SSH_COMMON_ARGS"].startswith("-o ConnectTimeout=5 -o ")


def test_a_changed_or_unknown_key_is_named_as_such():
    assert OUTCOMES.unreachable_reason(CHANGED) == "reason.host_key_changed"
    assert OUTCOMES.unreachable_reason(UNKNOWN) == "reason.host_key_unknown"
    assert OUTCOMES.unreachable_reason("Failed to connect to the host via ssh: connect to host 10.0.0.7 port 22: No route to host") == (
        "reason.unreachable"
    )


def test_a_class_that_uses_variants_is_recorded_next_to_its_inventory(tmp_path):
    """--variants once (prepare): recorded with the class, so a later grade, break, reset or restore uses the students'
    own values without the flag; another class is not touched."""
    from vethlab.cli import class_uses_variants

    inventory, other = tmp_path / "classroom.yml", tmp_path / "other.yml"
    for path in (inventory, other):
        path.write_text("all: {}\n")
    assert class_uses_variants(str(inventory)) is False
    assert class_uses_variants(str(inventory), asked=True) is True
    assert (tmp_path / ".classroom.variants").is_file()
    assert class_uses_variants(str(inventory)) is True and class_uses_variants(str(other)) is False


def test_a_class_keeps_its_own_ssh_connections(tmp_path, monkeypatch):
    """A connection another run left open without key checking (ControlPersist) is never reused: each class's
    connections have a folder of their own."""
    monkeypatch.delenv("ANSIBLE_SSH_CONTROL_PATH_DIR", raising=False)
    first, second = tmp_path / "a.yml", tmp_path / "b.yml"
    for path in (first, second):
        path.write_text("all: {}\n")
    mine, theirs = ssh_settings(str(first))["ANSIBLE_SSH_CONTROL_PATH_DIR"], ssh_settings(str(second))["ANSIBLE_SSH_CONTROL_PATH_DIR"]
    assert mine != theirs and "/.ansible/cp/vethlab-" in mine and ssh_settings(str(first))["ANSIBLE_SSH_CONTROL_PATH_DIR"] == mine
