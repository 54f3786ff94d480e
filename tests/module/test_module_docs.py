"""Every module in library/: documentation that ansible-doc renders and that matches its argument_spec
(options shared by several modules are written once, in doc_fragments/, and merged by ansible-doc)."""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess

import pytest
import yaml

from conftest import load_library_module
from lab_engine import BIN, ROOT

MODULES = sorted(path.stem for path in (ROOT / "library").glob("*.py"))
# Modules whose work is done by an action plugin: they document options but have no argument_spec.
ACTION_ONLY = {"lab_report_write"}


def load(name):
    return load_library_module(name)


def ansible_doc(*argv: str) -> str:
    """ansible-doc of every module at once (one process: each start costs about 0.5 s), without colours."""
    env = dict(os.environ, ANSIBLE_NOCOLOR="1")
    return subprocess.run(
        [str(BIN / "ansible-doc"), "-M", "library", *argv, *MODULES], cwd=ROOT, capture_output=True, text=True, check=True, env=env
    ).stdout


@functools.cache
def documented_modules() -> dict:
    return json.loads(ansible_doc("--json"))


def documented(name):
    """The module's options as ansible-doc shows them, its documentation fragments merged."""
    return documented_modules()[name]["doc"]["options"]


@functools.cache
def rendered_modules() -> dict[str, str]:
    """Each module's page as ansible-doc prints it: the text from its "> MODULE name (path)" line to the next."""
    pages = re.split(r"^(?=> MODULE )", ansible_doc(), flags=re.M)
    return {re.match(r"> MODULE (\S+) \(", page).group(1): page for page in pages if page.startswith("> MODULE ")}


def assert_matches(documented_options, spec, where):
    assert set(documented_options) == set(spec), where
    for option, entry in spec.items():
        doc = documented_options[option]
        assert doc["type"] == entry["type"], (where, option)
        assert doc.get("required", False) == entry.get("required", False), (where, option)
        assert doc.get("default") == entry.get("default"), (where, option)
        assert doc.get("elements") == entry.get("elements"), (where, option)
        assert doc.get("description"), (where, option)
        if entry.get("options"):
            assert_matches(doc.get("suboptions") or {}, entry["options"], "%s.%s" % (where, option))


def test_every_module_is_checked():
    assert {"lab_checks", "lab_observe", "lab_busybox_image", "lab_report_write"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_documentation_is_valid_yaml_with_examples_and_return(name):
    module = load(name)
    documentation = yaml.safe_load(module.DOCUMENTATION)
    assert documentation["module"] == name
    assert documentation["short_description"]
    assert documentation["attributes"]["check_mode"]["support"] in ("full", "partial", "none")
    examples = yaml.safe_load(module.EXAMPLES)
    assert any(name in task for task in examples), "EXAMPLES never call %s" % name
    assert yaml.safe_load(module.RETURN)


@pytest.mark.parametrize("name", sorted(set(MODULES) - ACTION_ONLY))
def test_documented_options_match_the_argument_spec(name):
    assert_matches(documented(name), load(name).ARGUMENT_SPEC, name)


def test_the_lock_options_are_documented_once_for_every_module_that_takes_them():
    assert "extends_documentation_fragment" in load("lab_lock").DOCUMENTATION
    lock = load("lab_lock").ARGUMENT_SPEC
    assert documented("lab_observe")["lock"]["suboptions"]["wait"] == documented("lab_lock")["wait"]
    assert set(documented("lab_checks")["unlock"]["suboptions"]) == {"path", "run"} < set(lock)


@pytest.mark.parametrize("name", MODULES)
def test_ansible_doc_renders(name):
    out = rendered_modules()[name]
    for text in ("OPTIONS", "EXAMPLES", "RETURN VALUES", *documented(name)):
        assert text in out, text
