"""Writing report files: only when their content changed, never half-written.

One rule for every file vethlab writes on the controller (each machine's lab.json and lab.md, the
class report): a rerun that finds the same lab rewrites nothing, so a file's time says when what
it says last changed, and a reader never sees a half-written file (a temporary file is renamed).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
