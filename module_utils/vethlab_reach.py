# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""The lesson's pings: a matrix of (source, address) cells, each pinged for real.

A source is ``host`` (ping runs on the lab host) or a container's name (ping runs in
it through ``docker exec``).  Commands are argument lists, never shell strings, and an
address must be a literal IP address, so nothing the user typed reaches a shell or is
read as an option.  Plain Python, standard library only.
"""

from __future__ import annotations

import ipaddress
import re
from concurrent.futures import ThreadPoolExecutor

HOST = "host"
CONTAINER_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
# busybox: "2 packets transmitted, 2 packets received, 0% packet loss"
# iputils: "2 packets transmitted, 2 received, 0% packet loss, time 1001ms"
_SUMMARY = re.compile(r"(\d+) packets transmitted, (\d+) (?:packets )?received")


# What the docker CLI prints when the engine does not answer (also in vethlab_collect).
ENGINE_LOST = re.compile(r"Cannot connect to the Docker daemon|Is the docker daemon running|error during connect", re.IGNORECASE)


class CellError(ValueError):
    """A cell of the matrix that cannot be pinged as given."""


class EngineLost(RuntimeError):
    """``docker exec`` found no engine: the cell says nothing about the network, so nothing is judged."""


def validate_cell(cell, position):
    """Check one cell; return a normalised copy."""
    if not isinstance(cell, dict):
        raise CellError("cell #%d: expected a mapping, got %s" % (position, type(cell).__name__))
    source = cell.get("source")
    address = cell.get("address")
    if not isinstance(source, str) or not (source == HOST or CONTAINER_NAME.match(source)):
        raise CellError("cell #%d: source %r is neither 'host' nor a container name" % (position, source))
    try:
        parsed = ipaddress.ip_address(str(address).split("/", 1)[0])
    except ValueError:
        raise CellError("cell #%d: address %r is not an IP address" % (position, address)) from None
    normalised = dict(cell)
    normalised["address"] = str(parsed)
    normalised["target"] = str(cell.get("target") or parsed)
    normalised["expected"] = bool(cell.get("expected", True))
    return normalised


def ping_argv(source, address, count=1, timeout=2, host_ping=("ping",)):
    """The command that pings ``address`` from ``source``, as an argument list.

    ``host_ping`` is the host's ping command (``("busybox", "ping")`` where iputils is
    missing); inside a container it is always ``ping``.
    """
    ping = list(host_ping) if source == HOST else ["ping"]
    command = [*ping, "-c", str(int(count)), "-W", str(int(timeout)), address]
    if source == HOST:
        return command
    return ["docker", "exec", source, *command]


def received(output):
    """(transmitted, received) from ping's summary line, or None when there is none."""
    match = _SUMMARY.search(output or "")
    if not match:
        return None
    return int(match.group(1)), int(match.group(2))


def _why(rc, out, err, counts):
    if counts is not None:
        return "%d of %d echo requests answered" % (counts[1], counts[0])
    text = (err or out or "").strip().splitlines()
    detail = text[-1] if text else "no output"
    return "ping did not run (exit %d): %s" % (rc, detail)


def ping_cell(cell, runner, count=1, timeout=2, attempts=2, host_ping=("ping",)):
    """Ping one cell, retrying up to ``attempts`` times; return the cell with its result."""
    result = dict(cell)
    for _ in range(max(1, attempts)):
        rc, out, err = runner(ping_argv(cell["source"], cell["address"], count, timeout, host_ping))
        counts = received(out)
        if cell["source"] != HOST and counts is None and ENGINE_LOST.search("%s\n%s" % (err or "", out or "")):
            raise EngineLost(
                "the Docker engine stopped answering: %s -> %s could not run ping (%s)"
                % (cell["source"], cell["address"], _why(rc, out, err, counts))
            )
        reachable = rc == 0 and counts is not None and counts[1] > 0
        result.update(reachable=reachable, detail=_why(rc, out, err, counts))
        if reachable:
            break
    result["as_expected"] = result["reachable"] == result["expected"]
    return result


def run_matrix(cells, runner, count=1, timeout=2, attempts=2, workers=8, host_ping=("ping",)):
    """Validate every cell first (nothing runs if one is bad), then ping them in parallel.

    Bounded: each cell sends at most ``count * attempts`` echo requests, and every ping
    stops by itself after ``timeout`` seconds per request.
    """
    checked = [validate_cell(cell, position) for position, cell in enumerate(cells)]
    if not checked:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(checked)))) as pool:
        return list(pool.map(lambda cell: ping_cell(cell, runner, count, timeout, attempts, host_ping), checked))
