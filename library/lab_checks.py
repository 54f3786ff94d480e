#!/usr/bin/python
# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT

from __future__ import annotations

DOCUMENTATION = r"""
---
module: lab_checks
short_description: Ping the lessons' reachability matrix and judge their checkpoints
description:
  - Builds the matrix of the lessons in O(plan) - for the first lesson, the host pings each
    container (C5); each container pings the bridge's address on the host (C6) and the host's
    primary address, the lesson's "outside" (C7), each other container (C8), and one of them by
    name (C9, which must not resolve); the next chapters add pings by name and across networks.
  - Every cell is pinged for real, in parallel, with a bounded count and timeout, and recorded
    whatever its result - C(expected) and C(observed), each C(reachable), C(unreachable) (no reply)
    or C(unresolved) (the name does not resolve). A cell passes when they are equal, so "this must
    fail" is a check like any other.
  - Judges every checkpoint of the lessons from the cells and from the observation of
    M(lab_observe), and returns each with a title, this host's values, and a text for the student,
    in every language the reports speak. A cell that did not pass gets a C(why) that says where to
    look - the container's own network (which a rerun of the lab repairs), the host's bridge, the
    host's firewall, or, for a name, DNS.
  - When the plan captures, one ping of the docker0 lesson is also captured at every hop of its way and
    judged (C21) - see RV(packet_path).
  - Commands are argument lists (C(docker exec NAME ping ...)), never shell strings; an address
    must be a literal IP address, a name a Docker container name.
  - Changes nothing in the lab (a capture flushes the lab containers' neighbour entries, which the next packet
    makes again, and listens on the bridge in promiscuous mode while it lasts); with O(unlock), it gives back
    the lab's lock this run took (a file
    it removes). It does not fail when a checkpoint fails; the caller decides, after the report is
    written.
version_added: "0.1.0"
author:
  - vethlab contributors
extends_documentation_fragment:
  - vethlab_lock.unlock
options:
  observed:
    description:
      - The result of M(lab_observe) for this host and the lab containers (C(veths), C(running),
        C(health), C(bridge_problems)). Containers that are not running are reported, not pinged.
    type: dict
    required: true
  plan:
    description:
      - The run's plan (the vethlab_plan filter) - C(lessons), the lessons judged in their order;
        C(containers), each with its C(name), C(lesson), C(networks) and C(links); the custom
        C(network) (C(name), C(subnet), C(gateway)) or null; the container C(connect) joins to it.
    type: dict
    required: true
  primary_address:
    description:
      - The host's primary IPv4 address, the target of C7. It must be one of O(observed)'s C(host_ipv4_addresses) (an
        address of the lab host itself); any other is refused before any ping.
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
    description: Pings change nothing; check mode measures the same and gives no lock back.
  diff_mode:
    support: none
    description: Nothing is changed.
notes:
  - The logic is in C(module_utils/vethlab_verify.py), C(vethlab_reach.py) and C(vethlab_checkpoints.py).
"""

EXAMPLES = r"""
- name: Ping the matrix and judge the checkpoints
  lab_checks:
    observed: "{{ lab_observed }}"
    plan: "{{ lab_plan }}"
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
      lesson: docker0
      source: host
      target: alpine01
      address: 172.17.0.2
      name: null
      expected: reachable
      observed: reachable
      passed: true
      reachable: true
      as_expected: true
      detail: 1 of 1 echo requests answered
      i18n: {zh: {detail: 发出 1 个回显请求，收到 1 个回复}}
  contains:
    expected:
      description: What the lesson expects, one of C(reachable), C(unreachable) (no reply) and C(unresolved) (the name does not resolve).
      type: str
    observed:
      description: What the ping saw, one of the same three.
      type: str
    passed:
      description: Whether C(observed) is C(expected).
      type: bool
    name:
      description: The container name pinged, for a cell that tests name resolution; null when pinged by address.
      type: str
    why:
      description: For a cell that did not pass, its result and where to look.
      type: str
    i18n:
      description: The cell's C(detail) and C(why) in each other language the reports speak.
      type: dict
lessons:
  description: One item per lesson judged - C(id), C(title), C(passed), its C(checkpoints) (ids) and C(cells), and C(i18n).
  returned: success
  type: list
  elements: dict
checkpoints:
  description:
    - The lessons' checkpoints in order, each with C(id), C(lesson), C(title), C(passed), C(detail) (this host's values),
      C(text) (for the student) and C(i18n) (the same texts in each other language).
  returned: success
  type: list
  elements: dict
passed:
  description: Whether every checkpoint passed.
  returned: success
  type: bool
packet_path:
  description:
    - When the plan captures (C(capture), the setting C(lab_capture)) - the docker0 lesson's two pings, its first
      container to its second and the host to its first, captured at every hop at once (AF_PACKET sockets in
      each hop's namespace; only ARP and ICMP echo between the lab's own addresses kept, at most 3 s and 64 frames).
    - Each path has C(source), C(target), their addresses, C(hops) (C(name), C(namespace), C(interface), the C(packets) seen there),
      C(passed), C(detail) and C(i18n), C(frames) (C(hop), C(at), C(out), C(frame) as hex) and C(sequence) (each
      packet with its type, MAC and IP addresses, C(icmp_id), C(icmp_seq) and where it was seen, C(at)).
    - Empty when the plan does not capture.
  returned: success
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.vethlab_host import module_main
from ansible.module_utils.vethlab_verify import SPEC, run_checks

# The options above, as the module checks them (module_utils holds them, with the work they are for).
ARGUMENT_SPEC = SPEC["argument_spec"]


def main():
    module_main(AnsibleModule, SPEC, run_checks)


if __name__ == "__main__":
    main()
