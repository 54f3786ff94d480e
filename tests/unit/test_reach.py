"""The ping matrix: cell validation, the commands it runs, reading ping's summary, retries."""

from __future__ import annotations

import pytest
import vethlab_collect
import vethlab_reach
from vethlab_reach import CellError, ping_argv, received, run_matrix, validate_cell

from lab_engine import run

# Recorded on this kind of machine: iputils on the host, busybox in a container.
IPUTILS_OK = """PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.
64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.238 ms

--- 127.0.0.1 ping statistics ---
1 packets transmitted, 1 received, 0% packet loss, time 0ms
rtt min/avg/max/mdev = 0.238/0.238/0.238/0.000 ms
"""
BUSYBOX_OK = """PING 127.0.0.1 (127.0.0.1): 56 data bytes
64 bytes from 127.0.0.1: seq=0 ttl=64 time=0.047 ms

--- 127.0.0.1 ping statistics ---
1 packets transmitted, 1 packets received, 0% packet loss
round-trip min/avg/max = 0.047/0.047/0.047 ms
"""
BUSYBOX_LOST = """PING 172.17.0.3 (172.17.0.3): 56 data bytes

--- 172.17.0.3 ping statistics ---
1 packets transmitted, 0 packets received, 100% packet loss
"""


def test_summaries_of_both_pings_are_read():
    assert received(IPUTILS_OK) == (1, 1)
    assert received(BUSYBOX_OK) == (1, 1)
    assert received(BUSYBOX_LOST) == (1, 0)
    assert received("Error response from daemon: No such container: alpine09") is None


def test_commands_are_argument_lists():
    assert ping_argv("host", "172.17.0.2") == ["ping", "-c", "1", "-W", "2", "172.17.0.2"]
    assert ping_argv("host", "172.17.0.2", host_ping=("/bin/busybox", "ping")) == [
        "/bin/busybox",
        "ping",
        "-c",
        "1",
        "-W",
        "2",
        "172.17.0.2",
    ]
    assert ping_argv("alpine01", "172.17.0.1", count=2, timeout=1) == [
        "docker",
        "exec",
        "alpine01",
        "ping",
        "-c",
        "2",
        "-W",
        "1",
        "172.17.0.1",
    ]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ({"source": "alpine 01", "address": "172.17.0.2"}, "neither 'host' nor a container name"),
        ({"source": "a;rm -rf /", "address": "172.17.0.2"}, "neither 'host' nor a container name"),
        ({"source": "-it", "address": "172.17.0.2"}, "neither 'host' nor a container name"),
        ({"source": "host", "address": "-f"}, "is not an IP address"),
        ({"source": "host", "address": "example.org"}, "is not an IP address"),
        ({"source": "host", "address": "172.17.0.2; reboot"}, "is not an IP address"),
        ("host", "expected a mapping"),
    ],
)
def test_bad_cells_are_refused(cell, message):
    with pytest.raises(CellError, match=message):
        validate_cell(cell, 0)


def test_a_bad_cell_stops_the_matrix_before_anything_runs():
    ran = []
    with pytest.raises(CellError, match="cell #1"):
        run_matrix(
            [{"source": "host", "address": "127.0.0.1"}, {"source": "host", "address": "nowhere"}],
            lambda argv: ran.append(argv) or (0, IPUTILS_OK, ""),
        )
    assert ran == []


def test_cells_are_recorded_whatever_their_result_and_retried_a_bounded_number_of_times():
    replies = {"172.17.0.2": [(0, BUSYBOX_OK, "")], "172.17.0.3": [(1, BUSYBOX_LOST, "")] * 3}
    calls = []

    def runner(argv):
        calls.append(argv[-1])
        return replies[argv[-1]][0]

    cells = [
        {"checkpoint": "C8", "source": "alpine02", "target": "alpine01", "address": "172.17.0.2"},
        {"checkpoint": "C8", "source": "alpine01", "target": "alpine02", "address": "172.17.0.3"},
    ]
    first, second = run_matrix(cells, runner, attempts=3)
    assert first["reachable"] and first["as_expected"] and first["detail"] == "1 of 1 echo requests answered"
    assert not second["reachable"] and not second["as_expected"] and second["detail"] == "0 of 1 echo requests answered"
    assert calls.count("172.17.0.2") == 1 and calls.count("172.17.0.3") == 3


def test_an_expected_failure_is_as_expected():
    (cell,) = run_matrix([{"source": "host", "address": "127.0.0.1", "expected": False}], lambda argv: (1, BUSYBOX_LOST, ""), attempts=1)
    assert cell["reachable"] is False and cell["as_expected"] is True


def test_a_ping_that_did_not_run_says_why():
    (cell,) = run_matrix(
        [{"source": "alpine09", "address": "127.0.0.1"}],
        lambda argv: (1, "", "Error response from daemon: No such container: alpine09"),
        attempts=1,
    )
    assert cell["detail"] == "ping did not run (exit 1): Error response from daemon: No such container: alpine09"


def test_real_pings_to_this_machine():
    # The only address pinged here is this machine's own loopback.
    (cell,) = run_matrix([{"source": "host", "address": "127.0.0.1"}], lambda argv: run(argv, timeout=10))
    assert cell["reachable"] is True and cell["detail"] == "1 of 1 echo requests answered"


def test_the_twins_in_module_utils_agree():
    # module_utils files import no siblings (each reaches the host alone), so two patterns stand twice.
    for name in ("CONTAINER_NAME", "ENGINE_LOST"):
        ours, theirs = getattr(vethlab_reach, name), getattr(vethlab_collect, name)
        assert (ours.pattern, ours.flags) == (theirs.pattern, theirs.flags), name
