"""Writing report files: only when their content changed, never half-written.

One rule for every file vethlab writes on the controller (each machine's lab.json and lab.md, the
class report): a rerun that finds the same lab rewrites nothing, so a file's time says when what
it says last changed, and a reader never sees a half-written file (a temporary file is renamed).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
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
