#!/usr/bin/python
# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT

from __future__ import annotations

DOCUMENTATION = r"""
---
module: lab_observe
short_description: Observe the lab - ip addr on the host and in each container, the veth pairs, each container's health
description:
  - Runs the lesson's C(ip addr) on the host and, through C(docker exec NAME ip addr), inside each
    given container that is running, in parallel, and pairs each container interface with its host
    veth, as M(veth_pairs) does (the same code).
  - Reports every container's state and Docker's view of it (image, network mode, tty, labels).
  - Judges each running container's network as the lesson needs it - eth0 present and up, an
    address in the bridge's subnet, its host veth naming it back, on the bridge and up - and the
    host's bridge (present, up, with an address). A container's problems are the lab's to repair
    (recreate it); the bridge's are the host's, reported and never changed.
  - Reads the host's IPv4 default route, and returns the host's primary address (the first IPv4
    address of the default route's interface) and all its IPv4 addresses.
  - Commands are argument lists, never shell strings; container names must be Docker names.
  - Changes nothing.
version_added: "0.1.0"
author:
  - vethlab contributors
options:
  containers:
    description:
      - Container names. Those not running are reported in RV(states) and not read.
    type: list
    elements: str
    required: true
  bridge:
    description:
      - The bridge the containers should be plugged into.
    type: str
    default: docker0
  command:
    description:
      - The command that shows addresses, as a list of words.
    type: list
    elements: str
    default: [ip, addr]
attributes:
  check_mode:
    support: full
    description: Reads only; check mode returns the same.
  diff_mode:
    support: none
    description: Nothing is changed.
requirements:
  - The C(docker) command and C(ip) on the host.
notes:
  - The logic is in C(module_utils/vethlab_collect.py), C(vethlab_ip.py) and C(vethlab_health.py).
"""

EXAMPLES = r"""
- name: Observe the lab's containers
  lab_observe:
    containers: [alpine01, alpine02]
    bridge: docker0
  register: lab_observed

- name: Show the pairs
  ansible.builtin.debug:
    msg: "{{ lab_observed.veths.pairs | map(attribute='host_interface') | list }}"
"""

RETURN = r"""
host_output:
  description: The host's C(ip addr) output.
  returned: success
  type: str
container_outputs:
  description: Running container's name to its C(ip addr) output.
  returned: success
  type: dict
states:
  description: Every given container's state (C(running), C(exited), C(created), ... or C(missing)).
  returned: success
  type: dict
  sample: {alpine01: running, alpine02: exited}
running:
  description: The given containers that are running, in the given order.
  returned: success
  type: list
  elements: str
inspected:
  description: Docker's view of each given container (C(state), C(image) id, C(network_mode), C(tty), C(labels)); null when missing.
  returned: success
  type: dict
veths:
  description: The pairing of the outputs, as M(veth_pairs) returns it (C(pairs), C(bridges), C(unpaired), C(containers)).
  returned: success
  type: dict
health:
  description:
    - Running container's name to the problems of its network, each with a C(code) and how it
      reads now (C(is)) and after a repair (C(was)). Empty for a healthy container.
  returned: success
  type: dict
  sample: {alpine01: [{code: eth0_down, is: eth0 is down, was: eth0 was down}], alpine02: []}
bridge_problems:
  description: What is wrong with the host's bridge (missing, down, without an address), in the same form; not the lab's to repair.
  returned: success
  type: list
  elements: dict
host_default_route:
  description: The output of C(ip -4 route show default) on the host.
  returned: success
  type: str
host_primary_address:
  description: The first IPv4 address of the default route's interface; null without a default route.
  returned: success
  type: str
  sample: 192.168.10.128
host_ipv4_addresses:
  description: Every IPv4 address of the host, without prefix length.
  returned: success
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.vethlab_collect import CollectError, collect
from ansible.module_utils.vethlab_health import health
from ansible.module_utils.vethlab_ip import IpOutputError, host_addresses, pair_veths, parse_ip_addr

ARGUMENT_SPEC = {
    "containers": {"type": "list", "elements": "str", "required": True},
    "bridge": {"type": "str", "default": "docker0"},
    "command": {"type": "list", "elements": "str", "default": ["ip", "addr"]},
}


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    docker = module.get_bin_path("docker", required=True)

    def runner(argv):
        return module.run_command(argv)

    try:
        result = collect(module.params["containers"], runner, module.params["command"], docker)
        primary, every = host_addresses(parse_ip_addr(result["host_output"], "host"), result["host_default_route"])
        veths = pair_veths(result["host_output"], result["container_outputs"])
    except (CollectError, IpOutputError) as error:
        module.fail_json(msg="lab_observe: %s" % error)
    for warning in veths.pop("warnings"):
        module.warn(warning)
    containers, bridge = health(veths, result["running"], module.params["bridge"])
    module.exit_json(
        changed=False,
        host_primary_address=primary,
        host_ipv4_addresses=every,
        veths=veths,
        health=containers,
        bridge_problems=bridge,
        **result,
    )


if __name__ == "__main__":
    main()
