# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""The host's tools the judge looks into a container with, checked against their packages once per run.

The judge trusts nothing of a container's (vethlab_netns), so what it does trust - the host's ``nsenter``, ``ip``
and ``ping`` (or busybox's) - must be as their packages installed them: ``dpkg --verify`` (Debian, Ubuntu) or
``rpm -V`` (Fedora, the RHEL family) compares each file with its package's own checksum. A tool that differs, or
that no package installed, makes the run's verdict an error naming it. Plain Python, standard library only; the
caller passes ``runner(argv) -> (rc, out, err)`` and ``which(name)``.
"""

from __future__ import annotations

import os
import re

# dpkg --verify: "??5??????   /bin/ip" (the third character, 5, is the checksum); rpm -V: "S.5....T.    /usr/sbin/ip".
_VERIFY_LINE = re.compile(r"^(\S{8,9})\s+(?:[cdglr]\s+)?(/\S.*)$")


def aliases(path):
    """Every name a file has on a merged-/usr machine (/bin/ip is /usr/bin/ip), and its real path: a package
    database knows one of them."""
    found = {path, os.path.realpath(path)}
    for name in list(found):
        found.add(name[4:] if name.startswith("/usr/") else "/usr" + name)
    return found


def tool_paths(which, host_ping):
    """The host tools the judge runs: {path as found: the tool's name} - nsenter, ip, stat (each container's namespace
    inode, vethlab_collect) and the ping (iputils' or busybox)."""
    found = {}
    for name in ("nsenter", "ip", "stat"):
        path = which(name)
        if path:
            found[path] = name
    if host_ping:
        found[host_ping[0]] = "ping" if len(host_ping) == 1 else "busybox"
    return found


def _owners_dpkg(paths, runner):
    names = sorted({alias for path in paths for alias in aliases(path)})
    _, out, _ = runner(["dpkg-query", "-S", *names])
    owner_of = {}
    for line in out.splitlines():  # "iproute2: /bin/ip"; "diversion by ..." lines have no ": /"
        package, sep, name = line.partition(": ")
        if sep and name.startswith("/") and "," not in package:
            owner_of[name.strip()] = package.split(":")[0].strip()
    return {path: next((owner_of[a] for a in sorted(aliases(path)) if a in owner_of), None) for path in paths}


def _owners_rpm(paths, runner):
    owners = {}
    for path in paths:
        rc, out, _ = runner(["rpm", "-qf", "--queryformat", "%{NAME}\n", path])
        owners[path] = out.strip().splitlines()[0] if rc == 0 and out.strip() else None
    return owners


def changed_files(output):
    """The files a verify output names as changed in content (its checksum differs) or missing."""
    found = set()
    for line in (output or "").splitlines():
        if line.startswith("missing"):
            found.add(line.split()[-1])
            continue
        match = _VERIFY_LINE.match(line.strip())
        if match and len(match.group(1)) >= 3 and match.group(1)[2] == "5":
            found.add(match.group(2).strip())
    return found


def check(paths, runner, which):
    """[(path, the tool's name, why)] for each tool that is not as its package installed it; [] when all are."""
    if which("dpkg-query") and which("dpkg"):
        owners, verify = _owners_dpkg(paths, runner), ["dpkg", "--verify"]
        manager = "dpkg"
    elif which("rpm"):
        owners, verify = _owners_rpm(paths, runner), ["rpm", "-V"]
        manager = "rpm"
    else:
        return [(path, name, "there is neither dpkg nor rpm to check it against its package") for path, name in paths.items()]
    problems = [(path, paths[path], "no package installed it (%s knows no owner)" % manager) for path, owner in owners.items() if not owner]
    packages = sorted({owner for owner in owners.values() if owner})
    if packages:
        _, out, _ = runner([*verify, *packages])
        changed = changed_files(out)
        for path, owner in owners.items():
            if owner and aliases(path) & changed:
                problems.append((path, paths[path], "it differs from the file of its package %s (%s)" % (owner, " ".join(verify))))
    return problems
