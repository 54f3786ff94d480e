"""The packet path's judge (C21) on recorded captures: the frames of real pings captured at every hop on this
machine's engine (tests/fixtures/packet-path/, recorded by `make fixtures`: vethlab_capture.capture), and variants of
them with what a broken machine would lose."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from vethlab.module_utils.vethlab_capture import (
    ARP_REPLY,
    ARP_REQUEST,
    ECHO_REPLY,
    ECHO_REQUEST,
    admitted,
    decode,
    judge_path,
    packets,
    seen_at_each_hop,
    sequence,
)
from vethlab.module_utils.vethlab_checkpoints import of_lessons
from vethlab.module_utils.vethlab_lessons import run_plan
from vethlab.module_utils.vethlab_texts import render

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "packet-path"


def recorded(name: str) -> list[dict]:
    return json.loads((FIXTURES / ("capture-%s.json" % name)).read_text())


def first_path(name: str = "flushed") -> dict:
    return copy.deepcopy(recorded(name)[0])


def without(path: dict, keep) -> dict:
    path["frames"] = [frame for frame in path["frames"] if keep(frame, decode(bytes.fromhex(frame["frame"])))]
    return path


def keys(parts) -> list[str]:
    return [part[0] for part in parts]


def test_a_whole_capture_passes_with_the_same_echo_request_at_every_hop_and_the_arp_before_it():
    for path in recorded("flushed"):
        passed, parts = judge_path(copy.deepcopy(path))
        assert passed, render(parts)
        assert keys(parts) == ["path.crossed", "path.arp"]
    path = first_path()
    requests = [p for p in packets(path) if p["type"] == ECHO_REQUEST]
    assert len(requests) == 1 and sorted({s["hop"] for s in requests[0]["seen"]}) == list(range(len(path["hops"])))
    assert path["hops"][0]["interface"] == "eth0" and len(path["hops"]) == 5
    kinds = [arrow["type"] for arrow in sequence(path)]
    assert kinds[0] == ARP_REQUEST and ARP_REPLY in kinds and kinds.index(ECHO_REQUEST) < kinds.index(ECHO_REPLY)
    # Every arrow goes from one end of the path to the other: the request forward, the reply back (in both paths:
    # the host's has hops that share a timestamp).
    for path in recorded("flushed"):
        last = len(path["hops"]) - 1
        echo = next(arrow for arrow in sequence(path) if arrow["type"] == ECHO_REQUEST)
        assert (echo["from"], echo["to"]) == (0, last) and echo["at"][0]["out"] and not echo["at"][-1]["out"]
        reply = next(arrow for arrow in sequence(path) if arrow["type"] == ECHO_REPLY)
        assert (reply["from"], reply["to"]) == (last, 0) and reply["icmp_id"] == echo["icmp_id"]
        assert [arrow["to"] for arrow in sequence(path) if arrow["type"] == ARP_REPLY] == [0]


def test_a_hop_missing_fails_at_that_hop_naming_the_one_before():
    path = without(first_path(), lambda frame, _: frame["hop"] != 2)
    passed, parts = judge_path(path)
    assert not passed
    text = render(parts)
    docker0, veth = path["hops"][2]["name"], path["hops"][1]["name"]
    assert "never at %s: it stops between %s and %s" % (docker0, veth, docker0) in text, text


def test_a_reply_on_another_path_fails_the_way_back():
    """The reply seen leaving the target and arriving at the source, but at none of the hops between: it did not
    come back the same way."""
    path = without(first_path(), lambda frame, fields: not (fields["type"] == ECHO_REPLY and frame["hop"] in (1, 2, 3)))
    passed, parts = judge_path(path)
    assert not passed and keys(parts)[:2] == ["path.request_crossed", "path.reply"]
    assert "never at %s" % path["hops"][3]["name"] in render(parts)


def test_no_reply_at_all_is_named():
    path = without(first_path(), lambda _, fields: fields["type"] != ECHO_REPLY)
    passed, parts = judge_path(path)
    assert not passed and keys(parts) == ["path.request_crossed", "path.no_reply"]


def test_a_capture_without_arp_because_the_entry_was_cached_passes_and_says_so():
    path = first_path("cached")
    assert not [p for p in packets(path) if p["type"] in (ARP_REQUEST, ARP_REPLY)]
    passed, parts = judge_path(path)
    assert passed and keys(parts) == ["path.crossed", "path.cached"]


def test_a_later_hop_seen_clearly_before_an_earlier_one_is_out_of_order():
    path = first_path()
    request = next(p for p in packets(path) if p["type"] == ECHO_REQUEST)
    late = min(s["at"] for s in request["seen"] if s["hop"] == 1)
    for frame in path["frames"]:
        fields = decode(bytes.fromhex(frame["frame"]))
        if fields["type"] == ECHO_REQUEST and frame["hop"] == 2:
            frame["at"] = late - 0.01
    passed, parts = judge_path(path)
    assert not passed and "path.out_of_order" in keys(parts)


def test_no_request_from_the_source_is_named():
    path = without(first_path(), lambda frame, fields: not (fields["type"] == ECHO_REQUEST and frame["hop"] == 0))
    passed, parts = judge_path(path)
    assert not passed and keys(parts) == ["path.no_request"]


def test_the_filter_keeps_only_arp_and_echo_between_the_labs_own_addresses():
    path = first_path()
    lab = {path["source_ip"], path["target_ip"]}
    frames = [bytes.fromhex(frame["frame"]) for frame in path["frames"]]
    assert frames and all(admitted(frame, lab) for frame in frames)
    assert not any(admitted(frame, {path["source_ip"]}) for frame in frames)  # one end is not the lab's
    udp = frames[-1][:23] + bytes([17]) + frames[-1][24:]  # the same IPv4 frame as UDP
    tcp6 = frames[-1][:12] + b"\x86\xdd" + frames[-1][14:]
    assert decode(udp) is None and decode(tcp6) is None and decode(b"\x00" * 10) is None


def test_c21_is_in_the_table_only_when_the_plan_captures():
    assert "C21" not in [c.id for c in of_lessons(["docker0"], run_plan({}, ["docker0"], [], False))]
    assert "C21" in [c.id for c in of_lessons(["docker0"], run_plan({}, ["docker0"], [], True))]
    # C21 is the docker0 lesson's: a run that does not judge that lesson captures nothing.
    assert run_plan({}, ["link"], [], True)["capture"] is ("docker0" in run_plan({}, ["link"], [], False)["lessons"])


@pytest.mark.parametrize("missing", ["path.not_running", "path.no_address", "path.no_veth"])
def test_a_path_that_cannot_be_captured_fails_saying_why(missing):
    passed, parts = judge_path({"source": "alpine01", "target": "alpine02", "missing": [(missing, {"container": "alpine02"})]})
    assert not passed and keys(parts) == ["path.cannot", missing] and "alpine02" in render(parts)


def test_a_veth_off_the_bridge_stops_the_arp_between_the_veth_and_the_bridge():
    """What `nomaster` leaves: the source's ARP who-has reaches its veth and no further, nothing answers, no echo
    request leaves; the judge names where the ARP stopped."""
    path = without(first_path(), lambda frame, fields: fields["type"] == ARP_REQUEST and frame["hop"] in (0, 1))
    passed, parts = judge_path(path)
    assert not passed and keys(parts) == ["path.no_request", "path.arp_unanswered", "path.stops"]
    veth = path["hops"][1]["name"]
    assert "it stops between %s and docker0" % veth in render(parts)


def test_each_hop_lists_the_packets_seen_there_with_their_fields_and_time():
    path = first_path()
    hops = seen_at_each_hop(path, sequence(path))
    assert [hop["name"] for hop in hops] == [hop["name"] for hop in path["hops"]]
    for hop in hops:
        kinds = [packet["type"] for packet in hop["packets"]]
        assert ECHO_REQUEST in kinds and ECHO_REPLY in kinds, hop["name"]
        assert [packet["us"] for packet in hop["packets"]] == sorted(packet["us"] for packet in hop["packets"])
    first, last = hops[0]["packets"], hops[-1]["packets"]
    request = next(packet for packet in first if packet["type"] == ECHO_REQUEST)
    assert request["out"] and request["src_ip"] == path["source_ip"] and request["icmp_id"] is not None
    assert not next(packet for packet in last if packet["type"] == ECHO_REQUEST)["out"]


def with_macs(path: dict) -> dict:
    """The path as the lab makes it now: each end's MAC (read from its own echo packets: the source sends the request,
    the target the reply)."""
    seen = packets(path)
    path["source_mac"] = next(p["src_mac"] for p in seen if p["type"] == ECHO_REQUEST)
    path["target_mac"] = next(p["src_mac"] for p in seen if p["type"] == ECHO_REPLY)
    return path


def readdressed(path: dict, kind: str, mac: str) -> dict:
    """The path with every frame of one kind of packet sent to another Ethernet destination."""
    for frame in path["frames"]:
        if decode(bytes.fromhex(frame["frame"]))["type"] == kind:
            frame["frame"] = mac.replace(":", "") + frame["frame"][12:]
    return path


@pytest.mark.parametrize("name", ["flushed", "cached"])
def test_a_packet_is_counted_only_when_addressed_to_the_mac_of_the_end_it_reached(name):
    """A frame the capture sees arrive is not one the end takes: a reply addressed to another MAC (its sender's ARP
    entry older than the network, a veth moved between bridges) is dropped by the source's kernel. Both echo
    packets must carry the MAC of the interface they reach."""
    for index in range(len(recorded(name))):
        whole = with_macs(copy.deepcopy(recorded(name)[index]))
        assert judge_path(copy.deepcopy(whole))[0], render(judge_path(copy.deepcopy(whole))[1])
        stale = "02:42:22:2f:be:af"
        passed, parts = judge_path(readdressed(copy.deepcopy(whole), ECHO_REPLY, stale))
        assert not passed and keys(parts) == ["path.request_crossed", "path.reply", "path.wrong_mac"]
        source = whole["hops"][0]["name"]
        assert "it reached %s addressed to the MAC %s, but %s's MAC is %s" % (source, stale, source, whole["source_mac"]) in render(parts)
        assert "它到达了 %s，但目标 MAC 是 %s" % (source, stale) in render(parts, "zh")
        passed, parts = judge_path(readdressed(copy.deepcopy(whole), ECHO_REQUEST, stale))
        assert not passed and keys(parts) == ["path.request", "path.wrong_mac"]
        assert "%s's MAC is %s" % (whole["hops"][-1]["name"], whole["target_mac"]) in render(parts)
        if whole["source"] == "host":  # a reply to the host sent to one of its bridge's ports' MACs: the bridge takes it
            port = "b2:b2:ff:05:66:38"
            passed, parts = judge_path(readdressed(dict(copy.deepcopy(whole), source_port_macs=[port]), ECHO_REPLY, port))
            assert passed, render(parts)
    assert [path["source"] for path in recorded(name)] == ["capture01", "host"]  # both kinds of end are tried
