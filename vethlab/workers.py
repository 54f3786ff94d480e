"""Past one controller: a class run in slices on execution nodes, the way AWX runs a sliced job.

The class's machines are split as AWX slices a job (``slices``: sorted by name, slice k takes every N-th from k).
Each slice is sent to a worker over SSH through ansible-runner's own stream - ``transmit`` here, ``ansible-runner
worker`` there, ``process`` here again - the stream AWX sends to its execution nodes. A slice carries the project,
the inventory, the class's known host keys, the class's secret (VETHLAB_CLASS_SECRET: a worker never makes one) and,
when given, the key of the students' machines (loaded into an ssh-agent on the worker, as AWX does with a machine
credential). The worker writes the slice's report folder into its artifacts, which ``process`` brings back with the
events; the events feed the live table here. A slice whose worker is lost (its report folder did not come back) is run once more;
then its machines are shown unreachable with the worker's reason. The slices' report folders are merged into the
class's (report.merge_reports), which is the only write to the class's folder.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from vethlab.machine_report import run_owner
from vethlab.module_utils.vethlab_lock import GONE_VARIABLE, newest_gone

# What a slice does not carry of the project: the controller's own environment, its reports and caches, the tests.
NOT_SENT = (".*", "reports", "tests", "molecule", "docs", "scripts", "__pycache__", "*.egg-info")
# A slice's folder on its worker: /tmp/vethlab-slice-<run>-<slice>-<try>, removed when the slice ends (worker --delete).
WORKER_FOLDER = "/tmp/vethlab-slice-%s-%d-%d"
# The lab's runs of slices this controller gave up (a worker lost, Ctrl-C), kept next to the class's inventory: every
# later slice names them gone, so the locks they left on the machines are taken at once, not after lab_lock_stale_after.
GONE_SUFFIX = ".vethlab-gone-runs"


def gone_runs(path: Path, add=(), now=None) -> list[str]:
    """The class's given-up runs that a run names (vethlab_lock.newest_gone: the last six hours, the newest 20), after
    adding ``add`` (and writing them back)."""
    from vethlab.files import write_if_changed

    now = time.time() if now is None else now
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        kept = {run: at for run, at in kept.items() if isinstance(at, (int, float))} if isinstance(kept, dict) else {}
    except (OSError, ValueError):
        kept = {}
    kept.update(dict.fromkeys(add, now))
    recent = newest_gone(kept, now)
    if add:
        write_if_changed(path, json.dumps({run: kept[run] for run in recent}, indent=1).encode("utf-8"), mode=0o600)
    return recent


def settings_owner(event: dict) -> dict:
    """The run's owner, from the settings step's event (machine_report.run_owner); {} from any other event."""
    data = event.get("event_data") or {}
    if event.get("event") != "runner_on_ok":
        return {}
    return run_owner(data.get("resolved_action") or data.get("task_action"), data.get("res"))


# What the worker writes where process brings it back (its artifacts): the slice's report folder.
SLICE_REPORTS = "class"


def slices(hosts: list[str], count: int) -> list[list[str]]:
    """AWX's slicing: the hosts sorted by name, slice k every ``count``-th from k; no empty slice."""
    ordered = sorted(hosts)
    return [part for part in (ordered[k::count] for k in range(max(1, count))) if part]


def parse_worker(text: str) -> tuple[str, str | None]:
    """``[user@]host[:port]`` as an SSH destination and its port; ValueError naming what is wrong."""
    text = text.strip()
    destination, _, port = text.rpartition(":") if text.count(":") == 1 else (text, "", "")
    if not destination or destination.startswith("-") or any(c.isspace() for c in destination):
        raise ValueError("%r is not a worker: give [user@]host[:port]" % text)
    if port and not port.isdigit():
        raise ValueError("%r is not a worker: its port %r is not a number" % (text, port))
    return destination, port or None


def worker_argv(worker: str, command: str, known_hosts: Path, trust_new_keys: bool = False) -> list[str]:
    """The SSH command that starts ansible-runner's worker on ``worker`` (its host key checked against the class's
    known_hosts, then the user's; ssh's accept-new only with ``trust_new_keys``)."""
    destination, port = parse_worker(worker)
    files = "UserKnownHostsFile=%s %s" % (known_hosts, os.path.expanduser("~/.ssh/known_hosts"))
    argv = ["ssh", "-o", "BatchMode=yes", "-o", files, "-o", "StrictHostKeyChecking=%s" % ("accept-new" if trust_new_keys else "yes")]
    # A worker that goes away mid-run (its machine off, its network gone) is given up after 15 s of silence.
    argv += ["-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3"]
    return argv + (["-p", port] if port else []) + [destination, "--", command]


def slice_folder(private: Path, project: Path, inventory: str, known_hosts: Path) -> None:
    """What transmit sends of a slice: the project, the inventory (under its own name: it names the class) and the
    class's known host keys."""
    shutil.copytree(project, private / "project", ignore=shutil.ignore_patterns(*NOT_SENT), symlinks=True)
    source = Path(inventory)
    (private / "inventory").mkdir(parents=True)
    if source.is_dir():
        shutil.copytree(source, private / "inventory" / source.name)
    else:
        shutil.copy2(source, private / "inventory" / source.name)
    shutil.copy2(known_hosts, private / "known_hosts") if known_hosts.is_file() else (private / "known_hosts").touch()


def slice_options(there: str, ident: str, inventory: str, hosts: list[str], cmdline: list[str], secret: bytes, ssh_key: str | None) -> dict:
    """The run a worker makes of one slice (ansible-runner's arguments; paths are the worker's, under ``there``)."""
    artifacts = "%s/artifacts/%s" % (there, ident)
    cmdline = [*cmdline, "-e", json.dumps({"lab_report_dir": "%s/%s" % (artifacts, SLICE_REPORTS)})]
    options = {
        "ident": ident,
        "playbook": "lab.yml",
        "inventory": Path(inventory).name,  # under the slice's inventory/ (ansible-runner: a name there, not content)
        "limit": ",".join(hosts),
        "cmdline": " ".join(shlex.quote(part) for part in cmdline),
        "fact_cache_type": "ansible.cfg",
        "envvars": {
            "ANSIBLE_CONFIG": "%s/project/ansible.cfg" % there,
            "ANSIBLE_CALLBACK_PLUGINS": "%s/project/callback_plugins" % there,
            "PYTHONPATH": "%s/project" % there,  # the project's own vethlab package, as sent
            # The worker's own day-long fact cache (ansible.cfg's rule), kept across slices: not gathered every run.
            "ANSIBLE_CACHE_PLUGIN_CONNECTION": "~/.ansible/vethlab/facts",
            "ANSIBLE_HOST_KEY_CHECKING": "True",
            "ANSIBLE_SSH_COMMON_ARGS": "-o UserKnownHostsFile=%s/known_hosts" % there,
            "VETHLAB_CLASS_SECRET": secret.decode("ascii"),
        },
    }
    if ssh_key:
        options["ssh_key"] = ssh_key
    return options


class SliceRun:
    """One slice on one worker: transmit | ssh worker | process; its report folder once back."""

    def __init__(self, number: int, hosts: list[str], worker: str, private: Path, ident: str):
        self.number, self.hosts, self.worker, self.private, self.ident = number, hosts, worker, private, ident
        self.error = ""
        self.runs = set()  # the lab's run ids this slice's run used (its settings step says them): named gone on a retry
        self.retried_after = ""  # what lost the slice's first try, when it was run again

    def run(self, argv: list[str], options: dict, handler, running: dict) -> bool:
        """Run the slice; return whether its report folder came back (its summary.json: the callback writes it when
        the run ends), else False with ``self.error`` saying why. Its ssh process is in ``running`` while it runs
        (Ctrl-C ends it)."""
        import ansible_runner

        ident = self.ident
        with subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as worker:
            running[id(self)] = worker
            said = []
            errors = threading.Thread(target=lambda: said.append(worker.stderr.read()), daemon=True)
            errors.start()

            def transmit():
                try:
                    ansible_runner.run(streamer="transmit", _output=worker.stdin, private_data_dir=str(self.private), **options)
                except (BrokenPipeError, OSError):
                    pass  # the worker went away: process sees the stream end
                finally:
                    try:
                        worker.stdin.close()
                    except OSError:
                        pass

            sender = threading.Thread(target=transmit, daemon=True)
            sender.start()
            status = {}
            try:
                ansible_runner.run(
                    streamer="process",
                    _input=worker.stdout,
                    private_data_dir=str(self.private),
                    ident=ident,
                    event_handler=lambda event: self.noted(event) and handler(event),
                    status_handler=lambda data, runner_config=None: status.update(data),
                    quiet=True,
                )
            except Exception as error:  # noqa: BLE001 - a stream cut in the middle: the slice is lost, said below
                status.setdefault("job_explanation", str(error))
            sender.join(timeout=5)
            worker.wait()
            errors.join(timeout=5)
            running.pop(id(self), None)
        if (self.reports / "summary.json").is_file():
            return True
        # Why: what ssh or the worker said last on stderr, else its exit and what ansible-runner made of the stream.
        stderr = [line for line in b"".join(said).decode("utf-8", "replace").splitlines() if line.strip()]
        explained = [line for line in (status.get("job_explanation") or "").splitlines() if line.strip()]
        ended = "the worker ended (exit %s) before the slice's report came back" % worker.returncode
        self.error = (stderr[-1] if stderr else ended + (" - %s" % explained[-1] if explained else ""))[:300]
        return False

    def noted(self, event: dict) -> bool:
        """Keep the lab's run id when the settings step gives it (its lock's owner on each machine)."""
        run = settings_owner(event).get("run")
        if run:
            self.runs.add(run)
        return True

    @property
    def reports(self) -> Path:
        return self.private / "artifacts" / self.ident / SLICE_REPORTS


def cancel(worker: str, run_id: str, known_hosts: Path, trust_new_keys: bool = False) -> None:
    """End what this run's slices still run on ``worker`` (ansible-runner's worker, ansible-playbook, its ssh-agent:
    each names the slice's folder, /tmp/vethlab-slice-<run>-...), as AWX cancels a job on an execution node. The
    pattern's first character in brackets: the shell that runs pkill there does not match it."""
    pattern = "[/]tmp/vethlab-slice-%s-" % run_id
    try:
        subprocess.run(
            worker_argv(worker, "pkill -TERM -f %s" % shlex.quote(pattern), known_hosts, trust_new_keys), capture_output=True, timeout=20
        )
    except (OSError, subprocess.TimeoutExpired):
        pass  # a worker that cannot be reached: its slice's runs are named gone all the same


def lost_slice_folder(folder: Path, roster: list[str], lost: SliceRun, languages: list[str]) -> Path:
    """A report folder for a slice no worker completed: its machines unreachable, the worker's reason given."""
    from vethlab.report import UNREACHABLE, now, render_class_report

    message = "%s (worker %s)" % (lost.error, lost.worker)
    outcomes = {
        host: {
            "status": UNREACHABLE,
            "reason": message,
            "reason_parts": [("reason.worker_lost", {"worker": lost.worker, "message": lost.error})],
            "report": None,
        }
        for host in lost.hosts
    }
    run = {"at": now(), "mode": "run", "limit": ",".join(lost.hosts), "playbook": "lab.yml"}
    render_class_report(folder, roster, outcomes, run, None, languages)
    return folder


def run_sliced(
    *,
    project: Path,
    inventory: str,
    roster: list[str],
    hosts: list[str],
    workers: list[str],
    count: int,
    command: str,
    cmdline: list[str],
    secret: bytes,
    ssh_key: str | None,
    known_hosts: Path,
    handler,
    out: Path,
    languages: list[str],
    trust_new_keys: bool = False,
    gone_file: Path | None = None,
) -> tuple[dict, list[SliceRun]]:
    """Run ``hosts`` in ``count`` slices over ``workers`` (slice k on worker k mod W), each lost slice once more on
    the next worker, then merge every slice's report folder into ``out``. Returns the class summary and the slices.
    Ctrl-C (KeyboardInterrupt) ends every slice's ssh, keeps their runs as given up, writes no report and is raised
    again. ``gone_file`` keeps the given-up runs (gone_runs)."""
    from vethlab.report import merge_reports

    run_id = uuid.uuid4().hex[:8]
    parts = slices(hosts, count)
    stop, running, given_up = threading.Event(), {}, set()
    told = gone_runs(gone_file) if gone_file else []
    with tempfile.TemporaryDirectory(prefix="vethlab-slices-") as scratch:
        scratch = Path(scratch)

        def attempt(number: int, part: list[str], tries: int = 2) -> SliceRun:
            lost = None
            for attempt_number in range(tries):
                worker = workers[(number + attempt_number) % len(workers)]
                private = scratch / ("slice%d-%d" % (number, attempt_number))
                slice_folder(private, project, inventory, known_hosts)
                there = WORKER_FOLDER % (run_id, number, attempt_number)
                ident = "slice%d" % number
                run = SliceRun(number, part, worker, private, ident)
                options = slice_options(there, ident, inventory, part, cmdline, secret, ssh_key)
                # Runs given up hold the machines' locks: named gone, their locks taken at once.
                gone = sorted(set(told) | given_up | (lost.runs if lost else set()))
                if gone:
                    options["envvars"][GONE_VARIABLE] = ",".join(gone)
                if lost is not None:
                    run.retried_after = "%s: %s" % (lost.worker, lost.error)
                argv = worker_argv(worker, "%s --private-data-dir %s --delete" % (command, shlex.quote(there)), known_hosts, trust_new_keys)
                if stop.is_set():
                    run.error = "interrupted (Ctrl-C)"
                    return run
                if run.run(argv, options, handler, running):
                    return run
                given_up.update(run.runs)
                lost = run
            return run

        pool = ThreadPoolExecutor(max_workers=len(parts))
        futures = [pool.submit(attempt, number, part) for number, part in enumerate(parts)]
        try:
            while not all(future.done() for future in futures):
                time.sleep(0.2)  # the main thread waits here, where Ctrl-C reaches it
        except KeyboardInterrupt:
            stop.set()
            for process in list(running.values()):
                process.terminate()
            for worker in sorted(set(workers)):  # the slices' processes there end too, not only the streams here
                cancel(worker, run_id, known_hosts, trust_new_keys)
            pool.shutdown(wait=True)
            if gone_file:
                ended = [future.result() for future in futures if future.exception() is None]
                gone_runs(gone_file, given_up | {run for slice_run in ended for run in slice_run.runs})
            raise
        pool.shutdown(wait=True)
        done = [future.result() for future in futures]
        if gone_file and given_up:
            gone_runs(gone_file, given_up)
        folders = []
        for run in done:
            if run.error:
                folders.append(lost_slice_folder(scratch / ("lost%d" % run.number), roster, run, languages))
            else:
                folders.append(run.reports)
        summary = merge_reports(out, folders, languages)
    return summary, done
