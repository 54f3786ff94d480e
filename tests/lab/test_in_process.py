"""On the controller's own machine the lab_observe, lab_checks and lab_busybox_image tasks run their work in Ansible's own process
(vethlab/in_process.py): no module is shipped or started. With become - as on any machine reached otherwise - the
module runs as a module. Both ways observe the same thing; a bad argument fails either way with AnsibleModule's
own message. Two containers of the test's own on the default bridge, and an image of its own; about 7 s."""

from __future__ import annotations

import json
import subprocess

import pytest

from lab_engine import build_busybox_image, docker, on_screen

pytestmark = [pytest.mark.engine]

NAMES = ("vethlab-inproc-a", "vethlab-inproc-b")
PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - lab_observe: {containers: %(names)s}
      register: here
    - lab_observe: {containers: %(names)s}
      register: there
      become: true
      become_method: ansible.builtin.su
    - ansible.builtin.copy:
        dest: %(dest)s
        content: "{{ {'here': here, 'there': there} | to_json }}"
    - lab_observe: {containers: %(names)s, plan: {}}
      register: refused
      ignore_errors: true
    - lab_observe: {containers: %(names)s, plan: {}}
      register: refused_there
      ignore_errors: true
      become: true
      become_method: ansible.builtin.su
    - ansible.builtin.assert:  # AnsibleModule's own words, either way
        that:
          - refused.failed and refused_there.failed
          - "refused.msg == refused_there.msg == 'parameters are mutually exclusive: plan|containers'"
"""


@pytest.fixture
def two_containers():
    image = build_busybox_image()
    for name in NAMES:
        docker("rm", "-f", name)
        docker("run", "-dit", "--name", name, image)
    yield NAMES
    for name in NAMES:
        docker("rm", "-f", name)


def test_the_same_observation_in_this_process_and_as_a_module_with_become(two_containers, tmp_path):
    playbook, dest = tmp_path / "observe.yml", tmp_path / "both.json"
    playbook.write_text(PLAY % {"names": json.dumps(list(two_containers)), "dest": dest})
    code, output = on_screen(str(playbook), "-vvv")
    assert code == 0, output
    # -vvv shows each module Ansible ships and starts: none for the first task, lab_observe's for the one with become.
    tasks = [section for section in output.split("TASK [")[1:] if section.startswith("lab_observe]")]
    assert len(tasks) == 4, output
    assert "AnsiballZ" not in tasks[0] and "AnsiballZ_lab_observe.py" in tasks[1], tasks[:2]
    both = json.loads(dest.read_text())
    here, there = both["here"], both["there"]
    assert [pair["container"] for pair in here["veths"]["pairs"]] == sorted(two_containers)
    assert own_veths(here["veths"])["bridges"]["docker0"]["members"]  # this test's two veths, in both looks
    assert own_veths(here["veths"]) == own_veths(there["veths"])
    for key in ("health", "states", "addresses", "host_primary_address", "plugged"):
        assert here[key] == there[key], key


def own_veths(veths: dict) -> dict:
    """The observation's veths without the host's veths of containers this test did not make, which other tests of
    make test (the classroom lane beside this one) start and remove between the two looks, nor the bridges of their
    networks, which come and go too: the pairs, docker0 (where this test's containers are) with its members of ours,
    and what is unpaired of ours."""
    ours = {pair["host_interface"] for pair in veths["pairs"]}
    bridges = {
        name: {**bridge, "members": [m for m in bridge["members"] if m in ours or not m.startswith("veth")]}
        for name, bridge in veths["bridges"].items()
        if name == "docker0"
    }
    return {**veths, "bridges": bridges, "unpaired": [entry for entry in veths["unpaired"] if entry.get("container") in NAMES]}


BUSYBOX_PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - lab_busybox_image: {name: %(image)s, labels: {vethlab.test.inproc: "true"}}
      register: built_here
    - lab_busybox_image: {name: %(image)s, labels: {vethlab.test.inproc: "true"}}
      register: kept_there
      become: true
      become_method: ansible.builtin.su
    - lab_busybox_image: {name: %(image)s, labels: {vethlab.test.inproc: "true"}, force: true}
      register: forced_in_check_mode
      check_mode: true
    - ansible.builtin.copy:
        dest: %(dest)s
        content: "{{ {'built_here': built_here, 'kept_there': kept_there, 'forced': forced_in_check_mode} | to_json }}"
"""


def test_the_offline_image_is_built_in_this_process_and_kept_by_the_module(tmp_path):
    """lab_busybox_image: built here (changed, its id), then the module with become finds it as it is (unchanged, the
    same id); in check mode a forced build says it would change and builds nothing."""
    image = "vethlab/inproc-busybox:test"
    subprocess.run(["docker", "rmi", "-f", image], capture_output=True)
    playbook, dest = tmp_path / "busybox.yml", tmp_path / "both.json"
    playbook.write_text(BUSYBOX_PLAY % {"image": image, "dest": dest})
    try:
        code, output = on_screen(str(playbook), "-vvv")
        assert code == 0, output
        tasks = [section for section in output.split("TASK [")[1:] if section.startswith("lab_busybox_image]")]
        assert "AnsiballZ" not in tasks[0] and "AnsiballZ_lab_busybox_image.py" in tasks[1], tasks[:2]
        found = json.loads(dest.read_text())
        here, there, forced = found["built_here"], found["kept_there"], found["forced"]
        assert here["changed"] is True and here["applets"] > 100 and here["image_id"].startswith("sha256:")
        assert there["changed"] is False and there["image_id"] == here["image_id"]
        assert forced["changed"] is True and docker("image", "inspect", "--format", "{{.Id}}", image).strip() == here["image_id"]
    finally:
        subprocess.run(["docker", "rmi", "-f", image], capture_output=True)
