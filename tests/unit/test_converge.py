"""What the containers step does with each container (vethlab_converge.actions), from Docker's view of it."""

from __future__ import annotations

from vethlab.module_utils.vethlab_converge import CREATE, RECREATE, START, actions
from vethlab.module_utils.vethlab_lessons import run_plan

LABEL = "vethlab.lab"


def view(state="running", networks=("bridge",)):
    """Docker's view of a container as the lesson starts it (vethlab_collect._docker_view)."""
    return {
        "state": state,
        "image": "sha256:image",
        "network_mode": "default",
        "tty": True,
        "labels": {LABEL: "true"},
        "dns": [],
        "links": [],
        "networks": list(networks),
    }


def decided(inspected):
    result = actions({"inspected": inspected, "health": {}}, run_plan({}, ["docker0"], [], False), "sha256:image", LABEL)
    return {entry["name"]: (entry["action"], entry["why"][0]["code"]) for entry in result["todo"]}, result["healthy"]


def test_a_container_as_its_lesson_starts_it_is_left_alone():
    assert decided({"alpine01": view(), "alpine02": view()}) == ({}, ["alpine01", "alpine02"])


def test_a_missing_container_is_created_and_a_stopped_one_started():
    todo, healthy = decided({"alpine01": None, "alpine02": view(state="exited")})
    assert todo == {"alpine01": (CREATE, "missing"), "alpine02": (START, "stopped")} and healthy == []


def test_a_stopped_container_not_as_its_lesson_starts_it_is_created_again_not_started():
    # Started as it was, the next run would find it wrong and create it again: one run must be enough.
    other_image = dict(view(state="exited"), image="sha256:older")
    no_tty = dict(view(state="exited"), tty=False)
    todo, _ = decided({"alpine01": other_image, "alpine02": no_tty})
    assert todo == {"alpine01": (RECREATE, "image"), "alpine02": (RECREATE, "config")}


def test_a_stopped_container_joined_to_a_network_its_lesson_does_not_give_it_is_created_again():
    # alpine01, connected to mynet by the connect lesson, then stopped (an engine restart), then a run of the docker0
    # lesson alone: the reset removed mynet, so starting it would fail ("network ... not found").
    todo, _ = decided({"alpine01": view(state="exited", networks=("bridge", "mynet")), "alpine02": view()})
    assert todo == {"alpine01": (RECREATE, "networks")}
