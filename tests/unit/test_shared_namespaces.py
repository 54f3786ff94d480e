"""Which running containers have no network namespace of their own: Docker's record of how each was started
(--network host, --network container:X) and the kernel's (each process's namespace inode, read from outside)."""

from __future__ import annotations

import pytest

from vethlab.module_utils.vethlab_collect import shared_namespaces
from vethlab.module_utils.vethlab_netns import inodes_argv, namespace_inodes, parse_inodes


def inspected(**modes):
    return {name: {"id": "id-" + name, "pid": 100 + i, "network_mode": mode} for i, (name, mode) in enumerate(modes.items())}


def test_the_kernels_record_is_read_by_path_and_a_process_gone_is_left_out():
    assert inodes_argv([101, 102]) == ["stat", "-L", "-c", "%n %i", "/proc/self/ns/net", "/proc/101/ns/net", "/proc/102/ns/net"]
    out = "/proc/self/ns/net 4026531840\n/proc/101/ns/net 4026532301\n"  # 102 is gone: stat says so on stderr
    assert parse_inodes(out) == {"self": 4026531840, 101: 4026532301}
    assert parse_inodes("/proc/1x/ns/net 5\ngarbage\n") == {}


def test_a_process_gone_in_the_middle_leaves_the_others_their_own_inodes():
    # stat prints a line for each path it could read, in order: one gone between two must not shift the second's
    # inode onto the first (the fault step read them by position before, and could name the wrong container).
    asked = []

    def runner(argv):
        asked.append(argv)
        return 1, "/proc/self/ns/net 1\n/proc/103/ns/net 9\n", "stat: cannot statx '/proc/102/ns/net': No such file or directory\n"

    assert namespace_inodes(runner, [102, 103]) == {"self": 1, 103: 9}
    assert asked == [inodes_argv([102, 103])]


# (each container's network mode as Docker records it, the kernel's inodes: this side's and each process's, what is shared)
CASES = {
    "each in a namespace of its own": ({"alpine01": "bridge", "alpine02": "default"}, {"self": 1, 100: 2, 101: 3}, {}),
    # alpine02 is the namespace's owner: alpine03 joined it, and alpine02 keeps its own eth0.
    "Docker's record of host and container networks": (
        {"alpine01": "host", "alpine02": "bridge", "alpine03": "container:id-alpine02"},
        {"self": 1, 100: 1, 101: 3, 102: 3},
        {"alpine01": {"with": "host", "how": "--network host"}, "alpine03": {"with": "alpine02", "how": "--network container:alpine02"}},
    ),
    # A process that moved itself (setns) into the host's namespace, and two containers Docker started apart now in one.
    "the kernel's record where Docker's says nothing": (
        {"alpine01": "bridge", "alpine02": "bridge", "alpine03": "bridge"},
        {"self": 1, 100: 1, 101: 7, 102: 7},
        {
            "alpine01": {"with": "host", "how": "netns inode 1"},
            "alpine02": {"with": "alpine03", "how": "netns inode 7"},
            "alpine03": {"with": "alpine02", "how": "netns inode 7"},
        },
    ),
}


@pytest.mark.parametrize(("modes", "inodes", "shared"), CASES.values(), ids=list(CASES))
def test_which_containers_have_no_namespace_of_their_own(modes, inodes, shared):
    seen = inspected(**modes)
    assert shared_namespaces(list(seen), seen, inodes) == shared


def test_a_namespace_the_kernel_did_not_report_is_judged_by_dockers_record_alone():
    seen = inspected(alpine01="bridge", alpine02="host")
    assert shared_namespaces(list(seen), seen, {"self": 1}) == {"alpine02": {"with": "host", "how": "--network host"}}
