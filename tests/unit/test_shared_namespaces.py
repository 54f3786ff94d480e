"""Which running containers have no network namespace of their own: Docker's record of how each was started
(--network host, --network container:X) and the kernel's (each process's namespace inode, read from outside)."""

from __future__ import annotations

from vethlab.module_utils.vethlab_collect import inodes_argv, parse_inodes, shared_namespaces


def inspected(**modes):
    return {name: {"id": "id-" + name, "pid": 100 + i, "network_mode": mode} for i, (name, mode) in enumerate(modes.items())}


def test_the_kernels_record_is_read_by_path_and_a_process_gone_is_left_out():
    assert inodes_argv([101, 102]) == ["stat", "-L", "-c", "%n %i", "/proc/self/ns/net", "/proc/101/ns/net", "/proc/102/ns/net"]
    out = "/proc/self/ns/net 4026531840\n/proc/101/ns/net 4026532301\n"  # 102 is gone: stat says so on stderr
    assert parse_inodes(out) == {"self": 4026531840, 101: 4026532301}
    assert parse_inodes("/proc/1x/ns/net 5\ngarbage\n") == {}


def test_each_container_in_a_namespace_of_its_own_is_not_shared():
    seen = inspected(alpine01="bridge", alpine02="default")
    assert shared_namespaces(list(seen), seen, {"self": 1, 100: 2, 101: 3}) == {}


def test_dockers_record_of_host_and_container_networks():
    seen = inspected(alpine01="host", alpine02="bridge", alpine03="container:id-alpine02")
    found = shared_namespaces(list(seen), seen, {"self": 1, 100: 1, 101: 3, 102: 3})
    # alpine02 is the namespace's owner: alpine03 joined it, and alpine02 keeps its own eth0.
    assert found == {
        "alpine01": {"with": "host", "how": "--network host"},
        "alpine03": {"with": "alpine02", "how": "--network container:alpine02"},
    }


def test_the_kernels_record_where_dockers_says_nothing():
    # A process that moved itself (setns) into the host's namespace, and two containers Docker started apart now in one.
    seen = inspected(alpine01="bridge", alpine02="bridge", alpine03="bridge")
    found = shared_namespaces(list(seen), seen, {"self": 1, 100: 1, 101: 7, 102: 7})
    assert found == {
        "alpine01": {"with": "host", "how": "netns inode 1"},
        "alpine02": {"with": "alpine03", "how": "netns inode 7"},
        "alpine03": {"with": "alpine02", "how": "netns inode 7"},
    }


def test_a_namespace_the_kernel_did_not_report_is_judged_by_dockers_record_alone():
    seen = inspected(alpine01="bridge", alpine02="host")
    assert shared_namespaces(list(seen), seen, {"self": 1}) == {"alpine02": {"with": "host", "how": "--network host"}}
