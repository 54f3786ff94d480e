# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Every sentence a student or a teacher reads, in each language the reports speak.

One table: message key -> {language: text}. The checkpoints' titles and explanations live with
their checkpoints (vethlab_checkpoints); the details, the cells' reasons, the report pages'
headings and the class summary live here. Names, addresses and commands are parameters, never
translated. Chinese uses the course's own terms (检查点, 容器互联, 自定义网络, 网络连通).
Plain Python, standard library only; imported by the modules, the report templates (through the
vethlab filter plugin) and the class report.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")

MESSAGES = {
    # ---------------------------------------------------------------- a ping and its result
    "ping.answered": {
        "en": "{answered} of {sent} echo requests answered",
        "zh": "发出 {sent} 个回显请求，收到 {answered} 个回复",
    },
    "ping.unresolved": {
        "en": "the name {name} does not resolve ({said})",
        "zh": "名字 {name} 无法解析（{said}）",
    },
    "ping.did_not_run": {
        "en": "ping did not run (exit {rc}): {said}",
        "zh": "ping 没有运行（退出码 {rc}）：{said}",
    },
    "cell.expected_unreachable_but_reachable": {
        "en": "it answered, but the lesson expects no reply here",
        "zh": "它回复了，但本节课预期这里没有回复",
    },
    "cell.expected_unresolved_but_resolved": {
        "en": "the name resolved ({address}), but the lesson expects it not to",
        "zh": "名字解析到了 {address}，但本节课预期它无法解析",
    },
    # ---------------------------------------------------------------- where to look, when a cell fails
    "look.container": {
        "en": "{container}: {problems}; a run of the lab without --check recreates it",
        "zh": "{container}：{problems}；不带 --check 再运行一次实验会重建这个容器",
    },
    "look.bridge": {
        "en": "on the host, {problems}: the lab does not change the host's network; look at the host's bridge (ip link show)",
        "zh": "在主机上，{problems}：实验不会修改主机的网络；请检查主机的网桥（ip link show）",
    },
    "look.firewall": {
        "en": "the interfaces and addresses look right: look for a firewall rule on the host dropping the bridge's traffic"
        " (iptables -S, nft list ruleset)",
        "zh": "网卡和地址看起来都正确：请检查主机上是否有防火墙规则丢弃了网桥的流量（iptables -S、nft list ruleset）",
    },
    "look.dns": {
        "en": "a name that does not resolve is a DNS matter, not a firewall one: look at the container's /etc/hosts and /etc/resolv.conf",
        "zh": "名字无法解析是 DNS 的问题，不是防火墙的问题：请查看容器的 /etc/hosts 和 /etc/resolv.conf",
    },
    # ---------------------------------------------------------------- problems of a container or a bridge
    "problem.no_eth0.is": {"en": "it has no eth0", "zh": "它没有 eth0"},
    "problem.no_eth0.was": {"en": "it had no eth0", "zh": "它曾经没有 eth0"},
    "problem.eth0_down.is": {"en": "{interface} is down", "zh": "{interface} 处于关闭（down）状态"},
    "problem.eth0_down.was": {"en": "{interface} was down", "zh": "{interface} 曾处于关闭（down）状态"},
    "problem.eth0_no_address.is": {
        "en": "{interface} has no address in {bridge}'s subnet {network}",
        "zh": "{interface} 在 {bridge} 的子网 {network} 中没有地址",
    },
    "problem.eth0_no_address.was": {"en": "{interface} had no address in {network}", "zh": "{interface} 曾在 {network} 中没有地址"},
    "problem.veth_missing.is": {"en": "{interface} has no host veth naming it back", "zh": "没有主机 veth 与 {interface} 互相对应"},
    "problem.veth_missing.was": {"en": "{interface} had no host veth", "zh": "{interface} 曾没有主机 veth"},
    "problem.veth_off_bridge.is": {"en": "its host veth {veth} is not on {bridge}", "zh": "它的主机端 veth {veth} 不在 {bridge} 上"},
    "problem.veth_off_bridge.was": {"en": "its host veth {veth} was not on {bridge}", "zh": "它的主机端 veth {veth} 曾不在 {bridge} 上"},
    "problem.veth_down.is": {"en": "its host veth {veth} is down", "zh": "它的主机端 veth {veth} 处于关闭状态"},
    "problem.veth_down.was": {"en": "its host veth {veth} was down", "zh": "它的主机端 veth {veth} 曾处于关闭状态"},
    "problem.not_connected.is": {
        "en": "it has no interface on {bridge}: it is not connected",
        "zh": "它在 {bridge} 上没有网卡：它没有被连接",
    },
    "problem.not_connected.was": {"en": "it was not connected to {bridge}", "zh": "它曾没有连接到 {bridge}"},
    "problem.bridge_missing.is": {"en": "the host has no {bridge} bridge", "zh": "主机上没有 {bridge} 网桥"},
    "problem.bridge_missing.was": {"en": "the host had no {bridge} bridge", "zh": "主机上曾没有 {bridge} 网桥"},
    "problem.bridge_down.is": {"en": "{bridge} is down", "zh": "{bridge} 处于关闭状态"},
    "problem.bridge_down.was": {"en": "{bridge} was down", "zh": "{bridge} 曾处于关闭状态"},
    "problem.bridge_no_address.is": {"en": "{bridge} has no IPv4 address", "zh": "{bridge} 没有 IPv4 地址"},
    "problem.bridge_no_address.was": {"en": "{bridge} had no IPv4 address", "zh": "{bridge} 曾没有 IPv4 地址"},
    # ---------------------------------------------------------------- checkpoint details (this host's values)
    "detail.bridge": {"en": "{bridge} {addresses}", "zh": "{bridge} {addresses}"},
    "detail.bridge_no_address": {"en": "{bridge} has no IPv4 address", "zh": "{bridge} 没有 IPv4 地址"},
    "detail.bridge_problems": {"en": "on the host, {problems} ({detail})", "zh": "在主机上，{problems}（{detail}）"},
    "detail.no_container": {"en": "no lab container", "zh": "没有实验容器"},
    "detail.no_cell": {"en": "no cell was measured", "zh": "没有测量任何连通性单元"},
    "detail.no_eth0": {"en": "{container}: no eth0 ({why})", "zh": "{container}：没有 eth0（{why}）"},
    "detail.not_running": {"en": "not running", "zh": "没有运行"},
    "detail.no_eth0_in_ip_addr": {"en": "no eth0 in ip addr", "zh": "ip addr 中没有 eth0"},
    "detail.eth0_address": {"en": "{container}: {header} {address}", "zh": "{container}：{header} {address}"},
    "detail.eth0_outside": {
        "en": "{container}: {header} {addresses}, not in {bridge}'s subnet",
        "zh": "{container}：{header} {addresses}，不在 {bridge} 的子网中",
    },
    "detail.no_ipv4": {"en": "no IPv4", "zh": "没有 IPv4"},
    "detail.pair": {
        "en": "{container}: {interface}@if{peer} \u21c4 {veth}@if{ifindex} (master {bridge})",
        "zh": "{container}：{interface}@if{peer} \u21c4 {veth}@if{ifindex}（master {bridge}）",
    },
    "detail.no_pair": {
        "en": "{container}: {interface} has no host veth naming it back",
        "zh": "{container}：没有主机 veth 与 {interface} 互相对应",
    },
    "detail.no_pair_on": {
        "en": "{container}: no interface with its veth on {bridge}",
        "zh": "{container}：没有一块网卡的 veth 接在 {bridge} 上",
    },
    "detail.pair_elsewhere": {
        "en": "{container}: {interface} has its veth on {where}",
        "zh": "{container}：{interface} 的 veth 在 {where} 上",
    },
    "detail.veth_count": {
        "en": "{count} lab veths on {bridge} ({veths}), {running} lab containers running; {bridge} has {members} members in all",
        "zh": "{bridge} 上有 {count} 个实验 veth（{veths}），{running} 个实验容器在运行；{bridge} 上共有 {members} 个成员",
    },
    "detail.none": {"en": "none", "zh": "无"},
    "detail.cell": {"en": "{source} \u2192 {target}{address}: {result}", "zh": "{source} \u2192 {target}{address}：{result}"},
    "detail.file_missing": {"en": "{container}: {path} could not be read", "zh": "{container}：无法读取 {path}"},
    "detail.hosts_line": {"en": "{container}'s /etc/hosts: {address} {name}", "zh": "{container} 的 /etc/hosts：{address} {name}"},
    "detail.hosts_no_line": {
        "en": "{container}'s /etc/hosts has no line for {name} ({address})",
        "zh": "{container} 的 /etc/hosts 中没有 {name}（{address}）这一行",
    },
    "detail.hosts_line_back": {"en": "{container}'s /etc/hosts names {name}", "zh": "{container} 的 /etc/hosts 中有 {name}"},
    "detail.hosts_no_line_back": {"en": "{container}'s /etc/hosts has no {name}", "zh": "{container} 的 /etc/hosts 中没有 {name}"},
    "detail.no_network": {"en": "the custom network was not created", "zh": "自定义网络没有创建"},
    "detail.no_bridge_for_network": {
        "en": "the host has no bridge {bridge} for the network {network}",
        "zh": "主机上没有网络 {network} 的网桥 {bridge}",
    },
    "detail.network_bridge": {
        "en": "{network}: {bridge} {addresses}, gateway {gateway}",
        "zh": "{network}：{bridge} {addresses}，网关 {gateway}",
    },
    "detail.network_bridge_wrong": {
        "en": "{network}: {bridge} {addresses}, down or without the gateway {gateway}",
        "zh": "{network}：{bridge} {addresses}，处于关闭状态或没有网关 {gateway}",
    },
    "detail.net_pair": {
        "en": "{container}: eth0 {address} \u21c4 {veth} (master {bridge})",
        "zh": "{container}：eth0 {address} \u21c4 {veth}（master {bridge}）",
    },
    "detail.net_pair_wrong": {
        "en": "{container}: eth0 has no address in {subnet}, or its veth is on {where}, not {bridge}",
        "zh": "{container}：eth0 没有 {subnet} 中的地址，或者它的 veth 在 {where} 上而不是 {bridge}",
    },
    "detail.nameservers": {"en": "{container}: nameserver {servers}", "zh": "{container}：nameserver {servers}"},
    # ---------------------------------------------------------------- warnings
    "warning.subnet_contains_host": {
        "en": "this host's address {address} ({interface}) is inside the custom network's subnet {subnet}: the containers"
        " on that network cannot reach that part of your network. Allowed, as on the course's own machine.",
        "zh": "本机地址 {address}（{interface}）在自定义网络的子网 {subnet} 之内：这个网络上的容器无法访问你的网络中的这一部分。"
        "允许这样做，课程自己的机器也是如此。",
    },
    # ---------------------------------------------------------------- the words of the pages and the summary
    "page.title": {"en": "vethlab: {host} — {verdict}", "zh": "vethlab：{host} — {verdict}"},
    "page.all_passed": {"en": "all checkpoints passed", "zh": "所有检查点都已通过"},
    "page.some_failed": {"en": "some checkpoints FAILED", "zh": "有检查点未通过"},
    "page.other_language": {"en": "English: {page}", "zh": "中文：{page}"},
    "page.setup": {
        "en": "Bridge {bridge} {addresses}; containers {containers} from the image {image} ({source});"
        " the lesson's \"outside\" is this host's address {outside}.",
        "zh": "网桥 {bridge} {addresses}；容器 {containers}，镜像 {image}（{source}）；课程中的“外界”是本机地址 {outside}。",
    },
    "page.no_address": {"en": "(no IPv4 address)", "zh": "（没有 IPv4 地址）"},
    "page.warnings": {"en": "Warnings", "zh": "警告"},
    "page.lessons": {"en": "Lessons", "zh": "课程章节"},
    "page.lesson": {"en": "lesson", "zh": "章节"},
    "page.checkpoints": {"en": "Checkpoints", "zh": "检查点"},
    "page.checkpoint": {"en": "checkpoint", "zh": "检查点"},
    "page.result": {"en": "result", "zh": "结果"},
    "page.on_this_host": {"en": "on this host", "zh": "本机的实际情况"},
    "page.broken": {"en": "What is broken", "zh": "哪里坏了"},
    "page.broken_container": {
        "en": "{container}: {problems}; the lab recreates this container on its next run (not with --check, which only looks).",
        "zh": "{container}：{problems}；实验下次运行时会重建这个容器（带 --check 运行时只查看，不修复）。",
    },
    "page.broken_bridge": {
        "en": "on the host: {problem}. The lab does not change the host's network: this is for the machine's owner to fix.",
        "zh": "在主机上：{problem}。实验不会修改主机的网络：这需要机器的主人来修复。",
    },
    "page.pairs": {"en": "veth pairs", "zh": "veth-pair"},
    "page.pairs_explained": {
        "en": "Inside each container ip addr shows eth0@ifN; on the host the other end shows vethX@ifM."
        " N is the host veth's index and M the container interface's: the numbers cross over.",
        "zh": "在每个容器里，ip addr 显示 eth0@ifN；在主机上，另一端显示为 vethX@ifM。"
        "N 是主机端 veth 的编号，M 是容器网卡的编号：两个编号交叉对应。",
    },
    "page.container": {"en": "container", "zh": "容器"},
    "page.inside": {"en": "inside the container", "zh": "容器内"},
    "page.on_host": {"en": "on the host", "zh": "主机上"},
    "page.bridge": {"en": "bridge", "zh": "网桥"},
    "page.container_address": {"en": "container address", "zh": "容器地址"},
    "page.mac": {"en": "MAC", "zh": "MAC"},
    "page.not_paired": {"en": "Not paired:", "zh": "未配对："},
    "page.reachability": {"en": "Reachability", "zh": "连通性"},
    "page.from": {"en": "from", "zh": "从"},
    "page.to": {"en": "to", "zh": "到"},
    "page.address": {"en": "address", "zh": "地址"},
    "page.expected": {"en": "expected", "zh": "预期"},
    "page.not_as_expected": {"en": "not as expected", "zh": "与预期不符"},
    "page.by_name": {"en": "by name", "zh": "按名字"},
    # ---------------------------------------------------------------- the class report and the summaries
    "class.title": {"en": "vethlab — class report", "zh": "vethlab — 班级报告"},
    "class.run": {"en": "Run of {at}: {command}", "zh": "运行于 {at}：{command}"},
    "class.summary": {
        "en": "{passed} of {in_run} machines passed every checkpoint.",
        "zh": "{in_run} 台机器中有 {passed} 台通过了所有检查点。",
    },
    "class.not_in_run": {
        "en": "{count} not in this run (outside --limit): their last result is shown with its time and not counted.",
        "zh": "{count} 台不在本次运行中（--limit 之外）：显示它们上一次的结果和时间，不计入本次统计。",
    },
    "class.machine": {"en": "machine", "zh": "机器"},
    "class.result": {"en": "result", "zh": "结果"},
    "class.failed_it": {"en": "machines that failed it", "zh": "未通过的机器数"},
    "class.also": {"en": "Also:", "zh": "另见："},
    "class.back": {"en": "← class report", "zh": "← 班级报告"},
    "class.result_of_run": {"en": "Result of the run of {at}.", "zh": "{at} 那次运行的结果。"},
    "class.not_in_the_run": {"en": "Not in the run of {at}.", "zh": "不在 {at} 那次运行中。"},
    "class.no_report": {"en": "No report from this machine in this run.", "zh": "本次运行中没有这台机器的报告。"},
    "class.topology": {"en": "Topology", "zh": "拓扑"},
    "class.no_graphviz": {
        "en": "(Graphviz's dot is not installed on the controller: the topology is shown as a table.)",
        "zh": "（控制节点上没有安装 Graphviz 的 dot：拓扑以表格显示。）",
    },
    "class.pass": {"en": "pass", "zh": "通过"},
    "class.fail": {"en": "FAIL", "zh": "未通过"},
    "class.machines_passed": {"en": "{passed} of {in_run} machines passed.", "zh": "{in_run} 台机器中有 {passed} 台通过。"},
    "class.machines_not_in_run": {
        "en": "{count} not in this run (--limit): earlier results, not counted.",
        "zh": "{count} 台不在本次运行中（--limit）：是之前的结果，不计入。",
    },
    "class.down": {
        "en": "Removed the lab's containers on {done} of {machines} machines.",
        "zh": "已在 {machines} 台机器中的 {done} 台上删除实验的容器。",
    },
    "class.report_at": {"en": "Report: {path}", "zh": "报告：{path}"},
    "status.passed": {"en": "passed", "zh": "通过"},
    "status.failed": {"en": "failed", "zh": "未通过"},
    "status.unreachable": {"en": "unreachable", "zh": "无法连接"},
    "status.not in this run": {"en": "not in this run", "zh": "不在本次运行中"},
    "status.done": {"en": "done", "zh": "完成"},
    "reason.checkpoints": {"en": "checkpoints failed: {ids}", "zh": "未通过的检查点：{ids}"},
    "reason.step": {"en": "failed at {step} / {task}: {message}", "zh": "在“{step} / {task}”失败：{message}"},
    "reason.unreachable": {"en": "unreachable: {message}", "zh": "无法连接：{message}"},
    "reason.no_report": {"en": "no report was written for this machine in this run", "zh": "本次运行没有为这台机器写出报告"},
    "reason.not_in_run": {"en": "not in this run; last result, at {at}: {status}", "zh": "不在本次运行中；上一次的结果（{at}）：{status}"},
    "reason.not_in_run_yet": {"en": "not in this run; no result yet", "zh": "不在本次运行中；还没有结果"},
    "source.present": {"en": "already present", "zh": "本机已有"},
    "source.pull": {"en": "pulled", "zh": "拉取所得"},
    "source.archive": {"en": "loaded from an archive", "zh": "从归档文件加载"},
    "source.busybox": {"en": "built from this machine's busybox", "zh": "由本机的 busybox 构建"},
    "source.controller": {"en": "copied from the controller", "zh": "从控制节点复制"},
    "word.reachable": {"en": "reachable", "zh": "可达"},
    "word.unreachable": {"en": "unreachable", "zh": "不可达（无回复）"},
    "word.unresolved": {"en": "unresolved", "zh": "无法解析"},
    "word.passed": {"en": "passed", "zh": "通过"},
    "word.failed": {"en": "FAILED", "zh": "未通过"},
    "word.host": {"en": "host", "zh": "主机"},
    "word.host_on": {"en": "host ({where})", "zh": "主机（{where}）"},
    "word.primary": {"en": "primary", "zh": "主地址"},
    "page.checkpoint_ids": {"en": "checkpoints", "zh": "检查点"},
}


def say(key, lang="en", **params):
    """The message ``key`` in ``lang`` (English when the language lacks it), with its parameters."""
    texts = MESSAGES[key]
    return (texts.get(lang) or texts["en"]).format(**params)


def render(parts, lang="en", separator="; "):
    """A list of parts as one text. A part is a ``(key, params)`` message, or a text already in
    every language (``{lang: text}``); a parameter may also be such a text (a problem inside a
    detail): each is taken in ``lang``."""
    out = []
    for part in parts:
        if isinstance(part, dict):
            out.append(part.get(lang) or part["en"])
            continue
        key, params = part
        values = {name: (value.get(lang) or value["en"]) if isinstance(value, dict) else value for name, value in params.items()}
        out.append(say(key, lang, **values))
    return separator.join(out)


def in_every_language(parts, separator="; "):
    """``{lang: text}`` of a list of parts, for every language the reports speak."""
    return {lang: render(parts, lang, separator) for lang in LANGUAGES}


def localized(**parts):
    """Student-facing fields from their parts: each field in English at the top (the keys lab.json
    has always had), and in every other language under ``i18n``: {"title": ..., "i18n": {"zh": {...}}}."""
    out = {name: render(value, "en") for name, value in parts.items()}
    out["i18n"] = {lang: {name: render(value, lang) for name, value in parts.items()} for lang in LANGUAGES if lang != "en"}
    return out


def place(name, lang="en"):
    """A cell's source or target as a page shows it: the host in the page's language ("host",
    "host (docker0)", "host (primary)"), a container's name as it is."""
    if name == "host":
        return say("word.host", lang)
    if name.startswith("host (") and name.endswith(")"):
        where = name[len("host (") : -1]
        return say("word.host_on", lang, where=say("word.primary", lang) if where == "primary" else where)
    return name


def each_language(text_in):
    """``{lang: text_in(lang)}`` for every language the reports speak."""
    return {lang: text_in(lang) for lang in LANGUAGES}


def field(item, name, lang="en"):
    """One student-facing field of a localized item, in ``lang`` (English when it has no translation)."""
    if lang != "en":
        translated = ((item.get("i18n") or {}).get(lang) or {}).get(name)
        if translated:
            return translated
    return item.get(name, "")
