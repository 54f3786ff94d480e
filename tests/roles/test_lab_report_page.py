"""The student's lab.md: every value shown as text, even a host named <script>...</script>.

The role lab_report runs over a recorded lab.json for an inventory host with that name; the
page is rendered as a Markdown viewer would (markdown-it, CommonMark with raw HTML on, and
tables) and looked at in headless Chromium.
"""

from __future__ import annotations

import json
import sys

import pytest
import yaml
from markdown_it import MarkdownIt

from chromium import rendered_dom, visible_text
from conftest import FIXTURES
from lab_engine import ansible_playbook
from vethlab.files import machine_folder

pytestmark = [pytest.mark.browser]

EVIL = "<script>document.title='pwned'</script>"
EVIL_DETAIL = "<img src=x onerror=\"document.title='pwned'\"> | `code` & more"


def test_a_hostile_host_name_and_detail_show_as_text(tmp_path):
    data = json.loads((FIXTURES / "reports" / "lab.json").read_text())
    data["passed"] = False
    data["checkpoints"][4]["passed"] = False
    data["checkpoints"][4]["detail"] = EVIL_DETAIL
    data["reachability"][0]["as_expected"] = False
    data["reachability"][0]["reachable"] = False
    data["reachability"][0]["detail"] = EVIL_DETAIL
    fixture = tmp_path / "lab.json"
    fixture.write_text(json.dumps(data))
    inventory = tmp_path / "hosts.yml"
    host = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {EVIL: host}}}))
    reports = tmp_path / "reports"
    variables = {"vethlab_test_fixture": str(fixture), "lab_report_dir": str(reports)}
    code, _, output = ansible_playbook("-i", str(inventory), "tests/roles/lab_report_playbook.yml", "-e", json.dumps(variables))
    assert code == 0, output
    (folder,) = reports.iterdir()
    # The folder name is made safe too, with a hash of the real name since folding changed it.
    assert folder.name == machine_folder(EVIL) and folder.name.startswith("_script_document.title__pwned___script_-")
    markdown = (folder / "lab.md").read_text()
    assert "<script" not in markdown and "<img" not in markdown
    page = tmp_path / "lab.html"
    page.write_text("<!doctype html><title>lab</title>" + MarkdownIt("commonmark").enable("table").render(markdown))
    dom = rendered_dom(page.as_uri())
    text = visible_text(dom)
    assert "vethlab: " + EVIL in text
    assert EVIL_DETAIL.replace("`", "") in text.replace("`", "")  # the detail, whole, in its cell
    assert "<title>lab</title>" in dom and "pwned" not in dom.split("<body")[0]
    assert "<script" not in dom and "<img" not in dom
    assert dom.count("<table>") == 3  # no value broke out of its table
