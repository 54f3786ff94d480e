"""Helpers for tests that use the real Docker engine and run Ansible on this machine.

No registry is reachable here, so the containers' image is built offline from the
host's static busybox (Debian's ``busybox-static``) with the same code the lab's
``lab_busybox_image`` module uses: alpine's ``ip`` and ``ping`` are busybox, so the
output is alpine's (``eth0@if13``, ``M-DOWN``, no ``group``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from vethlab.module_utils.vethlab_busybox import find_static_busybox, import_changes, rootfs_tar

ROOT = Path(__file__).resolve().parent.parent
BUSYBOX_IMAGE = "vethlab/busybox:test"
BIN = Path(sys.executable).parent
# Every lab run of the tests: no name lookup leaves the machine (DNS on the containers' loopback, where nothing
# answers: the docker0 lesson's C9 asks for a name that must not resolve), a ping that gets no reply gives up after
# 1 s instead of 2 (the cells that must fail, and the cells a test breaks, wait for it), and no ping is captured at
# its hops unless the test looks at the packet path (CAPTURE): the capture waits about 1.4 s of every whole-course run.
LAB_TEST_SETTINGS = json.dumps({"lab_containers_dns": ["127.0.0.1"], "lab_verify_ping_timeout": 1, "lab_capture": False})
# The runs whose packet path (C21, C22, lab.json's packet_path, ping-path.pcapng) a test reads; every run into the same
# report folder takes it too, or the next run's removal of the capture would count as a change.
CAPTURE = ("-e", "lab_capture=true")


def docker(*argv: str) -> str:
    """Run the docker CLI with an argument list; return stdout, raise on failure.

    `docker run` and `docker create` never pull: a missing image is an error, not a
    request to a registry.
    """
    if argv and argv[0] in ("run", "create") and "--pull" not in argv:
        argv = (argv[0], "--pull", "never", *argv[1:])
    result = subprocess.run(("docker", *argv), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError("docker %s failed (%d): %s" % (" ".join(argv), result.returncode, result.stderr.strip()))
    return result.stdout


# The kernel's own numbers for every interface: name, ifindex, iflink (sysfs).
SYSFS_READER = "for d in /sys/class/net/*; do echo ${d##*/} $(cat $d/ifindex) $(cat $d/iflink); done"


def sysfs_links(container: str | None = None) -> dict[str, dict[str, int]]:
    """ifindex and iflink of every interface, on the host or inside a container, as sysfs states them."""
    argv = ["sh", "-c", SYSFS_READER] if container is None else ["docker", "exec", container, "sh", "-c", SYSFS_READER]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    return {name: {"ifindex": int(index), "iflink": int(link)} for name, index, link in (line.split() for line in out.splitlines())}


# The simulated student machines are other machines: containers of this engine with this label, from these
# images (and the class's image, which their scenarios build on the controller under its own name and label).
# make test runs their scenarios beside the lab's tests, so a snapshot of this machine leaves them out.
SIMULATED_MACHINE_LABEL = "vethlab.fleet"
# (vethlab/student-node:..., its -engine and its shapes' -fedora40, -rocky9; the shaping container is labelled too).
SIMULATED_MACHINE_IMAGES = ("vethlab/student-node:", "vethlab/student-node-", "vethlab/busybox-class:")


def engine_state() -> tuple[str, str]:
    """Every container (id, name, state) and every image id of this machine's own (the simulated machines
    left out): equal before and after means nothing changed."""
    containers = docker("ps", "--all", "--format", '{{.ID}} {{.Names}} {{.State}} {{.Label "%s"}}' % SIMULATED_MACHINE_LABEL)
    own = [line.rsplit(" ", 1)[0] for line in containers.splitlines() if not line.endswith(" true")]
    images = docker("images", "--all", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}")
    kept = sorted({line.split()[0] for line in images.splitlines() if not line.split()[-1].startswith(SIMULATED_MACHINE_IMAGES)})
    return "\n".join(own), "\n".join(kept)


# The simulated classes' own Docker networks (molecule/fleet/create.yml): made and removed by the classroom lane,
# which runs beside the lab's tests.
SIMULATED_CLASS_NETWORKS = "vethlab-class-"


def own_networks() -> list[str]:
    """Every Docker network of this machine's own, the simulated classes' left out: equal before and after a
    run means it made or removed none."""
    listed = docker("network", "ls", "--format", "{{.ID}} {{.Name}}").splitlines()
    return sorted(line.split()[0] for line in listed if not line.split()[1].startswith(SIMULATED_CLASS_NETWORKS))


def run(argv: list[str], env: dict | None = None, timeout: int = 30) -> tuple[int, str, str]:
    """Run a command for real, as the modules' ``runner(argv) -> (rc, out, err)`` does."""
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
    return done.returncode, done.stdout, done.stderr


def cut_cable(container: str) -> None:
    """`ip link set eth0 down` inside the container's network namespace (the container itself lacks NET_ADMIN)."""
    pid = docker("inspect", "-f", "{{.State.Pid}}", container).strip()
    subprocess.run(["nsenter", "-t", pid, "-n", "ip", "link", "set", "eth0", "down"], check=True)


# The pid file of this host's own dockerd (the role's docker_engine_direct_pidfile, dockerd's default). The
# simulated machines run their own dockerd, visible here too: a test stops only this one.
ENGINE_PIDFILE = Path("/var/run/docker.pid")


def host_engine_pid() -> int | None:
    """The pid of this host's own dockerd, from its pid file, when that process is a running dockerd."""
    try:
        pid = int(ENGINE_PIDFILE.read_text().strip())
        return pid if Path("/proc/%d/comm" % pid).read_text().strip() == "dockerd" else None
    except (OSError, ValueError):
        return None


def stop_host_engine(sig: int = signal.SIGTERM, wait: float = 60) -> None:
    """Stop this host's own dockerd (by its pid file), and wait until the process is gone."""
    pid = host_engine_pid()
    assert pid is not None, "this host's dockerd is not running (no live pid in %s)" % ENGINE_PIDFILE
    os.kill(pid, sig)
    deadline = time.monotonic() + wait
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid), "dockerd %d survived signal %d" % (pid, sig)


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie waiting for its parent does not)."""
    try:
        return Path("/proc/%d/stat" % pid).read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def engine_available() -> bool:
    return shutil.which("docker") is not None and subprocess.run(("docker", "info"), capture_output=True).returncode == 0


def build_busybox_image(tag: str = BUSYBOX_IMAGE) -> str:
    """Import a busybox-only image unless present (the test suite's own tag)."""
    if docker("images", "-q", tag).strip():
        return tag
    busybox = find_static_busybox()
    applets = subprocess.run((busybox, "--list"), capture_output=True, text=True, check=True).stdout.split()
    subprocess.run(
        ("docker", "import", *import_changes({"vethlab.test": "true"}), "-", tag),
        input=rootfs_tar(busybox, applets),
        capture_output=True,
        check=True,
    )
    return tag


def ansible_playbook(*argv: str, env: dict | None = None) -> tuple[int, dict | None, str]:
    """Run ansible-playbook from the project root with the JSON callback.

    Returns (exit code, the parsed JSON report or None, stderr + stdout tail).
    """
    completed = _ansible_playbook(argv, {"ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json", **(env or {})})
    try:
        report = json.loads(completed.stdout)
    except ValueError:
        report = None
    return completed.returncode, report, completed.stderr + completed.stdout[-4000:]


def on_screen(*argv: str) -> tuple[int, str]:
    """Run ansible-playbook as a person does (the project's own output format, no colours);
    return the exit code and what the screen shows (stdout, then stderr)."""
    completed = _ansible_playbook(argv, {"ANSIBLE_NOCOLOR": "1"})
    return completed.returncode, completed.stdout + completed.stderr


def _ansible_playbook(argv, env: dict) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "PATH": "%s:%s" % (BIN, os.environ.get("PATH", "")),
        **env,
    }
    return subprocess.run(
        [str(BIN / "ansible-playbook"), "-e", LAB_TEST_SETTINGS, *argv], cwd=ROOT, capture_output=True, text=True, env=environment
    )


# For the runs that meet a machine which is down: SSH gives up after 3 s instead of ansible.cfg's 10.
SHORT_SSH_TIMEOUT = {"ANSIBLE_TIMEOUT": "3"}


def molecule(scenario: str, step: str, check: bool = True, timeout: int = 1200, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run one Molecule step of a scenario (Molecule calls ansible-config and pytest from PATH: the venv's)."""
    env = dict(os.environ, PATH="%s:%s" % (BIN, os.environ.get("PATH", "")), NO_COLOR="1", ANSIBLE_FORCE_COLOR="0", **(env or {}))
    done = subprocess.run(
        [str(BIN / "molecule"), step, "--scenario-name", scenario], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if check:
        assert done.returncode == 0, "molecule %s (%s) failed:\n%s" % (step, scenario, (done.stdout + done.stderr)[-8000:])
    return done


def through_runner(private: Path, playbook: str, inventory: str, **options):
    """A playbook of this project run by ansible-runner (as AWX and the vethlab command run it) in ``private``, whose
    artifacts keep its events (job_events/*.json); ``options``: ansible_runner.run's others (extravars, cmdline)."""
    import ansible_runner

    private.mkdir(parents=True, exist_ok=True)
    return ansible_runner.run(
        private_data_dir=str(private),
        project_dir=str(ROOT),
        playbook=str(ROOT / playbook),
        inventory=inventory,
        envvars={"ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "PATH": "%s:%s" % (BIN, os.environ.get("PATH", ""))},
        quiet=True,
        **options,
    )


def molecule_folder(scenario: str) -> Path:
    """The scenario's folder of Molecule's (its state, its inventory, what its playbooks wrote)."""
    from molecule.text import checksum  # how Molecule names the folder: the project folder's name, hashed

    return Path.home() / ".ansible" / "tmp" / ("molecule.%s.%s" % (checksum(ROOT.name, 4), scenario))


def molecule_left(scenario: str) -> bool:
    """Whether an earlier run left anything of a classroom scenario for Molecule's destroy to undo: its state says
    created (Molecule would then skip create) or its ephemeral folder holds more than a destroyed scenario's
    (reports, keys). The nodes themselves, whoever left them, are removed by create.yml first (nodes.sh remove)."""
    folder = molecule_folder(scenario)
    state = folder / "state.yml"
    if not folder.exists():
        return False
    if not state.exists() or any(line.strip() == "created: true" for line in state.read_text().splitlines()):
        return True
    return bool({entry.name for entry in folder.iterdir()} - {"ansible.cfg", "inventory", "state.yml"})


def molecule_fresh(scenario: str) -> None:
    """Molecule's destroy before a scenario's create, only when an earlier run left something of it."""
    if molecule_left(scenario):
        molecule(scenario, "destroy")


def start_execution_node(name: str, image: str, key: Path, network: str | None = None) -> None:
    """A simulated execution node (a worker of `vethlab up --workers`), started anew: the fleet's node image (systemd,
    sshd, Debian's Python 3.11) with this controller's Python environment mounted read-only in place of an execution
    environment built from execution-environment.yml (ansible-core, ansible-runner, the collections) - and its
    interpreter's own folder when that is not the system's (pyenv) - and the teacher's key ``key`` authorized."""
    subprocess.run(["docker", "rm", "-f", name], capture_output=True)
    mounts = ["--volume=%s:%s:ro" % (BIN.parent, BIN.parent)]
    if not sys.base_prefix.startswith("/usr"):
        mounts.append("--volume=%s:%s:ro" % (sys.base_prefix, sys.base_prefix))
    docker(
        "run", "--detach", "--pull=never", "--name", name, "--hostname", name, "--label=vethlab.fleet=true",
        *(["--network=" + network] if network else []), "--cap-add=ALL", "--cap-drop=SYS_RESOURCE",
        "--security-opt=seccomp=unconfined", "--security-opt=apparmor=unconfined", "--cgroupns=host",
        "--volume=/sys/fs/cgroup:/sys/fs/cgroup:rw", "--tmpfs=/run", "--tmpfs=/run/lock", "--tmpfs=/tmp", *mounts, image, "/sbin/init",
    )  # fmt: skip
    docker("exec", name, "sh", "-c", "chmod 0711 /root /root/* 2>/dev/null; true")  # the teacher reaches the mounts
    docker("cp", "%s.pub" % key, "%s:/home/teacher/.ssh/authorized_keys" % name)
    docker("exec", name, "chown", "teacher:teacher", "/home/teacher/.ssh/authorized_keys")


def changed_tasks(report: dict | None, host: str = "localhost") -> list:
    """The tasks that changed something on ``host``, each with what it said (for an assertion's message)."""
    found = []
    for play in (report or {}).get("plays") or []:
        for task in play["tasks"]:
            result = task["hosts"].get(host) or {}
            if result.get("changed"):
                found.append((task["task"]["name"], {key: result[key] for key in ("msg", "written", "results") if key in result}))
    return found


def task_result(report: dict, name: str, host: str = "localhost") -> dict:
    """The result of the last task named ``name`` (ignoring the role prefix) for ``host``."""
    found = None
    for play in report["plays"]:
        for task in play["tasks"]:
            if task["task"]["name"].split(" : ")[-1] == name and host in task["hosts"]:
                found = task["hosts"][host]
    if found is None:
        raise AssertionError("no task %r ran on %s" % (name, host))
    return found
