"""With no engine answering, the collectors fail clearly instead of reporting a broken network.

The docker CLI is real; it is pointed at a socket where no engine listens, which is what it
meets when dockerd is killed during a run. No traffic leaves this machine.
"""

from __future__ import annotations

import os

import pytest

from lab_engine import run
from vethlab.module_utils.vethlab_collect import CollectError, collect
from vethlab.module_utils.vethlab_reach import EngineLost, run_matrix

pytestmark = [pytest.mark.engine]


def runner_without_engine(tmp_path):
    env = dict(os.environ, DOCKER_HOST="unix://%s" % (tmp_path / "no-engine.sock"))
    return lambda argv: run(argv, env)


def test_collecting_without_an_engine_is_an_error_not_missing_containers(tmp_path):
    with pytest.raises(CollectError, match="the Docker engine does not answer: Cannot connect to the Docker daemon"):
        collect(["alpine01", "alpine02"], runner_without_engine(tmp_path))


def test_pinging_from_a_container_without_an_engine_judges_nothing(tmp_path):
    cells = [{"source": "alpine01", "address": "127.0.0.1"}]
    with pytest.raises(EngineLost, match=r"alpine01 -> 127.0.0.1 could not run ping \(ping did not run \(exit 1\): Cannot connect"):
        run_matrix(cells, runner_without_engine(tmp_path), attempts=1)


def test_a_missing_container_is_still_only_missing(tmp_path):
    result = collect(["vethlab-no-such-container"], run)
    assert result["states"] == {"vethlab-no-such-container": "missing"} and result["running"] == []
