"""Helpers for tests that use the real Docker engine on this machine.

No registry is reachable here, so the containers' image is built offline from the
host's static busybox (Debian's ``busybox-static``): the same busybox that alpine
ships, hence the same ``ip addr`` output (``eth0@if13``, ``M-DOWN``, no ``group``).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

BUSYBOX_IMAGE = "vethlab/busybox:test"
BUSYBOX_CANDIDATES = ("/bin/busybox", "/usr/bin/busybox")


def docker(*argv: str) -> str:
    """Run the docker CLI with an argument list; return stdout, raise on failure."""
    result = subprocess.run(("docker", *argv), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError("docker %s failed (%d): %s" % (" ".join(argv), result.returncode, result.stderr.strip()))
    return result.stdout


def engine_available() -> bool:
    return shutil.which("docker") is not None and subprocess.run(("docker", "info"), capture_output=True).returncode == 0


def _static_busybox() -> Path:
    """The host's busybox, if it is statically linked (it must run in an empty image)."""
    for candidate in BUSYBOX_CANDIDATES:
        path = Path(candidate)
        if path.is_file() and b"ld-linux" not in path.read_bytes()[:1_000_000]:
            return path
    raise RuntimeError("no static busybox in %s: install Debian's busybox-static" % (BUSYBOX_CANDIDATES,))


def build_busybox_image(tag: str = BUSYBOX_IMAGE) -> str:
    """Import a busybox-only image (``/bin/busybox`` plus one symlink per applet) unless present."""
    if docker("images", "-q", tag).strip():
        return tag
    busybox = _static_busybox()
    applets = subprocess.run((str(busybox), "--list"), capture_output=True, text=True, check=True).stdout.split()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for folder in ("bin", "tmp", "proc", "sys", "dev", "etc"):
            info = tarfile.TarInfo(folder)
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777 if folder == "tmp" else 0o755
            tar.addfile(info)
        tar.add(str(busybox), arcname="bin/busybox")
        for applet in applets:
            if applet == "busybox":
                continue
            link = tarfile.TarInfo("bin/" + applet)
            link.type = tarfile.SYMTYPE
            link.linkname = "busybox"
            tar.addfile(link)
    subprocess.run(
        ("docker", "import", "--change", "ENV PATH=/bin", "--change", 'CMD ["sh"]', "-", tag),
        input=buffer.getvalue(),
        capture_output=True,
        check=True,
    )
    return tag
