# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Looking into a container from outside: the host's own code, in the container's network namespace only.

A container's files and binaries are its owner's (a student may replace ``ping`` or ``ip``, edit
``/etc/hosts``), but its network namespace is the kernel's. Everything the judge learns of a container is
learned from here: a command of the host's run with ``nsenter -t PID -n`` (the host's ``ip`` and ``ping``,
whose files the mount namespace keeps the host's), the kernel's records under ``/proc/PID/net``, or code of
this process run on a short-lived thread moved into the namespace with setns(2) (``run_in``: a packet
socket, a DNS question). Needs root (CAP_SYS_ADMIN); ``lab-check`` run by a user of the docker group gets it
through one short-lived container (vethlab_student). Plain Python, standard library only.
"""

from __future__ import annotations

import ctypes
import os
import random
import socket
import struct
import threading

CLONE_NEWNET = 0x40000000
# Docker's embedded DNS server, which answers names inside a container on a user-defined network.
EMBEDDED_DNS = "127.0.0.11"


class NamespaceError(OSError):
    """A namespace that could not be entered (the process is gone, no privilege)."""


def enter_argv(pid, argv):
    """``argv`` (a host command) run in the network namespace of process ``pid``."""
    return ["nsenter", "-t", str(int(pid)), "-n", "--", *argv]


def inodes_argv(pids):
    """The kernel's record of network namespaces: this side's own (the host's, where the judge runs) and each
    process's, named, in one ``stat``."""
    return ["stat", "-L", "-c", "%n %i", "/proc/self/ns/net", *("/proc/%d/ns/net" % int(pid) for pid in pids)]


def parse_inodes(out):
    """``inodes_argv``'s output as {"self" or pid: the namespace's inode} (a process gone meanwhile is left out)."""
    found = {}
    for line in (out or "").splitlines():
        path, _, inode = line.rpartition(" ")
        owner = path.split("/")[2] if path.count("/") == 4 else ""
        if inode.isdigit() and (owner == "self" or owner.isdigit()):
            found[owner if owner == "self" else int(owner)] = int(inode)
    return found


def namespace_inodes(runner, pids):
    """{"self": this side's network namespace's inode, pid: each process's} in one ``stat``; a process that is gone is
    left out, whichever its place among the others."""
    return parse_inodes(runner(inodes_argv(pids))[1])


def processes(containers, runner):
    """Docker's record of each running container's process on the host, in one docker inspect: ({container: pid},
    rc, stderr); a container that does not run, or is not there, is left out."""
    if not containers:
        return {}, 0, ""
    rc, out, err = runner(["docker", "inspect", "--type", "container", "--format", "{{.Name}} {{.State.Pid}}", *containers])
    found = {}
    for line in (out or "").splitlines():
        name, _, pid = line.strip().lstrip("/").partition(" ")
        if pid.isdigit() and int(pid) > 0:
            found[name] = int(pid)
    return found, rc, err or ""


def run_in(pid, work):
    """``work()``'s result, run on a thread of its own inside the network namespace of process ``pid`` (the
    host's when None): setns moves only the calling thread, and this one ends with the work. Its exceptions
    are raised here; a namespace that cannot be entered raises NamespaceError."""
    done = {}

    def thread():
        try:
            if pid:
                libc = ctypes.CDLL(None, use_errno=True)
                try:
                    handle = os.open("/proc/%d/ns/net" % int(pid), os.O_RDONLY)
                except OSError as error:
                    raise NamespaceError(error.errno, "the network namespace of process %d: %s" % (pid, error.strerror)) from None
                try:
                    if libc.setns(handle, CLONE_NEWNET) != 0:
                        errno = ctypes.get_errno()
                        raise NamespaceError(errno, "setns into the namespace of process %d: %s" % (pid, os.strerror(errno)))
                finally:
                    os.close(handle)
            done["result"] = work()
        except Exception as error:  # noqa: BLE001 - handed to the caller's thread as it is
            done["error"] = error

    worker = threading.Thread(target=thread)
    worker.start()
    worker.join()
    if "error" in done:
        raise done["error"]
    return done.get("result")


# --------------------------------------------------------------------------- a DNS question, asked by the judge


def dns_question(name, ident):
    """A DNS query for ``name``'s IPv4 addresses (type A, recursion desired)."""
    labels = b"".join(bytes([len(part)]) + part.encode("ascii") for part in name.strip(".").split(".") if part)
    return struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + labels + b"\x00" + struct.pack("!HH", 1, 1)


def _skip_name(data, offset):
    while True:
        length = data[offset]
        if length == 0:
            return offset + 1
        if length & 0xC0 == 0xC0:  # a pointer ends the name
            return offset + 2
        offset += 1 + length


def dns_answer(data, ident):
    """The IPv4 addresses of a DNS reply to query ``ident``: a list (empty for a name that does not exist or has
    none), or None when the reply is not one (another id, truncated, a server failure)."""
    if len(data) < 12:
        return None
    got, flags, questions, answers = struct.unpack("!HHHH", data[:8])
    if got != ident or not flags & 0x8000:
        return None
    rcode = flags & 0x000F
    if rcode == 3:  # NXDOMAIN: no such name
        return []
    if rcode != 0:
        return None
    try:
        offset = 12
        for _ in range(questions):
            offset = _skip_name(data, offset) + 4
        found = []
        for _ in range(answers):
            offset = _skip_name(data, offset)
            kind, klass, _, length = struct.unpack("!HHIH", data[offset : offset + 10])
            offset += 10
            if kind == 1 and klass == 1 and length == 4:
                found.append(socket.inet_ntoa(data[offset : offset + 4]))
            offset += length
        return found
    except (IndexError, struct.error):
        return None


def ask_dns(name, server=EMBEDDED_DNS, timeout=1.0, port=53):
    """Ask ``server`` for ``name``'s IPv4 addresses over UDP, from the calling thread's namespace: the list
    (empty: the server knows no such name), or None when no server answered."""
    ident = random.randrange(1, 0xFFFF)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.sendto(dns_question(name, ident), (server, port))
            while True:
                data, _ = sock.recvfrom(4096)
                found = dns_answer(data, ident)
                if found is not None:
                    return found
        except OSError:  # refused (nobody listens there), timed out
            return None


def resolve_in(pid, name, server=EMBEDDED_DNS, timeout=1.0):
    """``name`` asked of ``server`` from inside the network namespace of process ``pid``, with the judge's own
    resolver (never the container's libc, files or binaries)."""
    return run_in(pid, lambda: ask_dns(name, server, timeout))
