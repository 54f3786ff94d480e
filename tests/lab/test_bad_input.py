"""Bad settings stop lab.yml before anything on the host changes, with a message naming them.

Every case is judged in-process by the settings step's own code (action_plugins/lab_settings.py:
the roles' specs, then the checks no spec can say); playbook runs show, for one case of each kind,
that lab.yml stops there and the engine is unchanged."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, load_action_plugin
from lab_engine import ansible_playbook, build_busybox_image, docker, engine_state, task_result

# Every role whose settings lab.yml's settings step checks (roles/lab/tasks/settings.yml).
ROLES = [
    "lab", "docker_engine", "lab_reset", "lab_image", "lab_containers", "lab_inspect", "lab_verify", "lab_report", "lab_teardown",
    "lab_prepare", "lab_grade", "lab_break",
]  # fmt: skip


def settings_step():
    return load_action_plugin("lab_settings")


def test_the_settings_step_checks_the_roles_it_names():
    import yaml

    tasks = yaml.safe_load((ROOT / "roles" / "lab" / "tasks" / "settings.yml").read_text())
    (checked,) = [task["lab_settings"]["roles"] for task in tasks if "lab_settings" in task]
    assert checked == ROLES
    assert sorted(checked) == sorted(path.name for path in (ROOT / "roles").iterdir() if (path / "meta" / "argument_specs.yml").is_file())


def test_good_settings_pass_with_the_runs_plan():
    step = settings_step()
    verdict = step.judge({"lab_lessons": ["docker0"]}, step.options_of(ROLES))
    assert not verdict.get("failed") and verdict["plan"]["lessons"] == ["docker0"]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"lab_containers": ["alpine 01", "alpine02"]}, 'lab_containers: "alpine 01" is not a container name'),
        ({"lab_containers": ["alpine01", "a;rm -rf /"]}, 'lab_containers: "a;rm -rf /" is not a container name'),
        ({"lab_containers": ["$(reboot)", "alpine02"]}, 'lab_containers: "$(reboot)" is not a container name'),
        (
            {"lab_network_containers": ["net 01"], "lab_link_container": "--privileged"},
            'lab_link_container: "--privileged" is not a container name',
        ),
        ({"lab_containers": []}, "lab_containers must be a list of 2 to 20 container names, got []"),
        ({"lab_containers": ["alpine01"]}, 'lab_containers must be a list of 2 to 20 container names, got ["alpine01"]'),
        ({"lab_containers": ["c%02d" % n for n in range(21)]}, "lab_containers must be a list of 2 to 20 container names"),
        ({"lab_containers": "alpine01"}, 'lab_containers must be a list of 2 to 20 container names, got "alpine01"'),
        ({"lab_containers": ["a1", "a1"]}, "lab_containers names a container twice"),
        ({"lab_reset_scope": "everything"}, "value of lab_reset_scope must be one of: lab, all, got: everything"),
        ({"lab_image_source": "ftp"}, "value of lab_image_source must be one of: auto, pull, archive, busybox, controller, got: ftp"),
        # Checked against the spec of the role that reads it, before any step runs; every problem at once.
        (
            {"lab_verify_ping_count": "many", "docker_engine_start": "sometimes"},
            "argument 'lab_verify_ping_count' is of type str and we were unable to convert to int",
        ),
        (
            {"lab_verify_ping_count": "many", "docker_engine_start": "sometimes"},
            "value of docker_engine_start must be one of: auto, systemd, direct",
        ),
        (
            {"lab_image_source": "archive", "lab_image_archive": "/nowhere/alpine.tar"},
            'must name a file on the controller, got "/nowhere/alpine.tar"',
        ),
        ({"lab_image_source": "archive", "lab_image_archive": "/etc"}, 'must name a file on the controller, got "/etc"'),
        (
            {"docker_engine_registry_mirrors": ["ftp://mirror.school.example", "mirror.school.example"]},
            'docker_engine_registry_mirrors: "ftp://mirror.school.example" is not an http or https URL',
        ),
        ({"docker_engine_registry_mirrors": ["mirror.school.example"]}, '"mirror.school.example" is not an http or https URL'),
        # Settings that reach a command, a template or a file name match one strict pattern each.
        ({"lab_label": 'vethlab.lab"}}{{.Names'}, 'lab_label: "vethlab.lab\\"}}{{.Names" is not a Docker label key'),
        ({"lab_label": "Vethlab Lab"}, 'lab_label: "Vethlab Lab" is not a Docker label key'),
        ({"lab_image_name": "alpine; rm -rf /"}, 'lab_image_name: "alpine; rm -rf /" is not an image reference'),
        ({"lab_image_busybox_name": "--privileged"}, 'lab_image_busybox_name: "--privileged" is not an image reference'),
        ({"lab_bridge": "docker0 up"}, 'lab_bridge: "docker0 up" is not a network interface name'),
        ({"lab_lock_path": "run/vethlab.lock"}, 'lab_lock_path: "run/vethlab.lock" is not an absolute path'),
        ({"docker_engine_direct_pidfile": "/run/docker.pid\n/etc/passwd"}, "docker_engine_direct_pidfile: "),
        (
            {"docker_engine_repo_url": "ftp://download.example"},
            'docker_engine_repo_url: "ftp://download.example" is not an http or https URL',
        ),
        ({"docker_engine_users": ["student", "Bad User"]}, 'docker_engine_users: "Bad User" is not a user name'),
    ],
)
def test_bad_settings_are_refused_naming_them(settings, expected):
    step = settings_step()
    verdict = step.judge(settings, step.options_of(ROLES))
    assert verdict["failed"] is True
    assert verdict["msg"].startswith("Bad lab settings; nothing was changed:")
    assert expected in verdict["msg"]


@pytest.mark.engine
@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"lab_containers": ["alpine01", "a;rm -rf /"]}, 'lab_containers: "a;rm -rf /" is not a container name'),
        (
            {"lab_verify_ping_count": "many", "docker_engine_start": "sometimes"},
            "value of docker_engine_start must be one of: auto, systemd, direct",
        ),
    ],
)
def test_bad_settings_change_nothing(settings, expected):
    before = engine_state()
    code, report, output = ansible_playbook("lab.yml", "-e", json.dumps(settings))
    assert code == 2, output
    message = task_result(report, "Refuse bad settings before anything changes")["msg"]
    assert message.startswith("Bad lab settings; nothing was changed:")
    assert expected in message
    ran = [task["task"]["name"] for play in report["plays"] for task in play["tasks"]]
    assert not any(name.startswith("docker_engine") for name in ran), ran
    assert engine_state() == before


@pytest.mark.engine
def test_a_label_with_template_syntax_changes_nothing():
    """A lab_label with template syntax would once have made every container look like the lab's to the
    reset (it was pasted into docker ps --format). Given on the command line, Ansible itself refuses to
    template it (the settings check refuses any other value that is not a label key, see above); either
    way the run stops before Docker is touched."""
    user = "vethlab-label-user"
    docker("rm", "-f", user)
    docker("run", "-dit", "--name", user, build_busybox_image())
    try:
        before = engine_state()
        code, report, output = ansible_playbook("lab.yml", "-e", json.dumps({"lab_label": '"}}{{.Names}}{{"'}))
        assert code == 2, output
        assert "Syntax error in template" in output
        ran = [task["task"]["name"] for play in (report or {"plays": []})["plays"] for task in play["tasks"]]
        assert not any(name.startswith(("docker_engine", "lab_reset")) for name in ran), ran
        assert engine_state() == before
    finally:
        docker("rm", "-f", user)


@pytest.mark.engine
def test_a_shared_setting_of_the_wrong_type_changes_nothing():
    """The shared settings (role lab's) are checked by the settings step like every other role's, against their spec."""
    before = engine_state()
    code, report, output = ansible_playbook("lab.yml", "-e", "lab_lock_wait=forever")
    assert code == 2, output
    message = task_result(report, "Refuse bad settings before anything changes")["msg"]
    assert "argument 'lab_lock_wait' is of type str and we were unable to convert to int" in message
    ran = [task["task"]["name"] for play in report["plays"] for task in play["tasks"]]
    assert not any(name.startswith("docker_engine") for name in ran), ran
    assert engine_state() == before
