"""The captured ping as a file Wireshark opens: ping-path.pcapng, written and read with scapy.

One interface description block per capture point, named after the hop (``alpine01:eth0``,
``veth398a65c``, ``docker0``), so Wireshark's interface column says where each frame was seen; each
frame with the kernel's time (microseconds). The frames are the ones the verify step kept
(vethlab_capture: ARP and ICMP echo between the lab's own addresses, nothing else).
"""

from __future__ import annotations

import os
import tempfile


def pcapng_bytes(packet_path: list) -> bytes:
    """The file's bytes for the paths of lab.json's ``packet_path`` (each path's hops and frames, in time order)."""
    from scapy.layers.l2 import Ether  # scapy is imported only when there is a capture to write
    from scapy.utils import PcapNgWriter

    frames = sorted(
        (
            (entry["at"], path["hops"][entry["hop"]]["name"], bytes.fromhex(entry["frame"]))
            for path in packet_path
            for entry in path.get("frames") or []
        ),
        key=lambda item: item[0],
    )
    handle, temporary = tempfile.mkstemp(prefix=".ping-path.", suffix=".pcapng")
    os.close(handle)
    try:
        writer = PcapNgWriter(temporary)
        for at, name, frame in frames:
            packet = Ether(frame)
            packet.time, packet.sniffed_on = at, name
            writer.write(packet)
        writer.close()
        with open(temporary, "rb") as written:
            return written.read()
    finally:
        os.unlink(temporary)


def read_pcapng(path: str | os.PathLike) -> list[tuple[str, float, bytes]]:
    """(interface name, time, frame) of every frame in a pcapng file."""
    from scapy.utils import PcapNgReader

    with PcapNgReader(str(path)) as reader:
        return [(packet.sniffed_on, float(packet.time), bytes(packet)) for packet in reader]
