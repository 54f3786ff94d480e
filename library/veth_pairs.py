#!/usr/bin/python
# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT

from __future__ import annotations

DOCUMENTATION = r"""
---
module: veth_pairs
short_description: Pair container interfaces with their host veths from C(ip addr) output
description:
  - Reads the host's C(ip addr) output and the C(ip addr) output of each container, and pairs
    every container interface with the host veth at the other end of its cable.
  - A pair holds only when both directions agree. The host veth's C(@ifN) is the container
    interface's index B(and) the container interface's C(@ifM) is the host veth's index. Indexes
    are unique only inside one network namespace, so two containers may both show C(12 eth0).
  - Accepts iproute2 text (C(ip addr)), iproute2 JSON (C(ip -j addr)) and busybox text (what
    alpine prints), also pasted from a tutorial whose indentation was lost. Lines made only of
    dots (C(......)) and C(#) comment lines are skipped with a warning.
  - Changes nothing on any host; the parsing runs where the module runs.
version_added: "0.1.0"
author:
  - vethlab contributors
options:
  host_output:
    description:
      - The host's C(ip addr) output (text) or C(ip -j addr) output (JSON).
    type: str
    required: true
  container_outputs:
    description:
      - Container name to that container's C(ip addr) output, text or JSON.
      - Every value must be text, such as the C(stdout) of a registered result.
    type: dict
    required: true
attributes:
  check_mode:
    support: full
    description: Reads its input only; check mode returns the same result.
  diff_mode:
    support: none
    description: Nothing is changed, so there is no diff.
notes:
  - The parsing and pairing code is C(module_utils/vethlab_ip.py), plain Python that the tests
    and the reports share.
seealso:
  - name: ip-address(8)
    description: The iproute2 manual page of C(ip address).
    link: https://man7.org/linux/man-pages/man8/ip-address.8.html
"""

EXAMPLES = r"""
- name: Read ip addr on the host
  ansible.builtin.command: ip addr
  register: host_ip
  changed_when: false

- name: Read ip addr in each container (argument list, no shell)
  ansible.builtin.command:
    argv: [docker, exec, "{{ item }}", ip, addr]
  loop: [alpine01, alpine02]
  register: container_ip
  changed_when: false

- name: Pair each container's eth0 with its host veth
  veth_pairs:
    host_output: "{{ host_ip.stdout }}"
    container_outputs: "{{ dict(container_ip.results | map(attribute='item') | zip(container_ip.results | map(attribute='stdout'))) }}"
  register: lab_veths

- name: Show the lesson's observation
  ansible.builtin.debug:
    msg: "{{ item.container }} {{ item.container_interface }}@if{{ item.container_peer_ifindex }}
      <-> {{ item.host_interface }}@if{{ item.host_peer_ifindex }} on {{ item.bridge }}"
  loop: "{{ lab_veths.pairs }}"
"""

RETURN = r"""
pairs:
  description:
    - One item per container interface that has a host peer, in the order the containers were
      given, then by container interface index.
  returned: success
  type: list
  elements: dict
  sample:
    - container: alpine01
      container_interface: eth0
      container_ifindex: 12
      container_peer_ifindex: 13
      host_interface: veth398a65c
      host_ifindex: 13
      host_peer_ifindex: 12
      bridge: docker0
      ipv4: [172.17.0.2/16]
      ipv6: []
      mac: "02:42:ac:11:00:02"
      host_mac: "62:10:aa:cb:5b:c8"
      mtu: 1500
      container_state: UP
      host_state: UP
      host_flags: [BROADCAST, MULTICAST, UP, LOWER_UP]
      host_link_netnsid: 0
  contains:
    container:
      description: The container's name, as given in O(container_outputs).
      type: str
    container_interface:
      description: The interface's name inside the container, such as C(eth0).
      type: str
    container_ifindex:
      description: The interface's index inside the container (C(12) in C(12 eth0@if13)).
      type: int
    container_peer_ifindex:
      description: The C(N) of the container interface's C(@ifN), equal to RV(pairs[].host_ifindex).
      type: int
    host_interface:
      description: The host veth's name, such as C(veth398a65c).
      type: str
    host_ifindex:
      description: The host veth's index on the host.
      type: int
    host_peer_ifindex:
      description: The C(N) of the host veth's C(@ifN), equal to RV(pairs[].container_ifindex).
      type: int
    bridge:
      description: The host veth's master, such as C(docker0) or C(br-1ec26c1f3dc8); null when it has none.
      type: str
    ipv4:
      description: The container interface's IPv4 addresses, as CIDR strings.
      type: list
      elements: str
    ipv6:
      description: The container interface's IPv6 addresses, as CIDR strings.
      type: list
      elements: str
    mac:
      description: The container interface's MAC address.
      type: str
    host_mac:
      description: The host veth's MAC address.
      type: str
    mtu:
      description: The container interface's MTU.
      type: int
    container_state:
      description: The container interface's operational state (busybox may not print it, then null).
      type: str
    host_state:
      description: The host veth's operational state.
      type: str
    host_flags:
      description: The host veth's flags; without C(UP) it is down.
      type: list
      elements: str
    host_link_netnsid:
      description: The host veth's C(link-netnsid), the host's id of the container's namespace, or null.
      type: int
bridges:
  description:
    - Bridge name to its addresses and members. A bridge is any interface that is another
      interface's C(master), plus C(docker0) and C(br-<id>) even with no member.
  returned: success
  type: dict
  sample:
    docker0:
      ifindex: 3
      ipv4: [172.17.0.1/16]
      ipv6: []
      mac: "02:42:b1:ad:28:e2"
      state: UP
      flags: [BROADCAST, MULTICAST, UP, LOWER_UP]
      members: [veth398a65c]
unpaired:
  description:
    - Container interfaces with no host peer, and host interfaces with a peer in another
      namespace that no given container holds, each with the reason.
    - A container with no interface but C(lo) (C(--network none)) or sharing the host's namespace
      (C(--network host)) appears once, with a null C(interface).
  returned: success
  type: list
  elements: dict
  sample:
    - side: container
      container: isolated
      interface: null
      ifindex: null
      peer_ifindex: null
      reason: "the container has no interface but lo: it was started with --network none"
  contains:
    side:
      description: C(container) or C(host).
      type: str
    container:
      description: The container's name, or null on the host side.
      type: str
    interface:
      description: The interface's name, or null for a whole container.
      type: str
    ifindex:
      description: The interface's index in its namespace.
      type: int
    peer_ifindex:
      description: The C(N) of its C(@ifN), or null.
      type: int
    reason:
      description: Why it has no peer, in words for a student.
      type: str
containers:
  description:
    - Container name to its interfaces other than C(lo), paired or not, as C(ip addr) shows them.
  returned: success
  type: dict
  sample:
    alpine01:
      - name: eth0
        header: eth0@if13
        ifindex: 12
        peer_ifindex: 13
        ipv4: [172.17.0.2/16]
        ipv6: []
        mac: "02:42:ac:11:00:02"
        mtu: 1500
        state: UP
        flags: [BROADCAST, MULTICAST, UP, LOWER_UP, M-DOWN]
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.vethlab_pairing import IpOutputError, pair_veths

ARGUMENT_SPEC = {
    "host_output": {"type": "str", "required": True},
    "container_outputs": {"type": "dict", "required": True},
}


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        result = pair_veths(module.params["host_output"], module.params["container_outputs"])
    except IpOutputError as error:
        module.fail_json(msg=str(error), source=error.source, line_number=error.line_number, line=error.line)
    except Exception as error:  # noqa: BLE001 - a module must never end in a traceback
        module.fail_json(msg="veth_pairs could not read its input: %s: %s" % (type(error).__name__, error))
    for warning in result.pop("warnings"):
        module.warn(warning)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
