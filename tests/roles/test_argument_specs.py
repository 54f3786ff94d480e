"""Every role declares its variables in meta/argument_specs.yml, and a bad one stops the role
before its first task, naming the variable (each role run for real in a playbook of its own); in
lab.yml and a step run alone, the settings step stops it first, naming it."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import ROOT
from lab_engine import ansible_playbook, engine_state

ROLES = sorted(path.name for path in (ROOT / "roles").iterdir() if (path / "tasks").is_dir() or (path / "meta").is_dir())


def options_of(role: str) -> dict:
    specs = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    return {name: option for entry in specs.values() for name, option in (entry.get("options") or {}).items()}


@pytest.mark.parametrize("role", ROLES)
def test_every_default_is_declared_with_a_type_and_a_description(role):
    defaults_file = ROOT / "roles" / role / "defaults" / "main.yml"
    defaults = yaml.safe_load(defaults_file.read_text()) if defaults_file.exists() else {}
    options = options_of(role)
    assert set(defaults or {}) <= set(options), "undeclared: %s" % sorted(set(defaults or {}) - set(options))
    for name, option in options.items():
        assert option.get("type") and option.get("description"), name


def test_all_roles_are_covered():
    assert {"docker_engine", "lab", "lab_reset", "lab_image", "lab_containers", "lab_inspect", "lab_verify", "lab_report"} <= set(ROLES)


ROLE_PLAY = """
- hosts: localhost
  gather_facts: false
  roles:
    - role: %s
"""


def failed_tasks(report: dict) -> list:
    return [
        (task["task"]["name"], result)
        for play in report["plays"]
        for task in play["tasks"]
        for result in task["hosts"].values()
        if result.get("failed")
    ]


@pytest.mark.engine
@pytest.mark.parametrize(
    ("role", "variables", "named"),
    [
        ("lab_verify", {"lab_verify_ping_count": "many"}, "lab_verify_ping_count"),
        ("lab_reset", {"lab_reset_images": "perhaps"}, "lab_reset_images"),
        ("lab_reset", {"lab_reset_scope": "everything"}, "lab_reset_scope"),
        ("lab_image", {"lab_image_source": "ftp"}, "lab_image_source"),
        ("docker_engine", {"docker_engine_start": "sometimes"}, "docker_engine_start"),
    ],
)
def test_a_bad_variable_stops_the_role_before_its_first_task(role, variables, named, tmp_path):
    """A role used in a playbook of one's own checks its inputs first (lab.yml's later plays do not: its settings
    step checked them against these same specs, below)."""
    playbook = tmp_path / "role.yml"
    playbook.write_text(ROLE_PLAY % role)
    before = engine_state()
    code, report, output = ansible_playbook(str(playbook), "-e", json.dumps(variables))
    assert code == 2, output
    name, result = failed_tasks(report)[0]
    assert "Validating arguments against arg spec" in name, name
    assert named in json.dumps(result.get("argument_errors") or result.get("msg")), result
    assert engine_state() == before


@pytest.mark.engine
@pytest.mark.parametrize(
    ("playbook", "variables", "named"),
    [
        ("playbooks/lab_step.yml", {"lab_step": "verify", "lab_verify_ping_count": "many"}, "lab_verify_ping_count"),
        ("playbooks/lab_step.yml", {"lab_step": "reset", "lab_reset_scope": "everything"}, "lab_reset_scope"),
        ("lab.yml", {"lab_image_source": "ftp"}, "lab_image_source"),
    ],
)
def test_a_bad_variable_stops_a_step_or_the_lab_at_its_settings_check(playbook, variables, named):
    """One step alone, or the lab: the settings step checks every setting against the spec of each role that reads it,
    before any step runs (the steps' roles are not checked again)."""
    before = engine_state()
    code, report, output = ansible_playbook(playbook, "-e", json.dumps(variables))
    assert code == 2, output
    name, result = failed_tasks(report)[0]
    assert name.endswith("Refuse bad settings before anything changes"), name
    assert named in result["msg"], result
    assert engine_state() == before
