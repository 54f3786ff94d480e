"""The clever student, on this machine's engine: each trick built as a student would build it in their own
containers - a fake ``ping``, a fake ``ip``, a network made of two hand-edited files, a lesson not begun - and the
judge (lab-check as root, lab-check as a user of the docker group, ``vethlab grade``) failing each checkpoint it
aims at, naming what it found; the honest lesson typed by hand passes every checkpoint in all three.

Cost: about 55 s (three judged states of the lab by lab-check three ways, three grades, the honest lesson with a capture,
containers in the host's and in another's namespace). The judges that only look at one state run side by side; the
ones that capture (--path) alone.
"""

from __future__ import annotations

import grp
import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import pytest

from lab_engine import BIN, ROOT, build_busybox_image, docker
from vethlab.labcheck import build
from vethlab.module_utils.vethlab_netns import enter_argv

pytestmark = [pytest.mark.engine]

CONTAINERS = ["alpine01", "alpine02", "alpine03", "alpine-net-01", "alpine-net-02", "decoy"]
NETWORK = "mynet"
# The lesson's network in a subnet of this test's own, and no name lookup leaving this machine.
SETTINGS = {"lab_network_subnet": "192.168.213.0/24", "lab_network_gateway": "192.168.213.1"}
DNS = ["--dns", "127.0.0.1"]
# A ping that answers every address without sending anything: what a student copies over /bin/ping.
FAKE_PING = '#!/bin/sh\necho "PING $3 ($3): 56 data bytes"\necho "1 packets transmitted, 1 packets received, 0% packet loss"\n'


def pid(name):
    return int(docker("inspect", "--format", "{{.State.Pid}}", name).strip())


def inside(name, script, *args):
    """What the student does in their own container (a shell of the container's, its files)."""
    return docker("exec", name, "sh", "-c", script, "sh", *args)


def replace_binary(name, path, text):
    """A binary of the student's own container replaced by a script, as a student copies one over it."""
    script = 'rm -f "$1" && cat > "$1" && chmod 755 "$1"'
    subprocess.run(["docker", "exec", "-i", name, "sh", "-c", script, "sh", path], input=text, text=True, check=True)


def address_of(name, network="bridge"):
    return docker("inspect", "--format", '{{(index .NetworkSettings.Networks "%s").IPAddress}}' % network, name).strip()


@pytest.fixture
def judge_tools():
    """lab-check as prepare installs it (a file of root's) and prepare's record naming the image by id, in a folder a
    user of the docker group can read; every container and the network this test makes are removed after it."""
    image = build_busybox_image()
    subprocess.run(["docker", "rm", "-f", *CONTAINERS], capture_output=True)
    subprocess.run(["docker", "network", "rm", NETWORK], capture_output=True)
    folder = Path(tempfile.mkdtemp(prefix="vethlab-judge-"))
    folder.chmod(0o755)
    build(folder / "lab-check")
    image_id = docker("image", "inspect", "--format", "{{.Id}}", image).strip()
    record = {"lessons": ["docker0", "link", "network", "connect"], "settings": SETTINGS, "judge_image": image_id}
    (folder / "prepared.json").write_text(json.dumps(record))
    yield {"folder": folder, "image": image}
    subprocess.run(["docker", "rm", "-f", *CONTAINERS], capture_output=True)
    subprocess.run(["docker", "network", "rm", NETWORK], capture_output=True)
    shutil.rmtree(folder)


def lab_check(tools, *lessons, user="root"):
    """lab-check --json as root, or as a user of the docker group (uid 65534 with the docker group, nothing else)."""
    folder = tools["folder"]
    argv = [str(folder / "lab-check"), *lessons, "--json", "--lang", "en"]
    if user != "root":
        argv = ["setpriv", "--reuid", "65534", "--regid", "65534", "--groups", str(grp.getgrnam("docker").gr_gid), *argv]
    env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", "HOME": str(folder), "VETHLAB_PREPARED": str(folder / "prepared.json")}
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return json.loads(done.stdout)


def by_id(result):
    return {c["id"]: c for c in result["checkpoints"]}


def grade(tools, *lessons, path=False):
    reports = tools["folder"] / "reports"
    extra = ["-e", "lab_report_dir=%s" % reports, "-e", json.dumps(SETTINGS), *(["--path"] if path else [])]
    done = subprocess.run(
        [str(BIN / "vethlab"), "grade", "-i", str(ROOT / "inventory" / "local.yml"), "--lessons", *lessons, "-q", *extra],
        capture_output=True,
        text=True,
        timeout=300,
    )
    history = (reports / "grades.jsonl").read_text().splitlines()
    return done, json.loads(history[-1])["checkpoints"]


def side_by_side(*judges):
    """The judges' looks at one state, run at once (each only looks - no capture among them - so their pings' waits
    overlap): their results, in order."""
    with ThreadPoolExecutor(len(judges)) as pool:
        return [future.result() for future in [pool.submit(judge) for judge in judges]]


def test_fake_ping_and_a_network_of_two_files_fail_their_checkpoints_in_lab_check_and_the_grade(judge_tools):
    image = judge_tools["image"]
    for name in ("alpine01", "alpine02"):
        docker("run", "-dit", *DNS, "--name", name, image)
    # A network made of two files: alpine-net-01/02 on the default bridge, each other's name in /etc/hosts by hand,
    # Docker's embedded DNS named in resolv.conf. No docker network create.
    for name in ("alpine-net-01", "alpine-net-02"):
        docker("run", "-dit", *DNS, "--name", name, image)
    for name, other in (("alpine-net-01", "alpine-net-02"), ("alpine-net-02", "alpine-net-01")):
        inside(name, 'echo "$1 $2" >> /etc/hosts && echo "nameserver 127.0.0.11" > /etc/resolv.conf', address_of(other), other)
    # A fake ping: every echo leaving alpine01 and alpine02 dropped in their own namespaces, then /bin/ping replaced.
    for name in ("alpine01", "alpine02"):
        subprocess.run(enter_argv(pid(name), ["iptables", "-A", "OUTPUT", "-p", "icmp", "-j", "DROP"]), check=True)
        replace_binary(name, "/bin/ping", FAKE_PING)
    assert "1 packets received" in docker("exec", "alpine01", "ping", "-c", "1", address_of("alpine02"))  # the trick works

    as_root, as_student, (done, graded) = side_by_side(
        partial(lab_check, judge_tools, "docker0", "network"),
        partial(lab_check, judge_tools, "docker0", "network", user="student"),
        partial(grade, judge_tools, "docker0", "network"),
    )
    seen = by_id(as_root)
    for checkpoint in ("C5", "C6", "C7", "C8"):
        assert seen[checkpoint]["status"] == "failed", seen[checkpoint]
        assert "0 of 1 echo requests answered" in seen[checkpoint]["detail"]
    assert seen["C15"]["status"] == "failed" and seen["C16"]["status"] == "failed"
    assert "Docker has no network mynet" in seen["C15"]["detail"]
    assert "/etc/hosts has a line Docker did not write (%s alpine-net-02)" % address_of("alpine-net-02") in seen["C15"]["detail"]
    assert "Docker has no network mynet" in seen["C16"]["detail"]
    # The docker group's lab-check and the teacher's grade say the same of every checkpoint.
    statuses = {cid: c["status"] for cid, c in seen.items()}
    assert {cid: c["status"] for cid, c in by_id(as_student).items()} == statuses
    assert done.returncode == 1, done.stdout + done.stderr
    assert graded == statuses


def test_a_fake_ip_and_a_lesson_not_begun_pass_nothing_and_the_honest_lesson_passes_everything(judge_tools):
    image = judge_tools["image"]
    # The honest docker0, link and network lessons, typed as the card says.
    docker("run", "-dit", *DNS, "--name", "alpine01", image)
    docker("run", "-dit", *DNS, "--name", "alpine02", image)
    docker("run", "-dit", *DNS, "--name", "alpine03", "--link", "alpine02", image)
    docker(
        "network",
        "create",
        "--driver",
        "bridge",
        "--subnet",
        SETTINGS["lab_network_subnet"],
        "--gateway",
        SETTINGS["lab_network_gateway"],
        NETWORK,
    )
    docker("run", "-dit", "--name", "alpine-net-01", "--net", NETWORK, image)
    docker("run", "-dit", "--name", "alpine-net-02", "--net", NETWORK, image)
    # A fake ip: alpine01's `ip addr` prints a second interface copied from a decoy container on mynet.
    docker("run", "-dit", "--name", "decoy", "--net", NETWORK, image)
    decoy = docker("exec", "decoy", "ip", "addr", "show", "eth0").replace("eth0", "eth1")
    real = docker("exec", "alpine01", "ip", "addr")
    path = inside("alpine01", 'for p in /sbin/ip /bin/ip; do [ -e "$p" ] && echo "$p" && break; done').strip()  # alpine's, busybox's
    replace_binary("alpine01", path, "#!/bin/sh\ncat <<'EOF'\n%sEOF\n" % (real + decoy))
    assert "eth1" in docker("exec", "alpine01", "ip", "addr")  # the trick works

    as_root, as_student = side_by_side(partial(lab_check, judge_tools, "all"), partial(lab_check, judge_tools, "all", user="student"))
    seen = by_id(as_root)
    assert [cid for cid, c in seen.items() if c["status"] != "passed"] == ["C18", "C19", "C20"]
    # The connect lesson is not begun (Docker records alpine01 on bridge only): nothing of it passed, C20 neither.
    assert all(seen[cid]["status"] == "not started" and not seen[cid]["passed"] for cid in ("C18", "C19", "C20"))
    assert "Docker does not record alpine01 on the network mynet" in seen["C18"]["detail"]
    assert by_id(as_student).keys() == seen.keys()

    # The lesson done: connected for real, every checkpoint passes - as root with the capture (C21, C22) too.
    docker("network", "connect", NETWORK, "alpine01")
    for user, result in zip(
        ("root", "student"), side_by_side(*(partial(lab_check, judge_tools, "all", user=user) for user in ("root", "student")))
    ):
        assert [cid for cid, c in by_id(result).items() if c["status"] != "passed"] == [], (user, result)
    captured = by_id(lab_check(judge_tools, "all", "--path"))
    assert captured["C21"]["passed"] and captured["C22"]["passed"] and len(captured) == 22
    # The teacher's grade with the capture (vethlab grade --path) records all 22 passed too.
    done, graded = grade(judge_tools, "all", path=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert graded == {cid: "passed" for cid in captured}


def test_a_container_in_the_hosts_or_anothers_namespace_passes_nothing_of_its_own(judge_tools):
    image = judge_tools["image"]
    # --network host: alpine01's namespace is this machine's; its "eth0" would be the uplink, its address the host's.
    docker("run", "-dit", *DNS, "--name", "alpine01", "--network", "host", image)
    docker("run", "-dit", *DNS, "--name", "alpine02", image)
    as_root, as_student, (done, graded) = side_by_side(
        partial(lab_check, judge_tools, "docker0"),
        partial(lab_check, judge_tools, "docker0", user="student"),
        partial(grade, judge_tools, "docker0"),
    )
    seen = by_id(as_root)
    failed = [cid for cid, c in seen.items() if c["status"] == "failed"]
    assert failed == ["C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9"], seen
    own = "its network namespace is this machine's own (--network host): it has no eth0 of its own"
    assert "alpine01: no eth0 (%s)" % own in seen["C2"]["detail"]
    # C8 asks no cell of alpine01's: before, alpine02 -> alpine01 pinged the host's own address and passed.
    assert seen["C8"]["detail"] == "alpine01: %s; no ping from it or to it crosses a veth pair" % own
    statuses = {cid: c["status"] for cid, c in seen.items()}
    assert {cid: c["status"] for cid, c in by_id(as_student).items()} == statuses
    assert done.returncode == 1, done.stdout + done.stderr
    assert graded == statuses

    # --network container:alpine02: alpine01 shows alpine02's eth0; alpine02, whose namespace it is, keeps its own.
    docker("rm", "-f", "alpine01")
    docker("run", "-dit", "--name", "alpine01", "--network", "container:alpine02", image)
    as_root, as_student = side_by_side(
        partial(lab_check, judge_tools, "docker0"), partial(lab_check, judge_tools, "docker0", user="student")
    )
    seen = by_id(as_root)
    assert [cid for cid, c in seen.items() if c["status"] == "failed"] == ["C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9"]
    shared = "it shares alpine02's network namespace (--network container:alpine02): it has no eth0 of its own"
    assert "alpine01: no eth0 (%s)" % shared in seen["C2"]["detail"]
    assert "alpine02: eth0@if" in seen["C3"]["detail"] and "(master docker0)" in seen["C3"]["detail"]  # alpine02's own pair
    assert {cid: c["status"] for cid, c in by_id(as_student).items()} == {cid: c["status"] for cid, c in seen.items()}
