#!/usr/bin/python
# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Break one thing in a working lab, or put back exactly what was broken (the troubleshooting lesson)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: lab_fault
short_description: Break one thing in a working lab for a student to find, or put it back exactly
description:
  - With O(state=present), applies one fault of the catalogue to one of the lab's containers (or to the host's
    firewall, with a rule of the lab's own) and returns the record of it - the fault, the container and the steps
    that undo it - which the controller keeps (the machine keeps nothing), with the container's id and the inode
    of its network namespace.
  - Refuses a container whose network namespace is not its own - the host's (C(--network host)) or one shared with
    another container (C(--network container:X), either way) - changing nothing.
  - With O(state=absent), runs the undo steps of such a record, and nothing else - each checked first against the
    few steps a fault takes, and only while the container has the recorded id and namespace and its eth0 still pairs
    with the recorded veth; otherwise nothing is changed and the message says what changed. A step whose effect is
    there already (the student's own fix) is not run; when all were, RV(result) is C(already).
  - The catalogue - C(nomaster), C(eth0_down), C(address_deleted), C(wrong_route), C(icmp_dropped), C(wrong_bridge) - is in
    C(module_utils/vethlab_faults.py), with what each does.
version_added: "0.4.0"
author: vethlab contributors
options:
  state:
    description: Break (present) or put back (absent).
    type: str
    choices: [present, absent]
    default: present
  fault:
    description: The fault to apply, or C(random) for one chosen at random (and the container too).
    type: str
    choices: [random, nomaster, eth0_down, address_deleted, wrong_route, icmp_dropped, wrong_bridge]
    default: random
  containers:
    description: The lab's containers the fault may touch (the first one, unless O(fault=random)).
    type: list
    elements: str
    default: []
  lessons:
    description:
      - The machine's lessons; O(fault=random) picks only among the faults they allow (C(wrong_bridge) needs C(network)).
      - Empty, every fault.
    type: list
    elements: str
    default: []
  record:
    description: For O(state=absent), the record O(state=present) returned.
    type: dict
attributes:
  check_mode:
    support: full
    description: In check mode nothing is broken or put back; the module says what it would do (the fault, the container, its undo steps).
  diff_mode:
    support: none
    description: No diff.
notes:
  - Needs C(nsenter) and C(ip) on the machine (util-linux, iproute2), and C(iptables) for C(icmp_dropped).
"""

EXAMPLES = r"""
- name: Break one thing, at random
  lab_fault:
    containers: [alpine01, alpine02]
  register: lab_break_done

- name: Put it back
  lab_fault:
    state: absent
    record: "{{ lab_break_done.record }}"
"""

RETURN = r"""
record:
  description: The fault applied (or that would be, or was put back), the container and the undo steps.
  returned: success
  type: dict
  sample: {fault: eth0_down, container: alpine02, id: 3f2c1d9a8b7c, netns: 4026532573, veth: veth398a65c,
           undo: [{netns: alpine02, argv: [ip, link, set, eth0, up]}]}
result:
  description: For O(state=absent), C(put back), or C(already) when the student had put everything back.
  returned: when state is absent
  type: str
  sample: put back
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.vethlab_faults import FAULTS, FaultError, apply, undo

ARGUMENT_SPEC = {
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    "fault": {
        "type": "str",
        "choices": ["random", *FAULTS],
        "default": "random",
    },
    "containers": {"type": "list", "elements": "str", "default": []},
    "lessons": {"type": "list", "elements": "str", "default": []},
    "record": {"type": "dict"},
}


def main():
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        required_if=[("state", "absent", ("record",))],
        supports_check_mode=True,
    )
    params = module.params

    def runner(argv):
        return module.run_command(argv)

    try:
        if params["state"] == "absent":
            if module.check_mode:
                module.exit_json(changed=True, record=params["record"])
            result = undo(runner, params["record"])
            module.exit_json(changed=result != "already", record=params["record"], result=result)
        if not params["containers"]:
            module.fail_json(msg="lab_fault: no container of the lab to break")
        lessons = params["lessons"] or None
        record = apply(runner, params["fault"], params["containers"], dry_run=module.check_mode, lessons=lessons)
        module.exit_json(changed=True, record=record)
    except FaultError as error:
        module.fail_json(msg="lab_fault: %s" % error)


if __name__ == "__main__":
    main()
