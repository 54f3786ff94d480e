# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""The troubleshooting lesson's faults: one broken thing in a working lab, for the student to find and fix.

Each fault is data - its name and what it does to one container's network or the host's - and two lists of
steps: what breaks it, and what puts it back exactly as it was. A step is ``{"netns": CONTAINER or None,
"argv": [...]}``: run in the container's network namespace (``nsenter``, resolved when the step runs, so a
step never holds a stale pid) or on the host. Nothing else is touched: only the lab's containers' network
state, and for ``icmp_dropped`` one firewall rule the lab owns, tagged with its comment.

    nomaster         the container's host veth taken off docker0            (ip link set VETH nomaster)
    eth0_down        the container's eth0 down                              (ip link set eth0 down)
    address_deleted  the container's eth0 address deleted (and so its route)
    wrong_route      the container's default route through a wrong gateway
    icmp_dropped     ICMP from docker0 dropped on the host by a rule of the lab's (iptables, comment vethlab-fault)
    wrong_bridge     the container's host veth moved to another bridge (the custom network's br-...); putting
                     it back also forgets the ARP entries the container learned there (ip neigh flush dev eth0)

Plain Python, standard library only; the caller passes a ``runner(argv) -> (rc, out, err)``.
"""

from __future__ import annotations

import ipaddress
import json
import random

from .vethlab_docker import is_container_name
from .vethlab_ip import IpOutputError, parse_ip_addr
from .vethlab_pairing import pair_veths

FAULTS = ("nomaster", "eth0_down", "address_deleted", "wrong_route", "icmp_dropped", "wrong_bridge")
RULE_COMMENT = "vethlab-fault"
ICMP_RULE = ["INPUT", "-i", "docker0", "-p", "icmp", "-m", "comment", "--comment", RULE_COMMENT, "-j", "DROP"]


class FaultError(RuntimeError):
    """A fault that cannot be applied or undone as asked."""


def _run(runner, argv, what):
    rc, out, err = runner(argv)
    if rc != 0:
        raise FaultError("%s: %s failed (exit %d): %s" % (what, " ".join(argv), rc, (err or out or "").strip() or "no message"))
    return out


def pid_of(runner, container):
    """The container's process on the host (its network namespace), when it runs."""
    out = _run(runner, ["docker", "inspect", "--format", "{{.State.Pid}}", container], "find %s" % container)
    pid = int(out.strip() or 0)
    if pid <= 0:
        raise FaultError("%s does not run: a fault needs a working lab" % container)
    return pid


def in_netns(runner, container, argv):
    return ["nsenter", "-t", str(pid_of(runner, container)), "-n", *argv]


def look(runner, container):
    """What a fault of this container needs to know: its eth0 address, default gateway and host veth.

    The host veth is found as the lab finds every pair (vethlab_pairing, from ``ip addr`` on both sides): the link
    whose index eth0@ifN names and that names eth0's index back - never a link without a peer (the host's uplink,
    a bridge)."""
    netns = in_netns(runner, container, [])  # its namespace, found once for the two reads below
    inside = _run(runner, [*netns, "ip", "addr", "show", "dev", "eth0"], "read %s's eth0" % container)
    route = _run(runner, [*netns, "ip", "-4", "route", "show", "default"], "read %s's route" % container).split()
    try:
        found = pair_veths(_run(runner, ["ip", "addr"], "list the host's links"), {container: inside})
    except IpOutputError as error:
        raise FaultError("cannot read the interfaces of %s and the host: %s" % (container, error)) from error
    eth0 = next((iface for iface in found["containers"][container] if iface["name"] == "eth0"), None)
    pair = next((p for p in found["pairs"] if p["container_interface"] == "eth0"), None)
    return {
        "cidr": eth0["ipv4"][0] if eth0 and eth0["ipv4"] else None,
        "gateway": route[route.index("via") + 1] if "via" in route else None,
        "veth": pair["host_interface"] if pair else None,
        "bridges": sorted(found["bridges"]),
    }


def _check_host_link(runner, argv, what):
    """A step on the host that sets a link names a veth pair's end: never the host's own eth0, a bridge or lo,
    whatever the record says (a record is the controller's file, and a wrong one must not move the host's uplink)."""
    if argv[:3] != ["ip", "link", "set"]:
        return
    shown = _run(runner, ["ip", "addr", "show", "dev", argv[3]], what)
    try:
        ends = [iface for iface in parse_ip_addr(shown, "host") if iface.name == argv[3] and iface.link_ifindex is not None]
    except IpOutputError:
        ends = []
    if not ends:
        raise FaultError("%s: %s is not a veth pair's end on this machine; nothing was changed" % (what, argv[3]))


def plan(fault, container, seen, bridge="docker0"):
    """(what breaks it, what puts it back), as steps, for one fault of one container."""
    if fault not in FAULTS:
        raise FaultError("no fault %r; the faults are %s" % (fault, ", ".join(FAULTS)))
    if not is_container_name(container):
        raise FaultError("%r is not a container name" % (container,))

    def netns(*argv):
        return {"netns": container, "argv": list(argv)}

    def host(*argv):
        return {"netns": None, "argv": list(argv)}

    if fault == "nomaster":
        if not seen.get("veth"):
            raise FaultError("%s's host veth was not found" % container)
        return [host("ip", "link", "set", seen["veth"], "nomaster")], [host("ip", "link", "set", seen["veth"], "master", bridge)]
    if fault == "icmp_dropped":
        return [host("iptables", "-I", *ICMP_RULE)], [host("iptables", "-D", *ICMP_RULE)]
    if fault == "wrong_bridge":
        other = next((name for name in seen.get("bridges") or [] if name != bridge and name.startswith("br-")), None)
        if not (seen.get("veth") and other):
            raise FaultError(
                "no other bridge to move %s's veth to: wrong_bridge needs the custom network's (the network lesson)" % container
            )
        # On the other bridge the container may learn its gateway's address at that bridge's MAC (the host answers
        # ARP for any of its addresses on any link); putting back forgets what it learned there.
        return [host("ip", "link", "set", seen["veth"], "master", other)], [
            host("ip", "link", "set", seen["veth"], "master", bridge),
            netns("ip", "neigh", "flush", "dev", "eth0"),
        ]
    if not (seen.get("cidr") and seen.get("gateway")):
        raise FaultError("%s has no eth0 address or default route to break: a fault needs a working lab" % container)
    # A link taken down, or an address deleted, takes the default route with it: putting back puts it back too.
    restore_route = netns("ip", "route", "replace", "default", "via", seen["gateway"], "dev", "eth0")
    if fault == "eth0_down":
        return [netns("ip", "link", "set", "eth0", "down")], [netns("ip", "link", "set", "eth0", "up"), restore_route]
    if fault == "address_deleted":
        return [netns("ip", "addr", "del", seen["cidr"], "dev", "eth0")], [
            netns("ip", "addr", "add", seen["cidr"], "dev", "eth0"),
            restore_route,
        ]
    network = ipaddress.ip_interface(seen["cidr"]).network
    taken = {str(ipaddress.ip_interface(seen["cidr"]).ip), seen["gateway"]}
    wrong = next(str(address) for address in reversed(list(network.hosts())[-64:]) if str(address) not in taken)
    return [netns("ip", "route", "replace", "default", "via", wrong, "dev", "eth0")], [restore_route]


def execute(runner, steps, what):
    """Run the steps, each checked before the first runs: a step that is not ip or iptables, or that would set a
    host link which is no veth, stops them all with nothing changed."""
    for step in steps:
        argv = step["argv"]
        if argv[0] not in ("ip", "iptables"):
            raise FaultError("%s: a fault's step runs ip or iptables, not %s" % (what, argv[0]))
        if not step.get("netns"):
            _check_host_link(runner, argv, what)
    for step in steps:
        argv = step["argv"]
        _run(runner, in_netns(runner, step["netns"], argv) if step.get("netns") else argv, what)


def apply(runner, fault, containers, rng=None, dry_run=False):
    """Break one thing: ``fault`` (or ``random``) in one of ``containers`` (chosen at random for random). Returns
    the record the controller keeps: the fault, the container and the steps that undo it. With ``dry_run`` it
    only looks and plans (check mode): nothing is broken."""
    rng = rng or random.SystemRandom()
    name = rng.choice(FAULTS) if fault == "random" else fault
    container = rng.choice(list(containers)) if fault == "random" else next(iter(containers))
    breaks, undoes = plan(name, container, look(runner, container))
    if not dry_run:
        execute(runner, breaks, "break %s (%s)" % (container, name))
    return {"fault": name, "container": container, "undo": undoes}


def undo(runner, record):
    """Put back exactly what ``apply`` broke, from the controller's record of it."""
    if not isinstance(record, dict) or not isinstance(record.get("undo"), list):
        raise FaultError("the record of the fault is not one vethlab wrote: %s" % json.dumps(record)[:200])
    execute(runner, record["undo"], "undo %s (%s)" % (record.get("container"), record.get("fault")))
