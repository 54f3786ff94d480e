"""Build ``lab-check``, the student's self-check, as one executable zipapp made from module_utils/.

The archive holds the package ``vethlab_judge`` - the files of module_utils/ as they are (they import
each other relatively and need only Python's standard library) - and a ``__main__.py`` that calls
``vethlab_student.main``. Python runs it directly (``#!/usr/bin/env python3``). The bytes depend only on
the sources (fixed timestamps, sorted names), so a rebuild of the same sources changes nothing and
``vethlab prepare`` copies it again only when the judge changed.

    python -m vethlab.labcheck OUTPUT      build it; prints "changed" or "unchanged"
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from vethlab.files import write_if_changed

MODULE_UTILS = Path(__file__).resolve().parent.parent / "module_utils"
PACKAGE = "vethlab_judge"
MAIN = b"import sys\nfrom vethlab_judge.vethlab_student import main\nsys.exit(main())\n"
SHEBANG = b"#!/usr/bin/env python3\n"


def archive() -> bytes:
    """The zipapp's bytes: the shebang, then the zip (Python finds __main__.py at its root)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:

        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zipped.writestr(info, data)

        add("__main__.py", MAIN)
        add(PACKAGE + "/__init__.py", b"")
        for source in sorted(MODULE_UTILS.glob("vethlab_*.py")):
            add("%s/%s" % (PACKAGE, source.name), source.read_bytes())
    return SHEBANG + buffer.getvalue()


def build(target: str | Path) -> bool:
    """Write the zipapp to ``target`` (mode 0755) unless it is there already; return whether it changed."""
    return write_if_changed(target, archive(), mode=0o755)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python -m vethlab.labcheck OUTPUT", file=sys.stderr)
        sys.exit(2)
    print("changed" if build(sys.argv[1]) else "unchanged")
