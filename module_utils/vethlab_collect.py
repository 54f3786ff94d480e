# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Collect the lesson's ``ip addr`` outputs: on the host and inside each running container.

Every command is an argument list (``docker exec NAME ip addr``), never a shell string.
Plain Python, standard library only; the caller passes a ``runner(argv) -> (rc, out, err)``.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

# Docker's rule for container names (also in vethlab_reach; module_utils files import no siblings).
CONTAINER_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")


# What the docker CLI prints when the engine does not answer (also in vethlab_reach).
ENGINE_LOST = re.compile(r"Cannot connect to the Docker daemon|Is the docker daemon running|error during connect", re.IGNORECASE)

# The host's default route, for its primary address (the lesson's "outside").
ROUTE_COMMAND = ("ip", "-4", "route", "show", "default")


class CollectError(ValueError):
    """A container name or command that cannot be used."""


def validate(containers, command):
    for name in containers:
        if not isinstance(name, str) or not CONTAINER_NAME.match(name):
            raise CollectError("container name %r is not a Docker container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)" % (name,))
    if not command or not all(isinstance(part, str) and part for part in command):
        raise CollectError("the command must be a non-empty list of words, such as [ip, addr]")


def _docker_view(item):
    """What the lab needs of ``docker inspect``: state, image, network mode, tty, labels."""
    config = item.get("Config") or {}
    return {
        "state": (item.get("State") or {}).get("Status") or "unknown",
        "image": item.get("Image") or "",
        "network_mode": (item.get("HostConfig") or {}).get("NetworkMode") or "",
        "tty": bool(config.get("Tty")),
        "labels": config.get("Labels") or {},
    }


def inspect_containers(containers, runner, docker="docker"):
    """Name to Docker's view of the container (``_docker_view``), or None when it is missing."""
    found_by_name = {name: None for name in containers}
    if not containers:
        return found_by_name
    rc, out, err = runner([docker, "inspect", "--type", "container", *containers])
    # docker inspect prints the containers it found even when some are missing (exit 1).
    try:
        found = json.loads(out) if out.strip() else []
    except ValueError:
        found = []
    for item in found:
        name = (item.get("Name") or "").lstrip("/")
        if name in found_by_name:
            found_by_name[name] = _docker_view(item)
    # Without an engine docker inspect also prints [] and exits 1, as for missing containers.
    detail = (err or "").strip() or "no message"
    if rc != 0 and ENGINE_LOST.search(detail):
        raise CollectError("the Docker engine does not answer: %s" % detail)
    if rc not in (0, 1):
        raise CollectError("docker inspect failed (exit %d): %s" % (rc, detail))
    return found_by_name


def collect(containers, runner, command=("ip", "addr"), docker="docker", workers=8):
    """Host output and default route, each running container's output, every container's state
    and Docker's view of it (``inspected``: null for a missing one)."""
    validate(containers, command)
    inspected = inspect_containers(containers, runner, docker)
    states = {name: (view or {}).get("state", "missing") for name, view in inspected.items()}
    running = [name for name in containers if states[name] == "running"]
    argvs = [list(command), list(ROUTE_COMMAND)] + [[docker, "exec", name, *command] for name in running]
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(argvs)))) as pool:
        results = list(pool.map(runner, argvs))
    failures = [(argv, rc, err) for argv, (rc, _, err) in zip(argvs, results) if rc != 0]
    if failures:
        argv, rc, err = failures[0]
        raise CollectError("%s failed (exit %d): %s" % (" ".join(argv), rc, (err or "").strip() or "no message"))
    return {
        "host_output": results[0][1],
        "host_default_route": results[1][1],
        "container_outputs": {name: result[1] for name, result in zip(running, results[2:])},
        "states": states,
        "running": running,
        "inspected": inspected,
    }
