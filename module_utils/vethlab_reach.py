# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""The lessons' pings: a matrix of cells, each pinged for real.

A cell goes from a source to a target. The source is ``host`` (ping runs on the lab host) or a
container's name: the host's own ping then runs in the container's network namespace, entered from
outside (vethlab_netns), so no binary of the container's decides anything. The target is pinged by its
address (a literal IP address) or, to test name resolution, by a container's name, which the caller
resolves first as the container would - Docker's --link lines, Docker's embedded DNS asked from inside
its namespace - and hands over as the cell's ``address`` (or ``unresolved``: why not). A cell expects one of
three results - ``reachable`` (a reply), ``unreachable`` (no reply) or ``unresolved`` (the name
does not resolve) - so "this must fail" is a result like any other and a DNS problem is never
mistaken for a firewall one. It observes one of four: those three, or ``error`` - the probe could
not run (no such container, paused, no ping, exec failed) - which never equals an expectation.

A reply is proof and is never undone: a cell is reachable when any probe got one. A probe is
repeated only to confirm a surprise - no reply where the lesson expects one - never to move a
cell towards what it expects; each cell says how many probes its verdict rests on. A cell that
must fail names a ``control``: an address its source must reach first (its own gateway). When the
source cannot, the cell is ``error``: a source cut off from everything shows no isolation. A cell
that comes ``unfit`` (why its source is not as the lesson needs it) is ``error`` without a probe.

After the pings, the kernel's route from each source to every address that answered is read in the
source's namespace (``ip route get``), so the caller can tell a reply that crossed the veth pair
from one the source gave itself.

Commands are argument lists, never shell strings; an address must be a literal IP address and a
name a Docker container name, so nothing the user typed reaches a shell or is read as an option.
Plain Python, standard library only.
"""

from __future__ import annotations

import ipaddress
import re
from concurrent.futures import ThreadPoolExecutor

from .vethlab_docker import is_container_name
from .vethlab_netns import enter_argv

HOST = "host"
REACHABLE, UNREACHABLE, UNRESOLVED, ERROR = "reachable", "unreachable", "unresolved", "error"
RESULTS = (REACHABLE, UNREACHABLE, UNRESOLVED)  # what a cell may expect; ERROR is only ever observed
# busybox: "2 packets transmitted, 2 packets received, 0% packet loss"
# iputils: "2 packets transmitted, 2 received, 0% packet loss, time 1001ms"
_SUMMARY = re.compile(r"(\d+) packets transmitted, (\d+) (?:packets )?received")
# busybox: "ping: bad address 'alpine01'"; iputils: "ping: alpine01: Name or service not known",
# "ping: alpine01: Temporary failure in name resolution".
_UNRESOLVED = re.compile(r"bad address|Name or service not known|Temporary failure in name resolution|Name does not resolve")
# ping ran and the network said no: "ping: sendto: Network is unreachable" (busybox, no route), "connect:
# Network is unreachable" (iputils), "No route to host". An answer about the network, not a probe that failed.
_NO_ROUTE = re.compile(r"Network is unreachable|No route to host|Destination Host Unreachable")
# "PING alpine02 (172.17.0.3): 56 data bytes" (busybox), "PING alpine02 (172.17.0.3) 56(84) bytes of data." (iputils)
_RESOLVED = re.compile(r"^PING \S+ \(([0-9a-fA-F.:]+)\)", re.MULTILINE)


class CellError(ValueError):
    """A cell of the matrix that cannot be pinged as given."""


def validate_cell(cell, position):
    """Check one cell; return a normalised copy (``address`` a literal address, or ``name`` a container name with
    the ``address`` it resolved to, None when it did not)."""
    if not isinstance(cell, dict):
        raise CellError("cell #%d: expected a mapping, got %s" % (position, type(cell).__name__))
    source = cell.get("source")
    if not isinstance(source, str) or not (source == HOST or is_container_name(source)):
        raise CellError("cell #%d: source %r is neither 'host' nor a container name" % (position, source))
    normalised = dict(cell, name=cell.get("name"))
    if cell.get("name") is not None:
        if not is_container_name(cell["name"]):
            raise CellError("cell #%d: name %r is not a container name" % (position, cell["name"]))
    if cell.get("name") is not None and cell.get("address") is None:
        normalised["address"] = None
    else:
        try:
            normalised["address"] = str(ipaddress.ip_address(str(cell.get("address")).split("/", 1)[0]))
        except ValueError:
            raise CellError("cell #%d: address %r is not an IP address" % (position, cell.get("address"))) from None
    expected = cell.get("expected", REACHABLE)
    if expected is True or expected is False:  # the first form: reachable or not
        expected = REACHABLE if expected else UNREACHABLE
    if expected not in RESULTS:
        raise CellError("cell #%d: expected %r is not one of %s" % (position, expected, ", ".join(RESULTS)))
    normalised["expected"] = expected
    normalised["target"] = str(cell.get("target") or cell.get("name") or normalised["address"])
    if cell.get("control") is not None:
        try:
            normalised["control"] = str(ipaddress.ip_address(str(cell["control"])))
        except ValueError:
            raise CellError("cell #%d: control %r is not an IP address" % (position, cell["control"])) from None
    return normalised


def find_host_ping(which):
    """The host's ping command: iputils', else busybox's; None when there is neither. ``which(name)`` finds a
    program (``shutil.which``, an AnsibleModule's ``get_bin_path``)."""
    ping = which("ping")
    if ping:
        return (ping,)
    busybox = which("busybox")
    return (busybox, "ping") if busybox else None


def argv_at(source, argv, pids=None):
    """A host command run at a cell's end: on the host as it is, in a container's network namespace from
    outside (``pids``: {container: its process}); None for a container with no process (it does not run)."""
    if source == HOST:
        return list(argv)
    pid = (pids or {}).get(source)
    return enter_argv(pid, argv) if pid else None


def ping_argv(source, target, count=1, timeout=2, host_ping=("ping",), pids=None):
    """The command that pings ``target`` (an address) from ``source``, as an argument list: always the host's
    ping (``host_ping``: ``("busybox", "ping")`` where iputils is missing), in the source's namespace."""
    return argv_at(source, [*host_ping, "-c", str(int(count)), "-W", str(int(timeout)), target], pids)


def run_at(runner, argv):
    """``runner(argv)``, or a failure when there is no command (a container that does not run)."""
    return runner(argv) if argv else (127, "", "the container does not run: no network namespace to enter")


def received(output):
    """(transmitted, received) from ping's summary line, or None when there is none."""
    match = _SUMMARY.search(output or "")
    if not match:
        return None
    return int(match.group(1)), int(match.group(2))


def _last_line(rc, out, err):
    text = (err or out or "").strip().splitlines()
    return text[-1] if text else "no output"


def observe(cell, rc, out, err):
    """What one ping says: (observed, the detail as message parts, the address a name resolved to)."""
    counts = received(out)
    resolved = _RESOLVED.search(out or "")
    address = resolved.group(1) if resolved else None
    if counts is not None:
        return (
            (REACHABLE if rc == 0 and counts[1] > 0 else UNREACHABLE),
            [("ping.answered", {"answered": counts[1], "sent": counts[0]})],
            address,
        )
    said = _last_line(rc, out, err)
    if cell.get("name") and _UNRESOLVED.search("%s\n%s" % (err or "", out or "")):
        return UNRESOLVED, [("ping.unresolved", {"name": cell["name"], "said": said})], None
    if _NO_ROUTE.search("%s\n%s" % (err or "", out or "")):
        return UNREACHABLE, [("ping.no_route", {"said": said})], address
    return ERROR, [("ping.did_not_run", {"rc": rc, "said": said})], address


def _probe(cell, target, runner, count, timeout, host_ping, pids):
    return run_at(runner, ping_argv(cell["source"], target, count, timeout, host_ping, pids))


def ping_cell(cell, runner, count=1, timeout=2, attempts=2, host_ping=("ping",), pids=None):
    """Ping one cell; return it with its result (``observed``, ``passed``, ``probes``: the pings its verdict
    rests on). A cell that must fail first pings its ``control`` from its source; one whose source
    cannot is ``error``. A name cell the caller could not resolve (``unresolved``: why) is ``unresolved``
    without a ping. A probe is repeated (at most ``attempts`` times) only while no reply came
    where one is expected; a reply, once seen, stands."""
    result = dict(cell, probes=0)
    if cell.get("unfit"):  # the source is not as the lesson needs it (its resolver): nothing to ping
        result.update(observed=ERROR, detail_parts=list(result.pop("unfit")), passed=False, control_failed=True)
        return result
    if cell.get("control") and cell["expected"] != REACHABLE:
        rc, out, err = _probe(cell, cell["control"], runner, 1, timeout, host_ping, pids)
        result["probes"] += 1
        control = received(out)
        if rc != 0 or not control or control[1] == 0:
            said = _last_line(rc, out, err) if control is None else "no reply"
            detail = [("cell.source_cut_off", {"source": cell["source"], "control": cell["control"], "said": said})]
            result.update(observed=ERROR, detail_parts=detail, passed=False, control_failed=True)
            return result
    if cell.get("name") and not cell.get("address"):
        why = list(cell.get("unresolved") or [("ping.unresolved", {"name": cell["name"], "said": "-"})])
        result.update(observed=UNRESOLVED, detail_parts=why, passed=cell["expected"] == UNRESOLVED)
        return result
    for _ in range(max(1, attempts)):
        rc, out, err = _probe(cell, cell["address"], runner, count, timeout, host_ping, pids)
        result["probes"] += 1
        observed, detail, address = observe(cell, rc, out, err)
        silent = observed == ERROR and not (out or err or "").strip()  # a probe that said nothing at all
        if silent and result.get("observed") == UNREACHABLE:
            break  # it does not undo what an earlier probe saw
        result.update(observed=observed, detail_parts=detail)
        if cell["name"] and address:
            result["address"] = address
        if not (observed == UNREACHABLE and cell["expected"] == REACHABLE) and not silent:
            break  # a reply, an answer as expected, or no answer at all (unresolved, error): nothing to confirm
    result["passed"] = result["observed"] == result["expected"]
    return result


# One exec per source reads the kernel's route to every address asked, each under a "== ADDRESS" line;
# the addresses are the script's arguments, never pasted into it.
ROUTE_SCRIPT = 'for a; do echo "== $a"; ip route get "$a" 2>&1; done'
# Route types ip prints before the address; a plain unicast route starts with the address itself.
_ROUTE_TYPES = ("local", "unreachable", "blackhole", "prohibit", "broadcast", "multicast", "throw")


def route_argv(source, addresses, pids=None):
    """The command that asks the kernel, in ``source``'s namespace, how it sends to each address (the host's
    ``sh`` and ``ip``)."""
    return argv_at(source, ["sh", "-c", ROUTE_SCRIPT, "route", *addresses], pids)


def parse_routes(output):
    """``ip route get`` answers, per address: {"type", "dev", "line"} (``dev`` None when there is none).

    busybox: "172.17.0.1 dev eth0  src 172.17.0.2", "local 172.17.0.2 dev lo  src 172.17.0.2";
    iproute2: "local 172.17.0.1 dev lo table local src 172.17.0.1 uid 0"; no route: "RTNETLINK answers: ...".
    """
    routes, current = {}, None
    for line in (output or "").splitlines():
        if line.startswith("== "):
            current = line[3:].strip()
            continue
        if current is None or current in routes or not line.strip() or line.startswith(" "):
            continue
        words = line.split()
        kind = words[0] if words[0] in _ROUTE_TYPES else ("error" if "RTNETLINK" in line or ":" in words[0] else "unicast")
        dev = words[words.index("dev") + 1] if "dev" in words[:-1] else None
        routes[current] = {"type": kind, "dev": dev, "line": " ".join(words)}
    return routes


def read_routes(asked, runner, workers=8, pids=None):
    """{source: [addresses]} -> {(source, address): route or None}: one command per source, in parallel."""
    sources = [(source, sorted(set(addresses))) for source, addresses in asked.items() if addresses]
    if not sources:
        return {}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(sources)))) as pool:
        answers = list(pool.map(lambda item: run_at(runner, route_argv(*item, pids=pids)), sources))
    found = {}
    for (source, addresses), (_, out, _) in zip(sources, answers):
        routes = parse_routes(out)
        found.update({(source, address): routes.get(address) for address in addresses})
    return found


def parse_arp(output):
    """The complete entries of a container's ARP table (``/proc/net/arp``: "IP address  HW type  Flags  HW address
    Mask  Device"), each {address, mac, device}; an entry still being asked (flags without 0x2) is left out."""
    entries = []
    for line in (output or "").splitlines()[1:]:
        words = line.split()
        if len(words) < 6 or not re.fullmatch(r"0x[0-9a-fA-F]+", words[2]) or not int(words[2], 16) & 0x2:
            continue
        entries.append({"address": words[0], "mac": words[3].lower(), "device": words[5]})
    return entries


def arp_path(end, pids=None):
    """Where the kernel shows an end's ARP table: the host's ``/proc/net/arp``, a container's as its process's
    ``/proc/PID/net/arp`` (read on the host: nothing of the container's runs); None without a process."""
    if end == HOST:
        return "/proc/net/arp"
    pid = (pids or {}).get(end)
    return "/proc/%d/net/arp" % int(pid) if pid else None


def read_arp(ends, runner, workers=8, pids=None):
    """{end: its ARP table's complete entries} for each end - ``host`` or a container - from the kernel's record
    (arp_path), in parallel; an end whose table cannot be read is left out."""
    names = sorted({name for name in ends if (name == HOST or is_container_name(name)) and arp_path(name, pids)})
    if not names:
        return {}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(names)))) as pool:
        answers = list(pool.map(lambda name: runner(["cat", arp_path(name, pids)]), names))
    return {name: parse_arp(out) for name, (rc, out, _) in zip(names, answers) if rc == 0}


def run_matrix(cells, runner, count=1, timeout=2, attempts=2, workers=8, host_ping=("ping",), pids=None):
    """Validate every cell first (nothing runs if one is bad), then ping them in parallel.

    Bounded: each cell sends at most ``count * attempts`` echo requests, and every ping
    stops by itself after ``timeout`` seconds per request.
    """
    checked = [validate_cell(cell, position) for position, cell in enumerate(cells)]
    if not checked:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(checked)))) as pool:
        return list(pool.map(lambda cell: ping_cell(cell, runner, count, timeout, attempts, host_ping, pids), checked))
