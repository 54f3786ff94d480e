"""Writing report files: only when their content changed, never half-written.

One rule for every file vethlab writes on the controller (each machine's lab.json and lab.md, the
class report): a rerun that finds the same lab rewrites nothing, so a file's time says when what
it says last changed, and a reader never sees a half-written file (a temporary file is renamed).
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import json
import os
import re
import socket
import tempfile
import time
from pathlib import Path

# The longest readable part of a machine's folder name (file systems allow 255 bytes; a CJK character is 3).
FOLDER_CHARACTERS = 60


def machine_folder(host: str) -> str:
    """The folder (and page name) of a machine's reports: its inventory name, readable, one of its own.

    Letters and digits of any script (张三 stays 张三), ``_``, ``.`` and ``-`` are kept; anything else
    becomes ``_``, as does a leading dot. When that changed the name (or cut it short), a short hash
    of the whole name follows, so that two machines never share a folder: ``student 01`` and
    ``student_01`` are ``student_01-5d4af84c65`` and ``student_01``.
    """
    kept = "".join(ch if ch.isalnum() or ch in "_.-" else "_" for ch in host)
    kept = ("_" + kept[1:]) if kept.startswith(".") else kept
    if kept == host and 0 < len(kept) <= FOLDER_CHARACTERS:
        return kept
    return "%s-%s" % (kept[:FOLDER_CHARACTERS], hashlib.sha256(host.encode("utf-8")).hexdigest()[:10])


# What an inventory's name may end with; the rest is the name of its report folder.
INVENTORY_SUFFIXES = (".yml", ".yaml", ".ini", ".json", ".cfg", ".toml")


def inventory_folder(inventory) -> str:
    """The report folder of an inventory, under reports/: the inventory file's (or folder's) name without
    its suffix - ``inventory/classroom.yml`` is ``classroom``, ``inventory/local.yml`` is ``local`` - so a
    class's reports and this machine's never share a folder. Machines given on the command line
    (``-i host1,host2,``) are ``adhoc``. Folded as ``machine_folder`` folds a machine's name."""
    text = str(inventory or "").rstrip("/")
    if not text or not os.path.exists(text):
        return "adhoc"
    name = os.path.basename(text)
    for suffix in INVENTORY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return machine_folder(name)


class FolderTurn:
    """Two controller runs writing one report folder take turns: each holds an exclusive ``flock`` on
    ``<folder>/.vethlab-writer`` for its whole run. The kernel gives it back when the process ends, however it
    ends (Ctrl-C, a crash), so no turn is ever left stale. The file says who holds it, for the one who waits."""

    NAME = ".vethlab-writer"

    def __init__(self, folder):
        self.path = Path(folder) / self.NAME
        self._handle = None

    def holder(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return {}

    def take(self, what: str, waiting=None) -> None:
        """Take the turn; when another run holds it, call ``waiting(holder)`` once, then wait for it."""
        if self._handle is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # held open for the whole run
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting(self.holder())
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "someone"
        handle.seek(0)
        handle.truncate()
        since = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        handle.write(json.dumps({"pid": os.getpid(), "holder": "%s@%s" % (user, socket.gethostname()), "since": since, "what": what}))
        handle.flush()
        self._handle = handle

    def give_back(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing gives the flock back
            self._handle = None


def write_if_changed(path: str | os.PathLike, data: bytes, mode: int = 0o644, dry_run: bool = False) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; return whether it would change.

    With ``dry_run`` nothing is written. Raises OSError when the file cannot be written.
    """
    path = Path(path)
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    if dry_run:
        return True
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=str(path.parent), prefix="." + path.name + ".")
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return True


# C0 controls but tab, DEL, and the C1 controls (a terminal reads 0x9b as ESC [).
_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def printable(text) -> str:
    """One line of ``text`` as vethlab prints it on a terminal: every control character shown escaped (ESC as
    \\x1b, a newline as \\x0a), so what a machine or a container said can never move the cursor, clear or add a
    line, or rewrite what is above it."""
    return _CONTROLS.sub(lambda match: "\\x%02x" % ord(match.group()), str(text))
