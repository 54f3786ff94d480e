# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""What the containers step does with each of the plan's containers, from one observation.

A container is left alone when it is as its lesson needs it: the lab's, running, from the current
image, on its network, with a tty, and its network working (vethlab_health). Otherwise it is
created, started, or created again, with the reason; a container linked to one that was started
again is created again too (--link writes the address it had into the caller's /etc/hosts); and
the container the connect lesson joins to the custom network is connected when it is not.
Plain Python, standard library only; the roles reach it through the vethlab filter plugin.
"""

from __future__ import annotations

from .vethlab_lessons import DEFAULT_NETWORK

CREATE, START, RECREATE = "create", "start", "recreate"


def expected_network_mode(entry):
    """What Docker shows as the container's network mode: "default" on the default bridge, else its network."""
    first = entry["networks"][0]
    return "default" if first == DEFAULT_NETWORK else first


def actions(observed, run_plan, image_id, label, fresh=False):
    """{"todo": [{name, action, why}], "healthy": [names], "connect": bool} in the plan's order.

    ``why`` is a list of problems (vethlab_health's, each with ``is`` and ``was``) or of
    ``{"code": ..., "is": ..., "was": ...}`` reasons of Docker's own (stopped, another image).
    """
    inspected = observed.get("inspected") or {}
    health = observed.get("health") or {}
    todo, healthy, moved = [], [], set()
    for entry in run_plan["containers"]:
        name, found = entry["name"], inspected.get(entry["name"])
        problems = [problem for problem in health.get(name) or [] if problem.get("code") != "not_connected"]
        if fresh:
            action, why = RECREATE, [_reason("fresh", "lab_fresh asks for new veth pairs")]
        elif found is None:
            action, why = CREATE, [_reason("missing", "it did not exist")]
        elif found.get("state") != "running" and set(found.get("networks") or []) - set(entry["networks"]):
            # Started, it would rejoin a network its lesson does not give it (a later lesson's, maybe removed since).
            action, why = RECREATE, [_reason("networks", "it was %s, joined to a network its lesson does not give it" % found.get("state"))]
        elif found.get("image") != image_id:  # stopped or running: started, it would still not be the lesson's
            action, why = RECREATE, [_reason("image", "it ran another image")]
        elif not _as_started(found, entry, label):
            action, why = RECREATE, [_reason("config", "it was not started as the lesson starts it")]
        elif found.get("state") != "running":
            action, why = START, [_reason("stopped", "it was %s" % found.get("state"))]
        elif problems:
            action, why = RECREATE, problems
        elif any(target in moved for target in entry["links"]):
            action, why = RECREATE, [_reason("link", "the container it links to was started again")]
        else:
            healthy.append(name)
            continue
        moved.add(name)
        todo.append({"name": name, "action": action, "why": why})
    connect = run_plan.get("connect")
    not_connected = any(problem.get("code") == "not_connected" for problem in health.get(connect) or [])
    return {"todo": todo, "healthy": healthy, "connect": bool(connect) and (connect in moved or not_connected)}


def _as_started(found, entry, label):
    """Whether Docker shows the container as its lesson starts it: the lab's, on its network, with a tty,
    the same DNS servers and links."""
    return (
        label in (found.get("labels") or {})
        and found.get("network_mode") == expected_network_mode(entry)
        and bool(found.get("tty"))
        and list(found.get("dns") or []) == list(entry.get("dns") or [])
        and sorted(found.get("links") or []) == sorted(entry.get("links") or [])
    )


def _reason(code, text):
    return {"code": code, "is": text, "was": text}
