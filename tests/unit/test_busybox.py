"""The offline busybox image: static-binary detection and the root folder's archive."""

from __future__ import annotations

import io
import shutil
import tarfile

import pytest

from vethlab.module_utils.vethlab_busybox import BusyboxError, find_static_busybox, import_changes, is_static_elf, rootfs_tar


@pytest.mark.engine  # the host's static busybox, a host tool `make engine` installs
def test_the_hosts_busybox_is_static_and_ls_is_not():
    busybox = find_static_busybox()
    assert is_static_elf(busybox)
    assert not is_static_elf(shutil.which("ls"))


def test_a_text_file_is_not_an_executable(tmp_path):
    text = tmp_path / "busybox"
    text.write_text("#!/bin/sh\necho not busybox\n")
    assert not is_static_elf(str(text))
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert not is_static_elf(str(empty))


def test_a_dynamic_busybox_is_refused_with_the_package_to_install(tmp_path):
    with pytest.raises(BusyboxError, match=r"dynamically linked.*busybox-static"):
        find_static_busybox((shutil.which("ls"),))
    with pytest.raises(BusyboxError, match=r"no busybox found in /nowhere/busybox"):
        find_static_busybox(("/nowhere/busybox",))


def test_the_archive_holds_busybox_and_one_symlink_per_applet():
    busybox = find_static_busybox()
    archive = tarfile.open(fileobj=io.BytesIO(rootfs_tar(busybox, ["sh", "ip", "ping", "busybox", "../evil", ""])))
    members = {member.name: member for member in archive.getmembers()}
    assert members["bin/busybox"].isfile() and members["bin/busybox"].size > 100_000
    for applet in ("sh", "ip", "ping"):
        assert members["bin/" + applet].issym() and members["bin/" + applet].linkname == "busybox"
    assert "bin/../evil" not in members and "bin/" not in members
    assert members["tmp"].mode == 0o1777


def test_import_changes_set_path_command_and_labels():
    assert import_changes({"vethlab.lab": "true"}) == [
        "--change",
        "ENV PATH=/bin",
        "--change",
        'CMD ["sh"]',
        "--change",
        'LABEL "vethlab.lab"="true"',
    ]
