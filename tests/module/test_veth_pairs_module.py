"""The veth_pairs Ansible module: in-process runs, its RETURN, and real playbook runs."""

from __future__ import annotations

import json

import pytest
import vethlab_pairing
import yaml
from ansible.module_utils.testing import patch_module_args

from conftest import FIXTURES, load_library_module
from lab_engine import ansible_playbook, task_result

PLAYBOOK = "tests/module/veth_pairs_playbook.yml"


def run_module(args, capsys):
    module = load_library_module("veth_pairs")
    with patch_module_args(args), pytest.raises(SystemExit) as exited:
        module.main()
    return exited.value.code, json.loads(capsys.readouterr().out)


def test_module_pairs_the_lesson(lesson, capsys):
    code, result = run_module({"host_output": lesson["host"], "container_outputs": {"alpine01": lesson["alpine01"]}}, capsys)
    assert code == 0 and result["changed"] is False
    (pair,) = result["pairs"]
    assert (pair["container_interface"], pair["container_ifindex"], pair["host_interface"], pair["host_ifindex"]) == (
        "eth0",
        12,
        "veth398a65c",
        13,
    )


def test_module_supports_check_mode_with_the_same_result(lesson, capsys):
    args = {"host_output": lesson["host"], "container_outputs": {"alpine01": lesson["alpine01"]}}
    _, normal = run_module(args, capsys)
    code, checked = run_module({**args, "_ansible_check_mode": True}, capsys)
    assert code == 0 and checked["pairs"] == normal["pairs"] and checked["changed"] is False


def test_module_fails_cleanly_naming_the_container_and_line(lesson, capsys):
    bad = lesson["alpine01"].replace("inet 172.17.0.2/16", "inet 172.17.0/16")
    code, result = run_module({"host_output": lesson["host"], "container_outputs": {"alpine01": bad}}, capsys)
    assert code == 1 and result["failed"] is True
    assert result["msg"].startswith("container 'alpine01' output, line 7: '172.17.0/16' is not an IPv4 address")
    assert result["source"] == "alpine01" and result["line_number"] == 7


def test_module_requires_both_options(capsys):
    code, result = run_module({"host_output": "x"}, capsys)
    assert code == 1 and "container_outputs" in result["msg"]


def test_documented_return_matches_what_it_returns():
    returned = yaml.safe_load(load_library_module("veth_pairs").RETURN)
    lesson = vethlab_pairing.pair_veths(
        (FIXTURES / "lesson" / "host.txt").read_text(), {"alpine01": (FIXTURES / "lesson" / "alpine01.txt").read_text()}
    )
    assert set(returned) == set(lesson) - {"warnings"}, "RETURN documents other keys than the module returns"
    assert set(returned["pairs"]["contains"]) == set(lesson["pairs"][0]), "RETURN documents other pair fields"
    assert set(returned["containers"]["sample"]["alpine01"][0]) == set(lesson["containers"]["alpine01"][0])
    assert set(returned["unpaired"]["contains"]) == {"side", "container", "interface", "ifindex", "peer_ifindex", "reason"}


@pytest.mark.parametrize("check", [False, True])
def test_a_real_playbook_run_pairs_the_captured_outputs(check):
    code, report, stderr = ansible_playbook("-i", "inventory/local.yml", PLAYBOOK, *(["--check"] if check else []))
    assert code == 0, stderr
    result = task_result(report, "Pair the captured multi-network outputs")
    assert result["changed"] is False
    assert {(p["container"], p["container_interface"]) for p in result["pairs"]} == {
        ("alpine01", "eth0"),
        ("alpine01", "eth1"),
        ("alpine02", "eth0"),
    }
    assert [u["container"] for u in result["unpaired"]] == ["isolated"]
    lesson = task_result(report, "Pair the lesson's outputs, pasted from the tutorial")
    assert [(p["container_interface"], p["host_interface"]) for p in lesson["pairs"]] == [("eth0", "veth398a65c")]
    assert "host output: skipped 4 line(s)" in json.dumps(lesson["warnings"])


def test_a_real_playbook_run_fails_without_a_traceback():
    code, report, _ = ansible_playbook("-i", "inventory/local.yml", PLAYBOOK, "-e", "vethlab_test_break_container=true")
    assert code == 2
    result = task_result(report, "Pair the captured multi-network outputs")
    assert result["failed"] is True
    assert result["msg"].startswith("container 'alpine02' output, line 1: expected an interface line")
    # ansible-core 2.19 puts "(traceback unavailable)" in every failure that raised nothing.
    assert "Traceback (most recent call last)" not in json.dumps(result)
    assert result.get("exception", "(traceback unavailable)") == "(traceback unavailable)"
