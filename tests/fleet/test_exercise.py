"""The Molecule scenario `exercise`: the classroom cycle on two simulated student machines, over SSH.

The scenario: vethlab prepare (converge), prepare again changing nothing (idempotence), the students type the
lesson - student11 all four lessons, student12 only the first - and the teacher grades (side_effect); its
verifier runs lab-check on each machine and reads the board (two stages). Then, on the same machines: lab-check
(the student's shell: `docker exec NODE lab-check`) and `vethlab grade` agree checkpoint by checkpoint; a break on
student11 is named by both, with the hint; student12, who fell behind, is reset and restored to go on. destroy
removes the nodes and volumes. Cost: about three minutes, in the classroom lane.
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
from pathlib import Path

import pytest

import lab_engine
from lab_engine import BIN, SHORT_SSH_TIMEOUT, docker
from vethlab.cli import control_dir

pytestmark = [pytest.mark.engine, pytest.mark.fleet]

STUDENTS = ["student11", "student12"]


def molecule(step: str) -> subprocess.CompletedProcess:
    return lab_engine.molecule("exercise", step)


@pytest.fixture(scope="module")
def exercise():
    lab_engine.molecule_fresh("exercise")
    try:
        for step in ("create", "converge", "idempotence", "side-effect"):
            molecule(step)
        verify = molecule("verify")
        found = sorted(glob.glob(os.path.expanduser("~/.ansible/tmp/molecule.*.exercise/reports")), key=os.path.getmtime)
        assert found, "the exercise scenario wrote no board"
        yield {"verify": verify.stdout + verify.stderr, "reports": Path(found[-1]), "inventory": str(Path(found[-1]).parent / "inventory")}
    finally:
        lab_engine.molecule("exercise", "destroy")
        assert not [name for name in STUDENTS if docker("ps", "-aq", "--filter", "name=^%s$" % name).strip()]
        assert not [name for name in STUDENTS if docker("volume", "ls", "-q", "--filter", "name=vethlab-%s-docker" % name).strip()]


def vethlab(*argv: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH="%s:%s" % (BIN, os.environ.get("PATH", "")), **SHORT_SSH_TIMEOUT)
    return subprocess.run([str(BIN / "vethlab"), *argv, "-q"], env=env, capture_output=True, text=True, timeout=600)


def on(node: str, *argv: str, lang: str = "en") -> subprocess.CompletedProcess:
    """A command in the student's shell on their machine."""
    return subprocess.run(["docker", "exec", "-e", "LANG=%s" % lang, node, *argv], capture_output=True, text=True, timeout=300)


def lab_check(node: str) -> dict:
    done = on(node, "lab-check", "--json")
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def card(node: str) -> dict:
    """The values on the student's task card (prepare's prepared.json): each machine its own (lab_variants)."""
    return json.loads(on(node, "cat", "/etc/vethlab/prepared.json").stdout)["settings"]


def graded(exercise) -> dict:
    """The last grade of each machine, as the history records it."""
    lines = [json.loads(line) for line in (exercise["reports"] / "grades.jsonl").read_text().splitlines()]
    return {line["machine"]: line for line in lines}


def test_the_scenario_prepares_the_students_type_and_the_board_shows_two_stages(exercise):
    assert "Executing Testinfra tests" in exercise["verify"] and "6 passed" in exercise["verify"], exercise["verify"][-4000:]


def test_lab_check_and_grade_agree_on_every_machine_and_a_break_is_named_by_both(exercise):
    for node in STUDENTS:
        mine = lab_check(node)
        assert {c["id"]: c["status"] for c in mine["checkpoints"]} == graded(exercise)[node]["checkpoints"], node
    # student11 takes alpine-net-02 off the custom network.
    on("student11", "docker", "network", "disconnect", "mynet", "alpine-net-02")
    broken = on("student11", "lab-check", "network", lang="zh_CN.UTF-8")
    assert broken.returncode == 1 and "C14  未通过" in broken.stdout and "提示（C14）：" in broken.stdout
    done = vethlab("grade", "-i", exercise["inventory"], "--lessons", "all")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "student11: stage --link" not in done.stdout and "student11: stage Linking containers (--link)" in done.stdout
    # C16 too: Docker no longer records alpine-net-02 on mynet, whose embedded DNS it asked; C17: alpine-net-02, off every
    # network, has no address, so none of the lesson's pings through it can be asked
    failed = [cid for cid, status in graded(exercise)["student11"]["checkpoints"].items() if status == "failed"]
    assert failed == ["C14", "C15", "C16", "C17"]
    assert {c["id"]: c["status"] for c in lab_check("student11")["checkpoints"]} == graded(exercise)["student11"]["checkpoints"]


def test_each_machine_has_its_own_subnet_and_its_card_says_it(exercise):
    mine, theirs = card("student11"), card("student12")
    assert mine["lab_network_subnet"] != theirs["lab_network_subnet"]
    assert mine["lab_network_subnet"].startswith("10.") and mine["lab_network_subnet"].endswith("/24")
    assert "--subnet %s" % theirs["lab_network_subnet"] in on("student12", "cat", "/etc/vethlab/task-card.md").stdout
    record = json.loads(on("student11", "docker", "network", "inspect", "mynet").stdout)[0]["IPAM"]["Config"][0]
    assert record["Subnet"] == mine["lab_network_subnet"]  # student11 typed its own card's subnet, and passed


def test_a_student_who_fell_behind_is_reset_and_restored_and_goes_on(exercise):
    looked = vethlab("reset", "-i", exercise["inventory"], "-l", "student12", "--check")
    assert "student12: would remove alpine01, alpine02" in looked.stdout, looked.stdout + looked.stderr
    done = vethlab("reset", "-i", exercise["inventory"], "-l", "student12")
    assert done.returncode == 0 and "student12: removed alpine01, alpine02" in done.stdout, done.stdout + done.stderr
    assert lab_check("student12")["checkpoints"][1]["status"] == "not started"
    done = vethlab("restore", "-i", exercise["inventory"], "-l", "student12", "--to", "network")
    assert done.returncode == 0, done.stdout + done.stderr
    # First the classmate's subnet, copied from student11's notes: C13 fails, naming the subnet student12's card gives.
    mine, theirs = card("student12"), card("student11")
    copied = ["network", "create", "--subnet", theirs["lab_network_subnet"], "--gateway", theirs["lab_network_gateway"], "mynet"]
    assert on("student12", "docker", *copied).returncode == 0
    assert on("student12", "docker", "run", "-dit", "--name", "alpine-net-01", "--net", "mynet", "alpine").returncode == 0
    copying = on("student12", "lab-check", "network")
    assert copying.returncode == 1 and "C13  failed" in copying.stdout
    assert "subnet %s (the lesson: %s)" % (theirs["lab_network_subnet"], mine["lab_network_subnet"]) in copying.stdout
    assert on("student12", "docker", "rm", "-f", "alpine-net-01").returncode == 0
    assert on("student12", "docker", "network", "rm", "mynet").returncode == 0
    for argv in (
        [
            "network",
            "create",
            "--driver",
            "bridge",
            "--subnet",
            mine["lab_network_subnet"],
            "--gateway",
            mine["lab_network_gateway"],
            "mynet",
        ],
        ["run", "-dit", "--name", "alpine-net-01", "--net", "mynet", "alpine"],
        ["run", "-dit", "--name", "alpine-net-02", "--net", "mynet", "alpine"],
        ["network", "connect", "mynet", "alpine01"],
    ):
        assert on("student12", "docker", *argv).returncode == 0, argv
    assert on("student12", "lab-check").returncode == 0
    vethlab("grade", "-i", exercise["inventory"], "--lessons", "all", "-l", "student12")
    assert graded(exercise)["student12"]["stage"] == "connect"


@pytest.mark.parametrize(
    ("fault", "failing"),
    [
        ("icmp_dropped", {"C5", "C6", "C7", "C9"}),
        ("address_deleted", {"C2", "C5", "C6", "C7", "C8", "C9"}),
        ("eth0_down", {"C5", "C6", "C7", "C8"}),
        ("wrong_bridge", {"C3", "C4", "C5", "C6", "C7", "C8"}),
    ],
)
def test_a_fault_on_a_students_machine_is_seen_by_lab_check_and_put_back(exercise, fault, failing):
    """vethlab break on student11's working lab (its own firewall: a simulated machine's): lab-check names the
    fault's checkpoints, only the controller's record says which fault it was, and --undo puts back exactly that."""
    done = vethlab("break", "-i", exercise["inventory"], "-l", "student11", "--fault", fault)
    assert done.returncode == 0 and "student11: broken: %s in alpine01" % fault in done.stdout, done.stdout + done.stderr
    assert on("student11", "test", "-e", "/etc/vethlab/faults.json").returncode != 0  # nothing of it on the machine
    mine = lab_check("student11")
    assert {c["id"] for c in mine["checkpoints"] if c["lesson"] == "docker0" and not c["passed"]} == failing
    if fault == "icmp_dropped":
        assert "vethlab-fault" in on("student11", "iptables", "-S", "INPUT").stdout
    if fault == "wrong_bridge":
        a_hand_put_back_veth_leaves_the_arp_entry_learned_on_the_other_bridge()
    done = vethlab("break", "-i", exercise["inventory"], "-l", "student11", "--undo")
    assert done.returncode == 0, done.stdout + done.stderr
    left = [(c["id"], c["detail"]) for c in lab_check("student11")["checkpoints"] if c["lesson"] == "docker0" and not c["passed"]]
    assert not left, left
    assert "vethlab-fault" not in on("student11", "iptables", "-S", "INPUT").stdout


def a_hand_put_back_veth_leaves_the_arp_entry_learned_on_the_other_bridge():
    """On mynet's bridge alpine01 asks who has its gateway 172.17.0.1, and the host answers with that bridge's MAC
    (it answers ARP for any of its addresses on any link). The student puts the veth back on docker0 by hand: the
    wrong MAC stays in alpine01's ARP table until it expires or the host asks alpine01 who it is, so nothing
    between alpine01 and the host answers though every interface looks right. lab-check names the entry, whose MAC
    it is and how to forget it; and the teacher's undo, run next, forgets it (the test above requires lab-check to
    pass at once after it). The host's own entry for alpine01 is held fixed meanwhile (nud permanent, removed
    after): an ARP request from the host would correct alpine01's entry at a moment no test can choose."""
    pid = on("student11", "docker", "inspect", "-f", "{{.State.Pid}}", "alpine01").stdout.strip()
    bridge = "br-" + on("student11", "docker", "network", "inspect", "-f", "{{.Id}}", "mynet").stdout.strip()[:12]
    mac = on("student11", "cat", "/sys/class/net/%s/address" % bridge).stdout.strip()
    address = on("student11", "docker", "inspect", "-f", "{{.NetworkSettings.IPAddress}}", "alpine01").stdout.strip()
    own = on("student11", "docker", "exec", "alpine01", "cat", "/sys/class/net/eth0/address").stdout.strip()
    held = ["ip", "neigh", "replace", address, "lladdr", own, "dev", "docker0", "nud", "permanent"]
    assert on("student11", *held).returncode == 0
    try:
        assert on("student11", "nsenter", "-t", pid, "-n", "ip", "neigh", "flush", "dev", "eth0").returncode == 0
        on("student11", "docker", "exec", "alpine01", "ping", "-c", "1", "-W", "1", "172.17.0.1")  # no reply: the ARP is what counts
        assert mac in on("student11", "docker", "exec", "alpine01", "cat", "/proc/net/arp").stdout
        index = on("student11", "nsenter", "-t", pid, "-n", "ip", "-o", "link", "show", "eth0").stdout.split("@if", 1)[1].split(":")[0]
        links = on("student11", "ip", "-o", "link").stdout.splitlines()
        veth = next(line.split(": ")[1].split("@")[0] for line in links if line.startswith(index + ": "))
        assert veth.startswith("veth") and on("student11", "ip", "link", "set", veth, "master", "docker0").returncode == 0
        left = {c["id"]: c for c in lab_check("student11")["checkpoints"] if c["lesson"] == "docker0" and not c["passed"]}
    finally:
        on("student11", "ip", "neigh", "del", address, "dev", "docker0")
    assert {"C3", "C4", "C8"}.isdisjoint(left) and {"C5", "C6"} <= set(left), sorted(left)
    said = "alpine01's ARP table still gives 172.17.0.1 the MAC %s, which is %s's" % (mac, bridge)
    assert said in left["C5"]["detail"] and "ip neigh flush dev eth0" in left["C5"]["detail"], left["C5"]["detail"]


def test_the_students_own_ping_path_on_their_machine(exercise):
    """sudo lab-check --path on a simulated student machine: the student's own ping captured at every hop of their
    docker0 (the machine's own namespaces and veths), its way printed packet by packet, in both languages."""
    done = on("student11", "lab-check", "--path", "docker0")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "alpine01 → alpine02  [passed]" in done.stdout and "host → alpine01  [passed]" in done.stdout
    assert "ICMP echo request" in done.stdout and "alpine02:eth0" in done.stdout and "C21  passed" in done.stdout
    chinese = on("student11", "lab-check", "--path", "docker0", lang="zh_CN.UTF-8")
    assert chinese.returncode == 0 and "ICMP 回显请求" in chinese.stdout and "主机 → alpine01  [通过]" in chinese.stdout


def test_host_keys_are_learnt_on_purpose_and_a_changed_one_is_never_graded(exercise, tmp_path):
    """The vethlab command checks SSH host keys as ansible-playbook does. An inventory of the teacher's own for
    student11 (the scenario's, without its "StrictHostKeyChecking=no"): vethlab keys records the machine's key next to
    it, a grade then runs; with another key recorded for that address (a student's machine answering for a
    classmate's), the machine is unreachable, "host key changed", and nothing is graded for it."""
    found = subprocess.run(
        [str(BIN / "ansible-inventory"), "-i", exercise["inventory"], "--host", "student11"], capture_output=True, text=True, check=True
    )
    host = json.loads(found.stdout)
    connection = {key: host[key] for key in ("ansible_host", "ansible_port", "ansible_user", "ansible_private_key_file") if host.get(key)}
    settings = {key: value for key, value in host.items() if key.startswith("lab_") and key not in ("lab_report_dir", "lab_variants")}
    inventory = tmp_path / "keys.yml"
    inventory.write_text(json.dumps({"all": {"hosts": {"student11": {**connection, **settings, "ansible_become": True}}}}))
    reports = ["-e", "lab_report_dir=%s" % (tmp_path / "reports")]
    unknown = vethlab("grade", "-i", str(inventory), "--lessons", "docker0", *reports)
    assert unknown.returncode != 0 and "host key unknown" in unknown.stdout, unknown.stdout + unknown.stderr
    done = vethlab("keys", "-i", str(inventory))
    known = tmp_path / ".keys.known_hosts"
    assert done.returncode == 0 and "1 of 1 machines answered; their host keys are in %s" % known in done.stdout, done.stdout + done.stderr
    assert known.read_text().strip()
    done = vethlab("grade", "-i", str(inventory), "--lessons", "docker0", *reports)
    assert done.returncode == 0 and "1 of 1 machines passed every checkpoint." in done.stdout, done.stdout + done.stderr
    # Another key for the same address: the one another machine would show.
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / "other")], check=True)
    other = (tmp_path / "other.pub").read_text().split()
    known.write_text(
        "".join("%s %s %s\n" % (line.split()[0], other[0], other[1]) for line in known.read_text().splitlines() if line.strip())
    )
    # The class's connection kept open (ControlPersist) is closed, as it is 120 s after its last task: the next
    # connection is a new one, and its key is checked.
    for socket in Path(control_dir(known)).iterdir():
        subprocess.run(["ssh", "-o", "ControlPath=%s" % socket, "-O", "exit", "student11"], capture_output=True, timeout=30)
    history = (tmp_path / "reports" / "grades.jsonl").read_text()
    done = vethlab("grade", "-i", str(inventory), "--lessons", "docker0", *reports)
    assert done.returncode != 0 and "student11: host key changed" in done.stdout, done.stdout + done.stderr
    assert (tmp_path / "reports" / "grades.jsonl").read_text() == history  # no grade recorded for it
