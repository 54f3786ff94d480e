"""The host tools the judge runs, checked against their packages: as installed, changed, installed by no package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from vethlab.module_utils.vethlab_hosttools import aliases, changed_files, check, tool_paths

TOOLS = {"/usr/bin/nsenter": "nsenter", "/usr/sbin/ip": "ip", "/usr/bin/ping": "ping"}
OWNERS = "util-linux: /usr/bin/nsenter\niproute2: /sbin/ip\niproute2: /bin/ip\niputils-ping: /bin/ping\n"


def dpkg_machine(verify_output="", owners=OWNERS, asked=None):
    """A Debian machine's dpkg-query -S and dpkg --verify answering as recorded."""

    def runner(argv):
        if asked is not None:
            asked.append(argv)
        if argv[0] == "dpkg-query":
            return (0 if owners else 1), owners, ""
        if argv[:2] == ["dpkg", "--verify"]:
            return (1 if verify_output else 0), verify_output, ""
        raise AssertionError(argv)

    return runner


def which_debian(name):
    return {"dpkg": "/usr/bin/dpkg", "dpkg-query": "/usr/bin/dpkg-query"}.get(name)


def test_merged_usr_names_are_one_file():
    assert {"/usr/sbin/ip", "/sbin/ip"} <= aliases("/usr/sbin/ip")
    assert "/bin/busybox" in aliases("/usr/bin/busybox")


def test_tools_as_their_packages_installed_them_pass_in_one_verify():
    asked = []
    assert check(TOOLS, dpkg_machine(asked=asked), which_debian) == []
    assert asked[-1] == ["dpkg", "--verify", "iproute2", "iputils-ping", "util-linux"]


def test_a_changed_tool_is_named_with_its_package():
    (problem,) = check(TOOLS, dpkg_machine("??5??????   /bin/ping\n??5?????? c /etc/iproute2/rt_tables\n"), which_debian)
    assert problem == ("/usr/bin/ping", "ping", "it differs from the file of its package iputils-ping (dpkg --verify)")


def test_a_tool_no_package_installed_is_named():
    tools = dict(TOOLS, **{"/usr/local/bin/ip": "ip"})
    problems = check(tools, dpkg_machine(), which_debian)
    assert problems == [("/usr/local/bin/ip", "ip", "no package installed it (dpkg knows no owner)")]


def test_on_an_rpm_machine_rpm_is_asked():
    def runner(argv):
        if argv[:2] == ["rpm", "-qf"]:
            return 0, {"/usr/sbin/ip": "iproute\n", "/usr/bin/nsenter": "util-linux\n", "/usr/bin/ping": "iputils\n"}[argv[-1]], ""
        if argv[:2] == ["rpm", "-V"]:
            return 1, "S.5....T.    /usr/sbin/ip\n", ""
        raise AssertionError(argv)

    (problem,) = check(TOOLS, runner, lambda name: "/usr/bin/rpm" if name == "rpm" else None)
    assert problem == ("/usr/sbin/ip", "ip", "it differs from the file of its package iproute (rpm -V)")


def test_verify_lines_of_both_managers_are_read():
    found = changed_files("??5??????   /bin/ip\nmissing     /sbin/ss\n.M.......  /usr/bin/ping\nS.5....T.  c /etc/x\n")
    assert found == {"/bin/ip", "/sbin/ss", "/etc/x"}


def test_the_tools_are_nsenter_ip_stat_and_the_ping_the_judge_uses():
    found = tool_paths(lambda name: "/usr/bin/" + name, ("/bin/busybox", "ping"))
    assert found == {"/usr/bin/nsenter": "nsenter", "/usr/bin/ip": "ip", "/usr/bin/stat": "stat", "/bin/busybox": "busybox"}


@pytest.mark.engine  # the host tools `make engine` installs, checked by this machine's own dpkg
def test_this_machines_tools_pass_and_lab_check_refuses_an_ip_no_package_installed(tmp_path):
    def run(argv):
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        return done.returncode, done.stdout, done.stderr

    ping = shutil.which("ping")
    assert check(tool_paths(shutil.which, (ping,)), run, shutil.which) == []
    # An ip of someone's own found first on the PATH: lab-check (as root) names it and judges nothing.
    from vethlab.labcheck import build

    build(tmp_path / "lab-check")
    (tmp_path / "ip").write_text('#!/bin/sh\nexec /usr/sbin/ip "$@"\n')
    (tmp_path / "ip").chmod(0o755)
    env = dict(os.environ, PATH="%s:%s" % (tmp_path, os.environ["PATH"]), LANG="C.UTF-8")
    done = subprocess.run([sys.executable, str(tmp_path / "lab-check"), "docker0"], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "the host's ip (%s) cannot be trusted to look into the containers: no package installed it" % (tmp_path / "ip") in done.stderr
