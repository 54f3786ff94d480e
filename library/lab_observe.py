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
    veth - the lab's module that shows the lesson's veth pairs.
  - A pair holds only when both directions agree. The host veth's C(@ifN) is the container
    interface's index B(and) the container interface's C(@ifM) is the host veth's index. Indexes
    are unique only inside one network namespace, so two containers may both show C(12 eth0).
  - Reads iproute2 text (C(ip addr)), iproute2 JSON (C(ip -j addr)) and busybox text (what alpine
    prints), whichever the host and the image have (module_utils/vethlab_ip.py parses each, also
    pasted from a tutorial whose indentation was lost).
  - Reports every container's state and Docker's view of it (image, network mode, tty, labels).
  - Judges each running container's network as the lesson needs it - eth0 present and up, an
    address in the bridge's subnet, its host veth naming it back, on the bridge and up - and the
    host's bridge (present, up, with an address). A container's problems are the lab's to repair
    (recreate it); the bridge's are the host's, reported and never changed.
  - Reads the host's IPv4 default route, and returns the host's primary address (the first IPv4
    address of the default route's interface) and all its IPv4 addresses.
  - Commands are argument lists, never shell strings; container names must be Docker names.
  - Changes nothing in the lab; with O(lock), it takes the lab's lock first (a file it writes).
version_added: "0.1.0"
author:
  - vethlab contributors
extends_documentation_fragment:
  - vethlab_lock.lock
options:
  plan:
    description:
      - The run's plan (module_utils/vethlab_lessons.py, computed once by the settings step) - its
        containers, the networks each joins and the files to read are taken from it. The lab's
        steps give this; the three options below are for a look outside the lab.
    type: dict
  containers:
    description:
      - Container names, when no O(plan) is given. Those not running are reported in RV(states) and not read.
    type: list
    elements: str
  bridge:
    description:
      - The host bridge of Docker's default network (C(bridge)).
    type: str
    default: docker0
  networks:
    description:
      - Container name to the Docker networks it is on, in the order it joined them (its eth0, eth1, ...).
        A container not named here is on the default network only. Each network's bridge on the host
        is read from Docker (C(br-) and the start of its id, for a user network). Without O(plan) only.
    type: dict
  files:
    description:
      - Files (absolute paths) read in each running container, as the lessons look at them
        (C(/etc/hosts) for --link, C(/etc/resolv.conf) for a custom network's DNS). Without O(plan) only.
    type: list
    elements: str
  everything:
    description:
      - Also survey the whole engine, for the steps that decide from it (reset, image) - every
        container (its name and its value of C(label)), every network, the id of each image of
        C(images) present - and this host's IPv4 addresses by interface. Returned as RV(survey).
    type: dict
    suboptions:
      label:
        description: The label whose value is read on every container.
        type: str
        default: vethlab.lab
      images:
        description: Image names to look for.
        type: list
        elements: str
        default: []
  command:
    description:
      - The command that shows addresses, as a list of words.
    type: list
    elements: str
    default: [ip, addr]
attributes:
  check_mode:
    support: full
    description: Reads only; check mode returns the same, and takes no lock.
  diff_mode:
    support: none
    description: Nothing is changed.
requirements:
  - The C(docker) command and C(ip) on the host.
notes:
  - The logic is in C(module_utils/vethlab_observe.py), which uses C(vethlab_collect.py), C(vethlab_ip.py),
    C(vethlab_pairing.py) and C(vethlab_health.py).
"""

EXAMPLES = r"""
- name: Observe the lab's containers, as its steps do
  lab_observe:
    plan: "{{ lab_plan }}"
    bridge: docker0

- name: Observe two containers
  lab_observe:
    containers: [alpine01, alpine02]
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
  description:
    - Running container's name to its C(ip addr) output, run by the host's C(ip) in its network namespace.
    - A container without a network namespace of its own (see RV(shared_namespaces)) is left out.
  returned: success
  type: dict
shared_namespaces:
  description:
    - Each running container whose network namespace is not its own, to V(with) (V(host), or the container it
      shares with) and V(how) (Docker's record, C(--network host) or C(--network container:X), or the kernel's,
      C(netns inode N)). No judge reads such a namespace as the container's.
  returned: success
  type: dict
  sample: {"alpine01": {"with": "host", "how": "--network host"}}
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
survey:
  description:
    - With O(everything) - C(containers) ([name, label value]), C(networks) (as C(docker network inspect) shows them),
      C(images) (name to id, or null) and C(addresses) ([interface, address/prefix]).
  returned: when O(everything) is given
  type: dict
files:
  description: Running container's name to each file of O(files) as it reads there; null for one it could not read.
  returned: success
  type: dict
  sample: {alpine03: {/etc/hosts: "127.0.0.1\tlocalhost\n172.17.0.3\talpine02 3f2c1d...\n"}}
inspected:
  description: Docker's view of each given container (C(state), C(image) id, C(network_mode), C(tty), C(labels)); null when missing.
  returned: success
  type: dict
veths:
  description: The pairing of the outputs (C(pairs), C(bridges), C(unpaired), C(containers)); module_utils/vethlab_pairing.py.
  returned: success
  type: dict
networks:
  description:
    - Each user network named in O(networks) - its C(id), C(bridge) on the host, C(subnet), C(gateway),
      C(labels); null when missing.
  returned: success
  type: dict
plugged:
  description: Container name to the host bridge of each network it joined, in order (its eth0's first).
  returned: success
  type: dict
  sample: {alpine01: [docker0, br-1ec26c1f3dc8]}
health:
  description:
    - Running container's name to the problems of its network, each with a C(code), its C(params), how it
      reads now (C(is)) and after a repair (C(was)), and the same in each other language (C(i18n)).
      Empty for a healthy container.
  returned: success
  type: dict
  sample: {alpine01: [{code: eth0_down, params: {interface: eth0}, is: eth0 is down, was: eth0 was down}], alpine02: []}
bridge_problems:
  description:
    - Each of the lab's bridges to what is wrong with it (missing, down, without an address), in the same
      form; the host's, not the lab's to repair.
  returned: success
  type: dict
host_default_route:
  description: The output of C(ip -4 route show default) on the host.
  returned: success
  type: str
host_primary_address:
  description: The first IPv4 address of the default route's interface; null without a default route.
  returned: success
  type: str
  sample: 192.168.10.128
addresses:
  description: Every IPv4 address (CIDR) of each running container, on every interface, lo included, as [interface, address].
  returned: success
  type: dict
  sample: {alpine01: [[lo, 127.0.0.1/8], [eth0, 172.17.0.2/16]]}
host_ipv4_addresses:
  description: Every IPv4 address of the host, without prefix length.
  returned: success
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.vethlab_host import module_main
from ansible.module_utils.vethlab_observe import SPEC, run_observe

# The options above, as the module checks them (module_utils holds them, with the work they are for).
ARGUMENT_SPEC = SPEC["argument_spec"]


def main():
    module_main(AnsibleModule, SPEC, run_observe)


if __name__ == "__main__":
    main()
