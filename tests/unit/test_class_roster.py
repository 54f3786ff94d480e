"""The class is its roster, not what one process sees (issue 30): a slice of the class - an inventory holding some
of its machines, as AWX job slicing gives each slice - reports the same class and derives the same variants as the
whole; under AWX the class's secret comes from the environment (the credential) and is never made; the class's
name comes from AWX's inventory name. Only the settings step runs (playbooks/lab_settings.yml, on this machine, no
Docker): it reads each machine's routes and changes nothing."""

from __future__ import annotations

import json
import sys

import yaml

from lab_engine import ansible_playbook, task_result
from vethlab.signature import SECRET_VARIABLE

CLASS = ["s01", "s02", "s03", "s04", "s05"]
SECRET = "0123456789abcdef" * 4


def inventory(folder, name, hosts, roster=None, variants=True):
    """An inventory of ``hosts`` (each this machine, by the local connection), with the class's roster if given."""
    local = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    group = {"hosts": {host: dict(local) for host in hosts}, "vars": {"lab_variants": variants}}
    if roster:
        group["vars"]["lab_class_roster"] = roster
    path = folder / name / "hosts.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"all": group}))
    return path


def settings(path, *extra, env=None):
    code, report, output = ansible_playbook("-i", str(path), "playbooks/lab_settings.yml", *extra, env=env)
    assert report is not None, output
    return code, report, output


def found(report, host):
    return task_result(report, "Keep the machine's own values for this run (never cached)", host)["ansible_facts"]["lab_variant"]


def test_every_slice_sees_the_whole_class_and_the_same_variants(tmp_path):
    env = {SECRET_VARIABLE: SECRET}
    code, whole, output = settings(inventory(tmp_path, "whole", CLASS), env=env)
    assert code == 0, output
    subnets = {host: found(whole, host)["lab_network_subnet"] for host in CLASS}
    assert len(set(subnets.values())) == len(CLASS)
    # AWX's slicing: slice k of 2 holds every 2nd machine from k; the roster is an inventory variable every slice has.
    for k in (0, 1):
        part = CLASS[k::2]
        code, sliced, output = settings(inventory(tmp_path, "slice%d" % k, part, roster=CLASS), env=env)
        assert code == 0, output
        run = task_result(sliced, "Say which machines make the class and where its report goes", part[0])["ansible_facts"]["lab_run"]
        assert run["class_hosts"] == CLASS
        assert {host: found(sliced, host)["lab_network_subnet"] for host in part} == {host: subnets[host] for host in part}


def test_a_machine_not_on_the_roster_stops_the_run_naming_it(tmp_path):
    code, report, output = settings(inventory(tmp_path, "stray", ["s09"], roster=CLASS), env={SECRET_VARIABLE: SECRET})
    refused = task_result(report, "Refuse bad settings before anything changes", "s09")
    assert code == 2 and '"s09" is not on lab_class_roster (5 machines)' in refused["msg"], output


def test_under_awx_the_secret_comes_from_the_credential_and_none_is_made(tmp_path):
    path = inventory(tmp_path, "awx", ["s01"], variants=False)
    awx = ("-e", json.dumps({"awx_job_id": 7, "awx_inventory_name": "Class 7B"}))
    code, report, output = settings(path, *awx)
    refused = task_result(report, "Refuse bad settings before anything changes", "s01")
    assert code == 2 and "under AWX the class's secret must come from the credential that sets VETHLAB_CLASS_SECRET" in refused["msg"]
    # With variants, the step that needs the secret first says so; still none is made.
    code, report, output = settings(path, *awx, "-e", "lab_variants=true")
    refused = task_result(report, "Give each machine its own values of the lesson (lab_variants)", "s01")
    assert code == 2 and "may not make one (AWX): give it as VETHLAB_CLASS_SECRET" in refused["msg"]
    assert not [item for item in (tmp_path / "awx").iterdir() if item.name.endswith("secret")]  # none was made
    code, report, output = settings(path, *awx, env={SECRET_VARIABLE: SECRET})
    assert code == 0, output
    run = task_result(report, "Say which machines make the class and where its report goes", "s01")["ansible_facts"]["lab_run"]
    assert run["class_id"].startswith("Class_7B-") and run["report_dir"].endswith("/reports/" + run["class_id"])
    assert not [item for item in (tmp_path / "awx").iterdir() if item.name.endswith("secret")]


def test_the_vethlab_command_finds_the_class_folder_the_lab_names(tmp_path):
    from vethlab.cli import ROOT, class_folder

    path = inventory(tmp_path, "named", ["s01"])
    assert class_folder(str(path)) == ROOT / "reports" / "hosts"  # the inventory file's name: AWX's is always hosts
    data = yaml.safe_load(path.read_text())
    data["all"]["vars"]["lab_class_id"] = "class-7b"
    path.write_text(yaml.safe_dump(data))
    assert class_folder(str(path)) == ROOT / "reports" / "class-7b"
