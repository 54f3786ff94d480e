# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""One observation of the lab: what the lab_observe module returns.

The collector's outputs (vethlab_collect), the host's addresses and the veth pairs
(vethlab_ip, vethlab_pairing), the lab's networks and the bridge each interface belongs on, and
each running container's health and each bridge's (vethlab_health). Plain Python, standard
library only.
"""

from __future__ import annotations

from .vethlab_collect import CollectError, collect, inspect_networks, survey
from .vethlab_docker import is_container_name
from .vethlab_health import health
from .vethlab_ip import IpOutputError
from .vethlab_lessons import DEFAULT_NETWORK
from .vethlab_pairing import host_addresses, pair_veths, parse_outputs


class ObserveError(ValueError):
    """The lab could not be observed: a bad name, a collector that failed, output that is not ip's."""


def observe(containers, runner, networks=None, bridge="docker0", command=("ip", "addr"), docker="docker", files=(), everything=None):
    """Everything lab_observe returns, and the warnings of the pairing (a list of texts).

    ``everything``, when given ({"label": ..., "images": [...]}), adds the ``survey`` of the whole
    engine (every container and network, the images named) and this host's addresses by interface.
    """
    networks_of = {name: list((networks or {}).get(name) or [DEFAULT_NETWORK]) for name in containers}
    named = sorted({network for joined in networks_of.values() for network in joined if network != DEFAULT_NETWORK})
    for name in named:
        if not is_container_name(name):
            raise ObserveError("%r is not a Docker network name" % name)
    try:
        result = collect(containers, runner, command, docker, files=files)
        found = inspect_networks(named, runner, docker)
        host, inside, parse_warnings = parse_outputs(result["host_output"], result["container_outputs"])
        primary, every = host_addresses(host, result["host_default_route"])
        if everything is not None:
            result["survey"] = survey(runner, docker, everything.get("label") or "vethlab.lab", everything.get("images") or [])
            result["survey"]["addresses"] = [[iface.name, cidr] for iface in host for cidr in iface.ipv4]
        veths = pair_veths(host, inside, parse_warnings)
        # Every IPv4 address each running container has, on every interface (lo included): a reply from an
        # address of the source itself proves nothing (vethlab_verify).
        addresses = {name: [[iface.name, cidr] for iface in interfaces for cidr in iface.ipv4] for name, interfaces in inside.items()}
    except (CollectError, IpOutputError) as error:
        raise ObserveError(str(error)) from error

    def bridge_of(network):
        return bridge if network == DEFAULT_NETWORK else (found.get(network) or {}).get("bridge") or "(no network %s)" % network

    plugged = {name: [bridge_of(network) for network in joined] for name, joined in networks_of.items()}
    bridges = [bridge] + [network["bridge"] for network in found.values() if network]
    containers_health, bridges_health = health(veths, result["running"], plugged, bridges, addresses)
    warnings = veths.pop("warnings")
    result.update(
        host_primary_address=primary,
        host_ipv4_addresses=every,
        addresses=addresses,
        veths=veths,
        networks=found,
        plugged=plugged,
        health=containers_health,
        bridge_problems=bridges_health,
    )
    return result, warnings
