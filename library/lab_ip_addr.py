#!/usr/bin/python
# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT

from __future__ import annotations

DOCUMENTATION = r"""
---
module: lab_ip_addr
short_description: Read C(ip addr) on the host and inside each running container
description:
  - Runs the lesson's C(ip addr) on the host and, through C(docker exec NAME ip addr), inside each
    given container that is running, in parallel. Reports every container's state.
  - Commands are argument lists, never shell strings; container names must be Docker names.
  - Its C(host_output) and C(container_outputs) are what M(veth_pairs) takes.
  - Also reads the host's IPv4 default route, and returns the host's primary address (the first
    IPv4 address of the default route's interface) and all its IPv4 addresses.
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
  - The logic is in C(module_utils/vethlab_collect.py).
"""

EXAMPLES = r"""
- name: Read ip addr on the host and in the lab's containers
  lab_ip_addr:
    containers: [alpine01, alpine02]
  register: lab_outputs

- name: Pair them
  veth_pairs:
    host_output: "{{ lab_outputs.host_output }}"
    container_outputs: "{{ lab_outputs.container_outputs }}"
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
from ansible.module_utils.vethlab_ip import IpOutputError, host_addresses, parse_ip_addr

ARGUMENT_SPEC = {
    "containers": {"type": "list", "elements": "str", "required": True},
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
    except (CollectError, IpOutputError) as error:
        module.fail_json(msg="lab_ip_addr: %s" % error)
    module.exit_json(changed=False, host_primary_address=primary, host_ipv4_addresses=every, **result)


if __name__ == "__main__":
    main()
