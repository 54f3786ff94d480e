"""Under AWX, each machine's verdict goes into the job's artifacts (set_stats) under the job's own key: a workflow
merges its sliced jobs' artifacts (a dict update, in the order the jobs finish), and no slice's machines replace
another's. Runs the report role's artifacts task (roles/lab_report/tasks/awx.yml) as two slices of a class would,
through ansible-runner (its playbook_on_stats event carries the artifacts, as AWX reads them), then replays AWX's
merge in both finish orders."""

from __future__ import annotations

import itertools
import json
import os
import tempfile

import ansible_runner

from lab_engine import BIN, ROOT

PLAY = """
- hosts: all
  gather_facts: false
  vars:
    lab_report_written:
      run_at: "2026-12-06T10:00:00Z"
      verdict:
        report: "/reports/class-7b/{{ inventory_hostname }}/lab.json"
        digest: "{{ inventory_hostname | hash('sha256') }}"
        run_id: "{{ run_id }}"
        passed: "{{ inventory_hostname != 's02' }}"
        checkpoints: {C1: true, C5: "{{ inventory_hostname != 's02' }}"}
        failed: []
  tasks:
    - ansible.builtin.include_tasks: "%s/roles/lab_report/tasks/awx.yml"
      when: awx_job_id is defined
"""


def artifacts(playbook, hosts, extra) -> dict:
    """The artifacts one job leaves (what AWX stores as the job's artifacts)."""
    with tempfile.TemporaryDirectory(prefix="vethlab-awx-") as private:
        inventory = {"all": {"hosts": {host: {"ansible_connection": "local"} for host in hosts}}}
        result = ansible_runner.run(
            private_data_dir=private,
            playbook=str(playbook),
            inventory=json.dumps(inventory),
            extravars=extra,
            envvars={"ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "PATH": "%s:%s" % (BIN, os.environ.get("PATH", ""))},
            quiet=True,
        )
        assert result.rc == 0, result.stdout.read()
        stats = [event for event in result.events if event.get("event") == "playbook_on_stats"]
        return stats[-1]["event_data"].get("artifact_data") or {}


def test_each_slices_verdicts_are_under_its_own_key_and_awxs_merge_keeps_them_all_in_any_order(tmp_path):
    playbook = tmp_path / "report.yml"
    playbook.write_text(PLAY % ROOT)
    slices = {4101: ["s01", "s03"], 4102: ["s02", "s04"]}
    jobs = {job: artifacts(playbook, hosts, {"awx_job_id": job, "run_id": "run-%d" % job}) for job, hosts in slices.items()}
    for job, hosts in slices.items():
        assert list(jobs[job]) == ["vethlab_%d" % job]
        shards = jobs[job]["vethlab_%d" % job]
        assert sorted(shards) == hosts  # every machine of the slice, aggregated under the one key
        for host, shard in shards.items():
            assert shard["report"].endswith("/%s/lab.json" % host) and shard["run_id"] == "run-%d" % job
            assert shard["at"] == "2026-12-06T10:00:00Z" and len(shard["digest"]) == 64
    assert jobs[4102]["vethlab_4102"]["s02"]["checkpoints"] == {"C1": True, "C5": False}
    merged = []
    for order in itertools.permutations(jobs):
        workflow = {}
        for job in order:  # AWX: each finished job's artifacts update the workflow's
            workflow.update(jobs[job])
        merged.append(workflow)
        assert sorted(host for shards in workflow.values() for host in shards) == ["s01", "s02", "s03", "s04"]
    assert merged[0] == merged[1]


def test_outside_awx_a_run_leaves_no_artifacts(tmp_path):
    playbook = tmp_path / "report.yml"
    playbook.write_text(PLAY % ROOT)
    assert artifacts(playbook, ["s01"], {"run_id": "run-1"}) == {}
