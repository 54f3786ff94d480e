# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""The verify step: ping the lessons' matrix for real, then judge every checkpoint.

The cells come from the checkpoint table (vethlab_checkpoints), the pings from vethlab_reach, and
what a failed cell means from vethlab_health's findings: the container's own network (the lab
repairs it on its next run), a bridge of the host (reported, never changed), the host's firewall,
or a name that does not resolve (a DNS matter, not a firewall one). Every student-facing text is
given in every language the reports speak. Plain Python, standard library only.
"""

from __future__ import annotations

import ipaddress
import json

from .vethlab_capture import CaptureError, capture, judge_path, lesson_paths, seen_at_each_hop, sequence
from .vethlab_checkpoints import Seen, evaluate, matrix
from .vethlab_docker import ENGINE_LOST
from .vethlab_host import TaskFailed
from .vethlab_judges import nameservers
from .vethlab_lock import LOCK_OPTIONS, release
from .vethlab_netns import EMBEDDED_DNS, processes, resolve_in
from .vethlab_reach import ERROR, HOST, REACHABLE, UNREACHABLE, UNRESOLVED, CellError, find_host_ping, read_arp, read_routes, run_matrix
from .vethlab_texts import each_language, field, localized


def wrong_path(cell, seen):
    """Why an answer did not come from where the lesson says, as message parts (empty: it did): the
    address answered is the source's own (an address added to its lo), or a name resolved to an
    address that is not its container's."""
    address = cell.get("address")
    if cell.get("observed") != REACHABLE or not address:
        return []
    if address in seen.own_addresses(cell["source"]):
        extra = [cidr for iface, cidr in seen.addresses.get(cell["source"]) or [] if iface == "lo" and not cidr.startswith("127.")]
        where = {"address": address, "source": cell["source"], "lo": ", ".join(extra) or "-"}
        return [("cell.own_address", where)]
    if cell.get("name") and seen.addresses_of(cell["target"]) and address not in seen.addresses_of(cell["target"]):
        theirs = ", ".join(sorted(seen.addresses_of(cell["target"])))
        return [("cell.resolved_elsewhere", {"name": cell["name"], "address": address, "target": cell["target"], "theirs": theirs})]
    return []


class NotJudged(RuntimeError):
    """The lab changed under the check (a container's process replaced), or the engine stopped answering: nothing
    the check saw can be judged."""


def confirm(pids, runner):
    """Docker's record once more, after the pings: every container pinged from still has the process whose namespace
    was entered (not restarted meanwhile: a pid is never taken for another container's), and the engine still
    answers. NotJudged saying which, when not."""
    if not pids:
        return
    now, rc, err = processes(sorted(pids), runner)
    if rc != 0 and ENGINE_LOST.search(err):
        raise NotJudged("the Docker engine stopped answering during the check: %s" % (err.strip() or "no message"))
    changed = [name for name in sorted(pids) if now.get(name) != pids[name]]
    if changed:
        raise NotJudged("%s changed during the check (its process is not the one looked into): check again" % ", ".join(changed))


# Docker's networks that are not a user-defined one: no embedded DNS answers there.
NOT_USER_NETWORKS = ("bridge", "host", "none")


def hosts_lines(text):
    """A hosts file's entries: [address, name, ...] for each line that is not blank or a comment."""
    return [line.split("#", 1)[0].split() for line in (text or "").splitlines() if line.split("#", 1)[0].split()]


def docker_wrote(words, source, seen):
    """Whether Docker wrote a hosts line: the container's own (its name or hostname, at one of its addresses), or
    --link's (an alias Docker recorded in HostConfig.Links, at the linked container's address)."""
    view = seen.inspected.get(source) or {}
    address, named = words[0], words[1:]
    own = {source, view.get("hostname") or source, (view.get("id") or "")[:12]}
    if set(named) <= own | {"localhost", "ip6-localhost", "ip6-loopback", "ip6-localnet", "ip6-mcastprefix"}:
        return True
    aliases = view.get("link_aliases") or {}
    linked = {aliases[name] for name in named if name in aliases}
    return bool(linked) and any(address == seen.eth0_address(target) for target in linked)


def hosts_answer(source, name, seen):
    """What ``source``'s /etc/hosts says of ``name`` - the first line naming it, whose address the container's own
    resolver takes before any DNS - and whether Docker wrote it: (address or None, Docker's, the lines naming it that
    Docker did not write)."""
    naming = [words for words in hosts_lines(seen.file(source, "/etc/hosts")) if name in words[1:]]
    forged = [" ".join(words) for words in naming if not docker_wrote(words, source, seen)]
    if not naming:
        return None, True, forged
    return naming[0][0], docker_wrote(naming[0], source, seen), forged


def resolve_name(cell, seen, dns):
    """A name cell resolved as its source would resolve it, from what the source's owner cannot forge: --link's
    alias as Docker recorded it (HostConfig.Links, the linked container's address), then - on a user-defined
    network, where its resolv.conf names Docker's embedded DNS - that server asked from inside its namespace by the
    judge's own resolver (``dns(pid, name)``). A hosts line Docker did not write is never an answer, and is named;
    one typed ahead of Docker's answer, giving another address, is where the container's own ping goes (the cell
    then fails as resolved elsewhere). Returns the cell with its ``address``, or with ``unresolved`` (why)."""
    source, name = cell["source"], cell["name"]
    view = seen.inspected.get(source) or {}
    first, docker_s, forged = hosts_answer(source, name, seen)
    edited = [("resolve.hosts_edited", {"source": source, "name": name, "line": line}) for line in forged]
    target = (view.get("link_aliases") or {}).get(name)
    user = [network for network in view.get("networks") or [] if network not in NOT_USER_NETWORKS]
    asks = EMBEDDED_DNS in nameservers(seen.file(source, "/etc/resolv.conf"))
    found, resolved_by = None, None
    if target and seen.eth0_address(target):
        found, resolved_by = [seen.eth0_address(target)], "link"
    elif user and asks and view.get("pid"):
        found, resolved_by = dns(view["pid"], name), "dns"
    if found and first and not docker_s and first != found[0]:
        # A line typed ahead of Docker's: the container's own resolver takes it, so its ping goes there (and the cell
        # says the name resolved elsewhere).
        return dict(cell, address=first, resolved_by="hosts", notes=edited)
    if found:
        return dict(cell, address=found[0], resolved_by=resolved_by, notes=edited)
    key = "resolve.dns_unknown" if user and asks else "resolve.no_resolver"
    why = [(key, {"source": source, "name": name, "networks": ", ".join(view.get("networks") or []) or "-"})]
    return dict(cell, unresolved=why + edited, notes=edited)


def _dns_in_namespace(pid, name):
    try:
        return resolve_in(pid, name)
    except OSError:
        return None


def lesson_device(source, address, seen):
    """The interface the lesson's path leaves ``source`` through for ``address``: the source's own interface
    whose subnet holds it (a container's eth0 or eth1, the host's bridge); None when the address lies beyond
    every such subnet (the way is the default route)."""
    if source == HOST:
        owned = [(name, cidr) for name, bridge in (seen.veths.get("bridges") or {}).items() for cidr in bridge.get("ipv4") or []]
    else:
        owned = [(iface, cidr) for iface, cidr in seen.addresses.get(source) or [] if iface != "lo"]
    wanted = ipaddress.ip_address(address)
    return next((iface for iface, cidr in owned if wanted in ipaddress.ip_interface(cidr).network), None)


def route_problem(cell, route, seen):
    """Why the kernel's route from the cell's source to the address answered is not the lesson's path, as
    message parts (empty: it is): no route read, a route to the source itself (local, lo), or one leaving
    through another interface than the one on the target's subnet."""
    where = {"source": cell["source"], "address": cell["address"], "route": (route or {}).get("line") or "-"}
    if route is None or route["type"] == "error":
        return [("cell.route_unread", where)]
    if route["type"] == "local" or route["dev"] == "lo":
        return [("cell.route_local", where)]
    wanted = lesson_device(cell["source"], cell["address"], seen)
    if wanted and route["dev"] != wanted:
        return [("cell.route_elsewhere", dict(where, dev=route["dev"] or "-", wanted=wanted))]
    if route["type"] != "unicast":
        return [("cell.route_elsewhere", dict(where, dev=route["type"], wanted=wanted or "eth0"))]
    return []


def firewalld_running(runner):
    """Whether firewalld runs on the machine (``firewall-cmd --state``); False where it is not installed or
    cannot be asked. Asked only when a cell is not as expected: its reload removes rules Docker added."""
    rc, out, _ = runner(["sh", "-c", "command -v firewall-cmd >/dev/null 2>&1 || exit 3; exec firewall-cmd --state 2>/dev/null"])
    return rc == 0 and out.strip() == "running"


def stale_arp(tables, seen):
    """{end: message parts} for each entry of an end's ARP table (``tables``: vethlab_reach.read_arp; an end is
    ``host`` or a container) that gives an address the lab knows - a bridge's, a container interface's - another
    MAC than the one its interface has: the end's frames to it go to a MAC nobody there takes (a container's entry
    learned while its veth was on another bridge; the host's, for a container made again with the address and a
    new MAC). Each expires by itself within a minute or so. The host's entries count on the lab's bridges only.
    A bridge's address at the MAC of one of its ports (a veth of its own, learned while the veth was off the
    bridge) is no wrong entry: a bridge takes the frames sent to its ports' MACs as its own."""
    bridges = seen.veths.get("bridges") or {}
    links = list(bridges.items())
    links += [("%s:%s" % (name, i["name"]), i) for name, ifaces in (seen.veths.get("containers") or {}).items() for i in ifaces]
    owners = {cidr.split("/", 1)[0]: (label, link["mac"]) for label, link in links if link.get("mac") for cidr in link.get("ipv4") or []}
    holders = {bridge["mac"]: name for name, bridge in bridges.items() if bridge.get("mac")}  # a MAC learned on another bridge
    found = {}
    for end, entries in tables.items():
        for entry in entries:
            owner, wanted = owners.get(entry["address"], (None, None))
            taken = {wanted} | seen.port_macs(owner)  # the owner's MAC, or a bridge's port's
            if not wanted or entry["mac"] in taken or (end == HOST and entry["device"] not in bridges):
                continue
            where = dict(entry, container=end, owner=owner, wanted=wanted, holder=holders.get(entry["mac"]))
            key = "look.stale_arp_host" if end == HOST else "look.stale_arp_of" if where["holder"] else "look.stale_arp"
            found.setdefault(end, []).append((key, where))
    return found


def _end(name):
    """The end of a cell whose ARP table counts: ``host`` for the host at any of its addresses, else the container."""
    return HOST if name == HOST or name.startswith(HOST + " (") else name


def where_to_look(cell, health, bridge_problems, firewalld=False, stale=None):
    """For a cell that is not as expected: where the student should look, as message parts. An end (the host or a
    container) whose ARP table holds a wrong MAC (``stale``: stale_arp's) is named with it; with firewalld running,
    the host's firewall is named, with the fix: a reload of it removes rules Docker added."""
    firewall = [("look.firewalld" if firewalld else "look.firewall", {})]
    if cell.get("wrong_path"):
        return []  # the detail says where the answer came from
    if cell["observed"] == ERROR:
        return [] if cell.get("control_failed") else [("cell.error", {})]
    if cell["observed"] == UNRESOLVED:
        return [("look.dns", {})]
    if cell["expected"] == UNRESOLVED:
        return [("cell.expected_unresolved_but_resolved", {"address": cell.get("address") or "?"})]
    if cell["expected"] == UNREACHABLE:
        # An answer where none should come: only a firewalld reload is named (a firewall drops, it does not answer).
        return [("cell.expected_unreachable_but_reachable", {})] + (firewall if firewalld else [])
    broken = [name for name in (cell["source"], cell["target"]) if health.get(name)]
    if broken:
        return [
            (
                "look.container",
                {
                    "container": name,
                    "problems": each_language(lambda lang, name=name: ", ".join(field(p, "is", lang) for p in health[name])),
                },
            )
            for name in broken
        ]
    if bridge_problems:
        return [("look.bridge", {"problems": each_language(lambda lang: ", ".join(field(p, "is", lang) for p in bridge_problems))})]
    wrong_macs = [part for name in dict.fromkeys(map(_end, (cell["source"], cell["target"]))) for part in (stale or {}).get(name, [])]
    return wrong_macs or firewall


def explain(cell, health, bridge_problems, firewalld=False, stale=None):
    """A measured cell with its student-facing texts: its detail, and for a failed cell its why."""
    detail = cell.pop("detail_parts")
    texts = {"detail": detail}
    if not cell["passed"]:
        texts["why"] = detail + where_to_look(cell, health, bridge_problems, firewalld, stale)
    explained = dict(cell, **localized(**texts))
    # The first form of a cell, which lab.json has always had: did it answer, was that as expected.
    explained.update(reachable=cell["observed"] == REACHABLE, as_expected=cell["passed"])
    return explained


def packet_path(seen, capture):
    """The docker0 lesson's pings captured at every hop (``capture``: vethlab_capture.capture bound to this
    machine, or None where nothing can capture) and judged once; each path with its ``passed``, its ``parts``
    (for C21's judge), its texts, its ``frames`` and its ``sequence`` (the pages' diagram)."""
    paths = lesson_paths(seen)
    ready = [path for path in paths if path["hops"]]
    try:
        if capture is None:
            raise CaptureError("this side cannot capture")
        capture(ready)
    except CaptureError as error:
        for path in ready:
            path["error"] = str(error)
    for path in paths:
        passed, parts = judge_path(path)
        arrows = sequence(path)
        path.update(passed=passed, parts=parts, sequence=arrows, hops=seen_at_each_hop(path, arrows), **localized(detail=parts))
        path.setdefault("frames", [])
        path.pop("missing", None)
    return paths


def verify(
    observed, run_plan, primary, bridge, runner, host_ping=("ping",), count=1, timeout=2, attempts=2, workers=8, capture=None, dns=None
):
    """Ping every cell of the plan's lessons, judge every checkpoint; return the verdict and its data.

    ``run_plan`` is vethlab_lessons' plan (or just the docker0 lesson's container names). Every ping and read
    runs from outside the containers (their processes, from Docker's record: ``observed["inspected"]``); a
    name is resolved first (resolve_name; ``dns(pid, name)`` asks the embedded DNS in a namespace). When the
    plan captures, ``capture`` listens at every hop of the lesson's pings (vethlab_capture.capture, bound)."""
    seen = Seen(observed, run_plan, bridge, primary=primary)
    lessons = seen.plan["lessons"]
    pids = {name: view["pid"] for name, view in seen.inspected.items() if view and view.get("pid") and name in seen.running}
    cells = [resolve_name(cell, seen, dns or _dns_in_namespace) if cell.get("name") else cell for cell in matrix(seen, lessons)]
    measured = run_matrix(cells, runner, count=count, timeout=timeout, attempts=attempts, workers=workers, host_ping=host_ping, pids=pids)
    for cell in measured:
        cell["detail_parts"] = cell["detail_parts"] + [note for note in cell.pop("notes", []) if note not in cell["detail_parts"]]
        cell.pop("unresolved", None)
    every_bridge_problem = [p for problems in (observed.get("bridge_problems") or {}).values() for p in problems]
    # The kernel's route, in the source's namespace, to every address that answered where the lesson expects a reply.
    answered = [cell for cell in measured if cell["observed"] == REACHABLE == cell["expected"] and cell.get("address")]
    asked = {}
    for cell in answered:
        asked.setdefault(cell["source"], []).append(cell["address"])
    routes = read_routes(asked, runner, workers=workers, pids=pids)
    for cell in measured:
        wrong = wrong_path(cell, seen)
        if not wrong and cell in answered:
            route = routes.get((cell["source"], cell["address"]))
            cell["route"] = (route or {}).get("line")
            wrong = route_problem(cell, route, seen)
        if wrong:
            cell.update(passed=False, wrong_path=True, detail_parts=cell["detail_parts"] + wrong)
    firewalld = any(not cell["passed"] for cell in measured) and firewalld_running(runner)
    # A reply that did not come: the ARP tables of its ends - the host, its whole containers - are read (only then).
    silent = [cell for cell in measured if not cell["passed"] and cell["observed"] == UNREACHABLE and cell["expected"] == REACHABLE]
    ends = {_end(name) for cell in silent for name in (cell["source"], cell["target"])}
    ends = {name for name in ends if name == HOST or (name in seen.running and not seen.health.get(name))}
    stale = stale_arp(read_arp(ends, runner, workers=workers, pids=pids), seen) if ends else {}
    seen.cells = [explain(cell, seen.health, every_bridge_problem, firewalld, stale) for cell in measured]
    if seen.plan.get("capture"):
        seen.packet_path = packet_path(seen, capture)
    confirm(pids, runner)
    judged = evaluate(seen, lessons)
    return {
        "bridge": {"name": bridge, "ipv4": seen.bridge_ipv4},
        "outside_address": primary,
        "reachability": seen.cells,
        "checkpoints": judged["checkpoints"],
        "lessons": judged["lessons"],
        "passed": judged["passed"],
        "packet_path": [{key: value for key, value in path.items() if key != "parts"} for path in seen.packet_path or []],
    }


# The lab_checks module's arguments (library/lab_checks.py documents them), and their rules.
SPEC = {
    "argument_spec": {
        "observed": {"type": "dict", "required": True},
        "plan": {"type": "dict", "required": True},
        "primary_address": {"type": "str", "required": True},
        "bridge": {"type": "str", "default": "docker0"},
        "ping_count": {"type": "int", "default": 1},
        "ping_timeout": {"type": "int", "default": 2},
        "ping_attempts": {"type": "int", "default": 2},
        "workers": {"type": "int", "default": 8},
        "unlock": {"type": "dict", "options": {name: LOCK_OPTIONS[name] for name in ("path", "run")}},
    },
}


def outside_problem(primary_address, observed):
    """Why the lesson's "outside" cannot be pinged, or None: it must be one of the host's own addresses (the lab never
    sends traffic elsewhere)."""
    addresses = [str(address) for address in (observed or {}).get("host_ipv4_addresses") or []]
    if primary_address and primary_address in addresses:
        return None
    shown = json.dumps(primary_address) if primary_address else "the host has no IPv4 default route, so no primary address"
    return (
        'The lesson\'s "outside" must be an address of this host (the lab never sends traffic elsewhere); %s is not one of %s.'
        " Set lab_verify_outside_address to one of them." % (shown, ", ".join(addresses) or "its addresses (none found)")
    )


def run_checks(params, host):
    """The lab_checks module's work (vethlab_host): every cell pinged and every checkpoint judged, then the lab's
    lock released when asked (not in check mode). Returns the module's result."""
    for name in ("ping_count", "ping_timeout", "ping_attempts", "workers"):
        if not 1 <= params[name] <= 32:
            raise TaskFailed("%s must be between 1 and 32, got %d" % (name, params[name]))
    problem = outside_problem(params["primary_address"], params["observed"])
    if problem:
        raise TaskFailed(problem)
    ping = find_host_ping(host.which)
    if ping is None:
        raise TaskFailed("no ping on the lab host: install iputils-ping (Debian/Ubuntu) or iputils (Fedora/RHEL)")
    try:
        result = verify(
            params["observed"],
            params["plan"],
            params["primary_address"],
            params["bridge"],
            host.run,
            ping,
            params["ping_count"],
            params["ping_timeout"],
            params["ping_attempts"],
            params["workers"],
            capture=lambda paths: capture(paths, host.run, ping),
        )
    except CellError as error:
        raise TaskFailed("lab_checks: %s" % error) from error
    except NotJudged as error:
        raise TaskFailed("lab_checks: %s. No checkpoint was judged and no report written." % error) from error
    except Exception as error:  # a module must never end in a traceback
        raise TaskFailed("lab_checks could not judge the lab: %s: %s" % (type(error).__name__, error)) from error
    if params["unlock"] and not host.check_mode:
        release(params["unlock"]["path"], params["unlock"]["run"])
    return result
