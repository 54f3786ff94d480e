"""The Molecule scenario `default` on this machine, verified by pytest-testinfra.

`molecule test` runs destroy, syntax, create, converge, idempotence, verify and destroy; its
verifier (molecule/default/tests/test_lab.py) recomputes the checkpoints from the machine on its
own. A machine that contradicts its lab.json (a cable cut after the converge) fails the verifier.
"""

from __future__ import annotations

import subprocess

import pytest

import lab_engine
from lab_engine import cut_cable

pytestmark = [pytest.mark.engine]


def molecule(step: str) -> subprocess.CompletedProcess:
    return lab_engine.molecule("default", step, check=False, timeout=900)


def test_molecule_default_scenario():
    completed = molecule("test")
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-6000:]
    for step in ("converge", "idempotence", "verify"):
        assert "%s: Executed: Successful" % step in output or "%s ➜" % step in output, step
    assert "Executing Testinfra tests" in output and "11 passed" in output


def test_the_verifier_fails_when_the_machine_contradicts_its_report():
    try:
        for step in ("destroy", "create", "converge"):
            done = molecule(step)
            assert done.returncode == 0, (done.stdout + done.stderr)[-6000:]
        assert molecule("verify").returncode == 0
        cut_cable("alpine02")  # after the converge: lab.json still says every cell answered
        done = molecule("verify")
        output = done.stdout + done.stderr
        assert done.returncode != 0, output[-6000:]
        for checkpoint in ("C5", "C6", "C7", "C8"):
            assert "localhost %s: lab.json says passed, the machine shows failed" % checkpoint in output, checkpoint
        assert "lab.json says reachable, the verifier sees unreachable" in output  # its own pings of every cell
        assert "5 failed, 6 passed" in output
    finally:
        molecule("destroy")
