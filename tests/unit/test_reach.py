"""The ping matrix: cell validation, the commands it runs, reading ping's summary, the three results, retries."""

from __future__ import annotations

import pytest

from lab_engine import run
from vethlab.module_utils.vethlab_reach import CellError, ping_argv, received, run_matrix, validate_cell
from vethlab.module_utils.vethlab_texts import render

# The containers' processes on the host, as docker inspect gives them: the namespaces the pings enter.
PIDS = {"alpine01": 4301, "alpine02": 4302, "alpine03": 4303}

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
# busybox in alpine02 on the default bridge, asked for alpine01 by name (the course's first surprise).
BUSYBOX_BAD_ADDRESS = "ping: bad address 'alpine01'\n"
BUSYBOX_BY_NAME = """PING alpine02 (172.17.0.3): 56 data bytes
64 bytes from 172.17.0.3: seq=0 ttl=64 time=0.081 ms

--- alpine02 ping statistics ---
1 packets transmitted, 1 packets received, 0% packet loss
round-trip min/avg/max = 0.081/0.081/0.081 ms
"""


def detail(cell):
    return render(cell["detail_parts"])


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
    # In a container: the host's own ping, in the container's network namespace, entered from outside.
    assert ping_argv("alpine01", "172.17.0.1", count=2, timeout=1, pids={"alpine01": 4242}) == [
        "nsenter",
        "-t",
        "4242",
        "-n",
        "--",
        "ping",
        "-c",
        "2",
        "-W",
        "1",
        "172.17.0.1",
    ]
    # A container without a process (it does not run) has no namespace to enter: no command at all.
    assert ping_argv("alpine01", "172.17.0.1") is None


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ({"source": "alpine 01", "address": "172.17.0.2"}, "neither 'host' nor a container name"),
        ({"source": "a;rm -rf /", "address": "172.17.0.2"}, "neither 'host' nor a container name"),
        ({"source": "-it", "address": "172.17.0.2"}, "neither 'host' nor a container name"),
        ({"source": "host", "address": "-f"}, "is not an IP address"),
        ({"source": "host", "address": "example.org"}, "is not an IP address"),
        ({"source": "host", "address": "172.17.0.2; reboot"}, "is not an IP address"),
        ({"source": "alpine02", "name": "-f"}, "is not a container name"),
        ({"source": "alpine02", "name": "alpine01; reboot"}, "is not a container name"),
        ({"source": "host", "address": "127.0.0.1", "expected": "maybe"}, "is not one of reachable, unreachable, unresolved"),
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
    first, second = run_matrix(cells, runner, attempts=3, pids=PIDS)
    assert (first["observed"], first["passed"], detail(first)) == ("reachable", True, "1 of 1 echo requests answered")
    assert (second["observed"], second["passed"], detail(second)) == ("unreachable", False, "0 of 1 echo requests answered")
    assert calls.count("172.17.0.2") == 1 and calls.count("172.17.0.3") == 3


def test_an_expected_failure_passes_and_is_asked_once():
    calls = []
    (cell,) = run_matrix(
        [{"source": "host", "address": "127.0.0.1", "expected": "unreachable"}],
        lambda argv: calls.append(argv) or (1, BUSYBOX_LOST, ""),
        attempts=3,
    )
    assert (cell["expected"], cell["observed"], cell["passed"]) == ("unreachable", "unreachable", True) and len(calls) == 1
    (cell,) = run_matrix([{"source": "host", "address": "127.0.0.1", "expected": False}], lambda argv: (0, BUSYBOX_OK, ""), attempts=1)
    assert (cell["expected"], cell["observed"], cell["passed"]) == ("unreachable", "reachable", False)  # the first form, a boolean


def test_a_name_that_does_not_resolve_is_unresolved_not_unreachable():
    # The caller resolved the name (vethlab_verify.resolve_name) and said why not: nothing is pinged.
    why = [("resolve.no_resolver", {"source": "alpine02", "name": "alpine01", "networks": "bridge"})]
    cell = {"source": "alpine02", "target": "alpine01", "name": "alpine01", "expected": "unresolved", "unresolved": why}
    argvs = []
    (found,) = run_matrix([cell], lambda argv: argvs.append(argv) or (0, BUSYBOX_OK, ""), attempts=2, pids=PIDS)
    assert argvs == []
    assert (found["observed"], found["passed"], found["address"]) == ("unresolved", True, None)
    assert detail(found).startswith("the name alpine01 does not resolve in alpine02: Docker recorded no --link to it")
    (found,) = run_matrix([dict(cell, expected="reachable")], lambda argv: (0, BUSYBOX_OK, ""), attempts=1, pids=PIDS)
    assert (found["observed"], found["passed"]) == ("unresolved", False)


def test_a_name_that_resolves_is_pinged_at_its_address_from_the_sources_namespace():
    argvs = []
    cell = {"source": "alpine03", "target": "alpine02", "name": "alpine02", "address": "172.17.0.3", "expected": "reachable"}
    (found,) = run_matrix([cell], lambda argv: argvs.append(argv) or (0, BUSYBOX_BY_NAME, ""), pids=PIDS)
    assert argvs == [["nsenter", "-t", "4303", "-n", "--", "ping", "-c", "1", "-W", "2", "172.17.0.3"]]
    assert (found["observed"], found["passed"], found["address"]) == ("reachable", True, "172.17.0.3")


def test_a_ping_that_did_not_run_says_why():
    (cell,) = run_matrix([{"source": "alpine09", "address": "127.0.0.1"}], lambda argv: (0, BUSYBOX_OK, ""), attempts=1, pids=PIDS)
    # A probe that could not run is an error - never "unreachable", which a cell that must fail would take for a pass.
    assert cell["observed"] == "error" and cell["passed"] is False
    assert detail(cell) == "ping did not run (exit 127): the container does not run: no network namespace to enter"
    (cell,) = run_matrix(
        [{"source": "alpine02", "address": "172.17.0.9", "expected": "unreachable"}],
        lambda argv: (1, "", "nsenter: cannot open /proc/4302/ns/net: No such file or directory"),
        pids=PIDS,
    )
    assert cell["observed"] == "error" and cell["passed"] is False and cell["probes"] == 1


@pytest.mark.engine  # the host's ping, a host tool `make engine` installs
def test_real_pings_to_this_machine():
    # The only address pinged here is this machine's own loopback.
    (cell,) = run_matrix([{"source": "host", "address": "127.0.0.1"}], lambda argv: run(argv, timeout=10))
    assert cell["observed"] == "reachable" and detail(cell) == "1 of 1 echo requests answered"


def scripted(*replies):
    """A runner that answers each ping in turn: True a reply, False none."""
    replies = list(replies)

    def runner(argv):
        got = replies.pop(0)
        return (0 if got else 1), "1 packets transmitted, %d packets received\n" % int(got), ""

    return runner


def test_a_reply_stands_and_no_retry_moves_a_cell_towards_what_it_expects():
    # Must fail, but it answered: a surprise a reply proves; no second probe gets to undo it.
    (cell,) = run_matrix([{"source": "alpine02", "address": "172.18.0.2", "expected": "unreachable"}], scripted(True, False), pids=PIDS)
    assert (cell["observed"], cell["passed"], cell["probes"]) == ("reachable", False, 1)
    # Must fail, and no reply: as expected, on one probe - nothing to confirm.
    (cell,) = run_matrix([{"source": "alpine02", "address": "172.18.0.2", "expected": "unreachable"}], scripted(False), pids=PIDS)
    assert (cell["observed"], cell["passed"], cell["probes"]) == ("unreachable", True, 1)
    # Must answer, and the first echo was lost: the surprise is confirmed - here the second probe answers.
    (cell,) = run_matrix([{"source": "alpine02", "address": "172.17.0.1"}], scripted(False, True), pids=PIDS)
    assert (cell["observed"], cell["passed"], cell["probes"]) == ("reachable", True, 2)


def test_a_cell_that_must_fail_is_judged_only_from_a_source_that_reaches_its_gateway():
    cell = {"source": "alpine02", "address": "172.18.0.2", "expected": "unreachable", "control": "172.17.0.1"}
    (judged,) = run_matrix([cell], scripted(True, False), pids=PIDS)  # the gateway answers, the target does not
    assert (judged["observed"], judged["passed"], judged["probes"]) == ("unreachable", True, 2)
    (cut_off,) = run_matrix([cell], scripted(False), pids=PIDS)  # alpine02 reaches nothing: it shows no isolation
    assert (cut_off["observed"], cut_off["passed"], cut_off["probes"], cut_off["control_failed"]) == ("error", False, 1, True)
    assert render(cut_off["detail_parts"]).startswith("alpine02 cannot reach its own gateway 172.17.0.1 (no reply)")


def test_a_network_that_says_no_route_is_unreachable_not_an_error():
    """busybox's ping with eth0 down prints no summary, only "sendto: Network is unreachable": ping ran, and the
    network answered; the probe did not fail."""
    (cell,) = run_matrix(
        [{"source": "alpine02", "address": "172.17.0.1"}], lambda argv: (1, "", "ping: sendto: Network is unreachable\n"), pids=PIDS
    )
    assert (cell["observed"], cell["passed"]) == ("unreachable", False)
    assert detail(cell) == "no route to it (ping: sendto: Network is unreachable)"


def test_a_confirming_probe_that_says_nothing_does_not_undo_the_first():
    """No reply where one is expected is confirmed by a second probe; a second probe that printed nothing at all
    (seen once in CI with docker0 down) leaves the first one's "unreachable", not an error."""
    answers = iter([(1, "1 packets transmitted, 0 packets received\n", ""), (1, "", "")])
    (cell,) = run_matrix([{"source": "alpine02", "address": "172.17.0.2"}], lambda argv: next(answers), pids=PIDS)
    assert (cell["observed"], cell["probes"], detail(cell)) == ("unreachable", 2, "0 of 1 echo requests answered")
    # First, it is asked again; alone, such a probe is an error (never a pass for a cell that must fail).
    answers = iter([(1, "", ""), (1, "1 packets transmitted, 0 packets received\n", "")])
    (cell,) = run_matrix(
        [{"source": "alpine02", "address": "172.17.0.2", "expected": "unreachable"}], lambda argv: next(answers), pids=PIDS
    )
    assert (cell["observed"], cell["passed"], cell["probes"]) == ("unreachable", True, 2)
    (cell,) = run_matrix([{"source": "alpine02", "address": "172.17.0.2", "expected": "unreachable"}], lambda argv: (1, "", ""), pids=PIDS)
    assert cell["observed"] == "error" and cell["passed"] is False
