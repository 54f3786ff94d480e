"""lab_observe on the live engine: running, stopped and missing containers; a broken network named."""

from __future__ import annotations

import ipaddress
import json

import pytest

from lab_engine import ansible_playbook, build_busybox_image, cut_cable, docker, engine_available, task_result
from vethlab.module_utils.vethlab_collect import CollectError, validate
from vethlab.module_utils.vethlab_ip import parse_ip_addr

pytestmark = [pytest.mark.engine]

LABEL = "vethlab.test=lab-observe"


@pytest.fixture(scope="module")
def containers():
    assert engine_available(), "the Docker engine does not answer: run 'make engine' (the test command does)"
    image = build_busybox_image()
    docker("rm", "-f", "vethlab-ipaddr-up", "vethlab-ipaddr-down")
    docker("run", "-dit", "--name", "vethlab-ipaddr-up", "--label", LABEL, image)
    docker("create", "--name", "vethlab-ipaddr-down", "--label", LABEL, image)
    yield ["vethlab-ipaddr-up", "vethlab-ipaddr-down", "vethlab-ipaddr-missing"]
    docker("rm", "-f", "vethlab-ipaddr-up", "vethlab-ipaddr-down")


def test_outputs_states_and_host_addresses(containers):
    code, report, output = ansible_playbook(
        "-i", "inventory/local.yml", "tests/live/lab_observe_playbook.yml", "-e", json.dumps({"vethlab_test_containers": containers})
    )
    assert code == 0, output
    result = task_result(report, "Observe")
    assert result["states"] == {"vethlab-ipaddr-up": "running", "vethlab-ipaddr-down": "created", "vethlab-ipaddr-missing": "missing"}
    assert result["running"] == ["vethlab-ipaddr-up"]
    assert list(result["container_outputs"]) == ["vethlab-ipaddr-up"]
    eth0 = next(i for i in parse_ip_addr(result["container_outputs"]["vethlab-ipaddr-up"]) if i.name == "eth0")
    assert eth0.link_ifindex is not None and eth0.ipv4
    host = {i.name: i for i in parse_ip_addr(result["host_output"])}
    assert result["host_primary_address"] in result["host_ipv4_addresses"]
    # The primary address is the default route's interface's, never docker0's.
    assert result["host_primary_address"] not in [cidr.split("/")[0] for cidr in host["docker0"].ipv4]
    ipaddress.ip_address(result["host_primary_address"])
    assert result["changed"] is False
    # Docker's view, the pairs and each running container's health, from the same observation.
    assert result["inspected"]["vethlab-ipaddr-missing"] is None
    assert (
        result["inspected"]["vethlab-ipaddr-up"]["labels"] == {"vethlab.test": "lab-observe"}
        and result["inspected"]["vethlab-ipaddr-up"]["tty"]
    )
    assert [p["container"] for p in result["veths"]["pairs"]] == ["vethlab-ipaddr-up"]
    assert result["health"] == {"vethlab-ipaddr-up": []} and result["bridge_problems"] == {"docker0": []}


def test_a_cut_cable_is_named_on_its_container(containers):
    cut_cable("vethlab-ipaddr-up")
    try:
        code, report, output = ansible_playbook(
            "-i", "inventory/local.yml", "tests/live/lab_observe_playbook.yml", "-e", json.dumps({"vethlab_test_containers": containers})
        )
        assert code == 0, output
        (problem,) = task_result(report, "Observe")["health"]["vethlab-ipaddr-up"]
        assert (problem["code"], problem["is"], problem["was"]) == ("eth0_down", "eth0 is down", "eth0 was down")
    finally:
        docker("restart", "-t", "0", "vethlab-ipaddr-up")


@pytest.mark.parametrize(("names", "command"), [(["bad name"], ["ip", "addr"]), (["--privileged"], ["ip", "addr"]), (["a"], [])])
def test_bad_names_and_commands_are_refused(names, command):
    with pytest.raises(CollectError):
        validate(names, command)
