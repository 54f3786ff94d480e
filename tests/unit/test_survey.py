"""The reset's survey reads each container's labels as Docker's JSON data: a label is never written
into a --format template, where a crafted value could make every container look like the lab's."""

from __future__ import annotations

import json

from vethlab.module_utils.vethlab_collect import survey

CONTAINERS = {
    "c1": {"Name": "/alpine01", "Config": {"Labels": {"vethlab.lab": "true"}}},
    "c2": {"Name": "/students-own", "Config": {"Labels": {"owner": "student"}}},
    "c3": {"Name": "/no-labels", "Config": {"Labels": None}},
}


def runner(argv):
    if argv[1:3] == ["ps", "--all"]:
        assert "--format" not in argv  # nothing of the settings in a template
        return 0, "\n".join(CONTAINERS) + "\n", ""
    if argv[1:3] == ["container", "inspect"]:
        return 0, json.dumps([CONTAINERS[cid] for cid in argv[3:]]), ""
    if argv[1:3] == ["network", "ls"]:
        return 0, "", ""
    raise AssertionError(argv)


def test_each_container_with_its_value_of_the_lab_label():
    found = survey(runner, label="vethlab.lab")
    assert found["containers"] == [["alpine01", "true"], ["students-own", ""], ["no-labels", ""]]


def test_a_crafted_label_matches_nothing():
    crafted = '"}}{{.Names}}{{"'
    assert [value for _, value in survey(runner, label=crafted)["containers"]] == ["", "", ""]
