# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""One lab run at a time on a machine: a lock file on the machine itself.

A student's `make lab` and the teacher's `vethlab up` may reach the same machine together; their
resets and starts must not interleave. The first step that changes the lab (the reset) takes the
lock, the verify step gives it back, and a failed step gives it back too. A second run waits a
bounded time, then stops saying who holds the lock and since when. A lock is stale - taken over,
and said so - when its run has given no news for ``stale_after`` seconds (a run that crashed, a
machine that went away), or when it was taken on this very machine by a process that is gone.

The file holds JSON: the run's id, who holds it (user@controller), since when and when it last
gave news, and the pid of the process that took it when the run is local. Taking it is atomic
(written whole to a file of its own, then linked into place: nobody reads it half written), and so is taking
over a stale one: every look-and-change of the lock happens under an flock(2) on ``PATH.guard`` (which the
kernel lets go when its process ends), so two runs finding the same stale lock cannot both take it over. A run
takes it again freely (each step calls). Plain Python, standard library only.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import tempfile
import time

# A lock as the modules take it (lab_lock's options, lab_observe's `lock`): the file, the run, who
# holds it, the run's process on the controller (checked when the controller is this machine), the
# wait and the stale rule.
LOCK_OPTIONS = {
    "path": {"type": "path", "default": "/run/vethlab.lock"},
    "run": {"type": "str", "required": True},
    "holder": {"type": "str", "default": "someone"},
    "pid": {"type": "int"},
    "controller": {"type": "str"},
    "wait": {"type": "int", "default": 120},
    "stale_after": {"type": "int", "default": 600},
    "gone": {"type": "list", "elements": "str", "default": []},
}


# The gone runs a run names in its lock's owner (in every step's arguments and events): only those of the last hours,
# at most the newest few - an older one's lock, without news for stale_after, is stale anyway. The controller's own
# ended runs (the settings step), and runs another controller gave up (`vethlab up --workers`: VETHLAB_GONE_RUNS).
GONE_WITHIN, GONE_NAMED = 6 * 3600, 20
GONE_VARIABLE = "VETHLAB_GONE_RUNS"


def newest_gone(stamps, now):
    """Of ``{run: when}``, the runs within GONE_WITHIN of ``now``, the newest GONE_NAMED of them, sorted by name."""
    recent = sorted((run for run, at in stamps.items() if now - at < GONE_WITHIN), key=lambda run: -stamps[run])
    return sorted(recent[:GONE_NAMED])


class LockBusy(RuntimeError):
    """Another run holds the lock, and it did not come free within the wait."""

    def __init__(self, path, info, waited):
        self.info = info
        since = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(info.get("since", 0)))
        super().__init__(
            "another lab run holds this machine: %s, since %s (run %s); waited %d s. Run the lab again when it has"
            " finished; if that run is gone, its lock is taken over by itself after %d s without news, or remove %s"
            % (info.get("holder", "someone"), since, info.get("run", "?"), waited, info.get("stale_after", 0), path)
        )


def read(path):
    """The lock's contents, or None when there is no lock (or it is not one)."""
    try:
        with open(path, encoding="utf-8") as handle:
            info = json.load(handle)
    except FileNotFoundError:
        return None
    except ValueError:
        return {}
    return info if isinstance(info, dict) else {}


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_stale(info, now, stale_after):
    """A lock nobody has given news of for stale_after seconds, or whose local process is gone."""
    if not info:
        return True  # not a lock's contents: half written, or not ours
    if now - info.get("seen", info.get("since", 0)) > stale_after:
        return True
    pid = info.get("pid")
    return bool(pid) and info.get("local") and not _alive(pid)


def _write_new(path, info):
    """Create the lock with its whole contents at once, or raise FileExistsError: written to a file of this
    process first, then linked to ``path`` (link fails when ``path`` exists). Another run never reads a lock
    half written - it would take it for a stale one and take it over."""
    handle, temporary = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".new", dir=os.path.dirname(path) or ".")
    with os.fdopen(handle, "w", encoding="utf-8") as output:
        json.dump(info, output)
    os.chmod(temporary, 0o644)
    try:
        os.link(temporary, path)
    finally:
        os.unlink(temporary)


def _rewrite(path, info):
    temporary = "%s.%d" % (path, os.getpid())
    with open(temporary, "w", encoding="utf-8") as output:
        json.dump(info, output)
    os.replace(temporary, path)


@contextlib.contextmanager
def _guarded(path):
    """Exclusive, for one look at the lock and what follows from it (take, take over, give back): an flock on
    ``PATH.guard``, given back when the block ends or the process dies."""
    handle = os.open(path + ".guard", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def acquire(path, run, holder, wait=120, stale_after=600, pid=None, now=time.time, sleep=time.sleep, gone=()):
    """Take the lock for ``run`` (again, if it holds it already: news given); wait at most ``wait``
    seconds for another run's; take over a stale one, and at once one of the ``gone`` runs (runs of
    this run's controller whose process has ended: an interrupted run). Returns {"taken": info,
    "stale": the lock taken over or None}; raises LockBusy."""
    started, replaced = now(), None
    while True:
        moment = now()
        with _guarded(path):
            info = read(path)
            if info is not None and info.get("run") == run:
                _rewrite(path, dict(info, seen=moment))
                return {"taken": dict(info, seen=moment), "stale": replaced}
            if info is not None and (info.get("run") in gone or is_stale(info, moment, info.get("stale_after", stale_after))):
                replaced = info
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
                info = None
            if info is None:
                mine = {"run": run, "holder": holder, "since": moment, "seen": moment, "stale_after": stale_after}
                if pid:
                    mine.update(pid=pid, local=True)
                try:
                    _write_new(path, mine)
                except FileExistsError:
                    continue  # a run of an older vethlab, without the guard, was quicker: look again
                return {"taken": mine, "stale": replaced}
        if moment - started >= wait:
            raise LockBusy(path, info, int(moment - started))
        sleep(1)


def take(lock):
    """Take a lock given as LOCK_OPTIONS describe it; the run's pid counts only when its controller is this machine."""
    local = lock.get("controller") and lock["controller"] == socket.gethostname()
    pid = lock.get("pid") if local else None
    return acquire(lock["path"], lock["run"], lock["holder"], lock["wait"], lock["stale_after"], pid, gone=lock.get("gone") or ())


def release(path, run):
    """Give the lock back, when ``run`` holds it. Returns whether it did."""
    with _guarded(path):
        info = read(path)
        if info is None or info.get("run") != run:
            return False
        try:
            os.unlink(path)
        except FileNotFoundError:
            return False
        return True
