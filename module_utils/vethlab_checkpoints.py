# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""The lessons' checkpoints: one table, each entry data plus one small judge.

An entry is an id, its lesson, a title, what the student reads when it passes and when it
fails (in every language the reports speak), and a judge: a function from what was seen on the
machine to (passed, detail parts). A reachability checkpoint also names the cells it owns: a
function from what was seen to the cells to ping. Adding a checkpoint is adding one entry (and
its judge or cells); the modules, the reports and the templates read the ids from here.
Plain Python, standard library only.
"""

from __future__ import annotations

import ipaddress

from .vethlab_lessons import names, plan
from .vethlab_texts import each_language, field, in_every_language, localized, place

HOST = "host"
# Docker's embedded DNS server, which a container on a user network asks for names.
EMBEDDED_DNS = "127.0.0.11"


class Seen:
    """What a judge looks at: the observation (lab_observe), the run's plan and the cells pinged.

    ``run_plan`` is the plan of vethlab_lessons, or just the docker0 lesson's container names.
    """

    def __init__(self, observed, run_plan, bridge="docker0", cells=(), primary=None):
        if isinstance(run_plan, (list, tuple)):
            run_plan = plan(["docker0"], list(run_plan))
        self.plan = run_plan
        self.veths = observed.get("veths") or {}
        self.running = list(observed.get("running") or [])
        self.health = observed.get("health") or {}
        self.files = observed.get("files") or {}
        self.bridge_problems = (observed.get("bridge_problems") or {}).get(bridge) or []
        self.containers = names(run_plan, "docker0")
        links = [entry for entry in run_plan["containers"] if entry["lesson"] == "link"]
        self.link_container, self.link_target = (links[0]["name"], links[0]["links"][0]) if links else (None, None)
        self.net_containers = names(run_plan, "network")
        self.custom = run_plan.get("network")
        found = (observed.get("networks") or {}).get((self.custom or {}).get("name")) or {}
        self.custom_bridge = found.get("bridge")
        self.connect = run_plan.get("connect")
        self.bridge = bridge
        self.bridge_ipv4 = ((self.veths.get("bridges") or {}).get(bridge) or {}).get("ipv4") or []
        self.network = ipaddress.ip_interface(self.bridge_ipv4[0]).network if self.bridge_ipv4 else None
        self.primary = primary
        self.cells = list(cells)

    def interface(self, container, name="eth0"):
        return next((iface for iface in (self.veths.get("containers") or {}).get(container, []) if iface["name"] == name), None)

    def pairs_of(self, container, name="eth0"):
        return [p for p in self.veths.get("pairs") or [] if p["container"] == container and p["container_interface"] == name]

    def eth0_address(self, container, name="eth0"):
        """The container's IPv4 address on an interface (no prefix), when it runs and has one."""
        found = self.interface(container, name) if container in self.running else None
        return found["ipv4"][0].split("/", 1)[0] if found and found["ipv4"] else None

    def file(self, container, path):
        """A file read in a running container, or None."""
        return (self.files.get(container) or {}).get(path)


class Checkpoint:
    """One checkpoint: its id and lesson, its texts ({language: text}) and its judge; or, for a
    reachability checkpoint, the cells it owns (it passes when each of them does)."""

    def __init__(self, cid, lesson, title, passed, failed, judge=None, cells=None):
        self.id, self.lesson, self.title, self.passed, self.failed = cid, lesson, title, passed, failed
        self.cells = cells
        self.judge = judge or _judge_cells

    def result(self, seen):
        passed, detail = self.judge(self, seen)
        texts = localized(title=[self.title], text=[self.passed if passed else self.failed], detail=detail)
        return dict({"id": self.id, "lesson": self.lesson, "passed": bool(passed)}, **texts)


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
            why = "detail.not_running" if name not in seen.running else "detail.no_eth0_in_ip_addr"
            detail.append(("detail.no_eth0", {"container": name, "why": in_every_language([(why, {})])}))
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
            detail.append(("detail.no_eth0", {"container": name, "why": in_every_language([("detail.no_eth0_in_ip_addr", {})])}))
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


def judge_veth_count(_, seen):
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
    return bool(running) and len(lab_veths) == len(running), [("detail.veth_count", values)]


def _judge_cells(checkpoint, seen):
    mine = [cell for cell in seen.cells if cell.get("checkpoint") == checkpoint.id]
    failed = [cell for cell in mine if not cell.get("passed")]
    shown = failed or mine
    if not shown:
        return False, [("detail.no_cell", {})]
    return bool(mine) and not failed, [("detail.cell", _cell_values(cell)) for cell in shown]


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


def cells_name_on_the_default_bridge(seen):
    """The course's first surprise: on the default bridge, a container's name does not resolve."""
    if len(seen.containers) < 2 or not seen.eth0_address(seen.containers[1]):
        return []
    first, second = seen.containers[0], seen.containers[1]
    return [{"source": second, "target": first, "name": first, "expected": "unresolved"}]


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
    return [{"source": seen.link_target, "target": seen.link_container, "name": seen.link_container, "expected": "unresolved"}]


def judge_link_hosts(_, seen):
    """--link writes the caller's /etc/hosts: alpine03's holds alpine02's address and name, alpine02's no alpine03."""
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
        return False, [("detail.no_bridge_for_network", {"network": name, "bridge": seen.custom_bridge or "br-?"})]
    holds = any(cidr.split("/", 1)[0] == gateway for cidr in bridge.get("ipv4") or [])
    up = "UP" in (bridge.get("flags") or [])
    values = {"network": name, "bridge": seen.custom_bridge, "addresses": ", ".join(bridge.get("ipv4") or []) or "-", "gateway": gateway}
    return holds and up, [("detail.network_bridge" if holds and up else "detail.network_bridge_wrong", values)]


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
    return passed, detail


def cells_custom_by_name(seen):
    if len(seen.net_containers) < 2:
        return []
    first, second = seen.net_containers[0], seen.net_containers[1]
    return [
        {"source": first, "target": second, "name": second, "expected": "reachable"},
        {"source": second, "target": first, "name": first, "expected": "reachable"},
    ]


def judge_embedded_dns(_, seen):
    """On a user network, a container asks Docker's embedded DNS server (127.0.0.11) for names."""
    passed, detail = bool(seen.net_containers), []
    for name in seen.net_containers:
        text = seen.file(name, "/etc/resolv.conf")
        servers = [line.split()[1] for line in (text or "").splitlines() if line.startswith("nameserver") and len(line.split()) > 1]
        ok = EMBEDDED_DNS in servers
        passed = passed and ok
        detail.append(("detail.nameservers", {"container": name, "servers": ", ".join(servers) or "-"}))
    return passed, detail or [("detail.no_network", {})]


def cells_isolation(seen):
    """A container on docker0 gets no reply from one on the custom network: Docker isolates the bridges."""
    if len(seen.containers) < 2 or not seen.net_containers:
        return []
    source, target = seen.containers[1], seen.net_containers[0]
    address = seen.eth0_address(target)
    if not (address and seen.eth0_address(source)):
        return []
    return [{"source": source, "target": target, "address": address, "expected": "unreachable"}]


def judge_two_interfaces(_, seen):
    """Connected, the container has two interfaces, each one end of a veth pair on its own bridge."""
    name = seen.connect
    if not name or not seen.custom_bridge:
        return False, [("detail.no_network", {})]
    passed, detail = True, []
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
    return [{"source": source, "target": seen.net_containers[0], "name": seen.net_containers[0], "expected": "unresolved"}]


# --------------------------------------------------------------------------- the table


def _t(en, zh):
    return {"en": en, "zh": zh}


CHECKPOINTS = (
    Checkpoint(
        "C1",
        "docker0",
        _t("The host has the docker0 bridge, up, with an IPv4 address", "主机上有 docker0 网桥，处于开启状态，并有 IPv4 地址"),
        _t(
            "Installing Docker created the docker0 bridge; it is the gateway of every container on the default network.",
            "安装 Docker 时创建了 docker0 网桥；它是默认网络上每个容器的网关。",
        ),
        _t(
            "No docker0 that is up with an IPv4 address: is the Docker engine running, with its default bridge enabled,"
            " and did someone take the bridge down (ip link set docker0 down)? The lab does not change the host's network.",
            "没有一个开启且带 IPv4 地址的 docker0：Docker 引擎在运行吗？默认网桥启用了吗？是不是有人把网桥关掉了"
            "（ip link set docker0 down）？实验不会修改主机的网络。",
        ),
        judge=judge_bridge,
    ),
    Checkpoint(
        "C2",
        "docker0",
        _t("Each container has an eth0@ifN with an address inside docker0's subnet", "每个容器都有一个 eth0@ifN，地址在 docker0 的子网内"),
        _t(
            "Docker gave each container an eth0 and an address from docker0's subnet; @ifN names the other end of its cable.",
            "Docker 给每个容器分配了一个 eth0 和 docker0 子网中的地址；@ifN 指出了这根“网线”另一端的编号。",
        ),
        _t(
            "A container lacks eth0@ifN or an address in docker0's subnet: is it running, on the default bridge?",
            "有容器缺少 eth0@ifN，或没有 docker0 子网中的地址：它在运行吗？在默认网桥上吗？",
        ),
        judge=judge_addresses,
    ),
    Checkpoint(
        "C3",
        "docker0",
        _t(
            "Each container's eth0 pairs with exactly one host veth on docker0, the indexes crossing over",
            "每个容器的 eth0 都与主机上 docker0 中的一个 veth 成对，编号交叉对应",
        ),
        _t(
            "eth0@ifN in the container and vethX@ifM on the host name each other: the two ends of one veth pair, the host end on docker0.",
            "容器里的 eth0@ifN 和主机上的 vethX@ifM 互相指向对方：它们是同一个 veth-pair 的两端，主机一端接在 docker0 上。",
        ),
        _t(
            "A container's eth0 has no single host veth naming it back, or that veth is not on docker0.",
            "有容器的 eth0 找不到唯一一个互相对应的主机 veth，或者那个 veth 不在 docker0 上。",
        ),
        judge=judge_pairs,
    ),
    Checkpoint(
        "C4",
        "docker0",
        _t(
            "The number of lab veths on docker0 equals the number of running lab containers",
            "docker0 上实验 veth 的数量等于运行中的实验容器数量",
        ),
        _t(
            "One container, one veth pair: every running container adds exactly one veth to docker0.",
            "一个容器，一对 veth：每个运行中的容器恰好给 docker0 增加一个 veth。",
        ),
        _t(
            "The counts differ: a container is stopped, or a veth is left over or missing.",
            "数量不一致：有容器停止了，或者有多余或缺失的 veth。",
        ),
        judge=judge_veth_count,
    ),
    Checkpoint(
        "C5",
        "docker0",
        _t("The host reaches each container", "主机能 ping 通每个容器"),
        _t(
            "The host reaches each container's address through docker0 and the veth pair.",
            "主机通过 docker0 和 veth-pair 到达每个容器的地址。",
        ),
        _t("The host cannot reach a container: look at the failed cells below.", "主机无法到达某个容器：请查看下面未通过的连通性单元。"),
        cells=cells_host_to_containers,
    ),
    Checkpoint(
        "C6",
        "docker0",
        _t("Each container reaches the host (docker0's address)", "每个容器都能 ping 通主机（docker0 的地址）"),
        _t("Each container reaches its gateway, docker0's address on the host.", "每个容器都能到达它的网关，即主机上 docker0 的地址。"),
        _t(
            "A container cannot reach docker0's address: look at the failed cells below.",
            "有容器无法到达 docker0 的地址：请查看下面未通过的连通性单元。",
        ),
        cells=cells_containers_to_bridge,
    ),
    Checkpoint(
        "C7",
        "docker0",
        _t(
            "Each container reaches the host's primary address (the lesson's 'outside')",
            "每个容器都能 ping 通主机的主地址（课程中的“外界”）",
        ),
        _t(
            "Each container reaches beyond docker0: the host routes its traffic to the host's own primary address.",
            "每个容器都能到达 docker0 之外：主机把它的流量路由到主机自己的主地址。",
        ),
        _t(
            "A container cannot reach the host's primary address: look at the failed cells below (forwarding, firewall?).",
            "有容器无法到达主机的主地址：请查看下面未通过的连通性单元（转发？防火墙？）。",
        ),
        cells=cells_containers_to_outside,
    ),
    Checkpoint(
        "C8",
        "docker0",
        _t("The containers reach each other", "容器之间能互相 ping 通"),
        _t(
            "Containers on the same bridge reach each other: docker0 switches between their veths.",
            "同一网桥上的容器可以互相到达：docker0 在它们的 veth 之间转发。",
        ),
        _t(
            "Two containers cannot reach each other: look at the failed cells below (inter-container traffic disabled?).",
            "有两个容器无法互相到达：请查看下面未通过的连通性单元（容器间通信被禁用了？）。",
        ),
        cells=cells_containers_to_each_other,
    ),
)
CHECKPOINTS += (
    Checkpoint(
        "C9",
        "docker0",
        _t("On the default bridge, a container cannot reach another by its name", "在默认网桥上，容器无法通过名字访问另一个容器"),
        _t(
            "A container on the default bridge cannot resolve another's name: docker0 offers no name service between"
            " containers; they reach each other by address only.",
            "默认网桥上的容器无法解析另一个容器的名字：docker0 不为容器之间提供名字解析，容器之间只能通过 IP 地址访问。",
        ),
        _t(
            "The name resolved on the default bridge: is there an /etc/hosts entry, a --link, or a DNS server answering for it?",
            "在默认网桥上名字被解析了：是不是 /etc/hosts 里有这一项、用了 --link，或者有 DNS 服务器替它回答？",
        ),
        cells=cells_name_on_the_default_bridge,
    ),
    Checkpoint(
        "C10",
        "link",
        _t("With --link, the linking container reaches the linked one by name", "使用 --link 后，发起链接的容器能通过名字访问被链接的容器"),
        _t(
            "--link wrote the linked container's name and address into the caller's /etc/hosts, so its name resolves there.",
            "--link 把被链接容器的名字和地址写进了发起者的 /etc/hosts，所以在发起者里这个名字可以解析。",
        ),
        _t(
            "The linking container cannot reach the linked one by name: was it started with --link, after the linked container?",
            "发起链接的容器无法通过名字访问被链接的容器：它是用 --link 启动的吗？是在被链接容器之后启动的吗？",
        ),
        cells=cells_link_forward,
    ),
    Checkpoint(
        "C11",
        "link",
        _t("--link is one-way: the linked container cannot resolve the linking one", "--link 是单向的：被链接的容器无法解析发起链接的容器"),
        _t(
            "Only the caller's hosts file was written: the other way round the name does not resolve. --link is legacy;"
            " a custom network (the next chapter) gives names both ways.",
            "只有发起者的 hosts 文件被修改：反过来这个名字无法解析。--link 已是过时的用法；自定义网络（下一章）让名字双向可用。",
        ),
        _t(
            "The linked container resolved the caller's name: were they linked both ways, or do they share a custom network?",
            "被链接的容器解析到了发起者的名字：是不是互相都做了链接，或者它们在同一个自定义网络上？",
        ),
        cells=cells_link_back,
    ),
    Checkpoint(
        "C12",
        "link",
        _t(
            "/etc/hosts shows how --link works: the caller's holds the linked container, the other's does not",
            "/etc/hosts 揭示了 --link 的原理：发起者的文件里有被链接的容器，另一方的没有",
        ),
        _t(
            "--link writes the caller's /etc/hosts only: one line with the linked container's address and name.",
            "--link 只修改发起者的 /etc/hosts：加入一行被链接容器的地址和名字。",
        ),
        _t(
            "The hosts files are not as --link leaves them: look at both containers' /etc/hosts.",
            "hosts 文件不是 --link 留下的样子：请查看两个容器的 /etc/hosts。",
        ),
        judge=judge_link_hosts,
    ),
    Checkpoint(
        "C13",
        "network",
        _t(
            "docker network create made a bridge br-<id> on the host, up, holding the gateway",
            "docker network create 在主机上创建了一个网桥 br-<id>，处于开启状态，并持有网关地址",
        ),
        _t(
            "A custom network is a bridge of its own, named br- and the start of the network's id; its gateway is the host's"
            " address on it.",
            "自定义网络是一个独立的网桥，名字是 br- 加上网络 id 的开头；网关就是主机在这个网桥上的地址。",
        ),
        _t(
            "The custom network's bridge is missing, down, or not holding the gateway: look at docker network inspect and ip addr"
            " on the host.",
            "自定义网络的网桥不存在、处于关闭状态，或者没有网关地址：请查看 docker network inspect 和主机上的 ip addr。",
        ),
        judge=judge_custom_bridge,
    ),
    Checkpoint(
        "C14",
        "network",
        _t(
            "Each container of the custom network has an address in its subnet and a veth on its bridge",
            "自定义网络中的每个容器都有该子网内的地址，并有一个接在该网桥上的 veth",
        ),
        _t(
            "The same veth pair as on docker0, only the host end is master br-<id>.",
            "和 docker0 上一样是 veth-pair，只是主机一端的 master 是 br-<id>。",
        ),
        _t(
            "A container of the custom network has no address in its subnet, or its veth is not on its bridge.",
            "自定义网络中有容器没有该子网内的地址，或者它的 veth 不在这个网桥上。",
        ),
        judge=judge_custom_pairs,
    ),
    Checkpoint(
        "C15",
        "network",
        _t("On a custom network, containers reach each other by name", "在自定义网络上，容器之间可以通过名字互相访问"),
        _t(
            "Docker's embedded DNS answers for every container of a custom network, both ways: no --link needed.",
            "Docker 内置的 DNS 为自定义网络中的每个容器应答，双向都可以：不需要 --link。",
        ),
        _t(
            "Two containers of the custom network cannot reach each other by name: look at the failed cells below.",
            "自定义网络中有两个容器无法通过名字互相访问：请查看下面未通过的连通性单元。",
        ),
        cells=cells_custom_by_name,
    ),
    Checkpoint(
        "C16",
        "network",
        _t("Their /etc/resolv.conf names Docker's embedded DNS, 127.0.0.11", "它们的 /etc/resolv.conf 指向 Docker 内置 DNS 127.0.0.11"),
        _t(
            "On a custom network a container asks 127.0.0.11, Docker's embedded DNS server, which knows its neighbours' names.",
            "在自定义网络中，容器向 127.0.0.11（Docker 内置的 DNS 服务器）查询名字，它知道同一网络中其他容器的名字。",
        ),
        _t(
            "A container of the custom network does not ask 127.0.0.11: was it started on the network (--net)?",
            "自定义网络中有容器没有使用 127.0.0.11：它是用 --net 启动在这个网络上的吗？",
        ),
        judge=judge_embedded_dns,
    ),
    Checkpoint(
        "C17",
        "network",
        _t("A container on docker0 cannot reach a container on the custom network", "docker0 上的容器无法访问自定义网络上的容器"),
        _t(
            "Docker isolates its bridges from each other: different networks, no traffic between them, even by address.",
            "Docker 会把不同的网桥相互隔离：不同网络之间即使用 IP 地址也不通。",
        ),
        _t(
            "A container on docker0 got a reply from the custom network: the bridges' isolation is off.",
            "docker0 上的容器收到了自定义网络的回复：网桥之间的隔离被关闭了。",
        ),
        cells=cells_isolation,
    ),
    Checkpoint(
        "C18",
        "connect",
        _t(
            "docker network connect gave the container a second interface, each on its own bridge",
            "docker network connect 给容器加了第二块网卡，两块网卡各接在自己的网桥上",
        ),
        _t(
            "One container, two veth pairs: eth0 on docker0, eth1 on the custom network's bridge.",
            "一个容器，两对 veth：eth0 接在 docker0 上，eth1 接在自定义网络的网桥上。",
        ),
        _t(
            "The connected container does not have two interfaces each paired on its own bridge: was docker network connect run?",
            "被连接的容器没有两块分别接在各自网桥上的网卡：执行过 docker network connect 吗？",
        ),
        judge=judge_two_interfaces,
    ),
    Checkpoint(
        "C19",
        "connect",
        _t("The connected container reaches a container of the custom network by name", "被连接的容器能通过名字访问自定义网络上的容器"),
        _t(
            "Connected to the network, the container asks its embedded DNS too: the network's names resolve.",
            "连接到这个网络后，容器也能使用它的内置 DNS：网络中的名字可以解析。",
        ),
        _t(
            "The connected container cannot reach the custom network's container by name: look at the failed cell below.",
            "被连接的容器无法通过名字访问自定义网络中的容器：请查看下面未通过的连通性单元。",
        ),
        cells=cells_connected_by_name,
    ),
    Checkpoint(
        "C20",
        "connect",
        _t("A container on docker0 only still cannot reach it", "只在 docker0 上的容器仍然无法访问它"),
        _t(
            "Connecting one container opens nothing for the others: a container on docker0 alone cannot even resolve the name.",
            "连接一个容器不会为其他容器开放任何东西：只在 docker0 上的容器连名字都解析不了。",
        ),
        _t(
            "A container on docker0 only reached the custom network's container by name: is it connected too?",
            "只在 docker0 上的容器通过名字访问到了自定义网络的容器：它是不是也被连接了？",
        ),
        cells=cells_not_connected_by_name,
    ),
)
IDS = tuple(checkpoint.id for checkpoint in CHECKPOINTS)
LESSON_TITLES = {
    "docker0": _t("Understanding docker0", "理解Docker0"),
    "link": _t("Linking containers (--link)", "容器互联（--link）"),
    "network": _t("A custom network", "自定义网络"),
    "connect": _t("Connecting networks (docker network connect)", "网络连通（docker network connect）"),
}


def of_lessons(lessons):
    """The checkpoints of the given lessons, in the table's order."""
    return [checkpoint for checkpoint in CHECKPOINTS if checkpoint.lesson in lessons]


def matrix(seen, lessons):
    """Every cell the given lessons' reachability checkpoints own, each marked with its checkpoint and lesson."""
    cells = []
    for checkpoint in of_lessons(lessons):
        for cell in checkpoint.cells(seen) if checkpoint.cells else []:
            cells.append(dict(cell, checkpoint=checkpoint.id, lesson=checkpoint.lesson))
    return cells


def evaluate(seen, lessons):
    """Every checkpoint of the given lessons, judged; each lesson's result; and whether all passed."""
    results = [checkpoint.result(seen) for checkpoint in of_lessons(lessons)]
    per_lesson = []
    for lesson in lessons:
        mine = [checkpoint for checkpoint in results if checkpoint["lesson"] == lesson]
        cells = [cell for cell in seen.cells if cell.get("lesson") == lesson]
        title = localized(title=[LESSON_TITLES[lesson]])
        per_lesson.append(
            dict(title, id=lesson, passed=bool(mine) and all(c["passed"] for c in mine), checkpoints=[c["id"] for c in mine], cells=cells)
        )
    return {"checkpoints": results, "lessons": per_lesson, "passed": bool(results) and all(checkpoint["passed"] for checkpoint in results)}
