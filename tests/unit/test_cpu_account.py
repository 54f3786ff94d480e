"""pytest --cpu-account FILE (tests/conftest.py): each test's wall time, its own CPU, the CPU of the processes it
waited for and the machine's busy CPU, one JSON line each, and a table by file. Run here on a test file whose one
test spends CPU in a child process and the other in itself."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT

BUSY_CHILD = """
import subprocess
import sys
import time


SPIN = "import time\\nend = time.process_time() + 0.4\\nwhile time.process_time() < end: pass"


def test_a_child_that_spends_cpu():
    subprocess.run([sys.executable, "-c", SPIN], check=True)


def test_nothing_waited_for():
    end = time.process_time() + 0.3
    while time.process_time() < end:  # the test's own CPU, not a child's
        pass
"""


def test_each_test_has_its_row_with_its_own_cpu_and_its_childrens(tmp_path):
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "conftest.py").write_text((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "fixtures" / "captured").mkdir(parents=True)  # what the tests' conftest reads at import
    (folder / "test_busy.py").write_text(BUSY_CHILD, encoding="utf-8")
    account = tmp_path / "cpu.jsonl"
    account.write_text('{"test": "an earlier run"}\n', encoding="utf-8")  # begun again by the next run
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(folder)]
    done = subprocess.run([*pytest, "--cpu-account", str(account), str(folder)], capture_output=True, text=True, cwd=folder, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {row["test"].rsplit("::", 1)[1]: row for row in map(json.loads, account.read_text().splitlines())}
    assert sorted(rows) == ["test_a_child_that_spends_cpu", "test_nothing_waited_for"]
    busy, idle = rows["test_a_child_that_spends_cpu"], rows["test_nothing_waited_for"]
    assert busy["children_cpu"] >= 0.35 and busy["machine_cpu"] >= 0.35 and busy["wall"] >= 0.35, busy
    assert idle["children_cpu"] < 0.1 and idle["own_cpu"] >= 0.25 and busy["own_cpu"] < 0.25, (idle, busy)
    assert "time and CPU by file" in done.stdout and "test_busy.py" in done.stdout
