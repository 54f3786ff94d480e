# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""The checkpoints' judges: each a small function from what was seen on the machine (a
vethlab_checkpoints.Seen) to (passed, detail parts), or, for a reachability checkpoint, to the
cells it owns (each a source, a target by address or by name, and the result the lesson expects).
The lessons' declarations (vethlab_lessons) name them, one line per checkpoint. Plain Python,
standard library only.
"""

from __future__ import annotations

import ipaddress

from .vethlab_texts import each_language, field, in_every_language, place

HOST = "host"
# Docker's embedded DNS server, which a container on a user network asks for names.
EMBEDDED_DNS = "127.0.0.11"


# --------------------------------------------------------------------------- judges


def _in(cidr, network):
    try:
        return network is not None and ipaddress.ip_interface(cidr).ip in network
    except ValueError:
        return False


def judge_bridge(_, seen):
    detail = [("detail.bridge", {"bridge": seen.bridge, "addresses": ", ".join(seen.bridge_ipv4)})]
    if not seen.bridge_ipv4:
        detail = [("detail.bridge_no_address", {"bridge": seen.bridge})]
    if seen.bridge_problems:
        problems = each_language(lambda lang: ", ".join(field(p, "is", lang) for p in seen.bridge_problems))
        detail = [("detail.bridge_problems", {"problems": problems, "detail": in_every_language(detail)})]
    return seen.network is not None and not seen.bridge_problems, detail


def judge_addresses(_, seen):
    passed, detail = bool(seen.containers), []
    for name in seen.containers:
        eth0 = seen.interface(name)
        if eth0 is None:
            passed = False
            detail.append(("detail.no_eth0", {"container": name, "why": in_every_language([seen.why_no_interface(name)])}))
            continue
        inside = [cidr for cidr in eth0["ipv4"] if _in(cidr, seen.network)]
        if eth0["peer_ifindex"] is None or not inside:
            passed = False
            addresses = ", ".join(eth0["ipv4"]) or in_every_language([("detail.no_ipv4", {})])
            detail.append(
                ("detail.eth0_outside", {"container": name, "header": eth0["header"], "addresses": addresses, "bridge": seen.bridge})
            )
        else:
            detail.append(("detail.eth0_address", {"container": name, "header": eth0["header"], "address": inside[0]}))
    return passed, detail or [("detail.no_container", {})]


def judge_pairs(_, seen):
    passed, detail = bool(seen.containers), []
    for name in seen.containers:
        if seen.interface(name) is None:
            passed = False
            detail.append(("detail.no_eth0", {"container": name, "why": in_every_language([seen.why_no_interface(name)])}))
            continue
        matches = seen.pairs_of(name)
        if len(matches) != 1 or matches[0]["bridge"] != seen.bridge:
            passed = False
            if matches:
                detail.append(("detail.pair_elsewhere", {"container": name, "interface": "eth0", "where": matches[0]["bridge"]}))
            else:
                detail.append(("detail.no_pair", {"container": name, "interface": "eth0"}))
            continue
        pair = matches[0]
        detail.append(
            (
                "detail.pair",
                {
                    "container": name,
                    "interface": "eth0",
                    "peer": pair["container_peer_ifindex"],
                    "veth": pair["host_interface"],
                    "ifindex": pair["host_peer_ifindex"],
                    "bridge": pair["bridge"],
                },
            )
        )
    return passed, detail or [("detail.no_container", {})]


def judge_veth_count(checkpoint, seen):
    pairs = seen.veths.get("pairs") or []
    lab_veths = sorted(p["host_interface"] for p in pairs if p["container"] in seen.containers and p["bridge"] == seen.bridge)
    running = [name for name in seen.containers if name in seen.running]
    members = len(((seen.veths.get("bridges") or {}).get(seen.bridge) or {}).get("members") or [])
    values = {
        "count": len(lab_veths),
        "bridge": seen.bridge,
        "veths": ", ".join(lab_veths) or in_every_language([("detail.none", {})]),
        "running": len(running),
        "members": members,
    }
    stopped = _stopped(seen.not_running(checkpoint.lesson))
    return bool(running) and not stopped and len(lab_veths) == len(running), [*stopped, ("detail.veth_count", values)]


def _stopped(containers):
    """A detail for each container the checkpoint's lesson needs that does not run: such a checkpoint
    fails, whatever else was seen (a stopped container's cells cannot be asked)."""
    return [("detail.not_running_state", {"container": name, "state": state}) for name, state in containers]


def judge_packet_path(checkpoint, seen):
    """The packet itself: each of the lesson's captured pings took the lesson's way, hop by hop
    (vethlab_capture.judge_path, computed once by the verify step; the reports read the same result)."""
    paths = [path for path in seen.packet_path or [] if path["lesson"] == checkpoint.lesson]
    stopped = _stopped(seen.not_running(checkpoint.lesson))
    if not paths:
        return False, stopped or [("path.none", {})]
    return not stopped and all(path["passed"] for path in paths), stopped + [part for path in paths for part in path["parts"]]


def judge_cells(checkpoint, seen):
    """A reachability checkpoint: it passes when every cell it owns is as the lesson expects."""
    mine = [cell for cell in seen.cells if cell.get("checkpoint") == checkpoint.id]
    failed = [cell for cell in mine if not cell.get("passed")]
    stopped = _stopped(seen.not_running(checkpoint.lesson))
    # A running container without an address has no cell to ask: its pings fail the checkpoint, not vanish from it.
    stopped += [
        ("detail.shared_no_cells", {"container": name, "why": in_every_language([seen.why_no_interface(name)])})
        if name in seen.shared
        else ("detail.no_address_no_cells", {"container": name})
        for name in seen.without_address(checkpoint.lesson)
    ]
    shown = failed or mine
    if not shown:
        return False, stopped or [("detail.no_cell", {})]
    return bool(mine) and not failed and not stopped, stopped + [("detail.cell", _cell_values(cell)) for cell in shown]


def _cell_values(cell):
    """A cell as a checkpoint's detail shows it: its way and its result (why it failed, when it did)."""
    result = "why" if cell.get("why") else "detail"
    return {
        "source": each_language(lambda lang: place(cell["source"], lang)),
        "target": each_language(lambda lang: place(cell["target"], lang)),
        "address": " (%s)" % cell["address"] if cell.get("address") else "",
        "result": each_language(lambda lang: field(cell, result, lang)),
    }


# --------------------------------------------------------------------------- cells


def cells_host_to_containers(seen):
    return [
        {"source": HOST, "target": name, "address": seen.eth0_address(name), "expected": "reachable"}
        for name in seen.containers
        if seen.eth0_address(name)
    ]


def cells_containers_to_bridge(seen):
    if not seen.bridge_ipv4:
        return []
    address = seen.bridge_ipv4[0].split("/", 1)[0]
    target = "host (%s)" % seen.bridge
    return [
        {"source": name, "target": target, "address": address, "expected": "reachable"}
        for name in seen.containers
        if seen.eth0_address(name)
    ]


def cells_containers_to_outside(seen):
    if not seen.primary:
        return []
    return [
        {"source": name, "target": "host (primary)", "address": seen.primary, "expected": "reachable"}
        for name in seen.containers
        if seen.eth0_address(name)
    ]


def cells_containers_to_each_other(seen):
    return [
        {"source": name, "target": other, "address": seen.eth0_address(other), "expected": "reachable"}
        for name in seen.containers
        for other in seen.containers
        if other != name and seen.eth0_address(name) and seen.eth0_address(other)
    ]


def nameservers(text):
    """The nameserver addresses of a resolv.conf, in order."""
    return [line.split()[1] for line in (text or "").splitlines() if line.startswith("nameserver") and len(line.split()) > 1]


def resolver_problem(source, seen):
    """Why ``source`` (a container on docker0) does not ask the resolver the lesson expects, as message parts
    (empty: it does): the one Docker gave it - the host's, or the --dns it was started with - never Docker's
    embedded DNS, which serves names only on a user-defined network."""
    text = seen.file(source, "/etc/resolv.conf")
    if text is None:
        return [("cell.resolver_unread", {"source": source})]
    servers = nameservers(text)
    if not servers:
        return [("cell.resolver_none", {"source": source})]
    if EMBEDDED_DNS in servers:
        return [("cell.resolver_embedded", {"source": source, "servers": ", ".join(servers)})]
    wanted = list((seen.inspected.get(source) or {}).get("dns") or [])
    if wanted and servers != wanted:
        return [("cell.resolver_not_configured", {"source": source, "servers": ", ".join(servers), "wanted": " --dns ".join(wanted)})]
    return []


def _must_fail(cell, seen):
    """A cell that must fail, with its control: its source (a container on docker0) must reach its own
    gateway, docker0's address, in the same run - else the cell is error, not passed. A name cell's source
    must also ask the resolver the lesson expects; when it does not, the cell is ``unfit`` (error, not pinged)."""
    gateway = seen.bridge_ipv4[0].split("/", 1)[0] if seen.bridge_ipv4 else None
    cell = dict(cell, control=gateway) if gateway else cell
    unfit = resolver_problem(cell["source"], seen) if cell.get("name") else []
    return dict(cell, unfit=unfit) if unfit else cell


def cells_name_on_the_default_bridge(seen):
    """The course's first surprise: on the default bridge, a container's name does not resolve."""
    if len(seen.containers) < 2 or not all(seen.eth0_address(name) for name in seen.containers[:2]):
        return []  # both on docker0, each with an address of its own: else the name's failing proves nothing
    first, second = seen.containers[0], seen.containers[1]
    return [_must_fail({"source": second, "target": first, "name": first, "expected": "unresolved"}, seen)]


def _linked(seen):
    return bool(seen.link_container and seen.eth0_address(seen.link_container) and seen.eth0_address(seen.link_target))


def cells_link_forward(seen):
    """The linking container reaches the linked one by name."""
    if not _linked(seen):
        return []
    return [{"source": seen.link_container, "target": seen.link_target, "name": seen.link_target, "expected": "reachable"}]


def cells_link_back(seen):
    """The linked container cannot resolve the linking one: --link is one-way."""
    if not _linked(seen):
        return []
    return [
        _must_fail({"source": seen.link_target, "target": seen.link_container, "name": seen.link_container, "expected": "unresolved"}, seen)
    ]


def _link_record(seen):
    """Docker's record of --link (HostConfig.Links): the caller linked to the target, and not the other way."""
    caller, target = seen.link_container, seen.link_target
    forward, back = seen.links_of(caller), seen.links_of(target)
    if forward is None or target not in forward:
        return False, [("detail.link_not_recorded", {"container": caller, "name": target})]
    if back and caller in back:
        return False, [("detail.link_recorded_back", {"container": target, "name": caller})]
    return True, [("detail.link_recorded", {"container": caller, "name": target})]


def judge_link_cells(checkpoint, seen):
    """A --link cell checkpoint: its cells as the lesson expects them, and Docker's record of the link agreeing."""
    recorded, said = _link_record(seen)
    passed, detail = judge_cells(checkpoint, seen)
    return passed and recorded, (said if not recorded else []) + detail


def judge_link_hosts(_, seen):
    """--link writes the caller's /etc/hosts: alpine03's holds alpine02's address and name, alpine02's no alpine03;
    and Docker recorded the link (HostConfig.Links): a hosts file edited by hand is not --link."""
    recorded, said = _link_record(seen)
    passed, detail = _link_hosts_files(seen)
    return passed and recorded, detail + said


def _link_hosts_files(seen):
    caller, target = seen.link_container, seen.link_target
    address = seen.eth0_address(target)
    theirs, ours = seen.file(caller, "/etc/hosts"), seen.file(target, "/etc/hosts")
    if theirs is None or ours is None or address is None:
        return False, [("detail.file_missing", {"container": caller if theirs is None else target, "path": "/etc/hosts"})]
    lines = [line.split() for line in theirs.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    has_target = any(words[0] == address and target in words[1:] for words in lines)
    back = any(seen.link_container in line.split()[1:] for line in ours.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    detail = [
        ("detail.hosts_line" if has_target else "detail.hosts_no_line", {"container": caller, "name": target, "address": address}),
        ("detail.hosts_line_back" if back else "detail.hosts_no_line_back", {"container": target, "name": caller}),
    ]
    return has_target and not back, detail


def judge_custom_bridge(_, seen):
    """docker network create made a bridge br-<id> on the host, up, holding the gateway."""
    if not seen.custom:
        return False, [("detail.no_network", {})]
    name, gateway = seen.custom["name"], seen.custom["gateway"]
    bridge = (seen.veths.get("bridges") or {}).get(seen.custom_bridge or "")
    if bridge is None:
        return False, [
            ("detail.no_bridge_for_network", {"network": name, "bridge": seen.custom_bridge or "br-?"}),
            *_network_record(seen)[1],
        ]
    holds = any(cidr.split("/", 1)[0] == gateway for cidr in bridge.get("ipv4") or [])
    up = "UP" in (bridge.get("flags") or [])
    values = {"network": name, "bridge": seen.custom_bridge, "addresses": ", ".join(bridge.get("ipv4") or []) or "-", "gateway": gateway}
    recorded, said = _network_record(seen)
    return holds and up and recorded, [("detail.network_bridge" if holds and up else "detail.network_bridge_wrong", values), *said]


def _network_record(seen):
    """Docker's record of the custom network agrees with the lesson: a bridge network with the subnet and gateway asked."""
    record, custom = seen.custom_record or {}, seen.custom
    found = {"driver": record.get("driver") or "-", "subnet": record.get("subnet") or "-", "gateway": record.get("gateway") or "-"}
    wanted = {"driver": "bridge", "subnet": custom["subnet"], "gateway": custom["gateway"]}
    wrong = [key for key in ("driver", "subnet", "gateway") if str(found[key]) != str(wanted[key])]
    if wrong:
        mismatch = ", ".join("%s %s (the lesson: %s)" % (key, found[key], wanted[key]) for key in wrong)
        return False, [("detail.network_record_wrong", {"network": custom["name"], "mismatch": mismatch})]
    return True, [("detail.network_record", dict(found, network=custom["name"]))]


def judge_custom_pairs(_, seen):
    """Each container of the custom network: eth0 with an address in its subnet, paired with a veth on br-<id>."""
    if not seen.custom or not seen.net_containers:
        return False, [("detail.no_network", {})]
    subnet = ipaddress.ip_network(seen.custom["subnet"])
    passed, detail = True, []
    for name in seen.net_containers:
        eth0, pairs = seen.interface(name), seen.pairs_of(name)
        inside = [cidr for cidr in (eth0 or {}).get("ipv4", []) if _in(cidr, subnet)]
        if eth0 is None or not inside or len(pairs) != 1 or pairs[0]["bridge"] != seen.custom_bridge:
            passed = False
            where = pairs[0]["bridge"] if pairs else "-"
            detail.append(
                (
                    "detail.net_pair_wrong",
                    {"container": name, "subnet": str(subnet), "bridge": seen.custom_bridge or "br-?", "where": where},
                )
            )
        else:
            pair = pairs[0]
            detail.append(
                ("detail.net_pair", {"container": name, "address": inside[0], "veth": pair["host_interface"], "bridge": pair["bridge"]})
            )
        # Docker's record of the network lists the container with the address the kernel shows.
        recorded = ((seen.custom_record or {}).get("containers") or {}).get(name)
        if recorded is None or (inside and recorded.split("/", 1)[0] != inside[0].split("/", 1)[0]):
            passed = False
            detail.append(
                ("detail.net_member_not_recorded", {"container": name, "network": seen.custom["name"], "recorded": recorded or "-"})
            )
    return passed, detail


def cells_custom_by_name(seen):
    if len(seen.net_containers) < 2:
        return []
    first, second = seen.net_containers[0], seen.net_containers[1]
    return [
        {"source": first, "target": second, "name": second, "expected": "reachable"},
        {"source": second, "target": first, "name": first, "expected": "reachable"},
    ]


def _on_network(seen, names):
    """Docker's record: the custom network exists and lists each of ``names`` (False, and why, when not)."""
    if not seen.custom_record:
        return False, [("detail.no_network_recorded", {"network": (seen.custom or {}).get("name") or "-"})]
    members = seen.custom_record.get("containers") or {}
    missing = [name for name in names if name not in members]
    if missing:
        network = seen.custom["name"]
        return False, [("detail.net_member_not_recorded", {"container": name, "network": network, "recorded": "-"}) for name in missing]
    return True, []


def judge_custom_cells(checkpoint, seen):
    """A name cell checkpoint of the custom network: its cells as the lesson expects them, and Docker's record of
    the network with both containers on it (two hosts files edited by hand make no network)."""
    recorded, said = _on_network(seen, seen.net_containers[:2])
    passed, detail = judge_cells(checkpoint, seen)
    return passed and recorded, said + detail


def judge_embedded_dns(_, seen):
    """On a user network, a container asks Docker's embedded DNS server (127.0.0.11) for names: Docker's record puts
    it on the network, its resolv.conf names the server, and the server, asked from inside its namespace by the judge,
    answered the other container's name (C15's cell, resolved by DNS)."""
    passed, detail = _on_network(seen, seen.net_containers)
    passed = passed and bool(seen.net_containers)
    for name in seen.net_containers:
        servers = nameservers(seen.file(name, "/etc/resolv.conf"))
        asked = [cell for cell in seen.cells if cell.get("checkpoint") == "C15" and cell["source"] == name]
        answered = [cell for cell in asked if cell.get("resolved_by") == "dns" and cell.get("address") in seen.addresses_of(cell["target"])]
        passed = passed and EMBEDDED_DNS in servers and bool(asked) and len(answered) == len(asked)
        detail.append(("detail.nameservers", {"container": name, "servers": ", ".join(servers) or "-"}))
        for cell in asked:
            key = "detail.dns_answered" if cell in answered else "detail.dns_not_answered"
            detail.append((key, {"container": name, "name": cell["name"], "address": cell.get("address") or "-"}))
    return passed, detail or [("detail.no_network", {})]


def cells_isolation(seen):
    """A container on docker0 gets no reply from one on the custom network: Docker isolates the bridges."""
    if len(seen.containers) < 2 or not seen.net_containers:
        return []
    source, target = seen.containers[1], seen.net_containers[0]
    address = seen.eth0_address(target)
    if not (address and seen.eth0_address(source)):
        return []
    return [_must_fail({"source": source, "target": target, "address": address, "expected": "unreachable"}, seen)]


def judge_two_interfaces(_, seen):
    """Connected, the container has two interfaces, each one end of a veth pair on its own bridge."""
    name = seen.connect
    if not name or not seen.custom_bridge:
        return False, [("detail.no_network", {})]
    # Docker's record: the container is on both networks (an interface shown by a program of its own is not).
    joined = ((seen.inspected.get(name) or {}).get("networks")) or []
    missing = [network for network in ("bridge", seen.custom["name"]) if network not in joined]
    passed = not missing
    detail = [("detail.not_connected_recorded", {"container": name, "network": network}) for network in missing]
    mine = [p for p in seen.veths.get("pairs") or [] if p["container"] == name]
    for bridge in (seen.bridge, seen.custom_bridge):
        pairs = [p for p in mine if p["bridge"] == bridge]
        if len(pairs) != 1:
            passed = False
            detail.append(("detail.no_pair_on", {"container": name, "bridge": bridge}))
            continue
        pair = pairs[0]
        interface = pair["container_interface"]
        values = {"container": name, "interface": interface, "peer": pair["container_peer_ifindex"], "veth": pair["host_interface"]}
        detail.append(("detail.pair", dict(values, ifindex=pair["host_peer_ifindex"], bridge=pair["bridge"])))
    return passed, detail


def cells_connected_by_name(seen):
    if not (seen.connect and seen.net_containers):
        return []
    return [{"source": seen.connect, "target": seen.net_containers[0], "name": seen.net_containers[0], "expected": "reachable"}]


def cells_not_connected_by_name(seen):
    if len(seen.containers) < 2 or not seen.net_containers:
        return []
    source = seen.containers[1]
    return [
        _must_fail({"source": source, "target": seen.net_containers[0], "name": seen.net_containers[0], "expected": "unresolved"}, seen)
    ]
