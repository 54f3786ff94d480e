"""A role's inputs are in one file: every variable a role reads that it does not define itself
(a shared setting, another role's result) is an option of its meta/argument_specs.yml.

Read statically: every Jinja expression in a role's tasks, vars and templates, and every bare
condition (when, that, failed_when, changed_when, until, loop); a role defines its defaults, its
vars, what its tasks register, set as facts or define as task vars.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

# Roles whose inputs are checked: the steps of the lab and the engine. The lab role is the shared
# settings themselves (and the settings check, which reads every role's settings by design).
ROLES = sorted(path.name for path in (ROOT / "roles").iterdir() if (path / "tasks").is_dir() and path.name != "lab")
JINJA = re.compile(r"{{(.*?)}}|{%(.*?)%}", re.S)
NAME = re.compile(r"(?<![.\w'\"])((?:lab|docker_engine)_[a-z0-9_]+)\b")
BARE = ("when", "that", "failed_when", "changed_when", "until", "loop")
# Set by playbooks, not by the user or a role: where the plays run.
PLAYBOOK_VARS = {"lab_hosts"}


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)


def bare_conditions(node):
    if isinstance(node, list):
        for item in node:
            yield from bare_conditions(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in BARE:
                yield from strings(value)
            else:
                yield from bare_conditions(value)


def reads_and_defines(role: Path) -> tuple[set[str], set[str]]:
    reads, defines = set(), set()
    for path in sorted(role.rglob("*")):
        if not path.is_file() or "meta" in path.parts or "molecule" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        expressions = ["".join(match) for match in JINJA.findall(text)]
        if path.suffix == ".yml":
            data = yaml.safe_load(text)
            expressions += list(bare_conditions(data))
            if path.parent.name in ("defaults", "vars") and isinstance(data, dict):
                defines.update(data)
            for task in _tasks(data):
                defines.update(value for key, value in task.items() if key == "register")
                defines.update((task.get("vars") or {}).keys())
                defines.update(value for key, value in (task.get("loop_control") or {}).items() if key in ("loop_var", "index_var"))
                for key in ("set_fact", "ansible.builtin.set_fact"):
                    defines.update((task.get(key) or {}).keys())
        for expression in expressions:
            reads.update(NAME.findall(expression))
    return reads, defines


def _tasks(node):
    if isinstance(node, list):
        for item in node:
            yield from _tasks(item)
    elif isinstance(node, dict):
        yield node
        for key in ("block", "rescue", "always"):
            yield from _tasks(node.get(key))


def declared(role: Path) -> set[str]:
    specs = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    return {name for entry in specs.values() for name in (entry.get("options") or {})}


def undeclared(role: Path) -> set[str]:
    reads, defines = reads_and_defines(role)
    return reads - defines - declared(role) - PLAYBOOK_VARS


@pytest.mark.parametrize("role", ROLES)
def test_every_variable_a_role_reads_from_elsewhere_is_in_its_argument_spec(role):
    assert undeclared(ROOT / "roles" / role) == set()


def test_the_reading_finds_what_a_role_uses(tmp_path):
    role = tmp_path / "lab_example"
    for folder in ("tasks", "defaults", "meta"):
        (role / folder).mkdir(parents=True)
    (role / "defaults" / "main.yml").write_text("lab_example_count: 1\n")
    (role / "meta" / "argument_specs.yml").write_text(
        yaml.safe_dump({"argument_specs": {"main": {"options": {"lab_label": {"type": "str"}}}}})
    )
    tasks = [
        {"name": "a", "ansible.builtin.debug": {"msg": "{{ lab_label }} {{ lab_image_result.ref }} {{ lab_example_count }}"}},
        {"name": "b", "ansible.builtin.debug": {"msg": "x"}, "when": "lab_verify_result.passed", "register": "lab_example_seen"},
        {"name": "c", "ansible.builtin.debug": {"msg": "{{ lab_example_seen.msg }} {{ item.lab_not_a_variable }}"}},
    ]
    (role / "tasks" / "main.yml").write_text(yaml.safe_dump(tasks))
    assert undeclared(role) == {"lab_image_result", "lab_verify_result"}
