"""Shared test set-up: the tests' own helpers on the path, and fixture loaders. The project's code
is imported as it is installed (make venv): vethlab, and module_utils/ as vethlab.module_utils."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The tests' helpers (lab_engine, chromium) are imported by name from test files in subfolders.
if str(FIXTURES.parent) not in sys.path:
    sys.path.insert(0, str(FIXTURES.parent))

CAPTURED = sorted(path.name for path in (FIXTURES / "captured").iterdir() if path.is_dir())


def load_library_module(name: str):
    """A module of library/, imported here as Ansible runs it on a host: each module_utils/ file
    answers to ansible.module_utils.<name>, as AnsiballZ ships it (the same module objects as
    vethlab.module_utils.<name>)."""
    import importlib
    import importlib.util

    for path in sorted((ROOT / "module_utils").glob("vethlab_*.py")):
        sys.modules.setdefault("ansible.module_utils." + path.stem, importlib.import_module("vethlab.module_utils." + path.stem))
    spec = importlib.util.spec_from_file_location(name, ROOT / "library" / (name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_action_plugin(name: str):
    """An action plugin of action_plugins/, imported here to call its functions in-process."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("vethlab_test_" + name, ROOT / "action_plugins" / (name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_fixture(*parts: str) -> str:
    return FIXTURES.joinpath(*parts).read_text(encoding="utf-8")


def load_captured(scenario: str, host_format: str, container_format: str) -> tuple[str, dict[str, str], dict]:
    """Host output, container outputs and sysfs truth of one captured scenario.

    host_format is ``txt`` or ``json``; container_format ``busybox.txt``,
    ``iproute2.txt`` or ``iproute2.json``.
    """
    base = FIXTURES / "captured" / scenario
    truth = json.loads((base / "truth.json").read_text())
    host = (base / ("host." + host_format)).read_text()
    containers = {name: (base / "containers" / ("%s.%s" % (name, container_format))).read_text() for name in truth["containers"]}
    return host, containers, truth


def pairs_from_truth(truth: dict) -> set[tuple]:
    """The veth pairs as the kernel states them in sysfs: both iflinks cross over."""
    host = truth["host"]
    by_index = {values["ifindex"]: name for name, values in host.items()}
    expected = set()
    for container, interfaces in truth["containers"].items():
        for name, values in interfaces.items():
            if values["iflink"] == values["ifindex"]:
                continue  # lo and other interfaces that are their own link
            peer = by_index.get(values["iflink"])
            if peer is not None and host[peer]["iflink"] == values["ifindex"]:
                expected.add((container, name, values["ifindex"], peer, host[peer]["ifindex"]))
    return expected


def pair_tuples(result: dict) -> set[tuple]:
    """veth_pairs' pairs in the shape of pairs_from_truth."""
    fields = ("container", "container_interface", "container_ifindex", "host_interface", "host_ifindex")
    return {tuple(pair[field] for field in fields) for pair in result["pairs"]}


@pytest.fixture
def lesson():
    return {
        "host": read_fixture("lesson", "host.txt"),
        "alpine01": read_fixture("lesson", "alpine01.txt"),
        "alpine01_exec": read_fixture("lesson", "alpine01-exec.txt"),
    }


# --cpu-account: where a lane's time goes, test by test - its wall time, the test process's own CPU, the CPU of the
# processes it waited for (ansible-playbook, molecule, docker; not the simulated machines' own) and the whole machine's
# busy CPU meanwhile (everything: dockerd, the simulated machines, anything else running). docs/performance.md reads
# its per-file table.
def pytest_addoption(parser):
    parser.addoption("--cpu-account", metavar="FILE", help="write each test's wall time and CPU (JSON lines) to FILE and sum them by file")


def _machine_busy_seconds() -> float:
    """This machine's busy CPU time so far (/proc/stat: user, nice, system, irq, softirq, steal)."""
    with open("/proc/stat", encoding="ascii") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:]]
    return sum(ticks[index] for index in (0, 1, 2, 5, 6, 7)) / os.sysconf("SC_CLK_TCK")


def pytest_configure(config):
    path = config.getoption("--cpu-account", None)
    if path and not config.option.collectonly and not hasattr(config, "workerinput"):  # one run's rows: begun again
        Path(path).write_text("", encoding="utf-8")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    path = item.config.getoption("--cpu-account")
    if not path:
        yield
        return

    def cpu(who: int) -> float:
        usage = resource.getrusage(who)
        return usage.ru_utime + usage.ru_stime

    started, own, children, machine = time.monotonic(), cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN), _machine_busy_seconds()
    yield
    row = {
        "test": item.nodeid,
        "wall": round(time.monotonic() - started, 2),
        "own_cpu": round(cpu(resource.RUSAGE_SELF) - own, 2),
        "children_cpu": round(cpu(resource.RUSAGE_CHILDREN) - children, 2),
        "machine_cpu": round(_machine_busy_seconds() - machine, 2),
    }
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(row) + "\n")


ACCOUNTED = ("wall", "own_cpu", "children_cpu", "machine_cpu")


def pytest_terminal_summary(terminalreporter, config):
    path = config.getoption("--cpu-account")
    if not path or config.option.collectonly or not Path(path).exists():
        return
    by_file: dict[str, list[float]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        sums = by_file.setdefault(row["test"].split("::")[0], [0.0, 0.0, 0.0, 0.0])
        for index, key in enumerate(ACCOUNTED):
            sums[index] += row[key]
    terminalreporter.section("time and CPU by file (%s)" % path)
    terminalreporter.write_line("%8s %10s %14s %14s  file" % ("wall s", "own CPU s", "waited CPU s", "machine CPU s"))
    for name, sums in sorted(by_file.items(), key=lambda item: -item[1][3]):
        terminalreporter.write_line("%8.1f %10.1f %14.1f %14.1f  %s" % (*sums, name))
    totals = [sum(sums[index] for sums in by_file.values()) for index in range(len(ACCOUNTED))]
    terminalreporter.write_line("%8.1f %10.1f %14.1f %14.1f  all" % tuple(totals))
