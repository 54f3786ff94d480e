"""Registry mirrors merged into Docker's daemon.json: every other key kept, a bad file never rewritten."""

from __future__ import annotations

import json

import pytest

from vethlab.module_utils.vethlab_daemon_json import DaemonJsonError, merge

MIRROR = "https://mirror.school.example"


def test_a_new_file_holds_the_mirrors():
    assert json.loads(merge(None, [MIRROR])) == {"registry-mirrors": [MIRROR]}


def test_every_key_of_the_users_file_is_kept_and_their_mirrors_come_after():
    users = json.dumps({"log-level": "warn", "data-root": "/srv/docker", "registry-mirrors": ["http://theirs.example"]})
    assert json.loads(merge(users, [MIRROR])) == {
        "log-level": "warn", "data-root": "/srv/docker", "registry-mirrors": [MIRROR, "http://theirs.example"],
    }  # fmt: skip


def test_nothing_to_write_when_the_mirrors_are_there_already():
    assert merge(json.dumps({"registry-mirrors": [MIRROR], "debug": True}), [MIRROR]) is None


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{"log-level": "warn",', "/etc/docker/daemon.json is not valid JSON (line 1, column 22: Expecting property name"),
        ("[1, 2]", "holds JSON but not an object"),
        ('{"registry-mirrors": "http://x"}', '"registry-mirrors" that is not a list'),
    ],
)
def test_a_file_that_is_not_a_json_object_is_refused_and_left_as_it_was(text, said):
    with pytest.raises(DaemonJsonError, match="it was left as it was") as caught:
        merge(text, [MIRROR])
    assert said in str(caught.value)
