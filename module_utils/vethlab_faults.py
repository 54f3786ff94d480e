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
from .vethlab_ip import IpOutputError
from .vethlab_netns import enter_argv, namespace_inodes
from .vethlab_pairing import pair_veths, parse_outputs

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


def identify(runner, container):
    """Docker's record of a running container and the kernel's of its network namespace: {"id", "pid",
    "network_mode", "netns" (the namespace's inode)}. A fault is made, and put back, only in this namespace."""
    out = _run(
        runner,
        ["docker", "inspect", "--type", "container", "--format", "{{.Id}} {{.State.Pid}} {{.HostConfig.NetworkMode}}", container],
        "find %s" % container,
    )
    words = out.split()
    if len(words) < 2 or not words[1].isdigit() or int(words[1]) <= 0:
        raise FaultError("%s does not run: a fault needs a working lab" % container)
    pid = int(words[1])
    mode = words[2] if len(words) > 2 else ""
    return {"id": words[0], "pid": pid, "network_mode": mode, "netns": namespace_inodes(runner, [pid]).get(pid)}


def refuse_shared(runner, container, who):
    """A fault acts only in a namespace that is the container's own: never the host's (``--network host``), never
    one shared with another container (``--network container:X``, either way). FaultError saying which."""
    mode = who["network_mode"]
    if mode == "host" or mode.startswith("container:"):
        acts_on = "this machine's own network" if mode == "host" else "another container"
        raise FaultError(
            "%s runs with --network %s: its network namespace is not its own, and a fault there would act on %s;"
            " nothing was changed" % (container, mode, acts_on)
        )
    if who["netns"] is None or who["netns"] == namespace_inodes(runner, []).get("self"):
        raise FaultError("%s's network namespace is this machine's own; nothing was changed" % container)
    _, out, _ = runner(["docker", "ps", "--quiet", "--no-trunc"])
    others = [cid for cid in out.split() if cid != who["id"]]
    if not others:
        return
    _, out, _ = runner(["docker", "inspect", "--type", "container", "--format", "{{.Name}} {{.State.Pid}}", *others])
    pids = {}
    for line in out.splitlines():
        words = line.split()
        if len(words) == 2 and words[1].isdigit() and int(words[1]) > 0:
            pids[int(words[1])] = words[0].lstrip("/")
    for pid, inode in namespace_inodes(runner, sorted(pids)).items():
        if pid != "self" and inode == who["netns"]:
            raise FaultError(
                "%s shares its network namespace with %s: a fault there would act on both; nothing was changed" % (container, pids[pid])
            )


def look(runner, container, who):
    """What a fault of this container needs to know, read in its namespace (``who``: identify's): its eth0 addresses,
    whether eth0 is up, its default gateway, its host veth and the bridge that holds it.

    The host veth is found as the lab finds every pair (vethlab_pairing, from ``ip addr`` on both sides): the link
    whose index eth0@ifN names and that names eth0's index back - never a link without a peer (the host's uplink,
    a bridge)."""
    netns = enter_argv(who["pid"], [])
    inside = _run(runner, [*netns, "ip", "addr", "show", "dev", "eth0"], "read %s's eth0" % container)
    route = _run(runner, [*netns, "ip", "-4", "route", "show", "default"], "read %s's route" % container).split()
    try:
        found = pair_veths(*parse_outputs(_run(runner, ["ip", "addr"], "list the host's links"), {container: inside}))
    except IpOutputError as error:
        raise FaultError("cannot read the interfaces of %s and the host: %s" % (container, error)) from error
    eth0 = next((iface for iface in found["containers"][container] if iface["name"] == "eth0"), None)
    pair = next((p for p in found["pairs"] if p["container_interface"] == "eth0"), None)
    return {
        "cidr": eth0["ipv4"][0] if eth0 and eth0["ipv4"] else None,
        "addresses": list(eth0["ipv4"]) if eth0 else [],
        "up": bool(eth0) and "UP" in (eth0.get("flags") or []),
        "gateway": route[route.index("via") + 1] if "via" in route else None,
        "veth": pair["host_interface"] if pair else None,
        "bridge": pair["bridge"] if pair else None,
        "bridges": sorted(found["bridges"]),
    }


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


def _is(kind, text):
    try:
        kind(text)
        return True
    except ValueError:
        return False


# The steps a fault may take in a container's namespace (besides an address and a default route on eth0).
NETNS_STEPS = (["ip", "link", "set", "eth0", "up"], ["ip", "link", "set", "eth0", "down"], ["ip", "neigh", "flush", "dev", "eth0"])


def _netns_step_problem(argv):
    if argv in NETNS_STEPS:
        return None
    if len(argv) == 6 and argv[:2] == ["ip", "addr"] and argv[2] in ("add", "del") and argv[4:] == ["dev", "eth0"]:
        return None if _is(ipaddress.ip_interface, argv[3]) else "%s is not an address" % argv[3]
    if len(argv) == 8 and argv[:5] == ["ip", "route", "replace", "default", "via"] and argv[6:] == ["dev", "eth0"]:
        return None if _is(ipaddress.ip_address, argv[5]) else "%s is not an address" % argv[5]
    return "%s is not a step a fault takes in a container" % " ".join(argv)


def step_problem(step, record):
    """Why a step of a record is not one a fault may take (None: it is). A step in the container's namespace names
    the recorded container and sets its eth0 up or down, an address on it, its default route, or forgets its
    neighbours; a step on the host sets the master of the recorded veth (whose pair with the container's eth0 is
    checked in the namespace before it runs), or is the lab's own ICMP rule."""
    argv = step.get("argv") if isinstance(step, dict) else None
    if not isinstance(argv, list) or not argv or not all(isinstance(word, str) for word in argv):
        return "a step is not a command: %s" % json.dumps(step)[:120]
    if argv[0] not in ("ip", "iptables"):
        return "a fault's step runs ip or iptables, not %s" % argv[0]
    if step.get("netns"):
        if step["netns"] != record.get("container"):
            return "a step acts in %s's namespace, not in %s's, whose fault it is" % (step["netns"], record.get("container"))
        return _netns_step_problem(argv)
    if argv[0] == "iptables" and len(argv) > 2 and argv[1] in ("-I", "-D") and argv[2:] == ICMP_RULE:
        return None
    sets_master = len(argv) > 4 and (argv[4:] == ["nomaster"] or (argv[4] == "master" and len(argv) == 6))
    if argv[:3] == ["ip", "link", "set"] and sets_master:
        if argv[3] != record.get("veth"):
            return "%s is not a veth pair's end of %s (the record's is %s)" % (argv[3], record.get("container"), record.get("veth"))
        return None
    return "%s is not a step a fault takes on the host" % " ".join(argv)


def in_effect(step, seen, runner):
    """Whether an undo step's effect is already there (the student put it back by hand): it is then not run."""
    argv = step["argv"]
    if argv == ["ip", "link", "set", "eth0", "up"]:
        return seen["up"]
    if argv[:3] == ["ip", "addr", "add"]:
        return argv[3] in seen["addresses"]
    if argv[:5] == ["ip", "route", "replace", "default", "via"]:
        return seen["gateway"] == argv[5]
    if argv[:3] == ["ip", "link", "set"] and argv[4] == "master":
        return seen["bridge"] == argv[5]
    if argv[:2] == ["iptables", "-D"]:
        return runner(["iptables", "-C", *argv[2:]])[0] != 0
    return False  # forgetting neighbours is never "there": it runs


def _checked(steps, record, what):
    for step in steps:
        problem = step_problem(step, record)
        if problem:
            raise FaultError("%s: %s; nothing was changed" % (what, problem))


def execute(runner, steps, record, who, what):
    """Run the steps, each checked before the first runs (step_problem): one that is not a fault's stops them all
    with nothing changed. A step in the namespace runs in the one identified (``who``), never found by name again."""
    _checked(steps, record, what)
    for step in steps:
        argv = step["argv"]
        _run(runner, enter_argv(who["pid"], argv) if step.get("netns") else argv, what)


def allowed(lessons):
    """The faults a machine's lessons allow: wrong_bridge needs the network lesson's custom network."""
    return [fault for fault in FAULTS if fault != "wrong_bridge" or "network" in (lessons or ())]


def apply(runner, fault, containers, rng=None, dry_run=False, lessons=None):
    """Break one thing: ``fault`` (or ``random``, among those the ``lessons`` allow; every fault when None) in one
    of ``containers`` (chosen at random for random), refusing a container whose namespace is not its own. Returns
    the record the controller keeps: the fault, the container, its id and namespace, its veth and the steps that
    undo it. With ``dry_run`` it only looks and plans (check mode): nothing is broken."""
    rng = rng or random.SystemRandom()
    name = rng.choice(allowed(lessons) if lessons is not None else list(FAULTS)) if fault == "random" else fault
    container = rng.choice(list(containers)) if fault == "random" else next(iter(containers))
    if not is_container_name(container):
        raise FaultError("%r is not a container name" % (container,))
    who = identify(runner, container)
    refuse_shared(runner, container, who)
    seen = look(runner, container, who)
    breaks, undoes = plan(name, container, seen)
    record = {"fault": name, "container": container, "id": who["id"], "netns": who["netns"], "veth": seen["veth"], "undo": undoes}
    if not dry_run:
        execute(runner, breaks, record, who, "break %s (%s)" % (container, name))
    return record


def undo(runner, record):
    """Put back exactly what ``apply`` broke, from the controller's record, and only in the container and namespace
    it was made in: every step checked first; a container made again (another id) or in another namespace, or whose
    eth0 now pairs with another veth, changes nothing and says what changed. A step whose effect is there already
    (the student's own fix) is not run. Returns "already" when everything was back (only forgetting neighbours ran),
    else "put back"."""
    if not isinstance(record, dict) or not isinstance(record.get("undo"), list) or not is_container_name(str(record.get("container"))):
        raise FaultError("the record of the fault is not one vethlab wrote: %s" % json.dumps(record)[:200])
    container, what = record["container"], "undo %s (%s)" % (record.get("container"), record.get("fault"))
    _checked(record["undo"], record, what)
    if not record.get("id") or not record.get("netns"):
        raise FaultError("%s: the record names no container id and namespace (an older vethlab's); nothing was changed" % what)
    who = identify(runner, container)
    changed = []
    if who["id"] != record["id"]:
        changed.append("its id was %s, now %s: it was made again" % (record["id"][:12], who["id"][:12]))
    if who["netns"] != record["netns"]:
        changed.append("its network namespace was %s, now %s" % (record["netns"], who["netns"]))
    if changed:
        raise FaultError(
            "%s: %s is not the container the fault was made in (%s); nothing was changed, and the record is kept"
            % (what, container, "; ".join(changed))
        )
    refuse_shared(runner, container, who)
    seen = look(runner, container, who)
    if record.get("veth") and seen["veth"] != record["veth"]:
        raise FaultError(
            "%s: %s's eth0 now pairs with %s, not %s, the veth of the fault; nothing was changed"
            % (what, container, seen["veth"], record["veth"])
        )
    needed = [step for step in record["undo"] if not in_effect(step, seen, runner)]
    execute(runner, needed, record, who, what)
    return "already" if all(step["argv"][:2] == ["ip", "neigh"] for step in needed) else "put back"
