# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""The packet itself crossing the veth pair: one ping captured at every hop at once, and judged.

The docker0 lesson's two pings - its first container to its second, and the host to its first - are
captured at every hop of their way: ``eth0`` inside the source (its namespace), its host veth, the bridge,
the target's host veth, ``eth0`` inside the target. The neighbour entries of the lab's own containers
(and the host's entries for their addresses) are flushed first, so the ARP who-has / is-at is part of it.

How: one AF_PACKET socket per hop, opened in the hop's network namespace (a container's: entered by a
short-lived thread through setns(2), the module's own thread never moves), bound to its interface; the
bridge's socket joins it in promiscuous mode, as tcpdump does, to see the frames the bridge switches
between its ports (the membership ends when the socket closes). The kernel stamps each frame
(SO_TIMESTAMPNS) and says which way it crossed (PACKET_OUTGOING). Standard library only: the student
machine needs nothing beyond what the lab already uses (``nsenter``, ``ip``, a ping).

Bounded and private: the capture lasts at most ``WINDOW`` seconds and keeps at most ``LIMIT`` frames a path;
a frame is kept only when it is ARP or ICMP echo between the lab's own addresses - anything else the
machine sends is dropped as it is read, never stored.

The judge (``judge_path``) reads only the captured frames: the same echo request (id, sequence,
payload) must be seen at each hop in order, and its reply at each hop back. Plain Python.
"""

from __future__ import annotations

import errno
import hashlib
import select
import socket
import struct
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .vethlab_netns import enter_argv, processes, run_in
from .vethlab_texts import each_language, place

ETH_P_ALL = 0x0003
SO_TIMESTAMPNS = 35
SOL_PACKET = 263
PACKET_ADD_MEMBERSHIP = 1
PACKET_MR_PROMISC = 1
PACKET_OUTGOING = 4
WINDOW = 3.0  # seconds, at most, for the whole capture
LIMIT = 32  # frames kept, at most, per path (a ping seen at five hops, its reply, and the ARP before it: 20)
PING_WAIT = 1  # seconds each ping waits for its reply
# Kernel timestamps of one frame at two hops of one machine: a later hop may read a few microseconds
# earlier on some kernels; more than this is out of order.
ORDER_TOLERANCE = 0.0005

ARP_REQUEST, ARP_REPLY, ECHO_REQUEST, ECHO_REPLY = "arp-request", "arp-reply", "echo-request", "echo-reply"


class CaptureError(RuntimeError):
    """The path could not be captured (no permission, a namespace or an interface gone)."""


# --------------------------------------------------------------------------- frames


def _mac(raw):
    return ":".join("%02x" % byte for byte in raw)


def decode(frame):
    """One Ethernet frame -> its fields, when it is ARP or an ICMP echo; None for anything else."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack("!H", frame[12:14])[0]
    body = frame[14:]
    fields = {"dst_mac": _mac(frame[0:6]), "src_mac": _mac(frame[6:12])}
    if ethertype == 0x0806 and len(body) >= 28:
        kind = {1: ARP_REQUEST, 2: ARP_REPLY}.get(struct.unpack("!H", body[6:8])[0])
        if kind is None:
            return None
        return dict(fields, type=kind, src_ip=socket.inet_ntoa(body[14:18]), dst_ip=socket.inet_ntoa(body[24:28]))
    if ethertype == 0x0800 and len(body) >= 20 and body[9] == 1:
        header = (body[0] & 0x0F) * 4
        total = struct.unpack("!H", body[2:4])[0]
        icmp = body[header:total]
        kind = {8: ECHO_REQUEST, 0: ECHO_REPLY}.get(icmp[0] if icmp else None)
        if kind is None or len(icmp) < 8:
            return None
        ident, seq = struct.unpack("!HH", icmp[4:8])
        return dict(
            fields,
            type=kind,
            src_ip=socket.inet_ntoa(body[12:16]),
            dst_ip=socket.inet_ntoa(body[16:20]),
            icmp_id=ident,
            icmp_seq=seq,
            payload=hashlib.sha256(icmp[8:]).hexdigest()[:16],
        )
    return None


def admitted(frame, addresses):
    """Whether a frame may be kept: ARP or ICMP echo with both addresses among the lab's own."""
    fields = decode(frame)
    return fields is not None and fields["src_ip"] in addresses and fields["dst_ip"] in addresses


# --------------------------------------------------------------------------- the paths


def hop(name, container, interface, bridge=False):
    return {"name": name, "namespace": container or "host", "container": container, "interface": interface, "bridge": bridge}


def _path(seen, lesson, source, target, bridges, stops=False):
    """One ping's path: ``source`` (a container, or the host from the first bridge's address) to ``target``'s
    eth0 across ``bridges``; with ``stops``, the lesson says the request never reaches the last bridge."""
    source_ip = seen.eth0_address(source) if source != "host" else (seen.bridge_ipv4[0].split("/", 1)[0] if seen.bridge_ipv4 else None)

    def veth(container):
        pairs = seen.pairs_of(container)
        return pairs[0]["host_interface"] if len(pairs) == 1 else None

    missing = []
    for end in (source, target):
        if end == "host":
            continue
        if end not in seen.running:
            missing.append(("path.not_running", {"container": end}))
        elif not seen.eth0_address(end):
            missing.append(("path.no_address", {"container": end}))
        elif not veth(end):
            missing.append(("path.no_veth", {"container": end}))
    if not all(bridges):
        missing.append(("path.no_bridge", {}))
    hops = []
    if not missing:
        near = [hop("%s:eth0" % source, source, "eth0"), hop(veth(source), None, veth(source))] if source != "host" else []
        across = [hop(name, None, name, bridge=True) for name in bridges]
        hops = [*near, *across, hop(veth(target), None, veth(target)), hop("%s:eth0" % target, target, "eth0")]
    # The MAC each end's frames must be addressed to for it to take them: docker0's for the host, eth0's for a container.
    source_link = ((seen.veths.get("bridges") or {}).get(bridges[0]) or {}) if source == "host" else seen.interface(source) or {}
    return {
        "lesson": lesson,
        "source": source,
        "target": target,
        "source_ip": source_ip,
        "target_ip": seen.eth0_address(target),
        "source_mac": source_link.get("mac"),
        "target_mac": (seen.interface(target) or {}).get("mac"),
        # The host's bridge also takes what is sent to its ports' MACs (a veth's, learned while it was off the bridge).
        "source_port_macs": sorted(seen.port_macs(bridges[0])) if source == "host" else [],
        "hops": hops,
        # Where the lesson says the request stops (the index of the first hop it must never reach), or None.
        "stops_at": len(hops) - 3 if stops and hops else None,
        "missing": missing,
    }


def lesson_paths(seen):
    """The pings the lessons judged capture, each a path with its hops in order (or why it cannot be captured):
    the docker0 lesson's first container to its second and the host to its first (C21); the network lesson's
    first container to its second across the custom bridge, and docker0's second to it, which must stop before
    that bridge (C22)."""
    paths = []
    lessons = seen.plan.get("lessons") or []
    if "docker0" in lessons and len(seen.containers) >= 2:
        first, second = seen.containers[:2]
        paths.append(_path(seen, "docker0", first, second, [seen.bridge]))
        paths.append(_path(seen, "docker0", "host", first, [seen.bridge]))
    if "network" in lessons and len(seen.net_containers) >= 2 and len(seen.containers) >= 2:
        first, second = seen.net_containers[:2]
        paths.append(_path(seen, "network", first, second, [seen.custom_bridge]))
        paths.append(_path(seen, "network", seen.containers[1], first, [seen.bridge, seen.custom_bridge], stops=True))
    return paths


# --------------------------------------------------------------------------- the capture


def _open_socket(pid, interface, promiscuous):
    """A packet socket on ``interface`` in the namespace of process ``pid`` (the host's when None)."""

    def work():
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        sock.bind((interface, 0))
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        if promiscuous:
            request = struct.pack("iHH8s", socket.if_nametoindex(interface), PACKET_MR_PROMISC, 0, b"")
            sock.setsockopt(SOL_PACKET, PACKET_ADD_MEMBERSHIP, request)
        sock.setblocking(False)
        return sock

    try:
        return run_in(pid, work)
    except OSError as error:
        where = "inside the container (process %d)" % pid if pid else "on the host"
        raise CaptureError("cannot capture on %s %s: %s" % (interface, where, error)) from None


def _read(sock):
    """(frame, kernel time, outgoing) of one waiting frame."""
    data, ancillary, _, address = sock.recvmsg(65535, socket.CMSG_SPACE(16))
    stamp = None
    for level, kind, value in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(value) >= 16:
            seconds, nanoseconds = struct.unpack("qq", value[:16])
            stamp = seconds + nanoseconds / 1e9
    return data, stamp if stamp else time.time(), address[2] == PACKET_OUTGOING


def pids_of(containers, runner):
    """{container: its process on the host}, in one docker inspect (vethlab_netns.processes)."""
    found, rc, err = processes(containers, runner)
    if rc != 0:
        raise CaptureError("docker inspect %s failed: %s" % (" ".join(containers), err.strip() or "no message"))
    return found


def _flush(ready, pids, runner):
    """The lab's own neighbour entries, so that the ARP who-has / is-at is part of the capture: each lab
    container's, and the host's entry for a lab container's address on the bridge next to it - nothing else of
    the host's."""
    for name in sorted(pids):
        runner(enter_argv(pids[name], ["ip", "neigh", "flush", "dev", "eth0"]))
    for path in ready:
        bridges = [item["interface"] for item in path["hops"] if item["bridge"]]
        for end, address, bridge in ((path["source"], path["source_ip"], bridges[0]), (path["target"], path["target_ip"], bridges[-1])):
            if end != "host":
                runner(["ip", "neigh", "del", address, "dev", bridge])


class _Listener(threading.Thread):
    """Reads every capture point's socket until stopped, the window ends or ``limit`` frames are kept; keeps
    only the frames ``admitted`` for ``addresses``. A socket whose interface is down or gone is heard no more
    (nothing crosses it); any other error ends the capture and is raised by ``result``."""

    def __init__(self, sockets, points, addresses, window, limit):
        super().__init__()
        self.sockets, self.points, self.addresses, self.limit = sockets, points, addresses, limit
        self.deadline = time.monotonic() + window
        self.kept, self.failed, self.stopping = [], [], threading.Event()

    def run(self):
        listening = list(self.sockets)
        try:
            while listening and not self.stopping.is_set() and time.monotonic() < self.deadline and len(self.kept) < self.limit:
                for sock in select.select(listening, [], [], 0.05)[0]:
                    try:
                        frame, stamp, outgoing = _read(sock)
                    except BlockingIOError:
                        continue
                    except OSError as error:
                        if error.errno not in (errno.ENETDOWN, errno.ENXIO, errno.ENODEV):
                            raise
                        listening.remove(sock)
                        continue
                    if admitted(frame, self.addresses) and len(self.kept) < self.limit:
                        self.kept.append((self.points[self.sockets.index(sock)], stamp, outgoing, frame))
        except Exception as error:  # noqa: BLE001 - raised in the caller's thread, by result()
            self.failed.append(error)

    def result(self):
        self.stopping.set()
        self.join()
        if self.failed:
            raise CaptureError("the capture stopped: %s" % self.failed[0])
        return sorted(self.kept, key=lambda entry: entry[1])


def capture(paths, runner, host_ping, window=WINDOW, limit=LIMIT, flush=True):
    """Capture the paths' pings at their hops at once; return each path with its ``frames`` (hop index, kernel
    time, outgoing, the frame as hex). ``flush``: the lab's neighbour entries first, so ARP is part of it.
    Raises CaptureError when a hop cannot be listened on."""
    ready = [path for path in paths if path["hops"]]
    if not ready:
        return paths
    containers = sorted({h["container"] for path in ready for h in path["hops"] if h["container"]})
    pids = pids_of(containers, runner)
    gone = [name for name in containers if name not in pids]
    if gone:
        raise CaptureError("%s does not run" % ", ".join(gone))
    points = list(dict.fromkeys((item["container"], item["interface"]) for path in ready for item in path["hops"]))
    bridges = {item["interface"] for path in ready for item in path["hops"] if item["bridge"]}
    addresses = {address for path in ready for address in (path["source_ip"], path["target_ip"]) if address}
    sockets = []
    try:
        for container, interface in points:  # one socket per capture point: (namespace, interface)
            sockets.append(_open_socket(pids.get(container), interface, interface in bridges))
        if flush:
            _flush(ready, pids, runner)
        listener = _Listener(sockets, points, addresses, window, limit * len(ready))
        listener.start()
        try:
            pings = []
            for path in ready:
                ping = [*host_ping, "-c", "1", "-W", str(PING_WAIT), path["target_ip"]]
                pings.append(ping if path["source"] == "host" else enter_argv(pids[path["source"]], ping))
            # At once: each path's frames are told apart by their addresses; a ping the lesson says goes unanswered
            # waits its PING_WAIT alongside the others.
            with ThreadPoolExecutor(max_workers=len(pings)) as pool:
                list(pool.map(runner, pings))
            time.sleep(0.05)  # the last reply's frames at the far hops
        finally:
            kept = listener.result()
    finally:
        for sock in sockets:
            sock.close()
    # Each kept frame's two addresses, read once: a path keeps the frames between its own two.
    between = [{fields["src_ip"], fields["dst_ip"]} for fields in (decode(frame) for _, _, _, frame in kept)]
    for path in ready:
        where = [(item["container"], item["interface"]) for item in path["hops"]]
        mine = {path["source_ip"], path["target_ip"]}
        path["frames"] = [
            {"hop": where.index(point), "at": round(stamp, 9), "out": outgoing, "frame": frame.hex()}
            for (point, stamp, outgoing, frame), ends in zip(kept, between)
            if point in where and ends <= mine
        ]
    return paths


# --------------------------------------------------------------------------- the judge


def packets(path):
    """The distinct packets of a captured path, in the order first seen, each with where and when it was seen:
    {type, src/dst MAC and IP, icmp_id, icmp_seq, seen: [{hop, at, out}]}."""
    found = {}
    for entry in path.get("frames") or []:
        fields = decode(bytes.fromhex(entry["frame"]))
        if fields is None:
            continue
        key = (fields["type"], fields["src_ip"], fields["dst_ip"], fields.get("icmp_id"), fields.get("icmp_seq"), fields.get("payload"))
        packet = found.setdefault(key, dict(fields, seen=[]))
        packet["seen"].append({"hop": entry["hop"], "at": entry["at"], "out": entry["out"]})
    ordered = sorted(found.values(), key=lambda packet: min(s["at"] for s in packet["seen"]))
    for packet in ordered:
        packet["seen"].sort(key=lambda s: s["at"])
    return ordered


def _first_at(packet, index):
    times = [s["at"] for s in packet["seen"] if s["hop"] == index]
    return min(times) if times else None


def _walk(packet, order, names):
    """Where a packet's walk along ``order`` (hop indexes) breaks, as a message part; None when it is seen at
    each hop, in order."""
    last = None
    for position, index in enumerate(order):
        at = _first_at(packet, index)
        if at is None:
            seen = [names[i] for i in order[:position]]
            return ("path.stops", {"at": names[index], "after": seen[-1] if seen else "-", "seen": " → ".join(seen) or "-"})
        if last is not None and at < last - ORDER_TOLERANCE:
            return ("path.out_of_order", {"at": names[index], "before": names[order[position - 1]]})
        last = at if last is None else max(last, at)
    return None


def _addressed(packet, wanted, at, also=()):
    """Why a packet seen at its last hop is not taken there, as a message part (None: it is): its Ethernet
    destination is not the MAC of the interface it reached (an ARP entry older than the network), so that end's
    kernel drops it though the capture sees it arrive. ``also``: other MACs that end takes (a bridge its ports').
    ``wanted`` None: the MAC is not known, nothing is said."""
    if not wanted or packet["dst_mac"] == wanted or packet["dst_mac"] in also:
        return None
    return ("path.wrong_mac", {"at": at, "mac": packet["dst_mac"], "wanted": wanted})


def judge_path(path):
    """(passed, message parts) for one captured path: its echo request at each hop in order, its reply back."""
    where = {"source": each_language(lambda lang: place(path["source"], lang)), "target": path["target"]}
    if path.get("missing"):
        return False, [("path.cannot", where), *path["missing"]]
    if path.get("error"):
        return False, [("path.cannot", where), ("path.error", {"error": path["error"]})]
    names = [item["name"] for item in path["hops"]]
    seen = packets(path)
    request = next(
        (
            p
            for p in seen
            if p["type"] == ECHO_REQUEST and p["src_ip"] == path["source_ip"] and p["dst_ip"] == path["target_ip"] and _first_at(p, 0)
        ),
        None,
    )
    forward, back = list(range(len(names))), list(reversed(range(len(names))))
    if request is None:
        # No echo request leaves without the neighbour's MAC: where the source's ARP who-has stopped is where it breaks.
        asked = next((p for p in seen if p["type"] == ARP_REQUEST and p["src_ip"] == path["source_ip"] and _first_at(p, 0)), None)
        answered = asked is not None and any(
            p["type"] == ARP_REPLY and (p["src_ip"], p["dst_ip"]) == (asked["dst_ip"], asked["src_ip"]) and _first_at(p, 0) for p in seen
        )
        parts = [("path.no_request", dict(where, hop=names[0]))]
        if asked is not None and not answered:
            broken = _walk(asked, forward, names) if asked["dst_ip"] == path["target_ip"] else None
            parts += [("path.arp_unanswered", {"address": asked["dst_ip"]}), *([broken] if broken else [])]
        return False, parts
    label = where  # the detail stays the same from run to run (the ids and times are the diagram's)
    if path.get("stops_at") is not None:
        return _judge_stop(path, request, seen, names, label)
    broken = _walk(request, forward, names) or _addressed(request, path.get("target_mac"), names[-1])
    if broken:
        return False, [("path.request", label), broken]
    reply = next(
        (
            p
            for p in seen
            if p["type"] == ECHO_REPLY
            and (p["icmp_id"], p["icmp_seq"], p["payload"]) == (request["icmp_id"], request["icmp_seq"], request["payload"])
            and (p["src_ip"], p["dst_ip"]) == (path["target_ip"], path["source_ip"])
        ),
        None,
    )
    if reply is None:
        return False, [("path.request_crossed", dict(label, hops=" → ".join(names))), ("path.no_reply", {"hop": names[-1]})]
    broken = _walk(reply, back, names) or _addressed(reply, path.get("source_mac"), names[0], path.get("source_port_macs") or ())
    if broken:
        return False, [("path.request_crossed", dict(label, hops=" → ".join(names))), ("path.reply", {}), broken]
    arp = any(p["type"] in (ARP_REQUEST, ARP_REPLY) for p in seen)
    return True, [("path.crossed", dict(label, hops=" → ".join(names))), ("path.arp" if arp else "path.cached", {})]


def _judge_stop(path, request, seen, names, label):
    """A path the lesson says is cut: the request is seen up to the hop before ``stops_at``, in order (the source
    did send it, through its own side), never at ``stops_at`` or after, and no reply comes back."""
    stop = path["stops_at"]
    broken = _walk(request, list(range(stop)), names)
    if broken:
        return False, [("path.request", label), broken]
    beyond = [names[index] for index in range(stop, len(names)) if _first_at(request, index) is not None]
    if beyond:
        return False, [("path.request", label), ("path.not_isolated", {"at": ", ".join(beyond)})]
    answered = [p for p in seen if p["type"] == ECHO_REPLY and (p["icmp_id"], p["icmp_seq"]) == (request["icmp_id"], request["icmp_seq"])]
    if answered:
        return False, [("path.request", label), ("path.answered", {})]
    return True, [("path.isolated", dict(label, seen=" → ".join(names[:stop]), at=names[stop]))]


def sequence(path):
    """The path's packets as a sequence diagram's arrows, in the order first seen: each packet's type, MAC and
    IP addresses, ICMP id and sequence, the hop it was first and last seen at, and where it was seen (``at``: each hop
    with its time in microseconds after the path's first frame, and whether it left through that interface)."""
    seen = packets(path)
    if not seen:
        return []
    start = min(s["at"] for p in seen for s in p["seen"])
    arrows = []
    for packet in seen:
        first = {}
        for s in packet["seen"]:
            first.setdefault(s["hop"], s)
        order = sorted(first, key=lambda index: (first[index]["at"], index))
        # It travels away from where it was first seen: its last hop is the seen one farthest from there (two hops
        # of one machine can share a timestamp, so time alone does not say which end it reached).
        order.append(max(first, key=lambda index: abs(index - order[0])))
        arrows.append(
            {
                "type": packet["type"],
                "src_ip": packet["src_ip"],
                "dst_ip": packet["dst_ip"],
                "src_mac": packet["src_mac"],
                "dst_mac": packet["dst_mac"],
                "icmp_id": packet.get("icmp_id"),
                "icmp_seq": packet.get("icmp_seq"),
                "from": order[0],
                "to": order[-1],
                "at": [
                    {"hop": index, "us": round((first[index]["at"] - start) * 1e6, 1), "out": first[index]["out"]}
                    for index in sorted(first)
                ],
            }
        )
    return arrows


def seen_at_each_hop(path, arrows):
    """The path's hops, each with the packets seen there (the same arrows, from the hop's side): its type, MAC and
    IP addresses, ICMP id and sequence, its time in microseconds and whether it left through that interface."""
    hops = [dict(item, packets=[]) for item in path["hops"]]
    fields = ("type", "src_mac", "dst_mac", "src_ip", "dst_ip", "icmp_id", "icmp_seq")
    for arrow in arrows:
        for at in arrow["at"]:
            hops[at["hop"]]["packets"].append(dict({key: arrow[key] for key in fields}, us=at["us"], out=at["out"]))
    for item in hops:
        item["packets"].sort(key=lambda packet: packet["us"])
    return hops
