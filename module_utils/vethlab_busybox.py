# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""An offline container image made of the host's static busybox.

alpine's ``ip``, ``ping`` and ``sh`` *are* busybox, so an image holding only a static
busybox and one symlink per applet prints exactly what alpine prints (``eth0@if13``,
``M-DOWN``, no ``group``).  Plain Python, standard library only.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import tarfile

from .vethlab_host import TaskFailed

CANDIDATES = ("/bin/busybox", "/usr/bin/busybox", "/usr/sbin/busybox", "/sbin/busybox")
PT_INTERP = 3
FOLDERS = ("bin", "dev", "etc", "proc", "sys", "tmp")


class BusyboxError(ValueError):
    """No usable busybox."""


def is_static_elf(path):
    """True when ``path`` is an ELF executable with no program interpreter (static)."""
    with open(path, "rb") as handle:
        ident = handle.read(16)
        if len(ident) < 16 or ident[:4] != b"\x7fELF":
            return False
        is_64 = ident[4] == 2
        order = "<" if ident[5] == 1 else ">"
        if is_64:
            header = handle.read(48)
            if len(header) < 48:
                return False
            phoff = struct.unpack(order + "Q", header[16:24])[0]
            phentsize, phnum = struct.unpack(order + "HH", header[38:42])
        else:
            header = handle.read(36)
            if len(header) < 36:
                return False
            phoff = struct.unpack(order + "I", header[12:16])[0]
            phentsize, phnum = struct.unpack(order + "HH", header[26:30])
        for number in range(phnum):
            handle.seek(phoff + number * phentsize)
            entry = handle.read(4)
            if len(entry) < 4:
                return False
            if struct.unpack(order + "I", entry)[0] == PT_INTERP:
                return False
    return True


def find_static_busybox(candidates=CANDIDATES, exists=None):
    """The first statically linked busybox among ``candidates``."""
    exists = exists or os.path.isfile
    dynamic = []
    for candidate in candidates:
        if exists(candidate):
            if is_static_elf(candidate):
                return candidate
            dynamic.append(candidate)
    if dynamic:
        raise BusyboxError(
            "busybox at %s is dynamically linked and cannot run in an empty image: install a static busybox "
            "(Debian/Ubuntu: busybox-static; Fedora: busybox)" % ", ".join(dynamic)
        )
    raise BusyboxError(
        "no busybox found in %s: install a static busybox (Debian/Ubuntu: busybox-static; Fedora: busybox)" % ", ".join(candidates)
    )


def file_digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def rootfs_tar(busybox_path, applets):
    """A tar archive (bytes) of a root folder: /bin/busybox and /bin/<applet> -> busybox."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for folder in FOLDERS:
            info = tarfile.TarInfo(folder)
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777 if folder == "tmp" else 0o755
            tar.addfile(info)
        tar.add(busybox_path, arcname="bin/busybox")
        for applet in sorted(set(applets)):
            if applet == "busybox" or "/" in applet or not applet:
                continue
            link = tarfile.TarInfo("bin/" + applet)
            link.type = tarfile.SYMTYPE
            link.linkname = "busybox"
            tar.addfile(link)
    return buffer.getvalue()


def import_changes(labels):
    """``docker import --change`` arguments: PATH, the default command and the labels."""
    changes = ["ENV PATH=/bin", 'CMD ["sh"]']
    for key in sorted(labels):
        changes.append('LABEL "%s"="%s"' % (key, str(labels[key]).replace('"', "")))
    arguments = []
    for change in changes:
        arguments.extend(["--change", change])
    return arguments


# The label that says which busybox binary an image was made from.
DIGEST_LABEL = "vethlab.busybox.sha256"


def ensure_image(name, runner, labels=None, busybox_path=None, force=False, check_mode=False, docker="docker"):
    """The image ``name`` made of this host's static busybox, built unless an image of that name was
    already made of the same binary with the same labels (idempotent by digest and labels).

    ``runner(argv, data=None) -> (rc, out, err)``; ``data`` is bytes for the command's standard input.
    Returns the lab_busybox_image module's result; raises :class:`BusyboxError` on failure.
    """
    busybox = find_static_busybox((busybox_path,) if busybox_path else CANDIDATES)
    digest = file_digest(busybox)
    result = {"changed": False, "image": name, "busybox_path": busybox, "busybox_sha256": digest, "image_id": None}
    wanted = dict(((key, str(value)) for key, value in (labels or {}).items()), **{DIGEST_LABEL: digest})
    rc, out, _ = runner([docker, "image", "inspect", name])
    if rc == 0:
        image = json.loads(out)[0]
        found = (image.get("Config") or {}).get("Labels") or {}
        if all(found.get(key) == value for key, value in wanted.items()) and not force:
            result["image_id"] = image["Id"]
            return result
    result["changed"] = True
    if check_mode:
        return result
    rc, out, err = runner([busybox, "--list"])
    if rc != 0:
        raise BusyboxError("'%s --list' failed: %s" % (busybox, err.strip()))
    applets = out.split()
    rc, out, err = runner([docker, "import", *import_changes(wanted), "-", name], data=rootfs_tar(busybox, applets))
    if rc != 0:
        raise BusyboxError("docker import failed: %s" % err.strip())
    result.update(image_id=out.strip(), applets=len(applets))
    return result


# The lab_busybox_image module's arguments (library/lab_busybox_image.py documents them).
BUSYBOX_SPEC = {
    "argument_spec": {
        "name": {"type": "str", "default": "vethlab/busybox:latest"},
        "busybox_path": {"type": "path"},
        "labels": {"type": "dict", "default": {}},
        "force": {"type": "bool", "default": False},
    }
}


def run_busybox_image(params, host):
    """The lab_busybox_image module's work (vethlab_host): ensure_image on this machine, by its docker."""
    docker = host.which("docker")
    if not docker:
        raise TaskFailed("lab_busybox_image: the docker command is not on this machine (PATH, /sbin, /usr/sbin)")
    try:
        return ensure_image(params["name"], host.run, params["labels"], params["busybox_path"], params["force"], host.check_mode, docker)
    except BusyboxError as error:
        raise TaskFailed("lab_busybox_image: %s" % error) from error
