"""The documents: a newcomer's README, the rest in docs/, and every command, path, test and setting
they name real. Commands are checked without running the lab: make targets exist, playbooks pass
`ansible-playbook --syntax-check` with the arguments shown, `vethlab` arguments parse, and
`ansible-doc` runs."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from lab_engine import BIN
from vethlab.cli import build_parser
from vethlab.module_utils import vethlab_lessons

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PATH_ROOTS = ("roles", "playbooks", "module_utils", "library", "tests", "docs", "inventory", "scripts", "vethlab", "molecule")
PATH_ROOTS += ("callback_plugins", "action_plugins", "filter_plugins")
# Commands that are not vethlab's own, a doc may show them as they are.
OTHERS = {"cp", "ssh-keyscan", "docker", "ip", "nsenter", "ansible-navigator", "ansible-builder", "ansible-galaxy"}


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def shell_lines(path: Path):
    """Each command line of the doc's ```sh blocks, without its comment."""
    for block in re.findall(r"```sh\n(.*?)```", text(path), re.S):
        for line in block.splitlines():
            line = line.split("  #", 1)[0].strip()
            if line and not line.startswith("#"):
                yield line


def commands():
    return [(path, line) for path in DOCS for line in shell_lines(path)]


def test_the_readme_is_a_newcomers_page():
    lines = text(ROOT / "README.md").splitlines()
    assert len(lines) <= 150
    first_screen = "\n".join(lines[:25])
    assert re.search(r"```sh\nmake lab .*\nmake test .*\n```", first_screen), "the two commands are on the first screen"


@pytest.mark.parametrize("path", DOCS, ids=lambda path: path.name)
def test_no_document_cites_a_path_outside_the_repository(path):
    for target in re.findall(r"\]\(([^)#]+)\)", text(path)) + re.findall(r"`(\.\./[^`]*)`", text(path)):
        if "://" in target:
            continue
        resolved = (path.parent / target).resolve()
        assert resolved.is_relative_to(ROOT) and resolved.exists(), "%s: %s" % (path.name, target)


@pytest.mark.parametrize("path", DOCS, ids=lambda path: path.name)
def test_every_path_and_test_a_document_names_exists(path):
    for name in re.findall(r"`([^`\s]+)`", text(path)):
        file, _, test = name.partition("::")
        if not (file.startswith((*(root + "/" for root in PATH_ROOTS), ".ci/")) or file in ("lab.yml", "Makefile")) or any(
            c in file for c in "<*:"
        ):
            continue  # not a path of the repository: a placeholder, a pattern, an image's name and tag
        assert (ROOT / file).exists(), "%s names %s" % (path.name, file)
        for part in filter(None, test.split("::")):
            assert re.search(r"def %s\(" % re.escape(part), text(ROOT / file)), "%s names %s" % (path.name, name)


def test_every_setting_of_every_role_is_in_the_settings_page():
    page = text(ROOT / "docs" / "settings.md")
    # Not settings: another role's result (*_result), what a role derives in its vars/ (lab_lock), and what
    # the settings step keeps for the run (lab_plan).
    derived = {name for path in (ROOT / "roles").glob("*/vars/main.yml") for name in yaml.safe_load(path.read_text()) or {}}
    for task in yaml.safe_load((ROOT / "roles" / "lab" / "tasks" / "settings.yml").read_text()):
        derived.update(task.get("ansible.builtin.set_fact") or {})
    for spec in (ROOT / "roles").glob("*/meta/argument_specs.yml"):
        for entry in yaml.safe_load(spec.read_text())["argument_specs"].values():
            for name in entry.get("options") or {}:
                if not (name.endswith("_result") or name in derived):
                    assert "`%s`" % name in page, "%s (%s) is not in docs/settings.md" % (name, spec)


def test_the_lessons_settings_show_their_declared_defaults():
    page = text(ROOT / "docs" / "settings.md")
    for name, setting in vethlab_lessons.settings().items():
        shown = "[%s]" % ", ".join(setting.default) if isinstance(setting.default, list) else str(setting.default)
        assert "| `%s` | `%s` |" % (name, shown) in page, name


@pytest.mark.parametrize(("path", "line"), commands(), ids=[line for _, line in commands()])
def test_every_command_a_document_shows_works_as_printed(path, line):
    words = shlex.split(line)
    program = words[0].removeprefix(".venv/bin/")
    if program == "make":
        targets = re.findall(r"^([a-z-]+):", text(ROOT / "Makefile"), re.M)
        assert words[1] in targets, "make %s: no such target" % words[1]
    elif program == "ansible-playbook":
        arguments = [word.replace("inventory/classroom.yml", "inventory/classroom.example.yml") for word in words[1:]]
        done = subprocess.run([str(BIN / "ansible-playbook"), "--syntax-check", *arguments], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    elif program == "vethlab":
        build_parser().parse_args(words[1:])
    elif program == "ansible-doc":
        done = subprocess.run([str(BIN / "ansible-doc"), *words[1:]], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0 and done.stdout.strip(), done.stderr
    elif program == "cp":
        assert (ROOT / words[1]).is_file(), line
    elif program == "pytest":  # its options and marker expression, by collecting what it would run (none run here)
        done = subprocess.run(
            [str(BIN / "pytest"), *words[1:], "--collect-only", "-q", "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0 and " tests collected" in done.stdout, done.stdout[-2000:] + done.stderr
    else:
        assert program in OTHERS, "%s: %r is neither vethlab's nor a known command" % (path.name, line)


def test_the_command_check_can_fail():
    with pytest.raises(SystemExit):
        build_parser().parse_args(["upp", "-i", "x"])
