"""A test that drives Chromium says so (marker browser): `make unit` runs where no browser can, and skips nothing it
counts as passed. Read from the tests' own source: every test function that calls the Chromium helpers
(tests/chromium.py) carries the marker, itself or through its module's pytestmark."""

from __future__ import annotations

import ast

from conftest import ROOT

BROWSER_HELPERS = {"rendered_dom", "screenshot"}


def marks_browser(node: ast.AST) -> bool:
    return any("browser" in ast.unparse(decorator) for decorator in getattr(node, "decorator_list", []))


def module_marks_browser(tree: ast.Module) -> bool:
    return any(
        isinstance(statement, ast.Assign)
        and any(isinstance(target, ast.Name) and target.id == "pytestmark" for target in statement.targets)
        and "browser" in ast.unparse(statement.value)
        for statement in tree.body
    )


def unmarked_browser_tests() -> list[str]:
    found = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if module_marks_browser(tree):
            continue
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test_") or marks_browser(node):
                continue
            calls = {call.func.id for call in ast.walk(node) if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)}
            if calls & BROWSER_HELPERS:
                found.append("%s::%s" % (path.relative_to(ROOT), node.name))
    return found


def test_every_test_that_drives_chromium_is_marked_browser():
    assert unmarked_browser_tests() == []


def test_the_rule_finds_an_unmarked_one(tmp_path, monkeypatch):
    import test_markers

    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_page.py").write_text("def test_page():\n    rendered_dom('file:///x')\n")
    monkeypatch.setattr(test_markers, "ROOT", tmp_path)
    assert test_markers.unmarked_browser_tests() == ["tests/test_page.py::test_page"]
