"""docker_engine: what it installs per distribution, and the repository key's fingerprint check.

The Fedora and RHEL paths cannot run here (no Fedora or RHEL packages can be reached), so what
can be checked is checked: the packages, repository path, key fingerprint and start method the
role chooses for each distribution. The Debian path runs for real in the lab tests.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from lab_engine import ansible_playbook, task_result

DEB_KEY = "9DC858229FC7DD38854AE2D88D81803C0EBFCD88"
RPM_KEY = "060A61C51B558A7F742B77AAC52FEB6B621E9F35"


def resolve(distribution, family, version, source="distro", service_mgr="systemd", installed=(), probed=()):
    facts = {
        "ansible_distribution": distribution,
        "ansible_os_family": family,
        "ansible_distribution_major_version": version,
        "ansible_service_mgr": service_mgr,
        "docker_engine_source": source,
        "docker_engine_query": {"stdout": "\n".join(["%s installed" % package for package in installed] + list(probed))},
    }
    code, report, output = ansible_playbook("-i", "inventory/local.yml", "tests/roles/resolve_playbook.yml", "-e", json.dumps(facts))
    assert code == 0, output
    return task_result(report, "Report the resolution")["msg"]


@pytest.mark.parametrize(
    ("distribution", "family", "version", "source", "expected"),
    [
        (
            "Fedora",
            "RedHat",
            "41",
            "distro",
            {"source": "distro", "packages": ["moby-engine"], "repo_distribution": "fedora", "fingerprint": RPM_KEY},
        ),
        (
            "Fedora",
            "RedHat",
            "41",
            "docker-ce",
            {"source": "docker-ce", "packages": ["docker-ce", "docker-ce-cli", "containerd.io"], "repo_distribution": "fedora"},
        ),
        (
            "Rocky",
            "RedHat",
            "9",
            "distro",
            {"source": "docker-ce", "packages": ["docker-ce", "docker-ce-cli", "containerd.io"], "repo_distribution": "centos"},
        ),
        ("Debian", "Debian", "12", "distro", {"source": "distro", "packages": ["docker.io"], "fingerprint": DEB_KEY}),
        ("Ubuntu", "Debian", "24", "docker-ce", {"source": "docker-ce", "repo_distribution": "ubuntu", "fingerprint": DEB_KEY}),
    ],
)
def test_packages_repository_and_key_per_distribution(distribution, family, version, source, expected):
    resolved = resolve(distribution, family, version, source)
    for key, value in expected.items():
        assert resolved[key] == value, (key, resolved)


def test_a_distribution_the_role_does_not_know_is_named_in_the_error():
    facts = {"ansible_distribution": "Archlinux", "ansible_os_family": "Archlinux", "ansible_distribution_major_version": "0",
             "ansible_service_mgr": "systemd", "docker_engine_source": "auto", "docker_engine_query": {"stdout": ""}}  # fmt: skip
    code, _, output = ansible_playbook("-i", "inventory/local.yml", "tests/roles/resolve_playbook.yml", "-e", json.dumps(facts))
    assert code != 0
    assert "docker_engine installs Docker on Debian, Ubuntu, Fedora and the RHEL family; this machine runs Archlinux (Archlinux)" in output


def test_switching_to_docker_ce_on_fedora_removes_moby_and_podman_docker_only():
    resolved = resolve("Fedora", "RedHat", "41", "docker-ce")
    assert {"moby-engine", "podman-docker"} <= set(resolved["remove_when_switching"])
    assert not set(resolved["packages"]) & set(resolved["remove_when_switching"])
    staying = resolve("Fedora", "RedHat", "41", "distro")
    assert "moby-engine" not in staying["remove_when_switching"]


@pytest.mark.parametrize(
    ("distribution", "family", "installed", "kept", "packages"),
    [
        ("Debian", "Debian", ["docker-ce", "docker-ce-cli", "containerd.io"], "docker-ce", ["docker-ce", "docker-ce-cli", "containerd.io"]),
        ("Ubuntu", "Debian", ["docker.io"], "distro", ["docker.io"]),
        ("Debian", "Debian", [], "distro", ["docker.io"]),
        ("Fedora", "RedHat", ["docker-ce", "docker-ce-cli", "containerd.io"], "docker-ce", ["docker-ce", "docker-ce-cli", "containerd.io"]),
        ("Fedora", "RedHat", ["moby-engine"], "distro", ["moby-engine"]),
        ("Fedora", "RedHat", [], "distro", ["moby-engine"]),
        ("Rocky", "RedHat", [], "docker-ce", ["docker-ce", "docker-ce-cli", "containerd.io"]),
    ],
)
def test_auto_keeps_the_engine_already_installed_and_removes_nothing(distribution, family, installed, kept, packages):
    resolved = resolve(distribution, family, "12", source="auto", installed=installed)
    assert (resolved["source"], resolved["packages"], resolved["removes"]) == (kept, packages, [])
    assert resolved["installs"] == [package for package in packages if package not in installed]


def test_a_source_named_explicitly_switches_and_says_what_goes():
    resolved = resolve("Debian", "Debian", "12", source="distro", installed=["docker-ce", "docker-ce-cli", "containerd.io", "iproute2"])
    assert (resolved["source"], resolved["removes"], resolved["installs"]) == (
        "distro", ["docker-ce", "docker-ce-cli", "containerd.io"], ["docker.io"],
    )  # fmt: skip
    resolved = resolve("Fedora", "RedHat", "41", source="docker-ce", installed=["moby-engine", "podman-docker"])
    assert resolved["removes"] == ["moby-engine", "podman-docker"]


def test_podmans_docker_stops_auto_before_any_change_but_not_an_explicit_source():
    assert resolve("Fedora", "RedHat", "41", source="auto", installed=["podman-docker"])["podman_in_the_way"] is True
    assert resolve("Fedora", "RedHat", "41", source="distro", installed=["podman-docker"])["podman_in_the_way"] is False
    assert resolve("Fedora", "RedHat", "41", source="auto", installed=["podman-docker", "moby-engine"])["podman_in_the_way"] is False


def test_start_method_follows_the_service_manager():
    assert resolve("Debian", "Debian", "12", service_mgr="systemd")["start"] == "systemd"
    assert resolve("Debian", "Debian", "12", service_mgr="sysvinit")["start"] == "direct"


def test_host_tools_include_ping_and_a_static_busybox():
    assert {"iputils-ping", "busybox-static", "iproute2"} <= set(resolve("Debian", "Debian", "12")["host_packages"])
    assert {"iputils", "busybox", "iproute"} <= set(resolve("Fedora", "RedHat", "41")["host_packages"])


@pytest.fixture(scope="module")
def test_key(tmp_path_factory):
    """An armored public key made for the test, and its fingerprint."""
    home = tmp_path_factory.mktemp("gnupg")
    os.chmod(home, 0o700)
    env = dict(os.environ, GNUPGHOME=str(home))
    subprocess.run(
        ["gpg", "--batch", "--passphrase", "", "--quick-gen-key", "vethlab test <test@vethlab.invalid>", "ed25519", "sign", "never"],
        env=env,
        check=True,
        capture_output=True,
    )
    armored = subprocess.run(["gpg", "--armor", "--export"], env=env, check=True, capture_output=True).stdout
    listing = subprocess.run(["gpg", "--with-colons", "--fingerprint"], env=env, check=True, capture_output=True, text=True).stdout
    fingerprint = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))
    key = home / "key.asc"
    key.write_bytes(armored)
    return key, fingerprint


def run_key_check(key, fingerprint, keyring):
    variables = {
        "docker_engine_repo_key_url": "file://%s" % key,
        "docker_engine_repo_key_fingerprint": fingerprint,
        "docker_engine_apt_keyring": str(keyring),
    }
    return ansible_playbook("-i", "inventory/local.yml", "tests/roles/repo_key_playbook.yml", "-e", json.dumps(variables))


def test_a_key_with_the_expected_fingerprint_is_installed(test_key, tmp_path):
    key, fingerprint = test_key
    keyring = tmp_path / "docker.asc"
    code, _, output = run_key_check(key, fingerprint.lower(), keyring)
    assert code == 0, output
    assert keyring.read_bytes() == key.read_bytes()
    assert not (tmp_path / "docker.asc.download").exists()


def test_a_key_with_another_fingerprint_is_refused_and_not_installed(test_key, tmp_path):
    key, _ = test_key
    keyring = tmp_path / "docker.asc"
    code, report, output = run_key_check(key, DEB_KEY, keyring)
    assert code == 2, output
    result = task_result(report, "Refuse a key whose fingerprint is not the expected one")
    assert "not %s" % DEB_KEY in result["msg"] and "no repository was added" in result["msg"]
    assert not keyring.exists()
    assert not (tmp_path / "docker.asc.download").exists()


HOST_TOOLS = ["iproute2", "iputils-ping", "busybox-static", "python3-requests"]


@pytest.mark.parametrize(
    ("service_mgr", "installed", "probed", "work"),
    [
        # A warm machine: nothing to do, so tasks/converge.yml is not even included.
        ("systemd", ["docker.io", *HOST_TOOLS], ["docker-engine answers", "docker-service enabled"], []),
        ("sysvinit", ["docker.io", *HOST_TOOLS], ["docker-engine answers"], []),
        ("systemd", ["docker.io", *HOST_TOOLS], ["docker-engine answers"], ["start"]),  # not enabled at boot
        ("sysvinit", ["docker.io", *HOST_TOOLS], [], ["start"]),
        ("systemd", ["docker.io"], ["docker-engine answers", "docker-service enabled"], ["host tools"]),
        ("systemd", HOST_TOOLS, [], ["packages", "start"]),
    ],
)
def test_what_is_left_to_do_on_a_debian_machine(service_mgr, installed, probed, work):
    assert resolve("Debian", "Debian", "12", source="auto", service_mgr=service_mgr, installed=installed, probed=probed)["work"] == work
