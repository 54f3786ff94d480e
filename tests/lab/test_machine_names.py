"""Two machines named in Chinese (a teacher's inventory aliases, 张三 and 李四) on the real engine: each gets its own
report folder, page and lab.json, named as it is, with its own containers; the class page links each to its own."""

from __future__ import annotations

import json

import pytest

from lab_engine import LAB_TEST_SETTINGS, ansible_playbook, build_busybox_image, docker

pytestmark = [pytest.mark.engine]

MACHINES = {"张三": ["zhang01", "zhang02"], "李四": ["li01", "li02"]}


def test_two_chinese_machine_names_each_have_their_own_reports(tmp_path):
    build_busybox_image()
    # Both machines are this one (a local connection), each with containers of its own, so they never collide.
    hosts = {
        name: {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}", "lab_containers": containers}
        for name, containers in MACHINES.items()
    }
    inventory = tmp_path / "班级.yml"
    inventory.write_text(json.dumps({"all": {"hosts": hosts}}, ensure_ascii=False), encoding="utf-8")
    reports = tmp_path / "reports"
    settings = ["-i", str(inventory), "-e", LAB_TEST_SETTINGS, "-e", "lab_image_source=busybox", "-e", "lab_report_dir=%s" % reports]
    try:
        code, _, output = ansible_playbook("lab.yml", *settings)
        assert code == 0, output
        index = (reports / "index.html").read_text(encoding="utf-8")
        for name, containers in MACHINES.items():
            data = json.loads((reports / name / "lab.json").read_text(encoding="utf-8"))
            assert data["host"] == name and data["passed"] is True
            assert sorted(data["states"]) == containers
            page = (reports / "machines" / ("%s.html" % name)).read_text(encoding="utf-8")
            others = [c for other, names in MACHINES.items() if other != name for c in names]
            assert all(c in page for c in containers) and not any(c in page for c in others), name
            assert 'href="machines/%s.html"' % name in index
        assert sorted(path.name for path in reports.iterdir() if path.is_dir()) == sorted(["machines", *MACHINES])
    finally:
        ansible_playbook("playbooks/lab_teardown.yml", "-i", str(inventory), "-e", "lab_teardown_images=false")
    left = docker("ps", "--all", "--format", "{{.Names}}").split()
    assert not [c for names in MACHINES.values() for c in names if c in left]
