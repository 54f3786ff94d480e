# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Is each lab container's network as the lesson needs it, and is the host's bridge?

Input is what the pairing returns (``pair_veths``): each container's interfaces, the pairs and
the host's bridges. A container's network is the lab's to repair (a rerun recreates the
container, which gives it a new veth pair): each of its interfaces present and up, an address in
its bridge's subnet, its host veth present, naming it back, on the bridge and up. A bridge is the
host's: the lab reports it (down, missing, without an address) and never changes it.
Plain Python, standard library only.
"""

from __future__ import annotations

import ipaddress

from .vethlab_texts import localized


def problem(code, **params):
    """One problem: its code and parameters, how it reads now (``is``) and after a repair (``was``)."""
    return dict(
        localized(**{"is": [("problem.%s.is" % code, params)], "was": [("problem.%s.was" % code, params)]}), code=code, params=params
    )


def bridge_problems(veths, bridge):
    """What is wrong with one of the host's bridges: not the lab's to repair."""
    found = (veths.get("bridges") or {}).get(bridge)
    if found is None:
        return [problem("bridge_missing", bridge=bridge)]
    problems = []
    if "UP" not in (found.get("flags") or ["UP"]):
        problems.append(problem("bridge_down", bridge=bridge))
    if not found.get("ipv4"):
        problems.append(problem("bridge_no_address", bridge=bridge))
    return problems


def interface_problems(veths, name, interface, bridge):
    """What is wrong with one interface of a running container, which should be plugged into ``bridge``."""
    interfaces = (veths.get("containers") or {}).get(name) or []
    found = next((iface for iface in interfaces if iface.get("name") == interface), None)
    if found is None:
        return [problem("no_eth0")] if interface == "eth0" else [problem("veth_missing", interface=interface)]
    problems = []
    if "UP" not in (found.get("flags") or []):
        problems.append(problem("eth0_down", interface=interface))
    bridge_ipv4 = ((veths.get("bridges") or {}).get(bridge) or {}).get("ipv4") or []
    if bridge_ipv4:
        network = ipaddress.ip_interface(bridge_ipv4[0]).network
        if not any(ipaddress.ip_interface(cidr).ip in network for cidr in found.get("ipv4") or []):
            problems.append(problem("eth0_no_address", interface=interface, bridge=bridge, network=str(network)))
    pair = next((p for p in veths.get("pairs") or [] if p["container"] == name and p["container_interface"] == interface), None)
    if pair is None:
        problems.append(problem("veth_missing", interface=interface))
        return problems
    veth = pair["host_interface"]
    if pair.get("bridge") != bridge:
        problems.append(problem("veth_off_bridge", veth=veth, bridge=bridge))
    if "UP" not in (pair.get("host_flags") or []):
        problems.append(problem("veth_down", veth=veth))
    return problems


def container_problems(veths, name, bridges):
    """What is wrong with one running container's network. ``bridges`` lists the bridge of each network
    it joined, in order: its first is eth0's (Docker names it so); each further one (docker network
    connect) is whichever interface's veth is on that bridge - Docker names it eth1, or eth2 after a
    reconnection - and missing, the container is not connected (connecting it repairs that)."""
    if not bridges:
        return []
    problems = interface_problems(veths, name, "eth0", bridges[0])
    for bridge in bridges[1:]:
        pair = next((p for p in veths.get("pairs") or [] if p["container"] == name and p.get("bridge") == bridge), None)
        if pair is None:
            problems.append(problem("not_connected", bridge=bridge))
        else:
            problems.extend(interface_problems(veths, name, pair["container_interface"], bridge))
    return problems


def loopback_problems(addresses):
    """An address on a container's lo besides 127.0.0.1/8 (and ::1): the container would answer it itself."""
    extra = [cidr for iface, cidr in addresses or [] if iface == "lo" and not cidr.startswith("127.")]
    return [problem("lo_address", addresses=", ".join(extra))] if extra else []


def health(veths, running, plugged, bridges, addresses=None):
    """{container: [problems]} for every running container (``plugged[container]``: the bridges of the
    networks it joined, in order; ``addresses[container]``: its [interface, IPv4 CIDR] pairs, lo included),
    and {bridge: [problems]} for the lab's bridges."""
    addresses = addresses or {}
    containers = {
        name: container_problems(veths, name, plugged.get(name) or []) + loopback_problems(addresses.get(name)) for name in running
    }
    return containers, {bridge: bridge_problems(veths, bridge) for bridge in bridges}
