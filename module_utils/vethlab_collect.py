# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Collect the lesson's ``ip addr`` outputs: on the host and in each running container's network namespace.

Nothing runs inside a container and nothing of its image is read: a container's interfaces are the host's own
``ip`` run in its network namespace from outside (vethlab_netns), and the files the judges read are the ones
Docker wrote for it (``HostsPath``, ``ResolvConfPath``: what the container now holds at ``/etc/hosts`` and
``/etc/resolv.conf``), read on the host. Every command is an argument list, never a shell string.
Plain Python, standard library only; the caller passes a ``runner(argv) -> (rc, out, err)``.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from .vethlab_docker import ENGINE_LOST, is_container_name
from .vethlab_netns import enter_argv, inodes_argv, parse_inodes

# The host's default route, for its primary address (the lesson's "outside").
ROUTE_COMMAND = ("ip", "-4", "route", "show", "default")
# The files a judge may read of a container: each is one Docker wrote and keeps on the host (docker inspect's key).
DOCKER_FILES = {"/etc/hosts": "HostsPath", "/etc/resolv.conf": "ResolvConfPath", "/etc/hostname": "HostnamePath"}


class CollectError(ValueError):
    """A container name or command that cannot be used."""


def validate(containers, command):
    for name in containers:
        if not is_container_name(name):
            raise CollectError("container name %r is not a Docker container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)" % (name,))
    if not command or not all(isinstance(part, str) and part for part in command):
        raise CollectError("the command must be a non-empty list of words, such as [ip, addr]")


def _link_aliases(links):
    """HostConfig.Links ("/alpine02:/alpine03/al") as {alias: the container linked to}: what --link wrote."""
    found = {}
    for link in links or []:
        target, _, alias = link.partition(":")
        found[alias.rsplit("/", 1)[-1]] = target.lstrip("/")
    return found


def _docker_view(item):
    """What the lab needs of ``docker inspect``: state, its process, image, network mode, tty, labels, DNS, links
    (and their aliases), networks (and its address on each), its hostname and the files Docker wrote for it."""
    config, host = item.get("Config") or {}, item.get("HostConfig") or {}
    joined = (item.get("NetworkSettings") or {}).get("Networks") or {}
    return {
        "id": item.get("Id") or "",
        "pid": int((item.get("State") or {}).get("Pid") or 0),
        "hostname": config.get("Hostname") or "",
        "files": {path: item.get(key) or "" for path, key in DOCKER_FILES.items()},
        "link_aliases": _link_aliases(host.get("Links")),
        "addresses": {network: (entry or {}).get("IPAddress") or "" for network, entry in joined.items()},
        "state": (item.get("State") or {}).get("Status") or "unknown",
        "image": item.get("Image") or "",
        "network_mode": host.get("NetworkMode") or "",
        "tty": bool(config.get("Tty")),
        "labels": config.get("Labels") or {},
        "dns": host.get("Dns") or [],
        # "/alpine02:/alpine03/alpine02" -> "alpine02": the containers it links to
        "links": sorted(link.split(":", 1)[0].lstrip("/") for link in host.get("Links") or []),
        # The networks it is joined to ("bridge" for docker0).
        "networks": sorted(((item.get("NetworkSettings") or {}).get("Networks") or {}).keys()),
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


def inspect_networks(names, runner, docker="docker"):
    """Name to each Docker network's id, driver, bridge on the host, subnet, gateway, labels and the containers on
    it with their addresses, as Docker records them (None when missing)."""
    found_by_name = {name: None for name in names}
    if not names:
        return found_by_name
    rc, out, err = runner([docker, "network", "inspect", *names])
    try:
        found = json.loads(out) if out.strip() else []
    except ValueError:
        found = []
    for item in found:
        config = ((item.get("IPAM") or {}).get("Config") or [{}])[0]
        bridge = (item.get("Options") or {}).get("com.docker.network.bridge.name") or "br-%s" % (item.get("Id") or "")[:12]
        if item.get("Name") in found_by_name:
            found_by_name[item["Name"]] = {
                "id": item.get("Id") or "",
                "driver": item.get("Driver") or "",
                "bridge": bridge,
                "subnet": config.get("Subnet"),
                "gateway": config.get("Gateway"),
                "labels": item.get("Labels") or {},
                # Docker's record of the containers on it: name -> its address there (CIDR).
                "containers": {
                    (entry.get("Name") or "").lstrip("/"): entry.get("IPv4Address") or ""
                    for entry in (item.get("Containers") or {}).values()
                },
            }
    detail = (err or "").strip() or "no message"
    if rc != 0 and ENGINE_LOST.search(detail):
        raise CollectError("the Docker engine does not answer: %s" % detail)
    return found_by_name


def collect(containers, runner, command=("ip", "addr"), docker="docker", workers=8, files=()):
    """Host output and default route, each running container's output (the host's ``command`` run in its
    network namespace), every container's state and Docker's view of it (``inspected``: null for a missing
    one), and the ``files`` (among DOCKER_FILES) as each running container holds them, read from where Docker
    keeps them on the host (``files``: null for one it could not read)."""
    validate(containers, command)
    for path in files:
        if path not in DOCKER_FILES:
            raise CollectError("file %r is not one Docker writes for a container (%s)" % (path, ", ".join(DOCKER_FILES)))
    inspected = inspect_containers(containers, runner, docker)
    states = {name: (view or {}).get("state", "missing") for name, view in inspected.items()}
    running = [name for name in containers if states[name] == "running" and inspected[name]["pid"] > 0]
    argvs = [list(command), list(ROUTE_COMMAND)] + [enter_argv(inspected[name]["pid"], command) for name in running]
    reads = [(name, path) for name in running for path in files]
    argvs += [["cat", "--", inspected[name]["files"][path] or "/nonexistent"] for name, path in reads]
    namespaces = inodes_argv([inspected[name]["pid"] for name in running])  # beside them, its exit code not judged
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(argvs) + 1))) as pool:
        results = list(pool.map(runner, [*argvs, namespaces]))
    inodes = parse_inodes(results.pop()[1])
    read = results[len(results) - len(reads) :] if reads else []
    failures = [(argv, rc, err) for argv, (rc, _, err) in zip(argvs[: len(argvs) - len(reads)], results) if rc != 0]
    if failures:
        argv, rc, err = failures[0]
        raise CollectError("%s failed (exit %d): %s" % (" ".join(argv), rc, (err or "").strip() or "no message"))
    contents = {name: {} for name in running}
    for (name, path), (rc, out, _) in zip(reads, read):
        contents[name][path] = out if rc == 0 else None
    shared = shared_namespaces(running, inspected, inodes)
    return {
        "host_output": results[0][1],
        "host_default_route": results[1][1],
        # A namespace that is not the container's own shows another's interfaces (the host's, another container's):
        # they are not the container's, and no judge reads them as its own.
        "container_outputs": {name: result[1] for name, result in zip(running, results[2:]) if name not in shared},
        "shared_namespaces": shared,
        "states": states,
        "running": running,
        "inspected": inspected,
        "files": contents,
    }


def shared_namespaces(running, inspected, inodes):
    """Each running container whose network namespace is not its own, as {name: {"with": "host" or the container
    it shares with, "how": how that is known}}: by Docker's record (--network host,
    --network container:X) or by the kernel's (its namespace's inode is this machine's own, or another running
    container's). Such a container has no eth0 of its own: nothing of that namespace is judged as its."""
    host = inodes.get("self")

    def owners(group):  # the containers of one namespace Docker did not start in another's (--network container:X)
        return [name for name in group if not (inspected[name].get("network_mode") or "").startswith("container:")]

    by_inode = {}
    for name in running:
        by_inode.setdefault(inodes.get(inspected[name]["pid"]), []).append(name)
    ids = {inspected[name]["id"]: name for name in running}
    shared = {}
    for name in running:
        mode, inode = inspected[name].get("network_mode") or "", inodes.get(inspected[name]["pid"])
        # How it is known: Docker's record of how it was started, else the kernel's (the namespace's inode).
        how = "--network " + mode if mode == "host" or mode.startswith("container:") else "netns inode %s" % inode
        if mode == "host" or (inode is not None and inode == host):
            shared[name] = {"with": "host", "how": how}
        elif mode.startswith("container:"):
            other = ids.get(mode.split(":", 1)[1]) or mode.split(":", 1)[1]
            shared[name] = {"with": other, "how": "--network container:" + other}
        elif inode is not None and len(owners(by_inode[inode])) > 1:
            # Two containers Docker started each in a namespace of its own, now in one: neither is judged as its own.
            shared[name] = {"with": next(other for other in by_inode[inode] if other != name), "how": how}
    return shared


def survey(runner, docker="docker", label="vethlab.lab", images=()):
    """Everything on the engine the reset and the image steps decide from, in one go: every
    container (name, and its value of ``label``), every network (``docker network inspect``) and,
    of the ``images`` named, the id of each one present (None when missing)."""
    for name in images:
        if not isinstance(name, str) or not name or name.startswith("-") or any(ch.isspace() for ch in name):
            raise CollectError("image %r is not an image name" % (name,))
    # Every container's id; then its name and labels as Docker's JSON (the label is looked up as data,
    # never written into a --format template, where a crafted label could make every container match).
    listing = [docker, "ps", "--all", "--quiet", "--no-trunc"]
    argvs = [listing, [docker, "network", "ls", "--quiet"]] + ([[docker, "image", "inspect", *images]] if images else [])
    with ThreadPoolExecutor(max_workers=len(argvs)) as pool:
        results = list(pool.map(runner, argvs))
    for argv, (rc, _, err) in zip(argvs[:2], results):
        if rc != 0:
            detail = (err or "").strip() or "no message"
            if ENGINE_LOST.search(detail):
                raise CollectError("the Docker engine does not answer: %s" % detail)
            raise CollectError("%s failed (exit %d): %s" % (" ".join(argv), rc, detail))
    containers = []
    container_ids = results[0][1].split()
    if container_ids:
        rc, out, err = runner([docker, "container", "inspect", *container_ids])
        for found in json.loads(out) if out.strip().startswith("[") else []:  # a container removed meanwhile is left out
            labels = (found.get("Config") or {}).get("Labels") or {}
            containers.append([(found.get("Name") or "").lstrip("/"), labels.get(label, "")])
    network_ids = results[1][1].split()
    networks = []
    if network_ids:
        rc, out, err = runner([docker, "network", "inspect", *network_ids])
        networks = json.loads(out) if rc == 0 and out.strip().startswith("[") else []
    found = {name: None for name in images}
    if images:
        # docker image inspect prints the images it found even when some are missing (exit 1)
        out = results[2][1]
        for image in json.loads(out) if out.strip().startswith("[") else []:
            for tag in image.get("RepoTags") or []:
                if tag in found:
                    found[tag] = image.get("Id")
    return {"containers": containers, "networks": networks, "images": found}
