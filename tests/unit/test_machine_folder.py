"""Each machine's report folder (and class page) is its own and readable, whatever its inventory name."""

from __future__ import annotations

import pytest

from vethlab.files import machine_folder


def test_readable_names_stay_as_they_are():
    for host in ("student01", "localhost", "vm-3.class_a", "张三", "李四", "Zoë"):
        assert machine_folder(host) == host


def test_two_chinese_names_get_two_folders():
    assert machine_folder("张三") != machine_folder("李四")


@pytest.mark.parametrize(
    ("host", "folded"),
    [("student 01", "student_01-"), ("a/b", "a_b-"), (".hidden", "_hidden-"), ("..", "_.-"), ("", "-"), ("王 五", "王_五-")],
)
def test_a_name_that_had_to_change_gets_a_hash_of_the_real_one(host, folded):
    folder = machine_folder(host)
    assert folder.startswith(folded) and len(folder) == len(folded) + 10
    assert "/" not in folder and not folder.startswith(".")


def test_folding_never_makes_two_machines_share_a_folder():
    hosts = ["student 01", "student_01", "student/01", "student:01", "学生 01", "学生_01"]
    assert len({machine_folder(host) for host in hosts}) == len(hosts)


def test_a_long_name_is_cut_and_still_its_own():
    long = "x" * 200
    assert len(machine_folder(long)) == 60 + 11 and machine_folder(long) != machine_folder(long + "y")


def test_the_documented_example_is_what_the_function_gives():
    assert machine_folder("student 01") == "student_01-5d4af84c65"  # vethlab/files.py, docs/teacher-guide.md
