# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Pair container interfaces with their host veths, from parsed ``ip addr`` outputs (each text parsed once: parse_outputs).

The pairing rule: a container interface and a host interface form a veth pair only
when both directions agree: the host interface's ``@ifN`` is the container
interface's index AND the container interface's ``@ifM`` is the host interface's
index.  Indexes are unique only inside one network namespace, so nothing is ever
matched by substring or by "index + 1".

Also the host's own addresses (its primary address: the lesson's "outside").
Plain Python, standard library only.
"""

from __future__ import annotations

import re

from .vethlab_ip import IpOutputError, parse_ip_addr
from .vethlab_texts import localized

__all__ = ["IpOutputError", "parse_outputs", "pair_veths", "host_addresses", "default_route_interface"]


def default_route_interface(route_output):
    """The interface of the IPv4 default route in ``ip -4 route show default`` output, or None."""
    for line in (route_output or "").splitlines():
        words = line.split()
        if words[:1] == ["default"] and "dev" in words[:-1]:
            return words[words.index("dev") + 1]
    return None


def host_addresses(interfaces, route_output):
    """(primary IPv4 address or None, every IPv4 address) of a host.

    The primary address is the first IPv4 address of the default route's interface:
    what the lesson calls "outside" when it pings the host's own LAN address.
    """
    every = [cidr.split("/", 1)[0] for iface in interfaces for cidr in iface.ipv4]
    device = default_route_interface(route_output)
    for iface in interfaces:
        if iface.name == device and iface.ipv4:
            return iface.ipv4[0].split("/", 1)[0], every
    return None, every


_BRIDGE_NAME = re.compile(r"^(docker0|br-[0-9a-f]{12})$")


# Why an interface has no peer, in words for a student.
# Why an interface is not paired: a message of vethlab_texts (``unpaired.*``), in every language.


def parse_outputs(host_output, container_outputs):
    """Each ``ip addr`` text parsed once, for pair_veths and for whatever else reads the interfaces:
    ``(host, containers, warnings)`` - the host's interfaces, ``{name: interfaces}`` in the order given, and
    the parser's remarks. Raises :class:`IpOutputError` for input that cannot be read."""
    warnings = []
    host = parse_ip_addr(host_output, "host", warnings)
    return host, _parse_containers(container_outputs, warnings), warnings


def pair_veths(host, containers, warnings=()):
    """Pair every container interface with its host veth, from parsed interfaces (parse_outputs).

    ``host`` is the host's interfaces; ``containers`` maps a container's name to its interfaces;
    ``warnings`` are the parser's remarks, returned with the pairing's. Returns a dict with ``pairs``,
    ``bridges``, ``unpaired`` and ``warnings`` (see lab_observe's RETURN).
    """
    warnings = list(warnings)
    containers = list(containers.items())
    host_by_index = {iface.ifindex: iface for iface in host}
    host_identity = {(iface.ifindex, iface.name, iface.mac) for iface in host if not iface.is_loopback}

    unpaired = []
    claims = {}  # host veth index -> [(container, interface)] whose two directions agree with it
    for name, interfaces in containers:
        wired = [iface for iface in interfaces if not iface.is_loopback and not iface.link_none]
        if not wired:
            unpaired.append(_unpaired("container", name, None, ("unpaired.network_none", {})))
        elif host_identity and all((iface.ifindex, iface.name, iface.mac) in host_identity for iface in wired):
            unpaired.append(_unpaired("container", name, None, ("unpaired.network_host", {})))
        else:
            for iface in wired:
                reason = _why_not_paired(iface, host_by_index)
                if reason is None:
                    claims.setdefault(iface.link_ifindex, []).append((name, iface))
                else:
                    unpaired.append(_unpaired("container", name, iface, reason))

    pairs = []
    for host_index, claimants in claims.items():
        veth = host_by_index[host_index]
        if len(claimants) == 1:
            pairs.append(_pair(claimants[0][0], claimants[0][1], veth))
            continue
        names = ", ".join("%s %s" % (name, iface.name) for name, iface in claimants)
        for name, iface in claimants:
            unpaired.append(_unpaired("container", name, iface, ("unpaired.ambiguous", {"veth": veth.header, "names": names})))

    for veth in host:
        if veth.link_ifindex is not None and veth.ifindex not in claims:
            unpaired.append(_unpaired("host", None, veth, ("unpaired.host_only", {"ifindex": veth.link_ifindex, "peer": veth.ifindex})))

    order = {name: position for position, (name, _) in enumerate(containers)}
    pairs.sort(key=lambda pair: (order[pair["container"]], pair["container_ifindex"]))
    return {
        "pairs": pairs,
        "bridges": _bridges(host),
        "unpaired": unpaired,
        "containers": {name: [_summary(iface) for iface in interfaces if not iface.is_loopback] for name, interfaces in containers},
        "warnings": warnings,
    }


def _parse_containers(container_outputs, warnings):
    """{name: interfaces} in the order given; names must be non-empty strings."""
    if not isinstance(container_outputs, dict):
        kind = type(container_outputs).__name__
        raise IpOutputError("container_outputs", "expected a mapping of container name to 'ip addr' output, got %s" % kind)
    containers = {}
    for name, output in container_outputs.items():
        if not isinstance(name, str) or not name.strip():
            raise IpOutputError(repr(name), "a container name must be a non-empty string, got %s %r" % (type(name).__name__, name))
        containers[name] = parse_ip_addr(output, name, warnings)
    return containers


def _why_not_paired(iface, host_by_index):
    """None when both directions agree with a host interface, else the reason they do not."""
    if iface.link_ifindex is None:
        return ("unpaired.no_peer_index", {})
    peer = host_by_index.get(iface.link_ifindex)
    if peer is None:
        return ("unpaired.peer_missing", {"ifindex": iface.link_ifindex, "header": iface.header})
    if peer.link_ifindex != iface.ifindex:
        points_to = "if%d" % peer.link_ifindex if peer.link_ifindex is not None else "no peer"
        return ("unpaired.not_back", {"ifindex": peer.ifindex, "header": peer.header, "points_to": points_to, "back": iface.ifindex})
    return None


def _pair(container, iface, veth):
    return {
        "container": container,
        "container_interface": iface.name,
        "container_ifindex": iface.ifindex,
        "container_peer_ifindex": iface.link_ifindex,
        "host_interface": veth.name,
        "host_ifindex": veth.ifindex,
        "host_peer_ifindex": veth.link_ifindex,
        "bridge": veth.master,
        "ipv4": list(iface.ipv4),
        "ipv6": list(iface.ipv6),
        "mac": iface.mac,
        "host_mac": veth.mac,
        "mtu": iface.mtu,
        "container_state": iface.state,
        "host_state": veth.state,
        "host_flags": list(veth.flags),
        "host_link_netnsid": veth.link_netnsid,
    }


def _summary(iface):
    """A container interface as the reports show it, paired or not."""
    return {
        "name": iface.name,
        "header": iface.header,
        "ifindex": iface.ifindex,
        "peer_ifindex": iface.link_ifindex,
        "ipv4": list(iface.ipv4),
        "ipv6": list(iface.ipv6),
        "mac": iface.mac,
        "mtu": iface.mtu,
        "state": iface.state,
        "flags": list(iface.flags),
    }


def _unpaired(side, container, iface, reason):
    """An interface that is not paired, with its reason - ``(message key, params)`` - in every language."""
    return dict(
        {
            "side": side,
            "container": container,
            "interface": iface.name if iface else None,
            "ifindex": iface.ifindex if iface else None,
            "peer_ifindex": iface.link_ifindex if iface else None,
        },
        **localized(reason=[reason]),
    )


def _bridges(host):
    """Bridges: every interface that is some interface's master, plus docker0 and br-<id>."""
    masters = {iface.master for iface in host if iface.master}
    bridges = {}
    for iface in host:
        if iface.name in masters or _BRIDGE_NAME.match(iface.name):
            bridges[iface.name] = {
                "ifindex": iface.ifindex,
                "ipv4": list(iface.ipv4),
                "ipv6": list(iface.ipv6),
                "mac": iface.mac,
                "state": iface.state,
                "flags": list(iface.flags),
                "members": sorted(member.name for member in host if member.master == iface.name),
            }
    return bridges
