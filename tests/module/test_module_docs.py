"""Every module in library/: documentation that ansible-doc renders and that matches its argument_spec."""

from __future__ import annotations

import subprocess

import pytest
import yaml

from conftest import load_library_module
from lab_engine import BIN, ROOT

MODULES = sorted(path.stem for path in (ROOT / "library").glob("*.py"))
# Modules whose work is done by an action plugin: they document options but have no argument_spec.
ACTION_ONLY = {"lab_report_files"}


def load(name):
    return load_library_module(name)


def test_every_module_is_checked():
    assert {"veth_pairs", "lab_checks", "lab_observe", "lab_busybox_image", "lab_report_files"} <= set(MODULES)


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
    module = load(name)
    documented = yaml.safe_load(module.DOCUMENTATION)["options"]
    spec = module.ARGUMENT_SPEC
    assert set(documented) == set(spec)
    for option, entry in spec.items():
        doc = documented[option]
        assert doc["type"] == entry["type"], option
        assert doc.get("required", False) == entry.get("required", False), option
        assert doc.get("default") == entry.get("default"), option
        assert doc.get("elements") == entry.get("elements"), option


@pytest.mark.parametrize("name", MODULES)
def test_ansible_doc_renders(name):
    out = subprocess.run([str(BIN / "ansible-doc"), "-M", "library", name], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    documented = yaml.safe_load(load(name).DOCUMENTATION)["options"]
    for text in ("OPTIONS", "EXAMPLES", "RETURN VALUES", *documented):
        assert text in out, text
