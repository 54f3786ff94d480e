# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""The lessons' checkpoints, judged: what a judge sees, and every checkpoint of the lessons asked.

The table itself is the lessons' declarations (vethlab_lessons: one line per checkpoint, its
judge in vethlab_judges, its texts in vethlab_texts); the modules, the reports and the templates
read the ids from here. Plain Python, standard library only.
"""

from __future__ import annotations

import ipaddress

from . import vethlab_lessons
from .vethlab_lessons import names
from .vethlab_texts import localized


class Seen:
    """What a judge looks at: the observation (lab_observe), the run's plan and the cells pinged.

    ``run_plan`` is the run's plan (vethlab_lessons.run_plan).
    """

    def __init__(self, observed, run_plan, bridge="docker0", cells=(), primary=None):
        self.plan = run_plan
        self.veths = observed.get("veths") or {}
        self.running = list(observed.get("running") or [])
        self.states = observed.get("states") or {}
        self.addresses = observed.get("addresses") or {}
        self.host_addresses = list(observed.get("host_ipv4_addresses") or [])
        self.health = observed.get("health") or {}
        self.files = observed.get("files") or {}
        # The running containers whose network namespace is not their own (vethlab_collect.shared_namespaces).
        self.shared = observed.get("shared_namespaces") or {}
        self.bridge_problems = (observed.get("bridge_problems") or {}).get(bridge) or []
        self.containers = names(run_plan, "docker0")
        links = [entry for entry in run_plan["containers"] if entry["lesson"] == "link"]
        self.link_container, self.link_target = (links[0]["name"], links[0]["links"][0]) if links else (None, None)
        self.net_containers = names(run_plan, "network")
        self.custom = run_plan.get("network")
        found = (observed.get("networks") or {}).get((self.custom or {}).get("name")) or {}
        self.custom_bridge = found.get("bridge")
        # Docker's own records, judged beside the kernel's: the custom network, and each container's links.
        self.custom_record = found or None
        self.inspected = observed.get("inspected") or {}
        self.connect = run_plan.get("connect")
        self.bridge = bridge
        self.bridge_ipv4 = ((self.veths.get("bridges") or {}).get(bridge) or {}).get("ipv4") or []
        self.network = ipaddress.ip_interface(self.bridge_ipv4[0]).network if self.bridge_ipv4 else None
        self.primary = primary
        self.cells = list(cells)
        self.packet_path = None  # the captured pings, judged (vethlab_capture), when the plan captures

    def interface(self, container, name="eth0"):
        return next((iface for iface in (self.veths.get("containers") or {}).get(container, []) if iface["name"] == name), None)

    def why_no_interface(self, container):
        """Why a container shows no interface, as a message part: not running, a namespace not its own, or none."""
        if container not in self.running:
            return ("detail.not_running", {})
        shared = self.shared.get(container)
        if shared:
            key = "detail.namespace_of_host" if shared["with"] == "host" else "detail.namespace_of_other"
            return (key, {"other": shared["with"], "how": shared["how"]})
        return ("detail.no_eth0_in_ip_addr", {})

    def port_macs(self, bridge):
        """The MACs of a bridge's ports (the host ends of the lab's veths on it): a bridge takes frames sent to them
        as its own, as it takes those sent to its own MAC."""
        return {p["host_mac"] for p in self.veths.get("pairs") or [] if p.get("bridge") == bridge and p.get("host_mac")}

    def pairs_of(self, container, name="eth0"):
        return [p for p in self.veths.get("pairs") or [] if p["container"] == container and p["container_interface"] == name]

    def eth0_address(self, container, name="eth0"):
        """The container's IPv4 address on an interface (no prefix), when it runs and has one."""
        found = self.interface(container, name) if container in self.running else None
        return found["ipv4"][0].split("/", 1)[0] if found and found["ipv4"] else None

    def own_addresses(self, source):
        """Every IPv4 address of a cell's source itself: the host's, or the container's on every interface."""
        if source == "host":
            return set(self.host_addresses)
        return {cidr.split("/", 1)[0] for _, cidr in self.addresses.get(source) or []}

    def addresses_of(self, container):
        """Every IPv4 address a container has (every interface but lo)."""
        return {cidr.split("/", 1)[0] for iface, cidr in self.addresses.get(container) or [] if iface != "lo"}

    def not_running(self, lesson):
        """The containers a lesson needs - its own and those of the lessons it needs - that do not run,
        each with Docker's word for its state (exited, paused, created; missing when there is none)."""
        wanted = set(vethlab_lessons.needed([lesson]))
        return [
            (entry["name"], self.states.get(entry["name"]) or "missing")
            for entry in self.plan["containers"]
            if entry["lesson"] in wanted and entry["name"] not in self.running
        ]

    def without_address(self, lesson):
        """The lesson's own running containers whose eth0 has no IPv4 address: their cells cannot be asked."""
        return [
            entry["name"]
            for entry in self.plan["containers"]
            if entry["lesson"] == lesson and entry["name"] in self.running and not self.eth0_address(entry["name"])
        ]

    def links_of(self, container):
        """The containers Docker recorded ``container`` as linked to (HostConfig.Links), or None when not inspected."""
        view = self.inspected.get(container)
        return None if view is None else list(view.get("links") or [])

    def file(self, container, path):
        """A file read in a running container, or None."""
        return (self.files.get(container) or {}).get(path)


def checkpoints():
    """Every checkpoint of the course, in the lessons' order (the table: one line per checkpoint)."""
    return [checkpoint for lesson in vethlab_lessons.LESSONS for checkpoint in lesson.checkpoints]


def ids():
    return tuple(checkpoint.id for checkpoint in checkpoints())


def lesson_titles():
    return {lesson.id: lesson.title for lesson in vethlab_lessons.LESSONS}


# The course as declared when this module was first imported (a lesson registered later is read
# through the functions above).
CHECKPOINTS = tuple(checkpoints())
IDS = ids()
LESSON_TITLES = lesson_titles()


def of_lessons(lessons, run_plan=None):
    """The checkpoints of the given lessons, in the table's order; with ``run_plan``, only those the plan asks
    for (a checkpoint with ``when`` is asked when the plan's ``when`` is true: C21 when it captures)."""
    return [
        checkpoint
        for checkpoint in checkpoints()
        if checkpoint.lesson in lessons and (checkpoint.when is None or run_plan is None or run_plan.get(checkpoint.when))
    ]


def matrix(seen, lessons):
    """Every cell the given lessons' reachability checkpoints own, each marked with its checkpoint and lesson."""
    cells = []
    for checkpoint in of_lessons(lessons):
        for cell in checkpoint.cells(seen) if checkpoint.cells else []:
            cells.append(dict(cell, checkpoint=checkpoint.id, lesson=checkpoint.lesson))
    return cells


def evaluate(seen, lessons):
    """Every checkpoint of the given lessons, judged; each lesson's result (its title, its checkpoints' ids, whether
    they all passed - its cells are in the checkpoints' data, by their ``lesson``, not again here); and whether all
    passed."""
    results = [checkpoint.result(seen) for checkpoint in of_lessons(lessons, seen.plan)]
    titles = lesson_titles()
    per_lesson = []
    for lesson in lessons:
        mine = [checkpoint for checkpoint in results if checkpoint["lesson"] == lesson]
        title = localized(title=[titles[lesson]])
        per_lesson.append(dict(title, id=lesson, passed=bool(mine) and all(c["passed"] for c in mine), checkpoints=[c["id"] for c in mine]))
    return {"checkpoints": results, "lessons": per_lesson, "passed": bool(results) and all(checkpoint["passed"] for checkpoint in results)}
