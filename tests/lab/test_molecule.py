"""The Molecule scenario `default` on this machine, verified by pytest-testinfra.

The scenario's sequence - destroy, create, converge, idempotence, verify and destroy - runs once, step by
step (its syntax step is `make lint`'s: ansible-lint's syntax-check reads every scenario's playbooks); its
verifier (molecule/default/tests/test_lab.py) recomputes the checkpoints from the machine on its own. A
machine that contradicts its lab.json (a cable cut after the converge) then fails the verifier.
"""

from __future__ import annotations

import re
import subprocess

import pytest

import lab_engine
from lab_engine import cut_cable, docker

pytestmark = [pytest.mark.engine]


def molecule(step: str) -> subprocess.CompletedProcess:
    return lab_engine.molecule("default", step, check=False, timeout=900)


def said_of_a_failure(output: str) -> str:
    """What a failed step's output says of why: every task that changed or failed (idempotence names them), then its end."""
    lines = output.splitlines()
    why = [
        "\n".join(lines[max(0, i - 1) : i + 3])
        for i, line in enumerate(lines)
        if re.search(r"\b(changed|fatal|failed):\s*\[|not idempotent|CRITICAL", line)
    ]
    return "\n---\n".join(why[:20]) + "\n...\n" + output[-3000:]


@pytest.fixture(scope="module")
def scenario():
    """The scenario's own sequence (molecule.yml's test_sequence), step by step, converged once for both
    tests: each step's output, for the tests to read. Destroyed at the end."""
    outputs = {}
    try:
        for step in ("destroy", "create", "converge", "idempotence", "verify"):
            done = molecule(step)
            outputs[step] = (done.returncode, done.stdout + done.stderr)
            assert done.returncode == 0, (step, said_of_a_failure(outputs[step][1]))
        yield outputs
    finally:
        molecule("destroy")


def test_molecule_default_scenario(scenario):
    assert [step for step, (code, _) in scenario.items() if code != 0] == []
    for step in ("converge", "idempotence", "verify"):
        output = scenario[step][1]
        assert "%s: Executed: Successful" % step in output or "%s ➜" % step in output, step
    verify = scenario["verify"][1]
    assert "Executing Testinfra tests" in verify and "12 passed" in verify


def test_the_verifier_fails_when_the_machine_contradicts_its_report(scenario):
    assert scenario["verify"][0] == 0
    cut_cable("alpine02")  # after the converge: lab.json still says every cell answered
    docker("network", "disconnect", "mynet", "alpine01")  # and Docker's record of network connect changed
    done = molecule("verify")
    output = done.stdout + done.stderr
    assert done.returncode != 0, output[-6000:]
    for checkpoint in ("C5", "C6", "C7", "C8"):
        assert "localhost %s: lab.json says passed, the machine shows failed" % checkpoint in output, checkpoint
    assert "lab.json says reachable, the verifier sees unreachable" in output  # its own pings of every cell
    # C9 recomputed by the verifier itself: alpine02 cut off reaches not even its gateway, so its name that does
    # not resolve proves nothing, where lab.json (written before the cut) says passed.
    for checkpoint in ("C9", "C11", "C17", "C18", "C19", "C20"):
        assert "localhost %s: lab.json says passed, the machine shows failed" % checkpoint in output, checkpoint
    counts = re.findall(r"(\d+) failed, (\d+) passed", output)
    assert counts == [("7", "5")], counts
