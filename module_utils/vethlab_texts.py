# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Every sentence a student or a teacher reads, in each language the reports speak.

One table: message key -> {language: text}: the lessons' titles, each checkpoint's title and
what the student reads when it passes and when it fails (``checkpoint.<id>.title|passed|failed``,
by which module_utils/vethlab_lessons.py declares them), the details, the cells' reasons, the
report pages' headings and the class summary. Names, addresses and commands are parameters, never
translated. Chinese uses the course's own terms (检查点, 容器互联, 自定义网络, 网络连通).
Plain Python, standard library only; imported by the modules, the report templates (through the
vethlab filter plugin) and the class report.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")

MESSAGES = {
    # ---------------------------------------------------------------- the teacher's grade and board
    "grade.title": {"en": "vethlab: the class at work", "zh": "vethlab：全班实验进度"},
    # A lesson's short name, where a board's column or cell has little room.
    "lesson.docker0.short": {"en": "docker0", "zh": "理解Docker0"},
    "lesson.link.short": {"en": "--link", "zh": "容器互联"},
    "lesson.network.short": {"en": "custom network", "zh": "自定义网络"},
    "lesson.connect.short": {"en": "network connect", "zh": "网络连通"},
    "grade.at": {"en": "Graded {at}.", "zh": "评分时间 {at}。"},
    "grade.summary": {
        "en": "{passed} of {machines} machines passed every checkpoint.",
        "zh": "{machines} 台机器中有 {passed} 台通过了全部检查点。",
    },
    "grade.stage": {"en": "stage", "zh": "进度"},
    "grade.sort": {"en": "sort by stage", "zh": "按进度排序"},
    "grade.stuck_since": {"en": "unchanged since", "zh": "停滞自"},
    "grade.first_passed": {"en": "first passed {at}", "zh": "首次通过于 {at}"},
    "grade.fixed_after": {"en": "fault fixed after {minutes} min", "zh": "故障 {minutes} 分钟后修复"},
    "grade.fault_open": {"en": "fault given {at}, not fixed yet", "zh": "{at} 设置的故障，尚未修复"},
    "grade.failing": {"en": "machines failing it", "zh": "未通过的机器数"},
    "export.passed": {"en": "{passed} of {total} checkpoints passed.", "zh": "{total} 个检查点中通过 {passed} 个。"},
    "export.failed": {"en": "Failed: {ids}.", "zh": "未通过：{ids}。"},
    "export.not_started": {"en": "Not started: {ids}.", "zh": "未开始：{ids}。"},
    "export.not_graded": {"en": "Not graded: the machine was {status}.", "zh": "未评分：机器{status}。"},
    "verify.authentic": {
        "en": "{file}: authentic - exactly as the controller wrote it (its signature matches)",
        "zh": "{file}：真实——与控制机写出的完全一致（签名匹配）",
    },
    "verify.forged": {
        "en": "{file}: NOT as the controller wrote it: {why}",
        "zh": "{file}：与控制机写出的不一致：{why}",
    },
    "verify.why.changed": {
        "en": "its signature does not match its content (changed after the controller wrote it, or another class's)",
        "zh": "签名与内容不符（在控制机写出之后被修改过，或者是另一个班级的）",
    },
    "verify.why.unsigned": {
        "en": "it carries no signature naming its machine and run",
        "zh": "它没有写明机器和运行的签名",
    },
    "verify.of": {
        "en": "  of {host}, run {run_id}, {run_at}",
        "zh": "  属于 {host}，运行 {run_id}，{run_at}",
    },
    "verify.wrong_machine": {
        "en": "{file}: NOT this machine's: it is {host}'s page, not {expected}'s",
        "zh": "{file}：不属于这台机器：它是 {host} 的页面，不是 {expected} 的",
    },
    "verify.superseded": {
        "en": "{file}: superseded: {host} has a later result, run {run_id} at {run_at}",
        "zh": "{file}：已过时：{host} 有更新的结果，运行 {run_id}，{run_at}",
    },
    "verify.why.not_json": {"en": "it is not JSON", "zh": "它不是 JSON"},
    "verify.unreadable": {"en": "{file}: cannot be read: {reason}", "zh": "{file}：无法读取：{reason}"},
    "verify.no_secret": {
        "en": "vethlab report --verify: no class secret at {path} (the inventory {inventory} has had no run yet)",
        "zh": "vethlab report --verify：{path} 没有班级密钥（清单 {inventory} 还没有运行过）",
    },
    "prepare.summary": {"en": "{done} of {machines} machines prepared.", "zh": "{machines} 台机器中已准备好 {done} 台。"},
    "keys.summary": {
        "en": "{done} of {machines} machines answered; their host keys are in {path}.",
        "zh": "{machines} 台机器中有 {done} 台应答；它们的主机密钥记录在 {path}。",
    },
    "reason.host_key_changed": {
        "en": "host key changed: the machine that answered is not the one whose key the class recorded (a student's"
        " machine answering for a classmate's address, or a reinstalled machine); not graded. If the machine was"
        " reinstalled, remove its line from the class's known_hosts and run vethlab keys. ({message})",
        "zh": "主机密钥已改变：应答的机器不是班级记录过密钥的那台（可能是学生的机器冒用了同学的地址，或机器被重装）；不评分。"
        "如果机器确实被重装，请从班级的 known_hosts 中删除它的那一行，再运行 vethlab keys。（{message}）",
    },
    "reason.host_key_unknown": {
        "en": "host key unknown: the class has not met this machine yet; run vethlab keys (or prepare --trust-new-keys)"
        " to record its key on purpose. ({message})",
        "zh": "主机密钥未知：班级还没有记录过这台机器；请运行 vethlab keys（或 prepare --trust-new-keys）有意地记录它的密钥。（{message}）",
    },
    # ---------------------------------------------------------------- the student's side: the task card and lab-check
    "card.title": {"en": "vethlab: your task card", "zh": "vethlab：任务卡"},
    "card.ip_of": {"en": "<IP of {name}>", "zh": "<{name} 的 IP>"},
    "card.ip_host": {"en": "<the host's address>", "zh": "<主机的地址>"},
    "card.check": {"en": "Then check your work: lab-check {lesson}", "zh": "然后检查你的操作：lab-check {lesson}"},
    "card.hints": {
        "en": "Stuck? lab-check shows the first hint of each checkpoint that fails; lab-check --hint C3 gives the next one.",
        "zh": "卡住了？lab-check 会为每个未通过的检查点显示第一条提示；lab-check --hint C3 给出下一条。",
    },
    "card.image.present": {"en": "Image: alpine, already on this machine.", "zh": "镜像：alpine，本机已有。"},
    "card.image.pull": {"en": "Image: alpine, pulled from the registry.", "zh": "镜像：alpine，从镜像仓库拉取。"},
    "card.image.controller": {"en": "Image: alpine, copied from the teacher's machine.", "zh": "镜像：alpine，从教师机复制。"},
    "card.image.archive": {"en": "Image: alpine, loaded from an archive.", "zh": "镜像：alpine，从归档文件加载。"},
    "card.image.busybox": {
        "en": "Image: no registry here, so alpine is a stand-in made of this machine's busybox (the same ip and ping as alpine's).",
        "zh": "镜像：这里无法访问镜像仓库，alpine 是用本机 busybox 制作的替身（ip 和 ping 与 alpine 相同）。",
    },
    "status.not started": {"en": "not started", "zh": "未开始"},
    "check.seen": {"en": "seen:", "zh": "观察到："},
    "check.hint": {"en": "hint ({id}):", "zh": "提示（{id}）："},
    "check.summary": {
        "en": "{passed} of {total} checkpoints passed. Stage: {stage}. lab-check --hint ID for the next hint.",
        "zh": "{total} 个检查点中通过 {passed} 个。进度：{stage}。lab-check --hint 编号 查看下一条提示。",
    },
    "check.no_stage": {"en": "no lesson passed yet", "zh": "尚无已通过的课"},
    "check.unknown_lesson": {
        "en": "lab-check: no lesson {lessons}; the lessons are {known}",
        "zh": "lab-check：没有课程 {lessons}；课程有 {known}",
    },
    "check.unknown_checkpoint": {"en": "lab-check: no checkpoint {id} (C1 to C20)", "zh": "lab-check：没有检查点 {id}（C1 到 C20）"},
    "check.cannot": {"en": "lab-check cannot check your lab: {reason}", "zh": "lab-check 无法检查你的实验：{reason}"},
    # ---------------------------------------------------------------- hints: lab-check's ladder, three steps per checkpoint,
    # the last the command to type. Parameters are the student's own names ({c0}, {c1}, {link}, {net}, {n0}, {n1},
    # {connect}, {subnet}, {gateway}); never an address, so a hint never gives away another student's values.
    "hint.C1.1": {
        "en": "docker0 is the bridge Docker made when it started. Is Docker running? Then look at the host's interfaces.",
        "zh": "docker0 是 Docker 启动时创建的网桥。Docker 在运行吗？然后查看主机的网络接口。",
    },
    "hint.C1.2": {
        "en": "On the host, find docker0 in the list: it should say UP and have an inet address (172.17.0.1/16 on a fresh machine).",
        "zh": "在主机上找到 docker0：它应当是 UP 状态，并有一个 inet 地址（新机器上是 172.17.0.1/16）。",
    },
    "hint.C1.3": {
        "en": "Type: ip addr show docker0",
        "zh": "输入：ip addr show docker0",
    },
    "hint.C2.1": {
        "en": "Both containers of the lesson must run, each with an eth0 address in docker0's subnet.",
        "zh": "本节课的两个容器都必须在运行，每个的 eth0 地址都在 docker0 的子网内。",
    },
    "hint.C2.2": {
        "en": "docker ps -a shows whether {c0} and {c1} exist and run; a container started without -dit stops at once.",
        "zh": "docker ps -a 显示 {c0} 和 {c1} 是否存在、是否在运行；不带 -dit 启动的容器会立即退出。",
    },
    "hint.C2.3": {
        "en": "Type: docker run -dit --name {c0} alpine ; docker run -dit --name {c1} alpine ; docker exec {c0} ip addr",
        "zh": "输入：docker run -dit --name {c0} alpine ; docker run -dit --name {c1} alpine ; docker exec {c0} ip addr",
    },
    "hint.C3.1": {
        "en": (
            "Each container's eth0 is one end of a veth pair; the other end is on the host. Compare the number"
            " after @if in the container's eth0 with the host's interface indexes."
        ),
        "zh": "每个容器的 eth0 是一对 veth 的一端，另一端在主机上。把容器 eth0 中 @if 后面的数字和主机上接口的编号比较。",
    },
    "hint.C3.2": {
        "en": (
            "Run ip addr on the host and find the interface whose index is that number: it is vethXXXX@ifN, with"
            " N the container's eth0 index, and master docker0."
        ),
        "zh": "在主机上运行 ip addr，找到编号等于那个数字的接口：它是 vethXXXX@ifN，N 是容器 eth0 的编号，并且 master docker0。",
    },
    "hint.C3.3": {
        "en": "Type: docker exec {c0} ip addr show eth0 ; ip addr | grep -A2 veth",
        "zh": "输入：docker exec {c0} ip addr show eth0 ; ip addr | grep -A2 veth",
    },
    "hint.C4.1": {
        "en": "One running container, one veth on docker0: count both.",
        "zh": "一个运行中的容器对应 docker0 上的一个 veth：把两者都数一数。",
    },
    "hint.C4.2": {
        "en": "A stopped container has no veth; a veth left over is not the lesson's. Start every container of the lesson.",
        "zh": "停止的容器没有 veth；多出来的 veth 不属于本节课。启动本节课的每个容器。",
    },
    "hint.C4.3": {
        "en": "Type: docker ps ; ip link show master docker0",
        "zh": "输入：docker ps ; ip link show master docker0",
    },
    "hint.C5.1": {
        "en": "The host reaches a container through docker0 and the container's veth pair. Find the container's address first.",
        "zh": "主机经由 docker0 和容器的 veth-pair 到达容器。先找到容器的地址。",
    },
    "hint.C5.2": {
        "en": "docker exec {c0} ip addr shows its eth0 address; ping it from the host.",
        "zh": "docker exec {c0} ip addr 显示它的 eth0 地址；在主机上 ping 它。",
    },
    "hint.C5.3": {
        "en": "Type: ping -c 3 <IP of {c0}>",
        "zh": "输入：ping -c 3 <{c0} 的 IP>",
    },
    "hint.C6.1": {
        "en": "A container reaches the host at docker0's address: its default gateway.",
        "zh": "容器通过 docker0 的地址到达主机：这就是它的默认网关。",
    },
    "hint.C6.2": {
        "en": "docker exec {c0} ip route shows the default route via docker0's address.",
        "zh": "docker exec {c0} ip route 显示经由 docker0 地址的默认路由。",
    },
    "hint.C6.3": {
        "en": "Type: docker exec {c0} ping -c 3 <IP of docker0>",
        "zh": "输入：docker exec {c0} ping -c 3 <docker0 的 IP>",
    },
    "hint.C7.1": {
        "en": (
            "'Outside' in the lesson is the host's own primary address: the container's packets leave through"
            " docker0 and the host routes them."
        ),
        "zh": "本节课的“外部”是主机自己的主地址：容器的数据包经 docker0 出去，由主机转发。",
    },
    "hint.C7.2": {
        "en": "ip route on the host shows the default route's interface; its address is the one to ping.",
        "zh": "在主机上 ip route 显示默认路由的接口；要 ping 的就是它的地址。",
    },
    "hint.C7.3": {
        "en": "Type: docker exec {c0} ping -c 3 <the host's address>",
        "zh": "输入：docker exec {c0} ping -c 3 <主机的地址>",
    },
    "hint.C8.1": {
        "en": "Two containers on docker0 reach each other by address: the packet crosses both veth pairs and the bridge.",
        "zh": "docker0 上的两个容器可以通过地址互相访问：数据包经过两对 veth 和网桥。",
    },
    "hint.C8.2": {
        "en": "Find {c1}'s eth0 address, then ping it from {c0} (and back).",
        "zh": "找到 {c1} 的 eth0 地址，然后从 {c0} ping 它（反过来也一样）。",
    },
    "hint.C8.3": {
        "en": "Type: docker exec {c0} ping -c 3 <IP of {c1}>",
        "zh": "输入：docker exec {c0} ping -c 3 <{c1} 的 IP>",
    },
    "hint.C9.1": {
        "en": "This one must fail: the default bridge offers no name service, so {c0} is not a name {c1} can resolve.",
        "zh": "这一项必须失败：默认网桥不提供名字解析，所以 {c1} 无法解析 {c0} 这个名字。",
    },
    "hint.C9.2": {
        "en": "When it does not fail, something answers the name: look at {c1}'s /etc/hosts and /etc/resolv.conf.",
        "zh": "如果它没有失败，说明有东西解析了这个名字：查看 {c1} 的 /etc/hosts 和 /etc/resolv.conf。",
    },
    "hint.C9.3": {
        "en": "Type: docker exec {c1} ping -c 1 {c0}   (expected: bad address)",
        "zh": "输入：docker exec {c1} ping -c 1 {c0}   （预期：bad address）",
    },
    "hint.C10.1": {
        "en": "--link lets one container reach another by name: start {link} linked to {c1}.",
        "zh": "--link 让一个容器可以用名字访问另一个：启动 {link} 并链接到 {c1}。",
    },
    "hint.C10.2": {
        "en": "Docker records the link (docker inspect {link}, HostConfig.Links); a line written into /etc/hosts by hand is not --link.",
        "zh": "Docker 会记录链接（docker inspect {link}，HostConfig.Links）；手工写进 /etc/hosts 的一行不是 --link。",
    },
    "hint.C10.3": {
        "en": "Type: docker run -dit --name {link} --link {c1} alpine ; docker exec {link} ping -c 3 {c1}",
        "zh": "输入：docker run -dit --name {link} --link {c1} alpine ; docker exec {link} ping -c 3 {c1}",
    },
    "hint.C11.1": {
        "en": "This one must fail: --link is one-way, so {c1} cannot resolve {link}.",
        "zh": "这一项必须失败：--link 是单向的，所以 {c1} 无法解析 {link}。",
    },
    "hint.C11.2": {
        "en": "Only the linking container's /etc/hosts gets the line; {c1}'s does not.",
        "zh": "只有发起链接的容器的 /etc/hosts 里有那一行；{c1} 的没有。",
    },
    "hint.C11.3": {
        "en": "Type: docker exec {c1} ping -c 1 {link}   (expected: bad address)",
        "zh": "输入：docker exec {c1} ping -c 1 {link}   （预期：bad address）",
    },
    "hint.C12.1": {
        "en": "--link works by writing the linked container's address into the caller's /etc/hosts.",
        "zh": "--link 的原理是把被链接容器的地址写进调用方的 /etc/hosts。",
    },
    "hint.C12.2": {
        "en": "Compare {link}'s /etc/hosts with {c1}'s.",
        "zh": "比较 {link} 和 {c1} 的 /etc/hosts。",
    },
    "hint.C12.3": {
        "en": "Type: docker exec {link} cat /etc/hosts ; docker exec {c1} cat /etc/hosts",
        "zh": "输入：docker exec {link} cat /etc/hosts ; docker exec {c1} cat /etc/hosts",
    },
    "hint.C13.1": {
        "en": "docker network create makes a new bridge on the host, named br- and the start of the network's id.",
        "zh": "docker network create 会在主机上创建一个新网桥，名字是 br- 加上网络 id 的开头。",
    },
    "hint.C13.2": {
        "en": "The network needs the lesson's driver, subnet and gateway: docker network inspect {net} shows what Docker recorded.",
        "zh": "网络需要本节课指定的驱动、子网和网关：docker network inspect {net} 显示 Docker 记录的内容。",
    },
    "hint.C13.3": {
        "en": "Type: docker network create --driver bridge --subnet {subnet} --gateway {gateway} {net}",
        "zh": "输入：docker network create --driver bridge --subnet {subnet} --gateway {gateway} {net}",
    },
    "hint.C14.1": {
        "en": "Containers started with --net {net} get their eth0 on the new bridge, not on docker0.",
        "zh": "用 --net {net} 启动的容器，eth0 在新网桥上，而不是 docker0 上。",
    },
    "hint.C14.2": {
        "en": "ip addr on the host: their veths say master br-…, and their addresses are inside {subnet}.",
        "zh": "在主机上 ip addr：它们的 veth 显示 master br-…，地址在 {subnet} 内。",
    },
    "hint.C14.3": {
        "en": "Type: docker run -dit --name {n0} --net {net} alpine ; docker run -dit --name {n1} --net {net} alpine",
        "zh": "输入：docker run -dit --name {n0} --net {net} alpine ; docker run -dit --name {n1} --net {net} alpine",
    },
    "hint.C15.1": {
        "en": "On a custom network, Docker resolves container names for you.",
        "zh": "在自定义网络上，Docker 会帮你解析容器名。",
    },
    "hint.C15.2": {
        "en": "Both containers must be on {net}; then each reaches the other by name.",
        "zh": "两个容器都必须在 {net} 上；然后它们可以用名字互相访问。",
    },
    "hint.C15.3": {
        "en": "Type: docker exec {n0} ping -c 3 {n1} ; docker exec {n1} ping -c 3 {n0}",
        "zh": "输入：docker exec {n0} ping -c 3 {n1} ; docker exec {n1} ping -c 3 {n0}",
    },
    "hint.C16.1": {
        "en": "Names on a custom network are answered by Docker's embedded DNS server, 127.0.0.11.",
        "zh": "自定义网络上的名字由 Docker 内置的 DNS 服务器 127.0.0.11 解析。",
    },
    "hint.C16.2": {
        "en": "Look at the nameserver line of the containers' /etc/resolv.conf.",
        "zh": "查看这些容器 /etc/resolv.conf 中的 nameserver 一行。",
    },
    "hint.C16.3": {
        "en": "Type: docker exec {n0} cat /etc/resolv.conf",
        "zh": "输入：docker exec {n0} cat /etc/resolv.conf",
    },
    "hint.C17.1": {
        "en": "This one must fail: Docker isolates its bridges, so {c1} on docker0 gets no reply from {n0} on {net}.",
        "zh": "这一项必须失败：Docker 隔离各个网桥，所以 docker0 上的 {c1} 收不到 {net} 上 {n0} 的回复。",
    },
    "hint.C17.2": {
        "en": "{c1} must still reach its own gateway, or the missing reply proves nothing.",
        "zh": "{c1} 必须仍能到达自己的网关，否则收不到回复说明不了什么。",
    },
    "hint.C17.3": {
        "en": "Type: docker exec {c1} ping -c 1 -W 2 <IP of {n0}>   (expected: no reply)",
        "zh": "输入：docker exec {c1} ping -c 1 -W 2 <{n0} 的 IP>   （预期：没有回复）",
    },
    "hint.C18.1": {
        "en": "docker network connect gives a running container a second interface, on the other network's bridge.",
        "zh": "docker network connect 给运行中的容器增加第二个接口，连在另一个网络的网桥上。",
    },
    "hint.C18.2": {
        "en": "docker exec {connect} ip addr should show eth0 (docker0) and eth1 ({net}), each @if a host veth.",
        "zh": "docker exec {connect} ip addr 应当显示 eth0（docker0）和 eth1（{net}），各自 @if 一个主机上的 veth。",
    },
    "hint.C18.3": {
        "en": "Type: docker network connect {net} {connect} ; docker exec {connect} ip addr",
        "zh": "输入：docker network connect {net} {connect} ; docker exec {connect} ip addr",
    },
    "hint.C19.1": {
        "en": "Connected to {net}, {connect} can now use the network's name service.",
        "zh": "连接到 {net} 之后，{connect} 可以使用该网络的名字解析了。",
    },
    "hint.C19.2": {
        "en": "Ping a container of {net} by its name from {connect}.",
        "zh": "从 {connect} 用名字 ping {net} 上的一个容器。",
    },
    "hint.C19.3": {
        "en": "Type: docker exec {connect} ping -c 3 {n0}",
        "zh": "输入：docker exec {connect} ping -c 3 {n0}",
    },
    "hint.C20.1": {
        "en": "This one must fail: {c1} was not connected, so it still cannot resolve {n0}.",
        "zh": "这一项必须失败：{c1} 没有被连接，所以它仍然无法解析 {n0}。",
    },
    "hint.C20.2": {
        "en": "Only the container you connected joined {net}; docker network inspect {net} lists who is on it.",
        "zh": "只有你连接的那个容器加入了 {net}；docker network inspect {net} 列出网络上的容器。",
    },
    "hint.C20.3": {
        "en": "Type: docker exec {c1} ping -c 1 {n0}   (expected: bad address)",
        "zh": "输入：docker exec {c1} ping -c 1 {n0}   （预期：bad address）",
    },
    "hint.C21.1": {
        "en": "The lab watches one ping from {c0} to {c1} at every hop: {c0}'s eth0, its host veth, docker0, {c1}'s host veth,"
        " {c1}'s eth0. This checkpoint names the first hop where the echo request was not seen.",
        "zh": "实验在每一跳观察一次从 {c0} 到 {c1} 的 ping：{c0} 的 eth0、它在主机上的 veth、docker0、{c1} 在主机上的 veth、"
        "{c1} 的 eth0。这个检查点会指出第一个没有看到回显请求的位置。",
    },
    "hint.C21.2": {
        "en": "Look at the hop it names: on the host, ip addr shows whether that veth is 'master docker0' and UP; in the container,"
        " whether eth0 is UP.",
        "zh": "查看它指出的那一跳：在主机上用 ip addr 看那个 veth 是否 'master docker0' 并且是 UP；在容器里看 eth0 是否是 UP。",
    },
    "hint.C21.3": {
        "en": "Type: sudo lab-check --path   (the ping's way, hop by hop, with the time at each)",
        "zh": "输入：sudo lab-check --path   （ping 经过的每一跳，以及每一跳的时间）",
    },
    "hint.C22.1": {
        "en": "The lab watches {n0} ping {n1} across the custom network's bridge (br-…), and {c1} ping {n0}, which must stop before br-….",
        "zh": "实验观察 {n0} 穿过自定义网络的网桥（br-…）ping {n1}，以及 {c1} ping {n0}——后者必须在 br-… 之前停下。",
    },
    "hint.C22.2": {
        "en": "If {c1}'s request reached br-…, the bridges are not isolated: look at the host's firewall (DOCKER-ISOLATION).",
        "zh": "如果 {c1} 的请求到达了 br-…，说明网桥之间没有隔离：查看主机的防火墙（DOCKER-ISOLATION）。",
    },
    "hint.C22.3": {
        "en": "Type: sudo lab-check --path network   (each ping's way, hop by hop)",
        "zh": "输入：sudo lab-check --path network   （每个 ping 经过的每一跳）",
    },
    # ---------------------------------------------------------------- a ping and its result
    "detail.not_running_state": {
        "en": "{container} is {state}: the lesson needs it running",
        "zh": "{container} 处于 {state} 状态：本节课需要它在运行",
    },
    "detail.shared_no_cells": {
        "en": "{container}: {why}; no ping from it or to it crosses a veth pair",
        "zh": "{container}：{why}；从它发出或发往它的 ping 都不经过 veth 对",
    },
    "detail.no_address_no_cells": {
        "en": "{container} has no IPv4 address on eth0: none of its pings can be asked",
        "zh": "{container} 的 eth0 没有 IPv4 地址：它的 ping 都无法进行",
    },
    "detail.link_recorded": {
        "en": "Docker recorded {container} --link {name}",
        "zh": "Docker 记录了 {container} --link {name}",
    },
    "detail.link_not_recorded": {
        "en": "Docker has no --link from {container} to {name} (HostConfig.Links): a hosts line written by hand is not --link",
        "zh": "Docker 没有记录 {container} 到 {name} 的 --link（HostConfig.Links）：手工写进 hosts 的一行不是 --link",
    },
    "detail.link_recorded_back": {
        "en": "Docker recorded a --link from {container} back to {name}: the lesson's link is one-way",
        "zh": "Docker 记录了从 {container} 反向到 {name} 的 --link：本节课的链接是单向的",
    },
    "detail.network_record": {
        "en": "docker network inspect {network}: driver {driver}, subnet {subnet}, gateway {gateway}",
        "zh": "docker network inspect {network}：驱动 {driver}，子网 {subnet}，网关 {gateway}",
    },
    "detail.network_record_wrong": {
        "en": "docker network inspect {network} disagrees with the lesson: {mismatch}",
        "zh": "docker network inspect {network} 与本节课不一致：{mismatch}",
    },
    "detail.net_member_not_recorded": {
        "en": "Docker's record of {network} does not list {container} with the address its eth0 has (recorded: {recorded})",
        "zh": "Docker 对 {network} 的记录里没有 {container} 及其 eth0 上的地址（记录为：{recorded}）",
    },
    "ping.answered": {
        "en": "{answered} of {sent} echo requests answered",
        "zh": "发出 {sent} 个回显请求，收到 {answered} 个回复",
    },
    "resolve.hosts_edited": {
        "en": "{source}'s /etc/hosts has a line Docker did not write ({line}): a name someone added by hand is not the lesson's,"
        " and the judge does not take it",
        "zh": "{source} 的 /etc/hosts 里有一行不是 Docker 写的（{line}）：手工加上的名字不算本课的结果，判定不采用它",
    },
    "resolve.dns_unknown": {
        "en": "the name {name} does not resolve in {source}: Docker's embedded DNS (127.0.0.11), asked from inside its"
        " network namespace, does not know it (its networks: {networks})",
        "zh": "名字 {name} 在 {source} 中无法解析：从它的网络命名空间内询问 Docker 内置 DNS（127.0.0.11），"
        "它不知道这个名字（所在网络：{networks}）",
    },
    "resolve.no_resolver": {
        "en": "the name {name} does not resolve in {source}: Docker recorded no --link to it, and {source} is on no"
        " user-defined network whose embedded DNS it asks (its networks: {networks})",
        "zh": "名字 {name} 在 {source} 中无法解析：Docker 没有记录到它的 --link，"
        "{source} 也不在任何会询问内置 DNS 的自定义网络上（所在网络：{networks}）",
    },
    "ping.unresolved": {
        "en": "the name {name} does not resolve ({said})",
        "zh": "名字 {name} 无法解析（{said}）",
    },
    "ping.no_route": {
        "en": "no route to it ({said})",
        "zh": "没有到达它的路由（{said}）",
    },
    "ping.did_not_run": {
        "en": "ping did not run (exit {rc}): {said}",
        "zh": "ping 没有运行（退出码 {rc}）：{said}",
    },
    "cell.own_address": {
        "en": "but {address} is an address of {source} itself (on lo: {lo}): the reply came from the source, not across the veth pair",
        "zh": "但 {address} 是 {source} 自己的地址（lo 上：{lo}）：回复来自源自身，而不是经过 veth-pair",
    },
    "run.interrupted": {
        "en": (
            "vethlab {command} was interrupted (Ctrl-C). {done} of {machines} machines had their report written: {names};"
            " not finished: {left}. The class report was not rewritten. The locks this run took are taken over at once"
            " by the next run from this controller: run it again."
        ),
        "zh": (
            "vethlab {command} 被中断（Ctrl-C）。{machines} 台机器中有 {done} 台已写好报告：{names}；"
            "未完成：{left}。全班报告没有重写。本次运行占用的锁会被本控制机的下一次运行立即接管：请再运行一次。"
        ),
    },
    "cell.route_local": {
        "en": (
            "but the kernel of {source} delivers {address} to itself ({route}): {address} is an"
            " address of {source} itself, the reply did not cross the veth pair"
        ),
        "zh": "但 {source} 的内核把 {address} 交给了自己（{route}）：{address} 是 {source} 自己的地址，回复没有经过 veth-pair",
    },
    "cell.route_elsewhere": {
        "en": "but {source} sends to {address} through {dev} ({route}), not through {wanted} as the lesson's path does",
        "zh": "但 {source} 经由 {dev} 发往 {address}（{route}），而不是像本节课的路径那样经由 {wanted}",
    },
    "cell.route_unread": {
        "en": "but the route from {source} to {address} could not be read (ip route get: {route}): the path of the reply is not shown",
        "zh": "但无法读取 {source} 到 {address} 的路由（ip route get：{route}）：回复的路径无法证明",
    },
    "cell.resolver_unread": {
        "en": (
            "{source}'s /etc/resolv.conf could not be read: a name that does not resolve shows nothing"
            " without the resolver the lesson expects"
        ),
        "zh": "无法读取 {source} 的 /etc/resolv.conf：没有本节课预期的域名解析服务器，名字无法解析说明不了什么",
    },
    "cell.resolver_none": {
        "en": "{source} has no nameserver in /etc/resolv.conf: with no resolver no name resolves, which is not the lesson's reason",
        "zh": "{source} 的 /etc/resolv.conf 中没有 nameserver：没有解析服务器时任何名字都无法解析，这不是本节课的原因",
    },
    "cell.resolver_embedded": {
        "en": (
            "{source} asks Docker's embedded DNS ({servers}): on docker0 a container asks the host's"
            " resolver, so this cell does not show the default bridge"
        ),
        "zh": "{source} 使用 Docker 内置 DNS（{servers}）：在 docker0 上容器使用主机的解析服务器，因此这个单元无法说明默认网桥的情况",
    },
    "cell.resolver_not_configured": {
        "en": "{source} asks {servers}, but Docker was told --dns {wanted}: its /etc/resolv.conf was changed by hand",
        "zh": "{source} 使用 {servers}，但 Docker 记录的是 --dns {wanted}：它的 /etc/resolv.conf 被手工修改过",
    },
    "cell.resolved_elsewhere": {
        "en": "but the name {name} resolved to {address}, which is not an address of {target} ({theirs})",
        "zh": "但名字 {name} 解析到了 {address}，它不是 {target} 的地址（{theirs}）",
    },
    "cell.source_cut_off": {
        "en": "{source} cannot reach its own gateway {control} ({said}): a source cut off from everything shows nothing about this cell",
        "zh": "{source} 连自己的网关 {control} 都无法到达（{said}）：一个与外界完全断开的源无法说明这个单元的任何事",
    },
    "cell.error": {
        "en": "the probe could not run: look at the source container's state (docker ps -a, docker inspect)",
        "zh": "探测无法运行：请查看源容器的状态（docker ps -a、docker inspect）",
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
    "look.firewalld": {
        "en": "firewalld is running on this machine: reloading it (firewall-cmd --reload, or a restart of firewalld) removes the"
        " rules Docker added, and older engines do not put them all back, so the forwarding or the isolation between bridges"
        " is gone. The lab does not change the firewall. Fix: sudo systemctl restart docker (Docker adds its rules again; the"
        " containers stop with it), then run the lab again, or start your containers again (docker start)",
        "zh": "这台机器上运行着 firewalld：重新加载它（firewall-cmd --reload，或重启 firewalld）会删除 Docker 添加的规则，"
        "较旧的引擎不会把它们全部加回来，于是转发或网桥之间的隔离失效了。实验不会修改防火墙。修复：sudo systemctl restart docker"
        "（Docker 会重新添加它的规则；容器会随之停止），然后重新运行实验，或重新启动你的容器（docker start）",
    },
    "look.stale_arp_of": {
        "en": "{container}'s ARP table still gives {address} the MAC {mac}, which is {holder}'s, not {owner}'s ({wanted}):"
        " its frames to {address} go where nobody takes them. It learned that while its veth was on another bridge;"
        " the entry expires by itself within about a minute. To forget it now:"
        " sudo nsenter -t $(docker inspect -f '{{{{.State.Pid}}}}' {container}) -n ip neigh flush dev {device}",
        "zh": "{container} 的 ARP 表仍把 {address} 对应到 MAC {mac}，那是 {holder} 的，不是 {owner} 的（{wanted}）："
        "它发往 {address} 的帧到了没有人接收的地方。这是它的 veth 在另一个网桥上时学到的；该表项大约一分钟内会自行过期。"
        "想立即清除：sudo nsenter -t $(docker inspect -f '{{{{.State.Pid}}}}' {container}) -n ip neigh flush dev {device}",
    },
    "look.stale_arp": {
        "en": "{container}'s ARP table still gives {address} the MAC {mac}, not {owner}'s ({wanted}): its frames to {address}"
        " go where nobody takes them. The entry is older than the network as it is now and expires by itself within about a"
        " minute. To forget it now: sudo nsenter -t $(docker inspect -f '{{{{.State.Pid}}}}' {container}) -n ip neigh flush dev {device}",
        "zh": "{container} 的 ARP 表仍把 {address} 对应到 MAC {mac}，而不是 {owner} 的（{wanted}）：它发往 {address} 的帧到了"
        "没有人接收的地方。这个表项比现在的网络更旧，大约一分钟内会自行过期。"
        "想立即清除：sudo nsenter -t $(docker inspect -f '{{{{.State.Pid}}}}' {container}) -n ip neigh flush dev {device}",
    },
    "look.stale_arp_host": {
        "en": "the host's ARP table still gives {address} the MAC {mac} on {device}, not {owner}'s ({wanted}): its frames"
        " to {address} go where nobody takes them. The entry is older than the container (made again with the same"
        " address?); a learned one expires by itself within about a minute, one set by hand (permanent) stays."
        " To forget it now: sudo ip neigh del {address} dev {device}",
        "zh": "主机的 ARP 表仍把 {address} 在 {device} 上对应到 MAC {mac}，而不是 {owner} 的（{wanted}）：主机发往 {address}"
        " 的帧到了没有人接收的地方。这个表项比容器更旧（容器用同一个地址重新创建过？）；学到的表项大约一分钟内会自行过期，"
        "手工设置的（permanent）会一直保留。想立即清除：sudo ip neigh del {address} dev {device}",
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
    # ---------------------------------------------------------------- why an interface is not paired
    "unpaired.network_none": {
        "en": "the container has no interface but lo: it was started with --network none",
        "zh": "容器除了 lo 没有其他网卡：它是用 --network none 启动的",
    },
    "unpaired.network_host": {
        "en": "the container shows the host's own interfaces: it shares the host's network namespace (--network host) and has no veth",
        "zh": "容器里显示的是主机自己的网卡：它与主机共用网络命名空间（--network host），没有 veth",
    },
    "unpaired.no_peer_index": {
        "en": "its header has no @ifN peer index: it is not one end of a veth pair",
        "zh": "它的标题行没有 @ifN 对端编号：它不是 veth-pair 的一端",
    },
    "unpaired.peer_missing": {
        "en": "the host output has no interface {ifindex}, the peer index in {header}",
        "zh": "主机的输出中没有编号为 {ifindex} 的网卡（{header} 中的对端编号）",
    },
    "unpaired.not_back": {
        "en": "host interface {ifindex} is {header}, which points to {points_to}, not back to {back}:"
        " not a veth pair (macvlan, ipvlan or another namespace's veth?)",
        "zh": "主机网卡 {ifindex} 是 {header}，它指向 {points_to}，而不是指回 {back}："
        "不是 veth-pair（macvlan、ipvlan 或另一个命名空间的 veth？）",
    },
    "unpaired.ambiguous": {
        "en": "host veth {veth} matches more than one container interface ({names}): were the same container's outputs given twice?",
        "zh": "主机 veth {veth} 对应了不止一个容器网卡（{names}）：是不是同一个容器的输出给了两次？",
    },
    "unpaired.host_only": {
        "en": "no given container has interface {ifindex} with peer @if{peer}:"
        " a veth of a container that was not given, or of another namespace",
        "zh": "没有哪个给定的容器有编号为 {ifindex}、对端为 @if{peer} 的网卡：这是未给定的容器或另一个命名空间的 veth",
    },
    # ---------------------------------------------------------------- problems of a container or a bridge
    "problem.no_eth0.is": {"en": "it has no eth0", "zh": "它没有 eth0"},
    "problem.no_eth0.was": {"en": "it had no eth0", "zh": "它曾经没有 eth0"},
    "problem.lo_address.is": {"en": "lo has {addresses} besides 127.0.0.1/8", "zh": "lo 上除了 127.0.0.1/8 还有 {addresses}"},
    "problem.lo_address.was": {"en": "lo had {addresses} besides 127.0.0.1/8", "zh": "lo 上除了 127.0.0.1/8 曾有 {addresses}"},
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
    "detail.namespace_of_host": {
        "en": "its network namespace is this machine's own ({how}): it has no eth0 of its own",
        "zh": "它的网络命名空间就是本机自己的（{how}）：它没有自己的 eth0",
    },
    "detail.namespace_of_other": {
        "en": "it shares {other}'s network namespace ({how}): it has no eth0 of its own",
        "zh": "它与 {other} 共用同一个网络命名空间（{how}）：它没有自己的 eth0",
    },
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
    "detail.dns_answered": {
        "en": "{container}: Docker's embedded DNS, asked from inside its namespace, gives {name} as {address}",
        "zh": "{container}：从其命名空间内询问 Docker 内置 DNS，{name} 的地址是 {address}",
    },
    "detail.dns_not_answered": {
        "en": "{container}: Docker's embedded DNS, asked from inside its namespace, does not give {name} its address ({address})",
        "zh": "{container}：从其命名空间内询问 Docker 内置 DNS，没有得到 {name} 的正确地址（{address}）",
    },
    "detail.no_network_recorded": {
        "en": "Docker has no network {network} (docker network inspect): create it with docker network create",
        "zh": "Docker 中没有网络 {network}（docker network inspect）：请用 docker network create 创建",
    },
    "detail.not_connected_recorded": {
        "en": "Docker does not record {container} on the network {network} (docker inspect): an interface seen only from"
        " inside is not a connection",
        "zh": "Docker 没有记录 {container} 在网络 {network} 上（docker inspect）：只在容器内部看到的接口不算连接",
    },
    # ---------------------------------------------------------------- warnings
    "warning.subnet_contains_host": {
        "en": "this host's address {address} ({interface}) is inside the custom network's subnet {subnet}: the containers"
        " on that network cannot reach that part of your network. Allowed, as on the course's own machine.",
        "zh": "本机地址 {address}（{interface}）在自定义网络的子网 {subnet} 之内：这个网络上的容器无法访问你的网络中的这一部分。"
        "允许这样做，课程自己的机器也是如此。",
    },
    # ---------------------------------------------------------------- the words of the pages and the summary
    "page.title": {"en": "vethlab: {host} — {verdict}", "zh": "vethlab：{host} — {verdict}"},
    # The page's stamp: which run judged the machine, and when (lab_report_stamp finds this line).
    "page.run": {"en": "Run {id}, {at}.", "zh": "运行 {id}，{at}。"},
    "page.run_stopped": {"en": "the run stopped before its report", "zh": "运行在写报告之前停止了"},
    "page.stopped_before_report": {
        "en": "This run stopped before its report: {reason}. No checkpoint was judged, and an earlier report is not shown as this run's.",
        "zh": "本次运行在写报告之前就停止了：{reason}。没有判定任何检查点，也不会把以前的报告当作本次的结果。",
    },
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
    "page.engine": {
        "en": "Docker engine: {engine}; it answers as version {answers} ({distribution}, package manager {manager}).",
        "zh": "Docker 引擎：{engine}；引擎报告的版本为 {answers}（{distribution}，软件包管理器 {manager}）。",
    },
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
    "class.engine": {"en": "Docker engine", "zh": "Docker 引擎"},
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
    "reason.report_changed": {
        "en": "its report {report} is not what this run wrote (changed or removed since)",
        "zh": "它的报告 {report} 已不是本次运行写出的内容（之后被修改或删除）",
    },
    "reason.not_in_run": {"en": "not in this run; last result, at {at}: {status}", "zh": "不在本次运行中；上一次的结果（{at}）：{status}"},
    "reason.worker_lost": {
        "en": "its slice's worker {worker} was lost, twice: {message}",
        "zh": "它所在分片的工作节点 {worker} 两次失联：{message}",
    },
    "reason.not_in_run_yet": {"en": "not in this run; no result yet", "zh": "不在本次运行中；还没有结果"},
    "source.present": {"en": "already present", "zh": "本机已有"},
    "source.pull": {"en": "pulled", "zh": "拉取所得"},
    "source.archive": {"en": "loaded from an archive", "zh": "从归档文件加载"},
    "source.busybox": {"en": "built from this machine's busybox", "zh": "由本机的 busybox 构建"},
    "source.controller": {"en": "copied from the controller", "zh": "从控制节点复制"},
    "word.reachable": {"en": "reachable", "zh": "可达"},
    "word.unreachable": {"en": "unreachable", "zh": "不可达（无回复）"},
    "word.unresolved": {"en": "unresolved", "zh": "无法解析"},
    "word.error": {"en": "error (the probe could not run)", "zh": "错误（探测无法运行）"},
    "word.passed": {"en": "passed", "zh": "通过"},
    "word.failed": {"en": "FAILED", "zh": "未通过"},
    "word.host": {"en": "host", "zh": "主机"},
    "word.host_on": {"en": "host ({where})", "zh": "主机（{where}）"},
    "word.primary": {"en": "primary", "zh": "主地址"},
    "page.checkpoint_ids": {"en": "checkpoints", "zh": "检查点"},
    # ---------------------------------------------------------------- the lessons and their checkpoints
    # A lesson's title; a checkpoint's title, what the student reads when it passes, and when it fails
    # (module_utils/vethlab_lessons.py declares each lesson and its checkpoints by these keys).
    "lesson.docker0.title": {"en": "Understanding docker0", "zh": "理解Docker0"},
    "lesson.link.title": {"en": "Linking containers (--link)", "zh": "容器互联（--link）"},
    "lesson.network.title": {"en": "A custom network", "zh": "自定义网络"},
    "lesson.connect.title": {"en": "Connecting networks (docker network connect)", "zh": "网络连通（docker network connect）"},
    "checkpoint.C1.title": {
        "en": "The host has the docker0 bridge, up, with an IPv4 address",
        "zh": "主机上有 docker0 网桥，处于开启状态，并有 IPv4 地址",
    },
    "checkpoint.C1.passed": {
        "en": "Installing Docker created the docker0 bridge; it is the gateway of every container on the default network.",
        "zh": "安装 Docker 时创建了 docker0 网桥；它是默认网络上每个容器的网关。",
    },
    "checkpoint.C1.failed": {
        "en": "No docker0 that is up with an IPv4 address: is the Docker engine running, with its default bridge enabled, and"
        " did someone take the bridge down (ip link set docker0 down)? The lab does not change the host's network.",
        "zh": "没有一个开启且带 IPv4 地址的 docker0：Docker 引擎在运行吗？默认网桥启用了吗？是不是有人把"
        "网桥关掉了（ip link set docker0 down）？实验不会修改主机的网络。",
    },
    "checkpoint.C2.title": {
        "en": "Each container has an eth0@ifN with an address inside docker0's subnet",
        "zh": "每个容器都有一个 eth0@ifN，地址在 docker0 的子网内",
    },
    "checkpoint.C2.passed": {
        "en": "Docker gave each container an eth0 and an address from docker0's subnet; @ifN names the other end of its cable.",
        "zh": "Docker 给每个容器分配了一个 eth0 和 docker0 子网中的地址；@ifN 指出了这根“网线”另一端的编号。",
    },
    "checkpoint.C2.failed": {
        "en": "A container lacks eth0@ifN or an address in docker0's subnet: is it running, on the default bridge?",
        "zh": "有容器缺少 eth0@ifN，或没有 docker0 子网中的地址：它在运行吗？在默认网桥上吗？",
    },
    "checkpoint.C3.title": {
        "en": "Each container's eth0 pairs with exactly one host veth on docker0, the indexes crossing over",
        "zh": "每个容器的 eth0 都与主机上 docker0 中的一个 veth 成对，编号交叉对应",
    },
    "checkpoint.C3.passed": {
        "en": "eth0@ifN in the container and vethX@ifM on the host name each other: the two ends of one veth pair, the host"
        " end on docker0.",
        "zh": "容器里的 eth0@ifN 和主机上的 vethX@ifM 互相指向对方：它们是同一个 veth-pair 的两端，主机一端接在 docker0 上。",
    },
    "checkpoint.C3.failed": {
        "en": "A container's eth0 has no single host veth naming it back, or that veth is not on docker0.",
        "zh": "有容器的 eth0 找不到唯一一个互相对应的主机 veth，或者那个 veth 不在 docker0 上。",
    },
    "checkpoint.C4.title": {
        "en": "The number of lab veths on docker0 equals the number of running lab containers",
        "zh": "docker0 上实验 veth 的数量等于运行中的实验容器数量",
    },
    "checkpoint.C4.passed": {
        "en": "One container, one veth pair: every running container adds exactly one veth to docker0.",
        "zh": "一个容器，一对 veth：每个运行中的容器恰好给 docker0 增加一个 veth。",
    },
    "checkpoint.C4.failed": {
        "en": "The counts differ: a container is stopped, or a veth is left over or missing.",
        "zh": "数量不一致：有容器停止了，或者有多余或缺失的 veth。",
    },
    "checkpoint.C5.title": {
        "en": "The host reaches each container",
        "zh": "主机能 ping 通每个容器",
    },
    "checkpoint.C5.passed": {
        "en": "The host reaches each container's address through docker0 and the veth pair.",
        "zh": "主机通过 docker0 和 veth-pair 到达每个容器的地址。",
    },
    "checkpoint.C5.failed": {
        "en": "The host cannot reach a container: look at the failed cells below.",
        "zh": "主机无法到达某个容器：请查看下面未通过的连通性单元。",
    },
    "checkpoint.C6.title": {
        "en": "Each container reaches the host (docker0's address)",
        "zh": "每个容器都能 ping 通主机（docker0 的地址）",
    },
    "checkpoint.C6.passed": {
        "en": "Each container reaches its gateway, docker0's address on the host.",
        "zh": "每个容器都能到达它的网关，即主机上 docker0 的地址。",
    },
    "checkpoint.C6.failed": {
        "en": "A container cannot reach docker0's address: look at the failed cells below.",
        "zh": "有容器无法到达 docker0 的地址：请查看下面未通过的连通性单元。",
    },
    "checkpoint.C7.title": {
        "en": "Each container reaches the host's primary address (the lesson's 'outside')",
        "zh": "每个容器都能 ping 通主机的主地址（课程中的“外界”）",
    },
    "checkpoint.C7.passed": {
        "en": "Each container reaches beyond docker0: the host routes its traffic to the host's own primary address.",
        "zh": "每个容器都能到达 docker0 之外：主机把它的流量路由到主机自己的主地址。",
    },
    "checkpoint.C7.failed": {
        "en": "A container cannot reach the host's primary address: look at the failed cells below (forwarding, firewall?).",
        "zh": "有容器无法到达主机的主地址：请查看下面未通过的连通性单元（转发？防火墙？）。",
    },
    "checkpoint.C8.title": {
        "en": "The containers reach each other",
        "zh": "容器之间能互相 ping 通",
    },
    "checkpoint.C8.passed": {
        "en": "Containers on the same bridge reach each other: docker0 switches between their veths.",
        "zh": "同一网桥上的容器可以互相到达：docker0 在它们的 veth 之间转发。",
    },
    "checkpoint.C8.failed": {
        "en": "Two containers cannot reach each other: look at the failed cells below (inter-container traffic disabled?).",
        "zh": "有两个容器无法互相到达：请查看下面未通过的连通性单元（容器间通信被禁用了？）。",
    },
    "checkpoint.C9.title": {
        "en": "On the default bridge, a container cannot reach another by its name",
        "zh": "在默认网桥上，容器无法通过名字访问另一个容器",
    },
    "checkpoint.C9.passed": {
        "en": "A container on the default bridge cannot resolve another's name: docker0 offers no name service between"
        " containers; they reach each other by address only.",
        "zh": "默认网桥上的容器无法解析另一个容器的名字：docker0 不为容器之间提供名字解析，容器之间只能通过 IP 地址访问。",
    },
    "checkpoint.C9.failed": {
        "en": "The name resolved on the default bridge: is there an /etc/hosts entry, a --link, or a DNS server answering for it?",
        "zh": "在默认网桥上名字被解析了：是不是 /etc/hosts 里有这一项、用了 --link，或者有 DNS 服务器替它回答？",
    },
    "checkpoint.C10.title": {
        "en": "With --link, the linking container reaches the linked one by name",
        "zh": "使用 --link 后，发起链接的容器能通过名字访问被链接的容器",
    },
    "checkpoint.C10.passed": {
        "en": "--link wrote the linked container's name and address into the caller's /etc/hosts, so its name resolves there.",
        "zh": "--link 把被链接容器的名字和地址写进了发起者的 /etc/hosts，所以在发起者里这个名字可以解析。",
    },
    "checkpoint.C10.failed": {
        "en": "The linking container cannot reach the linked one by name: was it started with --link, after the linked container?",
        "zh": "发起链接的容器无法通过名字访问被链接的容器：它是用 --link 启动的吗？是在被链接容器之后启动的吗？",
    },
    "checkpoint.C11.title": {
        "en": "--link is one-way: the linked container cannot resolve the linking one",
        "zh": "--link 是单向的：被链接的容器无法解析发起链接的容器",
    },
    "checkpoint.C11.passed": {
        "en": "Only the caller's hosts file was written: the other way round the name does not resolve. --link is legacy; a"
        " custom network (the next chapter) gives names both ways.",
        "zh": "只有发起者的 hosts 文件被修改：反过来这个名字无法解析。--link 已是过时的用法；自定义网络（下一章）让名字双向可用。",
    },
    "checkpoint.C11.failed": {
        "en": "The linked container resolved the caller's name: were they linked both ways, or do they share a custom network?",
        "zh": "被链接的容器解析到了发起者的名字：是不是互相都做了链接，或者它们在同一个自定义网络上？",
    },
    "checkpoint.C12.title": {
        "en": "/etc/hosts shows how --link works: the caller's holds the linked container, the other's does not",
        "zh": "/etc/hosts 揭示了 --link 的原理：发起者的文件里有被链接的容器，另一方的没有",
    },
    "checkpoint.C12.passed": {
        "en": "--link writes the caller's /etc/hosts only: one line with the linked container's address and name.",
        "zh": "--link 只修改发起者的 /etc/hosts：加入一行被链接容器的地址和名字。",
    },
    "checkpoint.C12.failed": {
        "en": "The hosts files are not as --link leaves them: look at both containers' /etc/hosts.",
        "zh": "hosts 文件不是 --link 留下的样子：请查看两个容器的 /etc/hosts。",
    },
    "checkpoint.C13.title": {
        "en": "docker network create made a bridge br-<id> on the host, up, holding the gateway",
        "zh": "docker network create 在主机上创建了一个网桥 br-<id>，处于开启状态，并持有网关地址",
    },
    "checkpoint.C13.passed": {
        "en": "A custom network is a bridge of its own, named br- and the start of the network's id; its gateway is the"
        " host's address on it.",
        "zh": "自定义网络是一个独立的网桥，名字是 br- 加上网络 id 的开头；网关就是主机在这个网桥上的地址。",
    },
    "checkpoint.C13.failed": {
        "en": "The custom network's bridge is missing, down, or not holding the gateway: look at docker network inspect and"
        " ip addr on the host.",
        "zh": "自定义网络的网桥不存在、处于关闭状态，或者没有网关地址：请查看 docker network inspect 和主机上的 ip addr。",
    },
    "checkpoint.C14.title": {
        "en": "Each container of the custom network has an address in its subnet and a veth on its bridge",
        "zh": "自定义网络中的每个容器都有该子网内的地址，并有一个接在该网桥上的 veth",
    },
    "checkpoint.C14.passed": {
        "en": "The same veth pair as on docker0, only the host end is master br-<id>.",
        "zh": "和 docker0 上一样是 veth-pair，只是主机一端的 master 是 br-<id>。",
    },
    "checkpoint.C14.failed": {
        "en": "A container of the custom network has no address in its subnet, or its veth is not on its bridge.",
        "zh": "自定义网络中有容器没有该子网内的地址，或者它的 veth 不在这个网桥上。",
    },
    "checkpoint.C15.title": {
        "en": "On a custom network, containers reach each other by name",
        "zh": "在自定义网络上，容器之间可以通过名字互相访问",
    },
    "checkpoint.C15.passed": {
        "en": "Docker's embedded DNS answers for every container of a custom network, both ways: no --link needed.",
        "zh": "Docker 内置的 DNS 为自定义网络中的每个容器应答，双向都可以：不需要 --link。",
    },
    "checkpoint.C15.failed": {
        "en": "Two containers of the custom network cannot reach each other by name: look at the failed cells below.",
        "zh": "自定义网络中有两个容器无法通过名字互相访问：请查看下面未通过的连通性单元。",
    },
    "checkpoint.C16.title": {
        "en": "Their /etc/resolv.conf names Docker's embedded DNS, 127.0.0.11",
        "zh": "它们的 /etc/resolv.conf 指向 Docker 内置 DNS 127.0.0.11",
    },
    "checkpoint.C16.passed": {
        "en": "On a custom network a container asks 127.0.0.11, Docker's embedded DNS server, which knows its neighbours' names.",
        "zh": "在自定义网络中，容器向 127.0.0.11（Docker 内置的 DNS 服务器）查询名字，它知道同一网络中其他容器的名字。",
    },
    "checkpoint.C16.failed": {
        "en": "A container of the custom network does not ask 127.0.0.11: was it started on the network (--net)?",
        "zh": "自定义网络中有容器没有使用 127.0.0.11：它是用 --net 启动在这个网络上的吗？",
    },
    "checkpoint.C17.title": {
        "en": "A container on docker0 cannot reach a container on the custom network",
        "zh": "docker0 上的容器无法访问自定义网络上的容器",
    },
    "checkpoint.C17.passed": {
        "en": "Docker isolates its bridges from each other: different networks, no traffic between them, even by address.",
        "zh": "Docker 会把不同的网桥相互隔离：不同网络之间即使用 IP 地址也不通。",
    },
    "checkpoint.C17.failed": {
        "en": "A container on docker0 got a reply from the custom network: the bridges' isolation is off.",
        "zh": "docker0 上的容器收到了自定义网络的回复：网桥之间的隔离被关闭了。",
    },
    "checkpoint.C18.title": {
        "en": "docker network connect gave the container a second interface, each on its own bridge",
        "zh": "docker network connect 给容器加了第二块网卡，两块网卡各接在自己的网桥上",
    },
    "checkpoint.C18.passed": {
        "en": "One container, two veth pairs: eth0 on docker0, eth1 on the custom network's bridge.",
        "zh": "一个容器，两对 veth：eth0 接在 docker0 上，eth1 接在自定义网络的网桥上。",
    },
    "checkpoint.C18.failed": {
        "en": "The connected container does not have two interfaces each paired on its own bridge: was docker network connect run?",
        "zh": "被连接的容器没有两块分别接在各自网桥上的网卡：执行过 docker network connect 吗？",
    },
    "checkpoint.C19.title": {
        "en": "The connected container reaches a container of the custom network by name",
        "zh": "被连接的容器能通过名字访问自定义网络上的容器",
    },
    "checkpoint.C19.passed": {
        "en": "Connected to the network, the container asks its embedded DNS too: the network's names resolve.",
        "zh": "连接到这个网络后，容器也能使用它的内置 DNS：网络中的名字可以解析。",
    },
    "checkpoint.C19.failed": {
        "en": "The connected container cannot reach the custom network's container by name: look at the failed cell below.",
        "zh": "被连接的容器无法通过名字访问自定义网络中的容器：请查看下面未通过的连通性单元。",
    },
    "checkpoint.C20.title": {
        "en": "A container on docker0 only still cannot reach it",
        "zh": "只在 docker0 上的容器仍然无法访问它",
    },
    "checkpoint.C20.passed": {
        "en": "Connecting one container opens nothing for the others: a container on docker0 alone cannot even resolve the name.",
        "zh": "连接一个容器不会为其他容器开放任何东西：只在 docker0 上的容器连名字都解析不了。",
    },
    "checkpoint.C20.failed": {
        "en": "A container on docker0 only reached the custom network's container by name: is it connected too?",
        "zh": "只在 docker0 上的容器通过名字访问到了自定义网络的容器：它是不是也被连接了？",
    },
    "checkpoint.C21.title": {
        "en": "One ping crosses the veth pair: the same echo request at every hop, in order, and its reply back the same way",
        "zh": "一次 ping 穿过 veth-pair：同一个回显请求依次出现在每一跳，回复沿原路返回",
    },
    "checkpoint.C21.passed": {
        "en": "The packet itself was seen leaving eth0 inside the container, coming out of its veth on the host, crossing"
        " docker0 and going down the other pair - and the reply came back the same way.",
        "zh": "抓到了数据包本身：它从容器内的 eth0 出发，从主机上的 veth 出来，穿过 docker0，再进入另一对 veth——回复也沿原路返回。",
    },
    "checkpoint.C21.failed": {
        "en": "The ping did not cross every hop: the detail names the first hop where it was not seen - look there.",
        "zh": "ping 没有经过每一跳：详情指出了第一个没有看到它的位置——请检查那里。",
    },
    "path.crossed": {
        "en": "{source} → {target}: the echo request seen at {hops}, its reply back the same way",
        "zh": "{source} → {target}：回显请求依次出现在 {hops}，回复沿原路返回",
    },
    "path.arp": {"en": "the ARP who-has / is-at before it", "zh": "之前有 ARP who-has / is-at"},
    "path.cached": {
        "en": "no ARP: the neighbour entry was still cached",
        "zh": "没有 ARP：邻居表项仍在缓存中",
    },
    "path.request": {
        "en": "{source} → {target}: the echo request",
        "zh": "{source} → {target}：回显请求",
    },
    "path.request_crossed": {
        "en": "{source} → {target}: the echo request seen at {hops}",
        "zh": "{source} → {target}：回显请求依次出现在 {hops}",
    },
    "path.reply": {"en": "its reply", "zh": "它的回复"},
    "path.stops": {
        "en": "seen at {seen}, never at {at}: it stops between {after} and {at}",
        "zh": "出现在 {seen}，但没有出现在 {at}：它停在 {after} 和 {at} 之间",
    },
    "path.out_of_order": {
        "en": "seen at {at} before {before}: not the way the lesson says",
        "zh": "在 {before} 之前就出现在 {at}：不是课程所说的路径",
    },
    "path.no_request": {
        "en": "{source} → {target}: no echo request left {hop}",
        "zh": "{source} → {target}：没有回显请求离开 {hop}",
    },
    "path.arp_unanswered": {
        "en": "its ARP who-has {address} got no answer (without one, no echo request leaves)",
        "zh": "它询问 {address} 的 ARP 请求没有得到回答（没有回答，回显请求就不会发出）",
    },
    "path.wrong_mac": {
        "en": "it reached {at} addressed to the MAC {mac}, but {at}'s MAC is {wanted}: it is not taken there (the sender's ARP"
        " entry is older than the network)",
        "zh": "它到达了 {at}，但目标 MAC 是 {mac}，而 {at} 的 MAC 是 {wanted}：那里不会接收它（发送方的 ARP 表项比网络更旧）",
    },
    "path.no_reply": {
        "en": "no reply came back (not seen at {hop})",
        "zh": "没有回复返回（{hop} 上没有看到）",
    },
    "path.cannot": {"en": "{source} → {target}: not captured", "zh": "{source} → {target}：没有抓包"},
    "path.not_running": {"en": "{container} does not run", "zh": "{container} 没有在运行"},
    "path.no_address": {"en": "{container} has no IPv4 address on eth0", "zh": "{container} 的 eth0 没有 IPv4 地址"},
    "path.no_veth": {
        "en": "{container}'s eth0 pairs with no single host veth",
        "zh": "{container} 的 eth0 没有唯一对应的主机 veth",
    },
    "path.error": {"en": "{error}", "zh": "{error}"},
    "path.none": {"en": "no ping of this lesson was captured", "zh": "这一课没有抓到任何 ping"},
    "path.no_bridge": {"en": "the custom network has no bridge on the host", "zh": "自定义网络在主机上没有网桥"},
    "path.isolated": {
        "en": "{source} → {target}: the echo request seen at {seen} and never at {at}: Docker isolates the two bridges",
        "zh": "{source} → {target}：回显请求出现在 {seen}，但从未出现在 {at}：Docker 隔离了这两个网桥",
    },
    "path.not_isolated": {
        "en": "seen at {at}: it crossed to the other bridge, which the lesson says it never reaches",
        "zh": "出现在 {at}：它到达了另一个网桥，而课程说它永远到不了那里",
    },
    "path.answered": {"en": "a reply came back", "zh": "收到了回复"},
    "checkpoint.C22.title": {
        "en": "On the custom network the ping crosses br-…, and a ping from docker0 stops before it",
        "zh": "在自定义网络上 ping 穿过 br-…，而来自 docker0 的 ping 在它之前就停下了",
    },
    "checkpoint.C22.passed": {
        "en": "The packet was seen crossing the custom network's bridge between its two containers, and the request from"
        " docker0's container was seen on its own side only: it never reached br-….",
        "zh": "抓到数据包在自定义网络的两个容器之间穿过它的网桥；来自 docker0 容器的请求只出现在它自己一侧：从未到达 br-…。",
    },
    "checkpoint.C22.failed": {
        "en": "The capture on the custom network does not show the lesson's way: the detail names the hop - look there.",
        "zh": "自定义网络上的抓包没有显示课程所说的路径：详情指出了那一跳——请检查那里。",
    },
    "page.packet_path": {"en": "The ping's way, hop by hop", "zh": "ping 的路径，逐跳"},
    "page.packet_path_intro": {
        "en": "One ping captured at every hop at once (ping-path.pcapng opens in Wireshark, one interface per hop);"
        " times in microseconds after the first frame.",
        "zh": "在每一跳同时抓取一次 ping（ping-path.pcapng 可以用 Wireshark 打开，每一跳一个接口）；时间为距第一帧的微秒数。",
    },
    "page.packet": {"en": "packet", "zh": "数据包"},
    # A captured packet as a page names it; it starts with its protocol in every language (the report's stamp finds
    # these rows: their times are the run's measurement).
    "packet.arp-request": {"en": "ARP who-has {dst_ip}? tell {src_ip}", "zh": "ARP 询问 {dst_ip} 在哪？告诉 {src_ip}"},
    "packet.arp-reply": {"en": "ARP {src_ip} is-at {src_mac}", "zh": "ARP 回答 {src_ip} 在 {src_mac}"},
    "packet.echo-request": {
        "en": "ICMP echo request {src_ip} → {dst_ip} (id {icmp_id}, seq {icmp_seq})",
        "zh": "ICMP 回显请求 {src_ip} → {dst_ip}（id {icmp_id}，seq {icmp_seq}）",
    },
    "packet.echo-reply": {
        "en": "ICMP echo reply {src_ip} → {dst_ip} (id {icmp_id}, seq {icmp_seq})",
        "zh": "ICMP 回显应答 {src_ip} → {dst_ip}（id {icmp_id}，seq {icmp_seq}）",
    },
    "page.packet_out": {"en": "leaves", "zh": "发出"},
    "check.tool_untrusted": {
        "en": "the host's {tool} ({path}) cannot be trusted to look into the containers: {why}; reinstall its package"
        " (apt-get install --reinstall, dnf reinstall) and check again",
        "zh": "主机上的 {tool}（{path}）不可信，不能用来查看容器：{why}；"
        "请重新安装它的软件包（apt-get install --reinstall、dnf reinstall）后再检查",
    },
    "check.no_judge_image": {
        "en": "lab-check reads your containers from outside them, which needs root: run sudo lab-check, or ask your teacher"
        " to run vethlab prepare on this machine (it records the way in for the docker group in {record}, a file of root's)",
        "zh": "lab-check 需要从容器外部读取你的容器，这需要 root：请运行 sudo lab-check，或请老师在这台机器上运行 vethlab prepare"
        "（它会在 root 的文件 {record} 中记录 docker 组用户的检查方式）",
    },
    "check.untrusted_program": {
        "en": "this lab-check ({program}) is not a file of root's that only root may change: run the one vethlab prepare"
        " installed, or sudo lab-check",
        "zh": "这个 lab-check（{program}）不是只有 root 能修改的 root 文件：请运行 vethlab prepare 安装的那个，或运行 sudo lab-check",
    },
    "page.packet_not_seen": {"en": "not seen", "zh": "未看到"},
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
