"""The vethlab command reuses ansible.cfg's fact cache (ansible-runner would point it at a new private folder on
every run): a second run through the command's own ansible-runner settings gathers no facts. Runs a playbook that
gathers facts (the subset docker_engine.yml gathers) on this machine, through ansible-runner, twice."""

from __future__ import annotations

import tempfile

import ansible_runner

from lab_engine import ROOT
from vethlab.cli import runner_options

PLAY = "- hosts: all\n  gather_facts: true\n  gather_subset: [min]\n  tasks:\n    - ansible.builtin.debug: {msg: ok}\n"


def gathered(playbook) -> int:
    """How many machines this run gathered facts from (runner_on_ok events of the facts task)."""
    with tempfile.TemporaryDirectory(prefix="vethlab-facts-") as private:
        options = runner_options(private, playbook, str(ROOT / "inventory" / "local.yml"), None, [])
        result = ansible_runner.run(**options, envvars={"ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")}, quiet=True)
        assert result.rc == 0
        return sum(
            1 for event in result.events if event.get("event") == "runner_on_ok" and event["event_data"].get("task") == "Gathering Facts"
        )


def test_a_second_run_of_the_command_reuses_the_facts(tmp_path):
    playbook = tmp_path / "facts.yml"
    playbook.write_text(PLAY)
    for kept in (ROOT / ".ansible" / "facts").glob("*localhost"):  # the cache's file for this machine, whatever its prefix
        kept.unlink()
    assert gathered(playbook) == 1  # the cache had nothing: gathered, and kept
    assert gathered(playbook) == 0  # the day-long cache of ansible.cfg, not a new one in ansible-runner's folder
