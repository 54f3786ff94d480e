"""The captured ping as a file Wireshark opens: ping-path.pcapng, written here, read with scapy.

One interface description block per capture point, named after the hop (``alpine01:eth0``,
``veth398a65c``, ``docker0``), so Wireshark's interface column says where each frame was seen; each
frame with the kernel's time (microseconds, pcapng's default resolution). The frames are the ones the
verify step kept (vethlab_capture: ARP and ICMP echo between the lab's own addresses, nothing else).

The writer is the three block types of the pcapng format (section header, interface description,
enhanced packet; draft-ietf-opsawg-pcapng) packed with ``struct``: importing scapy to write them cost
0.3-0.5 s of the controller's CPU for every machine's report. The tests read the file back with scapy
and tshark, which know the format independently of this code.
"""

from __future__ import annotations

import os
import struct

LINKTYPE_ETHERNET = 1
_SECTION_HEADER, _INTERFACE, _PACKET = 0x0A0D0D0A, 0x00000001, 0x00000006
_OPTION_END, _OPTION_IF_NAME = 0, 2


def _padded(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


def _block(kind: int, body: bytes) -> bytes:
    """A block: its type, its total length, the body (padded to 32 bits), the total length again."""
    body = _padded(body)
    length = 12 + len(body)
    return struct.pack("<II", kind, length) + body + struct.pack("<I", length)


def _interface(name: str) -> bytes:
    """An Ethernet interface named ``name`` (option if_name), with no limit on a frame's length."""
    encoded = name.encode("utf-8")
    options = struct.pack("<HH", _OPTION_IF_NAME, len(encoded)) + _padded(encoded) + struct.pack("<HH", _OPTION_END, 0)
    return _block(_INTERFACE, struct.pack("<HHI", LINKTYPE_ETHERNET, 0, 0) + options)


def _packet(interface: int, at: float, frame: bytes) -> bytes:
    microseconds = round(at * 1_000_000)
    header = struct.pack("<IIIII", interface, microseconds >> 32, microseconds & 0xFFFFFFFF, len(frame), len(frame))
    return _block(_PACKET, header + frame)


def pcapng_bytes(packet_path: list) -> bytes:
    """The file's bytes for the paths of lab.json's ``packet_path`` (each path's hops and frames, in time order):
    one interface per hop, in the order its first frame was seen."""
    frames = sorted(
        (
            (entry["at"], path["hops"][entry["hop"]]["name"], bytes.fromhex(entry["frame"]))
            for path in packet_path
            for entry in path.get("frames") or []
        ),
        key=lambda item: item[0],
    )
    interfaces: dict[str, int] = {}
    blocks = [_block(_SECTION_HEADER, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))]
    for at, name, frame in frames:
        if name not in interfaces:
            interfaces[name] = len(interfaces)
            blocks.append(_interface(name))
        blocks.append(_packet(interfaces[name], at, frame))
    return b"".join(blocks)


def read_pcapng(path: str | os.PathLike) -> list[tuple[str, float, bytes]]:
    """(interface name, time, frame) of every frame in a pcapng file."""
    from scapy.utils import PcapNgReader

    with PcapNgReader(str(path)) as reader:
        return [(packet.sniffed_on, float(packet.time), bytes(packet)) for packet in reader]
