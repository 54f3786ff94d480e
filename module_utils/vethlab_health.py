# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Is each lab container's network as the lesson needs it, and is the host's bridge?

Input is what the pairing returns (``pair_veths``): each container's interfaces, the pairs and
the host's bridges. A container's network is the lab's to repair (a rerun recreates the
container, which gives it a new veth pair): its eth0 present and up, an address in the bridge's
subnet, its host veth present, naming it back, on the bridge and up. The bridge is the host's:
the lab reports it (down, missing, without an address) and never changes it.
Plain Python, standard library only.
"""

from __future__ import annotations

import ipaddress


def _problem(code, present, past):
    """One problem: a code, how it reads now ("eth0 is down") and after a repair ("eth0 was down")."""
    return {"code": code, "is": present, "was": past}


def bridge_problems(veths, bridge):
    """What is wrong with the host's bridge: not the lab's to repair."""
    found = (veths.get("bridges") or {}).get(bridge)
    if found is None:
        return [_problem("bridge_missing", "the host has no %s bridge" % bridge, "the host had no %s bridge" % bridge)]
    problems = []
    if "UP" not in (found.get("flags") or ["UP"]):
        problems.append(_problem("bridge_down", "%s is down" % bridge, "%s was down" % bridge))
    if not found.get("ipv4"):
        problems.append(_problem("bridge_no_address", "%s has no IPv4 address" % bridge, "%s had no IPv4 address" % bridge))
    return problems


def container_problems(veths, name, bridge):
    """What is wrong with one running container's network, as the lesson needs it (empty: healthy)."""
    interfaces = (veths.get("containers") or {}).get(name) or []
    eth0 = next((iface for iface in interfaces if iface.get("name") == "eth0"), None)
    if eth0 is None:
        return [_problem("no_eth0", "it has no eth0", "it had no eth0")]
    problems = []
    if "UP" not in (eth0.get("flags") or []):
        problems.append(_problem("eth0_down", "eth0 is down", "eth0 was down"))
    bridge_ipv4 = ((veths.get("bridges") or {}).get(bridge) or {}).get("ipv4") or []
    if bridge_ipv4:
        network = ipaddress.ip_interface(bridge_ipv4[0]).network
        if not any(ipaddress.ip_interface(cidr).ip in network for cidr in eth0.get("ipv4") or []):
            problems.append(
                _problem(
                    "eth0_no_address", "eth0 has no address in %s's subnet %s" % (bridge, network), "eth0 had no address in %s" % network
                )
            )
    pair = next((p for p in veths.get("pairs") or [] if p["container"] == name and p["container_interface"] == "eth0"), None)
    if pair is None:
        problems.append(_problem("veth_missing", "eth0 has no host veth naming it back", "eth0 had no host veth"))
        return problems
    veth = pair["host_interface"]
    if pair.get("bridge") != bridge:
        problems.append(
            _problem("veth_off_bridge", "its host veth %s is not on %s" % (veth, bridge), "its host veth %s was not on %s" % (veth, bridge))
        )
    if "UP" not in (pair.get("host_flags") or []):
        problems.append(_problem("veth_down", "its host veth %s is down" % veth, "its host veth %s was down" % veth))
    return problems


def health(veths, running, bridge):
    """{container: [problems]} for every running container, and the bridge's problems."""
    return {name: container_problems(veths, name, bridge) for name in running}, bridge_problems(veths, bridge)
