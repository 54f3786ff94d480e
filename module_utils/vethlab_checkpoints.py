# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""The lesson's checkpoints C1-C8, judged from collected data.

Each checkpoint has a title, a text for the student when it passes and one when it
fails, and a detail line with this host's real values.  Input is what ``veth_pairs``
returned, the lab's container names, which of them run, and the reachability cells.
Plain Python, standard library only.
"""

from __future__ import annotations

import ipaddress

# id: (title, what it shows when it passes, what to look at when it fails)
CHECKPOINTS = {
    "C1": (
        "The host has the docker0 bridge, up, with an IPv4 address",
        "Installing Docker created the docker0 bridge; it is the gateway of every container on the default network.",
        "No docker0 that is up with an IPv4 address: is the Docker engine running, with its default bridge enabled,"
        " and did someone take the bridge down (ip link set docker0 down)? The lab does not change the host's network.",
    ),
    "C2": (
        "Each container has an eth0@ifN with an address inside docker0's subnet",
        "Docker gave each container an eth0 and an address from docker0's subnet; @ifN names the other end of its cable.",
        "A container lacks eth0@ifN or an address in docker0's subnet: is it running, on the default bridge?",
    ),
    "C3": (
        "Each container's eth0 pairs with exactly one host veth on docker0, the indexes crossing over",
        "eth0@ifN in the container and vethX@ifM on the host name each other: the two ends of one veth pair, the host end on docker0.",
        "A container's eth0 has no single host veth naming it back, or that veth is not on docker0.",
    ),
    "C4": (
        "The number of lab veths on docker0 equals the number of running lab containers",
        "One container, one veth pair: every running container adds exactly one veth to docker0.",
        "The counts differ: a container is stopped, or a veth is left over or missing.",
    ),
    "C5": (
        "The host reaches each container",
        "The host reaches each container's address through docker0 and the veth pair.",
        "The host cannot reach a container: look at the failed cells below.",
    ),
    "C6": (
        "Each container reaches the host (docker0's address)",
        "Each container reaches its gateway, docker0's address on the host.",
        "A container cannot reach docker0's address: look at the failed cells below.",
    ),
    "C7": (
        "Each container reaches the host's primary address (the lesson's 'outside')",
        "Each container reaches beyond docker0: the host routes its traffic to the host's own primary address.",
        "A container cannot reach the host's primary address: look at the failed cells below (forwarding, firewall?).",
    ),
    "C8": (
        "The containers reach each other",
        "Containers on the same bridge reach each other: docker0 switches between their veths.",
        "Two containers cannot reach each other: look at the failed cells below (inter-container traffic disabled?).",
    ),
}
REACHABILITY = ("C5", "C6", "C7", "C8")


def _checkpoint(cid, passed, detail):
    title, pass_text, fail_text = CHECKPOINTS[cid]
    return {"id": cid, "title": title, "passed": bool(passed), "detail": detail, "text": pass_text if passed else fail_text}


def _in_subnet(cidr, network):
    try:
        return ipaddress.ip_interface(cidr).ip in network
    except ValueError:
        return False


def _cell_line(cell):
    return "%s \u2192 %s (%s): %s" % (cell["source"], cell["target"], cell["address"], cell.get("why") or cell.get("detail", ""))


def where_to_look(cell, health, bridge_problems):
    """For a cell that is not as expected: where the student should look, in one sentence.

    A container of the cell whose network is broken is the lab's (a rerun recreates it); a problem of
    the host's bridge is the host's (reported, never changed by the lab); when both look whole, what
    is left between them is the host's firewall."""
    broken = [
        "%s: %s" % (name, ", ".join(problem["is"] for problem in health.get(name) or []))
        for name in (cell["source"], cell["target"])
        if health.get(name)
    ]
    if broken:
        return "%s; a run of the lab without --check recreates it" % "; ".join(broken)
    if bridge_problems:
        return "on the host, %s: the lab does not change the host's network; look at the host's bridge (ip link show)" % "; ".join(
            problem["is"] for problem in bridge_problems
        )
    return (
        "the interfaces and addresses look right: look for a firewall rule on the host dropping the bridge's traffic"
        " (iptables -S, nft list ruleset)"
    )


def evaluate(veths, containers, running, cells, bridge="docker0", health=None, bridge_problems=None):
    """Checkpoints C1-C8 and whether all passed. ``health`` and ``bridge_problems`` are what
    ``vethlab_health`` found; they explain failed cells (each gets a ``why``)."""
    health, bridge_problems = health or {}, bridge_problems or []
    for cell in cells:
        if not cell.get("as_expected", True):
            cell["why"] = "%s; %s" % (cell.get("detail", ""), where_to_look(cell, health, bridge_problems))
    bridges = veths.get("bridges") or {}
    bridge_ipv4 = (bridges.get(bridge) or {}).get("ipv4") or []
    network = ipaddress.ip_interface(bridge_ipv4[0]).network if bridge_ipv4 else None
    interfaces = veths.get("containers") or {}
    pairs = veths.get("pairs") or []

    c1_detail = "%s %s" % (bridge, ", ".join(bridge_ipv4) if bridge_ipv4 else "has no IPv4 address")
    if bridge_problems:
        c1_detail = "on the host, %s (%s)" % ("; ".join(problem["is"] for problem in bridge_problems), c1_detail)
    results = [_checkpoint("C1", network is not None and not bridge_problems, c1_detail)]

    c2_ok, c2_detail = bool(containers), []
    c3_ok, c3_detail = bool(containers), []
    for name in containers:
        eth0 = next((iface for iface in interfaces.get(name, []) if iface["name"] == "eth0"), None)
        if eth0 is None:
            c2_ok = c3_ok = False
            c2_detail.append("%s: no eth0 (%s)" % (name, "not running" if name not in running else "no eth0 in ip addr"))
            c3_detail.append("%s: no eth0" % name)
            continue
        inside = [cidr for cidr in eth0["ipv4"] if network is not None and _in_subnet(cidr, network)]
        if eth0["peer_ifindex"] is None or not inside:
            c2_ok = False
            c2_detail.append("%s: %s %s, not in %s's subnet" % (name, eth0["header"], ", ".join(eth0["ipv4"]) or "no IPv4", bridge))
        else:
            c2_detail.append("%s: %s %s" % (name, eth0["header"], inside[0]))
        matches = [p for p in pairs if p["container"] == name and p["container_interface"] == "eth0"]
        if len(matches) != 1 or matches[0]["bridge"] != bridge:
            c3_ok = False
            where = matches[0]["bridge"] if matches else None
            c3_detail.append("%s: eth0 has %s" % (name, "no host veth naming it back" if not matches else "its veth on %s" % where))
        else:
            pair = matches[0]
            c3_detail.append(
                "%s: eth0@if%d \u21c4 %s@if%d (master %s)"
                % (name, pair["container_peer_ifindex"], pair["host_interface"], pair["host_peer_ifindex"], pair["bridge"])
            )
    results.append(_checkpoint("C2", c2_ok, "; ".join(c2_detail) or "no lab container"))
    results.append(_checkpoint("C3", c3_ok, "; ".join(c3_detail) or "no lab container"))

    lab_veths = sorted(p["host_interface"] for p in pairs if p["container"] in containers and p["bridge"] == bridge)
    running_lab = [name for name in containers if name in running]
    members = len((bridges.get(bridge) or {}).get("members") or [])
    results.append(
        _checkpoint(
            "C4",
            bool(running_lab) and len(lab_veths) == len(running_lab),
            "%d lab veths on %s (%s), %d lab containers running; %s has %d members in all"
            % (len(lab_veths), bridge, ", ".join(lab_veths) or "none", len(running_lab), bridge, members),
        )
    )

    for cid in REACHABILITY:
        mine = [cell for cell in cells if cell.get("checkpoint") == cid]
        failed = [cell for cell in mine if not cell.get("as_expected", cell.get("reachable") == cell.get("expected", True))]
        shown = failed or mine
        detail = "; ".join(_cell_line(cell) for cell in shown) if shown else "no cell was measured"
        results.append(_checkpoint(cid, bool(mine) and not failed, detail))

    return {"checkpoints": results, "passed": all(checkpoint["passed"] for checkpoint in results)}


def matrix(containers, addresses, bridge_address, primary_address):
    """The lesson's reachability cells for running containers with known addresses.

    ``addresses`` maps a container to its eth0 IPv4 address (no prefix).
    """
    cells = []
    for name in containers:
        if name in addresses:
            cells.append({"checkpoint": "C5", "source": "host", "target": name, "address": addresses[name], "expected": True})
    for name in containers:
        if name not in addresses:
            continue
        if bridge_address:
            cells.append({"checkpoint": "C6", "source": name, "target": "host (%s)" % bridge_address[1], "address": bridge_address[0]})
        if primary_address:
            cells.append({"checkpoint": "C7", "source": name, "target": "host (primary)", "address": primary_address})
        for other in containers:
            if other != name and other in addresses:
                cells.append({"checkpoint": "C8", "source": name, "target": other, "address": addresses[other]})
    for cell in cells:
        cell.setdefault("expected", True)
    order = {cid: position for position, cid in enumerate(REACHABILITY)}
    return sorted(cells, key=lambda cell: order[cell["checkpoint"]])
