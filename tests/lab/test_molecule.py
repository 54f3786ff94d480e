"""The Molecule scenario `default`: create, converge, idempotence, verify, destroy on this machine."""

from __future__ import annotations

import os
import subprocess

from lab_engine import BIN, ROOT


def test_molecule_default_scenario():
    env = dict(os.environ, PATH="%s:%s" % (BIN, os.environ.get("PATH", "")), ANSIBLE_FORCE_COLOR="0", NO_COLOR="1")
    completed = subprocess.run(
        [str(BIN / "molecule"), "test", "--scenario-name", "default"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-6000:]
    for step in ("converge", "idempotence", "verify"):
        assert "%s: Executed: Successful" % step in output or "%s ➜" % step in output, step
