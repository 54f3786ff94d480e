"""With no engine answering, the collectors fail clearly instead of reporting a broken network.

The docker CLI is real; it is pointed at a socket where no engine listens, which is what it
meets when dockerd is killed during a run. No traffic leaves this machine.
"""

from __future__ import annotations

import os

import pytest

from lab_engine import run
from vethlab.module_utils.vethlab_collect import CollectError, collect
from vethlab.module_utils.vethlab_reach import run_matrix

pytestmark = [pytest.mark.engine]


def runner_without_engine(tmp_path):
    env = dict(os.environ, DOCKER_HOST="unix://%s" % (tmp_path / "no-engine.sock"))
    return lambda argv: run(argv, env)


def test_collecting_without_an_engine_is_an_error_not_missing_containers(tmp_path):
    with pytest.raises(CollectError, match="the Docker engine does not answer: Cannot connect to the Docker daemon"):
        collect(["alpine01", "alpine02"], runner_without_engine(tmp_path))


def test_a_ping_from_a_container_whose_process_is_gone_is_an_error_not_unreachable():
    """A container stopped after it was observed: its namespace cannot be entered (the real nsenter, a process that
    does not exist), so its cell says so - never "unreachable", which a cell that must fail would take for a pass."""
    gone = 4194304  # above the kernel's largest pid (pid_max is at most 2^22)
    cells = [{"source": "alpine01", "address": "127.0.0.1", "expected": "unreachable"}]
    (cell,) = run_matrix(cells, run, attempts=1, pids={"alpine01": gone})
    assert (cell["observed"], cell["passed"]) == ("error", False)
    assert "cannot open /proc/%d/ns/net" % gone in cell["detail_parts"][0][1]["said"]


def test_a_missing_container_is_still_only_missing(tmp_path):
    result = collect(["vethlab-no-such-container"], run)
    assert result["states"] == {"vethlab-no-such-container": "missing"} and result["running"] == []
