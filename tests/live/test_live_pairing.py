"""lab_observe's pairing on a live Docker engine: a real playbook run compared with the kernel's sysfs."""

from __future__ import annotations

import json

import pytest

from conftest import pair_tuples, pairs_from_truth
from lab_engine import ansible_playbook, build_busybox_image, docker, engine_available, sysfs_links, task_result

pytestmark = [pytest.mark.engine]

LABEL = "vethlab.test=live-pairing"
NAMES = ["vethlab-live-a", "vethlab-live-b", "vethlab-live-c"]
NETWORK = "vethlab-live-net"


def remove_test_objects():
    ids = docker("ps", "-aq", "--filter", "label=" + LABEL).split()
    if ids:
        docker("rm", "-f", *ids)
    if docker("network", "ls", "-q", "--filter", "label=" + LABEL).split():
        docker("network", "rm", NETWORK)


@pytest.fixture(scope="module")
def live_containers():
    assert engine_available(), "the Docker engine does not answer: run 'make engine' (the test command does)"
    image = build_busybox_image()
    remove_test_objects()
    docker("network", "create", "--label", LABEL, NETWORK)
    for name in NAMES:
        docker("run", "-d", "--name", name, "--label", LABEL, image, "sleep", "600")
    docker("network", "connect", NETWORK, NAMES[2])
    yield NAMES
    remove_test_objects()


def test_playbook_pairs_live_containers_as_the_kernel_does(live_containers):
    code, report, output = ansible_playbook(
        "-i", "inventory/local.yml", "tests/live/live_pairing_playbook.yml", "-e", json.dumps({"vethlab_test_containers": live_containers})
    )
    assert code == 0, output
    result = task_result(report, "Pair the live outputs")["veths"]

    truth = {
        "host": sysfs_links(),
        "containers": {name: sysfs_links(name) for name in live_containers},
    }
    expected = pairs_from_truth(truth)
    assert len(expected) == 4  # three eth0 and the third container's eth1
    assert pair_tuples(result) == expected
    bridges = {(p["container"], p["container_interface"]): p["bridge"] for p in result["pairs"]}
    assert bridges[(NAMES[0], "eth0")] == "docker0"
    assert bridges[(NAMES[2], "eth1")].startswith("br-")
    inspected = json.loads(docker("inspect", *live_containers))
    addresses = {c["Name"].lstrip("/"): c["NetworkSettings"]["Networks"]["bridge"]["IPAddress"] for c in inspected}
    for pair in result["pairs"]:
        if pair["container_interface"] == "eth0":
            assert pair["ipv4"][0].split("/")[0] == addresses[pair["container"]]
