# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""One observation of the lab: what the lab_observe module returns.

The collector's outputs (vethlab_collect), the host's addresses and the veth pairs
(vethlab_ip, vethlab_pairing), the lab's networks and the bridge each interface belongs on, and
each running container's health and each bridge's (vethlab_health). Plain Python, standard
library only.
"""

from __future__ import annotations

from .vethlab_collect import CollectError, collect, inspect_networks, survey
from .vethlab_docker import is_container_name
from .vethlab_health import health
from .vethlab_host import TaskFailed
from .vethlab_ip import IpOutputError
from .vethlab_lessons import DEFAULT_NETWORK, names, networks_of
from .vethlab_lock import LOCK_OPTIONS, LockBusy, take
from .vethlab_pairing import host_addresses, pair_veths, parse_outputs

# The lab_observe module's arguments (library/lab_observe.py documents them), and their rules.
SPEC = {
    "argument_spec": {
        "plan": {"type": "dict"},
        "containers": {"type": "list", "elements": "str"},
        "bridge": {"type": "str", "default": "docker0"},
        "networks": {"type": "dict"},
        "files": {"type": "list", "elements": "str"},
        "lock": {"type": "dict", "options": LOCK_OPTIONS},
        "everything": {
            "type": "dict",
            "options": {"label": {"type": "str", "default": "vethlab.lab"}, "images": {"type": "list", "elements": "str", "default": []}},
        },
        "command": {"type": "list", "elements": "str", "default": ["ip", "addr"]},
    },
    "required_one_of": [("plan", "containers")],
    "mutually_exclusive": [("plan", "containers"), ("plan", "networks"), ("plan", "files")],
}


class ObserveError(ValueError):
    """The lab could not be observed: a bad name, a collector that failed, output that is not ip's."""


def observe(containers, runner, networks=None, bridge="docker0", command=("ip", "addr"), docker="docker", files=(), everything=None):
    """Everything lab_observe returns, and the warnings of the pairing (a list of texts).

    ``everything``, when given ({"label": ..., "images": [...]}), adds the ``survey`` of the whole
    engine (every container and network, the images named) and this host's addresses by interface.
    """
    networks_of = {name: list((networks or {}).get(name) or [DEFAULT_NETWORK]) for name in containers}
    named = sorted({network for joined in networks_of.values() for network in joined if network != DEFAULT_NETWORK})
    for name in named:
        if not is_container_name(name):
            raise ObserveError("%r is not a Docker network name" % name)
    try:
        result = collect(containers, runner, command, docker, files=files)
        found = inspect_networks(named, runner, docker)
        host, inside, parse_warnings = parse_outputs(result["host_output"], result["container_outputs"])
        primary, every = host_addresses(host, result["host_default_route"])
        if everything is not None:
            result["survey"] = survey(runner, docker, everything.get("label") or "vethlab.lab", everything.get("images") or [])
            result["survey"]["addresses"] = [[iface.name, cidr] for iface in host for cidr in iface.ipv4]
        veths = pair_veths(host, inside, parse_warnings)
        # Every IPv4 address each running container has, on every interface (lo included): a reply from an
        # address of the source itself proves nothing (vethlab_verify).
        addresses = {name: [[iface.name, cidr] for iface in interfaces for cidr in iface.ipv4] for name, interfaces in inside.items()}
    except (CollectError, IpOutputError) as error:
        raise ObserveError(str(error)) from error

    def bridge_of(network):
        return bridge if network == DEFAULT_NETWORK else (found.get(network) or {}).get("bridge") or "(no network %s)" % network

    plugged = {name: [bridge_of(network) for network in joined] for name, joined in networks_of.items()}
    bridges = [bridge] + [network["bridge"] for network in found.values() if network]
    containers_health, bridges_health = health(veths, result["running"], plugged, bridges, addresses)
    warnings = veths.pop("warnings")
    result.update(
        host_primary_address=primary,
        host_ipv4_addresses=every,
        addresses=addresses,
        veths=veths,
        networks=found,
        plugged=plugged,
        health=containers_health,
        bridge_problems=bridges_health,
    )
    return result, warnings


def run_observe(params, host):
    """The lab_observe module's work (vethlab_host): the lab's lock taken when asked (not in check mode), then
    one observation. Returns the module's result."""
    params = dict(params)
    run_plan = params["plan"]
    if run_plan is not None:
        params.update(containers=names(run_plan), networks=networks_of(run_plan), files=run_plan.get("files") or [])
    docker = host.which("docker")
    if not docker:
        raise TaskFailed("lab_observe: the docker command is not on this machine (PATH, /sbin, /usr/sbin)")
    lock, taken = params["lock"], None
    if lock and not host.check_mode:
        try:
            taken = take(lock)
        except LockBusy as error:
            raise TaskFailed("lab_observe: %s" % error, holder=error.info) from error
        if taken["stale"]:
            host.warn("took over a stale lab lock: %s, since %s" % (taken["stale"].get("holder"), taken["stale"].get("since")))
    try:
        result, warnings = observe(
            params["containers"],
            host.run,
            params["networks"] or {},
            params["bridge"],
            params["command"],
            docker,
            params["files"] or [],
            params["everything"],
        )
    except ObserveError as error:
        raise TaskFailed("lab_observe: %s" % error) from error
    except Exception as error:  # a module must never end in a traceback
        raise TaskFailed("lab_observe could not observe the lab: %s: %s" % (type(error).__name__, error)) from error
    for warning in warnings:
        host.warn(warning)
    return dict(result, lock=(taken or {}).get("taken"))
