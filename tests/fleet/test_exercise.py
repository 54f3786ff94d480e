"""The Molecule scenario `exercise`: the classroom cycle on two simulated student machines over SSH.

vethlab prepare (converge), prepare again changing nothing (idempotence), the students type the lesson over SSH
- student11 all four lessons, student12 only the first - and the teacher grades (side_effect); the verifier
runs lab-check on each machine and reads the board (two stages); destroy removes the nodes and volumes.
Cost: about two minutes, in the classroom lane.
"""

from __future__ import annotations

import pytest

import lab_engine
from lab_engine import docker

pytestmark = [pytest.mark.engine, pytest.mark.fleet]

STUDENTS = ["student11", "student12"]


def test_the_exercise_scenario_prepares_the_students_type_and_the_board_shows_two_stages():
    lab_engine.molecule("exercise", "destroy")
    try:
        for step in ("syntax", "create", "converge", "idempotence", "side-effect"):
            lab_engine.molecule("exercise", step)
        verify = lab_engine.molecule("exercise", "verify")
        output = verify.stdout + verify.stderr
        assert "Executing Testinfra tests" in output and "6 passed" in output, output[-4000:]
    finally:
        lab_engine.molecule("exercise", "destroy")
    assert not [name for name in STUDENTS if docker("ps", "-aq", "--filter", "name=^%s$" % name).strip()]
    assert not [name for name in STUDENTS if docker("volume", "ls", "-q", "--filter", "name=vethlab-%s-docker" % name).strip()]
