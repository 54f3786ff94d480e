#!/usr/bin/python
# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Judge a student's own lab: the containers and networks they typed by hand, by the lesson's names."""

from __future__ import annotations

DOCUMENTATION = r"""
module: lab_grade
short_description: Judge the lab a student typed by hand - the same judge as lab-check, changing nothing
description:
  - Looks up the lesson's containers and network by their names (the student's own, with no label of the lab),
    reads C(ip addr) on the host and in each running container's network namespace from outside (the host's own
    C(ip), C(nsenter -t PID -n)), Docker's records (links, networks, the C(hosts) and C(resolv.conf) Docker keeps for
    each container), pings every cell of the lessons with the host's ping from the source's namespace, resolves
    names as Docker gives them (C(--link), the embedded DNS asked by the judge itself) and judges every checkpoint
    (C(module_utils/vethlab_student.py), which C(lab-check) runs on the student's machine too).
  - Nothing that runs in a student's container, and no binary of its image, decides a checkpoint. First, the host
    tools it runs (C(nsenter), C(ip), the ping) are checked against their packages (C(dpkg --verify), C(rpm -V)); a
    changed one fails the machine with its path named.
  - Each checkpoint is C(passed), C(failed) or C(not started) (none of its lesson's containers exists yet); the
    machine's C(stage) is the furthest lesson whose checkpoints, and those of every lesson before it, all pass.
  - Takes no lock and changes nothing. Needs root (C(become)), as entering a namespace does.
version_added: "0.4.0"
author: vethlab contributors
options:
  plan:
    description:
      - The run's plan as the settings step made it (vethlab_lessons.run_plan) - the lessons judged, the student's
        container and network names, and whether the lessons' pings are captured at every hop too (C21, C22), as
        C(lab-check --path) does (the grade's C(lab_grade_capture)).
    type: dict
    required: true
  ping_timeout:
    description: Seconds each echo request waits for its reply.
    type: int
    default: 2
  ping_attempts:
    description: Probes of a cell that gets no reply where the lesson expects one, before it counts as unreachable.
    type: int
    default: 2
attributes:
  check_mode:
    support: full
    description: Pings change nothing; check mode judges the same.
  diff_mode:
    support: none
    description: Nothing is changed.
notes:
  - The logic is in C(module_utils/vethlab_student.py), with everything M(lab_observe) and M(lab_checks) use.
"""

EXAMPLES = r"""
- name: Judge the student's own lab
  lab_grade:
    plan: "{{ lab_plan }}"
  register: lab_grade_result
"""

RETURN = r"""
checkpoints:
  description: Every checkpoint of the lessons, as lab_checks returns them, each with its C(status) (passed, failed, not started).
  returned: success
  type: list
  elements: dict
lessons:
  description: Each lesson judged, with its C(status).
  returned: success
  type: list
  elements: dict
stage:
  description: The furthest lesson reached, or null before the first passes.
  returned: success
  type: str
states:
  description: Each of the lesson's containers and Docker's word for its state (missing when there is none).
  returned: success
  type: dict
passed:
  description: Whether every checkpoint passed.
  returned: success
  type: bool
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.vethlab_reach import find_host_ping
from ansible.module_utils.vethlab_student import CannotCheck, judge

ARGUMENT_SPEC = {
    "plan": {"type": "dict", "required": True},
    "ping_timeout": {"type": "int", "default": 2},
    "ping_attempts": {"type": "int", "default": 2},
}


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    ping = find_host_ping(module.get_bin_path)
    if ping is None:
        module.fail_json(msg="lab_grade: no ping on the machine: install iputils-ping (Debian/Ubuntu) or iputils (Fedora/RHEL)")
    docker = module.get_bin_path("docker")
    if not docker:
        module.fail_json(msg="lab_grade: docker is not installed on this machine (run vethlab prepare first)")
    try:
        result = judge(
            params["plan"],
            lambda argv: module.run_command(argv),
            docker,
            ping,
            params["ping_timeout"],
            params["ping_attempts"],
            which=module.get_bin_path,
        )
    except CannotCheck as error:
        module.fail_json(msg="lab_grade cannot check this machine: %s" % error)
    except Exception as error:  # noqa: BLE001 - a module must never end in a traceback
        module.fail_json(msg="lab_grade could not judge the lab: %s: %s" % (type(error).__name__, error))
    result.pop("plan", None)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
