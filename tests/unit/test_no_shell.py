"""Commands are argument lists: no task anywhere pastes a value into a shell command line.

Walks every task of the roles, playbooks and Molecule scenarios. A `shell` or `raw` task may
only run a fixed text (bootstrapping python needs `raw`); `command` with a value must use
`argv`; where `argv` starts a shell (`sh -c SCRIPT`), the script is fixed and values reach it
as positional arguments ("$1").
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import ROOT

SHELLS = {"shell", "ansible.builtin.shell", "ansible.legacy.shell", "raw", "ansible.builtin.raw"}
COMMANDS = {"command", "ansible.builtin.command", "ansible.legacy.command"}
TASK_LISTS = ("tasks", "pre_tasks", "post_tasks", "handlers", "block", "rescue", "always")
NOT_TASKS = ("templates", "vars", "defaults", "meta")


def task_files():
    for folder in ("roles", "playbooks", "molecule"):
        for path in sorted((ROOT / folder).rglob("*.yml")):
            if not set(path.relative_to(ROOT).parts) & set(NOT_TASKS):
                yield path


def tasks_in(node):
    if isinstance(node, list):
        for item in node:
            yield from tasks_in(item)
    elif isinstance(node, dict):
        if any(key in node for key in SHELLS | COMMANDS):
            yield node
        for key in TASK_LISTS:
            if key in node:
                yield from tasks_in(node[key])


def problems(path: Path) -> list[str]:
    """What is wrong in one task file, a line per task: '<name>: <problem>'."""
    found = []
    for task in tasks_in(yaml.safe_load(path.read_text()) or []):
        name = task.get("name", "(unnamed)")
        module = next(key for key in (*SHELLS, *COMMANDS) if key in task)
        args = task[module]
        text = args.get("cmd", "") if isinstance(args, dict) else str(args)
        argv = args.get("argv") if isinstance(args, dict) else None
        if module in SHELLS and "{{" in str(args):
            found.append("%r: pastes a value into a shell" % name)
        elif module in COMMANDS and argv is None and "{{" in text:
            found.append("%r: pastes a value into a command line; use argv" % name)
        elif argv and len(argv) > 2 and argv[0] in ("sh", "bash") and argv[1] == "-c" and "{{" in str(argv[2]):
            found.append("%r: pastes a value into a shell script; pass it as $1" % name)
    return found


def test_the_walk_finds_the_commands():
    assert sum(1 for path in task_files() for _ in tasks_in(yaml.safe_load(path.read_text()) or [])) >= 10


@pytest.mark.parametrize("path", list(task_files()), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_task_pastes_a_value_into_a_shell(path):
    assert problems(path) == []


def test_the_check_catches_each_kind(tmp_path):
    bad = tmp_path / "bad.yml"
    tasks = [
        {"name": "a", "ansible.builtin.shell": "docker exec {{ name }} ip addr"},
        {"name": "b", "ansible.builtin.command": "docker exec {{ name }} ip addr"},
        {"name": "c", "block": [{"name": "d", "ansible.builtin.command": {"argv": ["sh", "-c", "echo {{ name }}"]}}]},
        {"name": "e", "ansible.builtin.command": {"argv": ["sh", "-c", 'echo "$1"', "sh", "{{ name }}"]}},
        {"name": "f", "ansible.builtin.raw": "command -v python3 || dnf -y install python3"},
    ]
    bad.write_text(yaml.safe_dump([{"name": "play", "hosts": "all", "tasks": tasks}]))
    assert problems(bad) == [
        "'a': pastes a value into a shell",
        "'b': pastes a value into a command line; use argv",
        "'d': pastes a value into a shell script; pass it as $1",
    ]
