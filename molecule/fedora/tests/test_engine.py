"""The engine each machine got through dnf (pytest-testinfra verifier of the fedora scenario).

On fedora40 lab.yml installed Fedora's moby-engine from the `fedora` repository; on rocky9 Docker's
docker-ce from the docker-ce-stable repository the role added, after importing Docker's key (checked by
fingerprint). Both started and enabled by systemd; every package signed and checked (gpgcheck=1), and rpm's
database names the key that signed it. firewalld still runs on fedora40: the lab did not touch it.
"""

from __future__ import annotations

import re

import pytest

ENGINES = {
    "fedora40": {"moby-engine": "fedora", "containerd": "fedora", "runc": "updates"},
    "rocky9": {"docker-ce": "docker-ce-stable", "docker-ce-cli": "docker-ce-stable", "containerd.io": "docker-ce-stable"},
}


@pytest.fixture(scope="module")
def name(host):
    return host.ansible.get_variables()["inventory_hostname"]


def from_repo(host, package):
    """The repository dnf installed a package from (dnf's own record, as `dnf info --installed` says it)."""
    with host.sudo():
        out = host.check_output("dnf --quiet --cacheonly info --installed %s" % package)
    found = re.search(r"^From repo\s*:\s*(\S+)", out, re.MULTILINE)
    return found.group(1) if found else None


def test_the_engine_came_from_its_repository_through_dnf(host, name):
    for package, repository in ENGINES[name].items():
        assert host.package(package).is_installed, "%s: %s is not installed" % (name, package)
        assert from_repo(host, package) == repository, "%s: %s did not come from %s" % (name, package, repository)
    other = "docker-ce" if name == "fedora40" else "moby-engine"
    assert not host.package(other).is_installed


def test_every_package_is_signed_by_a_key_rpm_knows(host, name):
    with host.sudo():
        keys = host.check_output("rpm -q gpg-pubkey --qf '%{VERSION}\\n'").split()
        for package in ENGINES[name]:
            signature = host.check_output("rpm -q --qf '%%{RSAHEADER:pgpsig}' %s" % package)
            key_id = signature.rsplit("Key ID ", 1)[-1].strip()
            assert key_id[-8:] in keys, "%s: %s is signed by %s, which rpm does not know (%s)" % (name, package, signature, keys)


def test_docker_repository_checks_signatures(host, name):
    if name != "rocky9":
        assert not host.file("/etc/yum.repos.d/docker-ce-stable.repo").exists  # Fedora's own engine: no Docker repository
        return
    repo = host.file("/etc/yum.repos.d/docker-ce-stable.repo").content_string
    assert re.search(r"^gpgcheck\s*=\s*1$", repo, re.MULTILINE), repo
    assert "vethlab-fedora-mirror/docker-ce/centos/$releasever/$basearch/stable" in repo


def test_systemd_runs_the_engine(host, name):
    docker = host.service("docker")
    assert docker.is_running and docker.is_enabled, name


def test_firewalld_still_runs_on_fedora(host, name):
    if name == "fedora40":
        assert host.service("firewalld").is_running
        assert host.run("firewall-cmd --state").stdout.strip() == "running"
