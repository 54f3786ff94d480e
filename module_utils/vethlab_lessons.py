# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""The course's chapters, and the plan of a run: which containers, on which networks, linked how.

The course "理解Docker0" goes on with 容器互联 (--link), 自定义网络 (docker network create) and
网络连通 (docker network connect). A run judges the lessons asked for, in their order; it starts
what those lessons need, their prerequisites' containers included (--link links to the second
docker0 container; a custom network's isolation is shown from a docker0 container; connect
joins the first docker0 container to the custom network). Plain Python, standard library only;
the vethlab filter plugin gives it to the roles as `lab_plan`.
"""

from __future__ import annotations

import ipaddress

from .vethlab_texts import localized

LESSONS = ("docker0", "link", "network", "connect")
ALL = "all"
# The lessons whose containers a lesson needs running.
NEEDS = {"docker0": (), "link": ("docker0",), "network": ("docker0",), "connect": ("docker0", "network")}
DEFAULT_NETWORK = "bridge"


def selected(lessons):
    """The lessons to judge, in the order asked: a list of ids, or "all" (the course's order)."""
    if lessons == ALL or lessons == [ALL]:
        return list(LESSONS)
    if isinstance(lessons, str):
        return [lessons]
    return list(lessons)


def needed(lessons):
    """Every lesson whose containers must run: those asked for and what they need, in the course's order."""
    wanted, todo = set(), list(lessons)
    while todo:
        lesson = todo.pop()
        if lesson not in wanted:
            wanted.add(lesson)
            todo.extend(NEEDS.get(lesson, ()))
    return [lesson for lesson in LESSONS if lesson in wanted]


def plan(lessons, containers, link_container="alpine03", network=None, network_containers=(), dns=()):
    """The run's plan: ``lessons`` (judged, in order), ``containers`` (each with its ``lesson``,
    the Docker ``networks`` it joins in order - its eth0, eth1 - the containers it ``links`` to and
    the ``dns`` servers it is given), the custom ``network`` (name, subnet, gateway) or None, the
    container ``connect`` joins to it or None, and the ``files`` the judges read in the containers."""
    judged = selected(lessons)
    running = needed(judged)
    network = dict(network or {})
    connect = containers[0] if "connect" in running and containers else None
    entries = []
    for name in containers:
        joined = [DEFAULT_NETWORK] + ([network["name"]] if name == connect else [])
        entries.append({"name": name, "lesson": "docker0", "networks": joined, "links": [], "dns": list(dns)})
    if "link" in running and len(containers) > 1:
        entries.append(
            {"name": link_container, "lesson": "link", "networks": [DEFAULT_NETWORK], "links": [containers[1]], "dns": list(dns)}
        )
    if "network" in running:
        for name in network_containers:
            entries.append({"name": name, "lesson": "network", "networks": [network["name"]], "links": [], "dns": list(dns)})
    return {
        "lessons": judged,
        "containers": entries,
        "network": network if "network" in running else None,
        "connect": connect,
        # What the judges read in the containers: --link's /etc/hosts, a custom network's resolver.
        "files": ["/etc/hosts", "/etc/resolv.conf"] if set(judged) - {"docker0"} else [],
    }


def names(run_plan, lesson=None):
    """The plan's container names, all or one lesson's, in order."""
    return [entry["name"] for entry in run_plan["containers"] if lesson is None or entry["lesson"] == lesson]


def networks_of(run_plan):
    """Container name to the Docker networks it joins, in order (what lab_observe takes)."""
    return {entry["name"]: entry["networks"] for entry in run_plan["containers"]}


def network_problems(network):
    """What is wrong with the custom network's settings: its subnet and gateway (empty: nothing)."""
    problems = []
    try:
        subnet = ipaddress.ip_network(str(network.get("subnet")), strict=True)
    except ValueError as error:
        return ["lab_network_subnet %r is not a network in CIDR form, such as 192.168.0.0/16 (%s)" % (network.get("subnet"), error)]
    try:
        gateway = ipaddress.ip_address(str(network.get("gateway")))
    except ValueError:
        return ["lab_network_gateway %r is not an IP address" % network.get("gateway")]
    if gateway not in subnet or gateway in (subnet.network_address, subnet.broadcast_address):
        problems.append("lab_network_gateway %s is not a host address inside lab_network_subnet %s" % (gateway, subnet))
    return problems


def _bridge_of(network):
    return (network.get("Options") or {}).get("com.docker.network.bridge.name") or "br-%s" % (network.get("Id") or "")[:12]


def _subnets(network):
    found = []
    for config in (network.get("IPAM") or {}).get("Config") or []:
        try:
            found.append(ipaddress.ip_network(config.get("Subnet"), strict=False))
        except (TypeError, ValueError):
            continue
    return found


def network_decisions(networks, addresses, run_plan, label):
    """What the reset does about networks: the lab's networks to remove (unwanted, or set up otherwise
    than the settings say), what stops the run before anything changes (a user's network with the
    lab's network name, a subnet overlapping another network, a gateway that is this host's own
    address), and the warnings (the subnet contains this host's own network: allowed)."""
    wanted = run_plan.get("network")
    lab = [network for network in networks if (network.get("Labels") or {}).get(label) == "true"]
    remove = []
    for network in lab:
        config = ((network.get("IPAM") or {}).get("Config") or [{}])[0]
        same = (
            wanted
            and network.get("Name") == wanted["name"]
            and config.get("Subnet") == wanted["subnet"]
            and config.get("Gateway") == wanted["gateway"]
        )
        if not same:
            remove.append(network["Name"])
    refuse, warnings = [], []
    if wanted:
        subnet, gateway = ipaddress.ip_network(wanted["subnet"]), ipaddress.ip_address(wanted["gateway"])
        ours = [network for network in lab if network["Name"] == wanted["name"]]
        for network in networks:
            if network in lab:
                continue
            if network.get("Name") == wanted["name"]:
                refuse.append(
                    "a Docker network named %s exists but was not created by the lab (no label %s), so the lab will not"
                    " use or remove it: remove or rename it, or give the lab another name (lab_network_name)" % (wanted["name"], label)
                )
                continue
            for other in _subnets(network):
                if other.overlaps(subnet):
                    refuse.append(
                        "lab_network_subnet %s overlaps the Docker network %s (%s): choose another subnet (lab_network_subnet and"
                        " lab_network_gateway)" % (subnet, network.get("Name"), other)
                    )
        bridges = {_bridge_of(network) for network in ours}
        for interface, cidr in addresses:
            if interface in bridges:
                continue  # the lab's own network's bridge holds the gateway: as it should
            address = ipaddress.ip_interface(cidr).ip
            if address == gateway:
                refuse.append(
                    "lab_network_gateway %s is an address of this host (on %s): choose another gateway and subnet" % (gateway, interface)
                )
            elif address in subnet:
                warnings.append(
                    localized(
                        text=[("warning.subnet_contains_host", {"address": str(address), "interface": interface, "subnet": str(subnet)})]
                    )
                )
    return {"remove": remove, "refuse": refuse, "warnings": warnings}
