"""lab_probe, both ways it runs (vethlab/in_process.py): in Ansible's own process on the controller's own machine,
as a module with become or a task's environment. The same command gives the same result either way, a non-zero exit code is read, not a
failure, and bad arguments fail with AnsibleModule's own words. No Docker: the command is the shell's."""

from __future__ import annotations

import json

from lab_engine import ansible_playbook

PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - lab_probe: {argv: [sh, -c, 'echo "out $0"; echo err >&2; exit 3', one]}
      register: here
    - lab_probe: {argv: [sh, -c, 'echo "out $0"; echo err >&2; exit 3', one]}
      register: there
      become: true
      become_method: ansible.builtin.su
    - lab_probe: {argv: [sh, -c, 'echo "$VETHLAB_PROBE_TEST"']}
      register: with_environment
      environment: {VETHLAB_PROBE_TEST: given}
    - lab_probe: {argv: [true], color: blue}
      register: unknown
      ignore_errors: true
    - lab_probe: {argv: []}
      register: empty
      ignore_errors: true
    - ansible.builtin.copy:
        dest: %s
        content: "{{ {'here': here, 'there': there, 'with_environment': with_environment, 'unknown': unknown, 'empty': empty} | to_json }}"
"""


def test_the_same_result_in_this_process_and_as_a_module(tmp_path):
    playbook, dest = tmp_path / "probe.yml", tmp_path / "results.json"
    playbook.write_text(PLAY % dest)
    code, _, output = ansible_playbook(str(playbook))
    assert code == 0, output
    results = json.loads(dest.read_text())
    keys = ("rc", "failed", "stdout", "stderr")
    assert {key: results["here"][key] for key in keys} == {"rc": 3, "failed": False, "stdout": "out one", "stderr": "err"}
    # The output once: an event carries a result whole (docs/awx.md).
    assert not {"stdout_lines", "stderr_lines"} & (set(results["here"]) | set(results["there"]))
    assert {key: results["there"][key] for key in keys} == {key: results["here"][key] for key in keys}
    assert "invocation" not in results["here"] and "invocation" not in results["there"]
    # A task's environment is given to a module's process: such a task runs as a module, and the command sees it.
    assert results["with_environment"]["stdout"] == "given"
    assert results["unknown"]["failed"] and results["unknown"]["msg"] == (
        "Unsupported parameters for (lab_probe) module: color. Supported parameters include: argv."
    )
    assert results["empty"]["failed"] and results["empty"]["msg"] == "lab_probe: argv is empty: name the command to run"
