#!/usr/bin/env python3
"""Where a command's CPU goes, by process name: the kernel's process accounting (acct(2), as root) over the command,
every process that ended meanwhile on this machine - the command's own, the simulated machines' (their PID namespaces
are below this one), anyone else's - summed by name, forked workers apart from the processes they forked from.
Also the machine's whole busy CPU (/proc/stat), which counts what did not end (the engines, the kernel).

    sudo .venv/bin/python scripts/process_cpu.py [--top 25] -- make --no-print-directory -j2 tests-lab tests-classroom
"""

from __future__ import annotations

import argparse
import collections
import ctypes
import os
import struct
import subprocess
import sys
import tempfile
import time

# struct acct_v3 (linux/acct.h): flag, version, tty, exitcode, uid, gid, pid, ppid, btime, etime (float), then the
# comp_t counters utime, stime, mem, io, rw, minflt, majflt, swaps, and the command's name.
RECORD = struct.Struct("<BBHIIIIIIf8H16s")
AFORK = 0x01  # forked, never exec'd: a worker of the process named


def comp_t(value: int) -> int:
    """comp_t: 13 bits of mantissa, 3 of a base-8 exponent."""
    return (value & 0x1FFF) << (3 * ((value >> 13) & 7))


def busy_seconds() -> float:
    with open("/proc/stat", encoding="ascii") as stat:
        fields = stat.readline().split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = (int(field) for field in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def by_name(data: bytes) -> dict:
    """{(name, forked): [processes, cpu seconds]} from acct_v3 records."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = collections.defaultdict(lambda: [0, 0.0])
    for offset in range(0, len(data) - RECORD.size + 1, RECORD.size):
        record = RECORD.unpack_from(data, offset)
        if record[1] != 3:
            continue
        name = record[18].split(b"\0")[0].decode("utf-8", "replace")
        entry = found[(name, bool(record[0] & AFORK))]
        entry[0] += 1
        entry[1] += (comp_t(record[10]) + comp_t(record[11])) / ticks
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=25, help="how many names to print")
    parser.add_argument("command", nargs="+", help="the command, after --")
    args = parser.parse_args()
    libc = ctypes.CDLL(None, use_errno=True)
    with tempfile.NamedTemporaryFile(prefix="vethlab-acct-") as log:
        if libc.acct(log.name.encode()) != 0:
            sys.exit("process_cpu: acct(2) refused (%s): run it as root" % os.strerror(ctypes.get_errno()))
        busy, started = busy_seconds(), time.monotonic()
        try:
            code = subprocess.call(args.command)
        finally:
            libc.acct(None)
        busy, wall = busy_seconds() - busy, time.monotonic() - started
        found = by_name(log.read())
    ended = sum(cpu for _, cpu in found.values())
    print("exit %d, %.0f s; the machine busy %.0f CPU-s, of which %.0f in processes that ended" % (code, wall, busy, ended))
    print("%9s %8s %9s  %s" % ("CPU-s", "count", "each", "name"))
    for (name, forked), (count, cpu) in sorted(found.items(), key=lambda item: -item[1][1])[: args.top]:
        print("%9.1f %8d %9.3f  %s%s" % (cpu, count, cpu / count, name, " (forked workers)" if forked else ""))
    return code


if __name__ == "__main__":
    sys.exit(main())
