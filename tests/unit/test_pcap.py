"""ping-path.pcapng as vethlab/pcap.py writes it, read back with scapy (which knows the format on its own): every
frame on the interface of its hop, at its time to the microsecond, byte for byte, in time order; the same data
gives the same bytes."""

from __future__ import annotations

from vethlab.pcap import pcapng_bytes, read_pcapng

# An ARP who-has and an echo request (Ethernet frames as the capture keeps them, hex), odd lengths included.
ARP = "ffffffffffff0242ac1100020806000108000604000102" + "42ac110002ac110002000000000000ac110003"
ECHO = "0242ac1100030242ac11000208004500001c0001000040017ccbac110002ac1100030800f7ff00000000ff"
PATH = [
    {
        "hops": [{"name": "alpine01:eth0"}, {"name": "veth398a65c"}, {"name": "docker0"}],
        "frames": [
            {"at": 1796606107.930906, "hop": 2, "frame": ECHO},
            {"at": 1796606107.930892, "hop": 0, "frame": ARP},
            {"at": 1796606107.930895, "hop": 1, "frame": ARP},
        ],
    },
    {"hops": [{"name": "alpine02:eth0"}], "frames": [{"at": 1796606107.931, "hop": 0, "frame": ECHO}]},
]


def test_each_frame_is_read_back_on_its_hop_at_its_time_in_time_order(tmp_path):
    path = tmp_path / "ping-path.pcapng"
    path.write_bytes(pcapng_bytes(PATH))
    frames = read_pcapng(path)
    assert [(name, round(at * 1_000_000), frame.hex()) for name, at, frame in frames] == [
        ("alpine01:eth0", 1796606107930892, ARP),
        ("veth398a65c", 1796606107930895, ARP),
        ("docker0", 1796606107930906, ECHO),
        ("alpine02:eth0", 1796606107931000, ECHO),
    ]


def test_the_same_capture_gives_the_same_bytes_and_no_capture_only_the_section_header():
    assert pcapng_bytes(PATH) == pcapng_bytes([dict(path) for path in PATH])
    empty = pcapng_bytes([])
    assert len(empty) == 28 and empty[:4] == bytes.fromhex("0a0d0d0a") and empty[8:12] == bytes.fromhex("4d3c2b1a")
