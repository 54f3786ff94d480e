#!/usr/bin/python
# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT

from __future__ import annotations

DOCUMENTATION = r"""
---
module: lab_checks
short_description: Ping the lesson's reachability matrix and judge checkpoints C1-C8
description:
  - Builds the lesson's reachability matrix for the running lab containers. The host pings each
    container (C5); each container pings the bridge's address on the host (C6) and the host's
    primary address, the lesson's "outside" (C7); each container pings each other container (C8).
  - Every cell is pinged for real, in parallel, with a bounded count and timeout, and recorded
    (source, target, address, expected, reachable) whatever its result.
  - Judges the checkpoints C1-C8 from the cells and from the observation of M(lab_observe), and
    returns each with a title, this host's values, and a text for the student. A cell that is not
    as expected gets a C(why) that says where to look - the container's own network (which a rerun
    of the lab repairs), the host's bridge, or the host's firewall.
  - Commands are argument lists (C(docker exec NAME ping ...)), never shell strings; an address
    must be a literal IP address.
  - Changes nothing. It does not fail when a checkpoint fails; the caller decides, after the
    report is written.
version_added: "0.1.0"
author:
  - vethlab contributors
options:
  observed:
    description:
      - The result of M(lab_observe) for this host and the lab containers (C(veths), C(running),
        C(health), C(bridge_problems)). Containers that are not running are reported, not pinged.
    type: dict
    required: true
  containers:
    description:
      - The lab's container names, in the lesson's order.
    type: list
    elements: str
    required: true
  primary_address:
    description:
      - The host's primary IPv4 address, the target of C7. It must be an address of the lab host itself.
    type: str
    required: true
  bridge:
    description:
      - The bridge the lab containers are plugged into.
    type: str
    default: docker0
  ping_count:
    description:
      - Echo requests sent per attempt.
    type: int
    default: 1
  ping_timeout:
    description:
      - Seconds to wait for a reply.
    type: int
    default: 2
  ping_attempts:
    description:
      - Attempts per cell before it counts as unreachable.
    type: int
    default: 2
  workers:
    description:
      - Cells pinged at once.
    type: int
    default: 8
attributes:
  check_mode:
    support: full
    description: Pings change nothing; check mode measures the same.
  diff_mode:
    support: none
    description: Nothing is changed.
notes:
  - The logic is in C(module_utils/vethlab_reach.py) and C(module_utils/vethlab_checkpoints.py).
"""

EXAMPLES = r"""
- name: Ping the matrix and judge the checkpoints
  lab_checks:
    observed: "{{ lab_observed }}"
    containers: [alpine01, alpine02]
    primary_address: "{{ lab_observed.host_primary_address }}"
  register: lab_verify_result
"""

RETURN = r"""
bridge:
  description: The bridge and its IPv4 addresses.
  returned: success
  type: dict
  sample: {name: docker0, ipv4: [172.17.0.1/16]}
outside_address:
  description: The host's primary address the containers pinged for C7 (O(primary_address)).
  returned: success
  type: str
reachability:
  description: One item per cell of the matrix.
  returned: success
  type: list
  elements: dict
  sample:
    - checkpoint: C5
      source: host
      target: alpine01
      address: 172.17.0.2
      expected: true
      reachable: true
      as_expected: true
      detail: 1 of 1 echo requests answered
  contains:
    why:
      description: For a cell not as expected, its result and where to look.
      type: str
checkpoints:
  description: C1-C8 in order, each with C(id), C(title), C(passed), C(detail) (this host's values) and C(text) (for the student).
  returned: success
  type: list
  elements: dict
passed:
  description: Whether every checkpoint passed.
  returned: success
  type: bool
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.vethlab_checkpoints import evaluate, matrix
from ansible.module_utils.vethlab_reach import CellError, EngineLost, run_matrix

ARGUMENT_SPEC = {
    "observed": {"type": "dict", "required": True},
    "containers": {"type": "list", "elements": "str", "required": True},
    "primary_address": {"type": "str", "required": True},
    "bridge": {"type": "str", "default": "docker0"},
    "ping_count": {"type": "int", "default": 1},
    "ping_timeout": {"type": "int", "default": 2},
    "ping_attempts": {"type": "int", "default": 2},
    "workers": {"type": "int", "default": 8},
}


def eth0_addresses(veths, running):
    """Container name to its eth0 IPv4 address, for running containers that have one."""
    addresses = {}
    for name, interfaces in (veths.get("containers") or {}).items():
        if name not in running:
            continue
        for iface in interfaces:
            if iface.get("name") == "eth0" and iface.get("ipv4"):
                addresses[name] = iface["ipv4"][0].split("/", 1)[0]
    return addresses


def host_ping(module):
    ping = module.get_bin_path("ping")
    if ping:
        return (ping,)
    busybox = module.get_bin_path("busybox")
    if busybox:
        return (busybox, "ping")
    module.fail_json(msg="no ping on the lab host: install iputils-ping (Debian/Ubuntu) or iputils (Fedora/RHEL)")
    return None


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    for name in ("ping_count", "ping_timeout", "ping_attempts", "workers"):
        if not 1 <= params[name] <= 32:
            module.fail_json(msg="%s must be between 1 and 32, got %d" % (name, params[name]))
    observed = params["observed"]
    veths, running = observed.get("veths") or {}, observed.get("running") or []
    bridge = (veths.get("bridges") or {}).get(params["bridge"]) or {}
    bridge_ipv4 = bridge.get("ipv4") or []
    bridge_address = (bridge_ipv4[0].split("/", 1)[0], params["bridge"]) if bridge_ipv4 else None
    cells = matrix(params["containers"], eth0_addresses(veths, running), bridge_address, params["primary_address"])

    def runner(argv):
        return module.run_command(argv)

    try:
        measured = run_matrix(
            cells,
            runner,
            count=params["ping_count"],
            timeout=params["ping_timeout"],
            attempts=params["ping_attempts"],
            workers=params["workers"],
            host_ping=host_ping(module),
        )
    except CellError as error:
        module.fail_json(msg="lab_checks: %s" % error)
    except EngineLost as error:
        module.fail_json(msg="lab_checks: %s. No checkpoint was judged and no report written." % error)
    judged = evaluate(
        veths, params["containers"], running, measured, params["bridge"], observed.get("health"), observed.get("bridge_problems")
    )
    module.exit_json(
        changed=False,
        bridge={"name": params["bridge"], "ipv4": bridge_ipv4},
        outside_address=params["primary_address"],
        reachability=measured,
        checkpoints=judged["checkpoints"],
        passed=judged["passed"],
    )


if __name__ == "__main__":
    main()
