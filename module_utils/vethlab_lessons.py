# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""The course's chapters, each one declaration, and the plan of a run.

The course "理解Docker0" goes on with 容器互联 (--link), 自定义网络 (docker network create) and
网络连通 (docker network connect). A lesson's declaration (``Lesson``) says everything about it:
its id, the lessons whose containers it needs running, its containers and custom network with the
settings that name them and their defaults, the container it connects to another lesson's
network, the files its judges read in the containers, and its checkpoints - one line each: the id,
the judge (vethlab_judges), and the texts by key (``checkpoint.<id>.*`` in vethlab_texts). What a
lesson may remove, at the reset and the teardown, is what it declares and the lab labelled.

``run_plan()`` turns a host's settings, the lessons asked for, the containers' DNS servers and the
capture into the run's plan - the settings step once per run, lab-check once per check, always with
those four arguments; every step and module takes that plan as it is. The settings check, the reset's
messages, the containers step and the reports read the declarations through it; none spells a
lesson or its containers. Adding a lesson is one ``Lesson`` here (or ``register()`` from a test),
its texts and its tests (docs/development.md). Plain Python, standard library only.
"""

from __future__ import annotations

import ipaddress

from . import vethlab_judges as judges
from .vethlab_texts import MESSAGES, localized

ALL = "all"
# Docker's default network: the docker0 bridge, where `docker run` without --net plugs a container.
DEFAULT_NETWORK = "bridge"


class Checkpoint:
    """One line of a lesson's checkpoint table: its id and its judge - a function from what was
    seen to (passed, detail parts) - or, for a reachability checkpoint, the cells it owns (it
    passes when each does). Its texts are ``checkpoint.<id>.title|passed|failed``."""

    def __init__(self, cid, judge=None, cells=None, when=None):
        self.id, self.cells, self.lesson, self.when = cid, cells, None, when
        self.judge = judge or judges.judge_cells

    def text(self, part):
        return MESSAGES["checkpoint.%s.%s" % (self.id, part)]

    title = property(lambda self: self.text("title"))
    passed = property(lambda self: self.text("passed"))
    failed = property(lambda self: self.text("failed"))

    def result(self, seen):
        passed, detail = self.judge(self, seen)
        texts = localized(title=[self.title], text=[self.passed if passed else self.failed], detail=detail)
        return dict({"id": self.id, "lesson": self.lesson, "passed": bool(passed)}, **texts)


class Setting:
    """A setting a lesson reads: its variable's name, its default and what it is."""

    def __init__(self, name, default, description):
        self.name, self.default, self.description = name, default, description


class Lesson:
    """One chapter of the course.

    - ``needs``: the lessons whose containers must run for this one's checkpoints.
    - ``containers``: the setting naming its containers (a list, or one name).
    - ``network``: its custom network's settings (name, subnet, gateway), or None; its containers
      join it instead of the default bridge.
    - ``links``: each of its containers is started with --link to these (lesson, index) containers.
    - ``connects``: ((lesson, index), other lesson): that container joins the other lesson's network.
    - ``files``: what its judges read inside the containers.
    - ``commands``: what the student types, in the course's order (the task card's lines), with the
      student's own names as ``{c0}``, ``{c1}``, ``{link}``, ``{net}``, ``{subnet}``, ``{gateway}``,
      ``{n0}``, ``{n1}``, ``{connect}`` and an address to read from ``ip addr`` as ``{ip_NAME}``.
    - ``checkpoints``: its table, in order.
    """

    def __init__(self, lesson_id, needs=(), containers=None, network=None, links=(), connects=None, files=(), commands=(), checkpoints=()):
        self.id, self.needs, self.containers, self.network = lesson_id, tuple(needs), containers, network
        self.links, self.connects, self.files, self.commands = tuple(links), connects, tuple(files), tuple(commands)
        self.checkpoints = tuple(checkpoints)
        for checkpoint in self.checkpoints:
            checkpoint.lesson = lesson_id

    @property
    def title(self):
        return MESSAGES["lesson.%s.title" % self.id]

    def settings(self):
        """Every setting this lesson reads, in order."""
        found = [self.containers] if self.containers else []
        return found + list((self.network or {}).values())


C = Checkpoint
LESSONS = [
    Lesson(
        "docker0",
        containers=Setting("lab_containers", ["alpine01", "alpine02"], "The lab's container names, in the lesson's order."),
        # resolv.conf: the resolver C9 expects; hosts: a line typed by hand there is named in C9's cell.
        files=("/etc/resolv.conf", "/etc/hosts"),
        commands=(
            "docker run -dit --name {c0} alpine",
            "docker run -dit --name {c1} alpine",
            "docker exec -it {c0} ip addr",
            "docker exec -it {c1} ip addr",
            "ip addr",
            "ping -c 3 {ip_c0}",
            "docker exec -it {c0} ping -c 3 {ip_docker0}",
            "docker exec -it {c0} ping -c 3 {ip_host}",
            "docker exec -it {c0} ping -c 3 {ip_c1}",
            "docker exec -it {c1} ping -c 1 {c0}",
        ),
        checkpoints=(
            C("C1", judge=judges.judge_bridge),
            C("C2", judge=judges.judge_addresses),
            C("C3", judge=judges.judge_pairs),
            C("C4", judge=judges.judge_veth_count),
            C("C5", cells=judges.cells_host_to_containers),
            C("C6", cells=judges.cells_containers_to_bridge),
            C("C7", cells=judges.cells_containers_to_outside),
            C("C8", cells=judges.cells_containers_to_each_other),
            C("C9", cells=judges.cells_name_on_the_default_bridge),
            # The packet itself, captured at every hop (vethlab_capture); judged when the plan captures (lab_capture).
            C("C21", judge=judges.judge_packet_path, when="capture"),
        ),
    ),
    Lesson(
        "link",
        needs=("docker0",),
        containers=Setting("lab_link_container", "alpine03", "The link lesson's container, started with --link to docker0's second."),
        links=(("docker0", 1),),
        files=("/etc/hosts", "/etc/resolv.conf"),
        commands=(
            "docker run -dit --name {link} --link {c1} alpine",
            "docker exec -it {link} ping -c 3 {c1}",
            "docker exec -it {c1} ping -c 1 {link}",
            "docker exec -it {link} cat /etc/hosts",
        ),
        checkpoints=(
            C("C10", judge=judges.judge_link_cells, cells=judges.cells_link_forward),
            C("C11", judge=judges.judge_link_cells, cells=judges.cells_link_back),
            C("C12", judge=judges.judge_link_hosts),
        ),
    ),
    Lesson(
        "network",
        needs=("docker0",),
        containers=Setting("lab_network_containers", ["alpine-net-01", "alpine-net-02"], "The network lesson's containers."),
        network={
            "name": Setting("lab_network_name", "mynet", "The network lesson's custom network."),
            "subnet": Setting("lab_network_subnet", "192.168.0.0/16", "Its subnet, in CIDR form."),
            "gateway": Setting("lab_network_gateway", "192.168.0.1", "Its gateway, a host address inside the subnet."),
        },
        files=("/etc/hosts", "/etc/resolv.conf"),
        commands=(
            "docker network create --driver bridge --subnet {subnet} --gateway {gateway} {net}",
            "docker network ls",
            "docker run -dit --name {n0} --net {net} alpine",
            "docker run -dit --name {n1} --net {net} alpine",
            "docker network inspect {net}",
            "docker exec -it {n0} ping -c 3 {n1}",
            "docker exec -it {c1} ping -c 1 -W 2 {ip_n0}",
        ),
        checkpoints=(
            C("C13", judge=judges.judge_custom_bridge),
            C("C14", judge=judges.judge_custom_pairs),
            C("C15", judge=judges.judge_custom_cells, cells=judges.cells_custom_by_name),
            C("C16", judge=judges.judge_embedded_dns),
            C("C17", cells=judges.cells_isolation),
            # The packet itself on the custom network, and where the isolated request stops (vethlab_capture).
            C("C22", judge=judges.judge_packet_path, when="capture"),
        ),
    ),
    Lesson(
        "connect",
        needs=("docker0", "network"),
        connects=(("docker0", 0), "network"),
        files=("/etc/hosts", "/etc/resolv.conf"),
        commands=(
            "docker network connect {net} {connect}",
            "docker exec -it {connect} ip addr",
            "docker exec -it {connect} ping -c 3 {n0}",
            "docker exec -it {c1} ping -c 1 {n0}",
        ),
        checkpoints=(
            C("C18", judge=judges.judge_two_interfaces),
            C("C19", cells=judges.cells_connected_by_name),
            C("C20", cells=judges.cells_not_connected_by_name),
        ),
    ),
]


# --------------------------------------------------------------------------- the declarations, read


def ids():
    """The lessons' ids, in the course's order."""
    return [lesson.id for lesson in LESSONS]


def lesson(lesson_id):
    return next(entry for entry in LESSONS if entry.id == lesson_id)


def register(new, messages=None):
    """Add a lesson at the end of the course, and its texts (``{key: {lang: text}}``); ``unregister`` takes them back."""
    if new.id in ids() or new.id == ALL:
        raise ValueError("a lesson %r is declared already" % new.id)
    MESSAGES.update(messages or {})
    LESSONS.append(new)


def unregister(lesson_id, messages=()):
    LESSONS[:] = [entry for entry in LESSONS if entry.id != lesson_id]
    for key in messages:
        MESSAGES.pop(key, None)


def settings():
    """Every lesson setting, by name: ``{name: Setting}``, in the course's order."""
    return {setting.name: setting for entry in LESSONS for setting in entry.settings()}


def container_settings():
    """The names of the settings that name containers, in the course's order."""
    return [entry.containers.name for entry in LESSONS if entry.containers]


def network_settings():
    """The names of the settings of the lessons' custom networks: {"name": ..., "subnet": ..., "gateway": ...} per lesson."""
    return {entry.id: {key: setting.name for key, setting in entry.network.items()} for entry in LESSONS if entry.network}


def given_of(variables):
    """The lesson settings a host was given: its variables, then its own values (``lab_variant``, set by the
    settings step when lab_variants is on) over them."""
    given = {name: variables[name] for name in settings() if name in variables}
    given.update({name: found for name, found in (variables.get("lab_variant") or {}).items() if name in settings()})
    return given


def value(given, name):
    """A lesson setting's value: as given, or the declaration's default."""
    return given[name] if given.get(name) is not None else settings()[name].default


def container_names(given, lesson_id):
    """A lesson's containers, as the settings name them (a list)."""
    declared = lesson(lesson_id).containers
    if declared is None:
        return []
    names_given = value(given, declared.name)
    return list(names_given) if isinstance(names_given, (list, tuple)) else [names_given]


def selected(lessons):
    """The lessons to judge, in the order asked: a list of ids, or "all" (the course's order)."""
    if lessons == ALL or lessons == [ALL]:
        return ids()
    if isinstance(lessons, str):
        return [lessons]
    return list(lessons)


def needed(lessons):
    """Every lesson whose containers must run: those asked for and what they need, in the course's order."""
    wanted, todo = set(), list(lessons)
    while todo:
        lesson_id = todo.pop()
        if lesson_id not in wanted:
            wanted.add(lesson_id)
            todo.extend(lesson(lesson_id).needs if lesson_id in ids() else ())
    return [lesson_id for lesson_id in ids() if lesson_id in wanted]


def _nth(given, reference):
    lesson_id, index = reference
    names = container_names(given, lesson_id)
    return names[index] if len(names) > index else None


def run_plan(variables, lessons, dns, capture):
    """The run's plan - made here and nowhere else, with these four arguments by every caller: a host's
    ``variables`` (or any mapping of settings; its lesson settings and ``lab_variant`` are read, through
    given_of - a lesson setting not given takes its declaration's default), the ``lessons`` asked for, the
    ``dns`` servers the containers are given and whether the run ``capture``s. The plan holds ``lessons`` (judged, in order),
    ``containers`` (each with its ``lesson``, the Docker ``networks`` it joins in order - its eth0,
    eth1 - the containers it ``links`` to and the ``dns`` servers it is given), the custom
    ``network`` (name, subnet, gateway) or None, the container ``connect`` joins to it or None, the
    ``files`` the judges read in the containers, the ``settings`` that name containers, and whether the run
    ``capture``s the docker0 lesson's ping at every hop (C21)."""
    given = given_of(variables or {})
    judged = selected(lessons)
    running = needed(judged)
    network, connect, joins = None, None, {}
    for lesson_id in running:
        entry = lesson(lesson_id)
        if entry.network and network is None:
            network = {key: value(given, setting.name) for key, setting in entry.network.items()}
        if entry.connects:
            reference, to = entry.connects
            connect = _nth(given, reference)
            if connect is not None and lesson(to).network:
                joins.setdefault(connect, []).append(value(given, lesson(to).network["name"].name))
    entries = []
    for lesson_id in running:
        entry = lesson(lesson_id)
        links = [name for name in (_nth(given, reference) for reference in entry.links) if name is not None]
        if len(links) < len(entry.links):
            continue  # whom it links to is not there: it is not started
        home = value(given, entry.network["name"].name) if entry.network else DEFAULT_NETWORK
        for name in container_names(given, lesson_id):
            entries.append({"name": name, "lesson": lesson_id, "networks": [home, *joins.get(name, [])], "links": links, "dns": list(dns)})
    files = [path for lesson_id in judged if lesson_id in ids() for path in lesson(lesson_id).files]
    return {
        "lessons": judged,
        "containers": entries,
        "network": network,
        "connect": connect,
        # What the judges read in the containers: --link's /etc/hosts, a custom network's resolver.
        "files": list(dict.fromkeys(files)),
        "container_settings": container_settings(),
        "capture": bool(capture) and bool({"docker0", "network"} & set(judged)),
    }


def names(run_plan, lesson_id=None):
    """The plan's container names, all or one lesson's, in order."""
    return [entry["name"] for entry in run_plan["containers"] if lesson_id is None or entry["lesson"] == lesson_id]


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
