"""The vethlab_outcomes callback loads on its own, whichever playbook runs.

Ansible loads callbacks before any filter or action plugin: the callback must find vethlab/ and
module_utils/ by itself (it once relied on the filter plugin having put module_utils on the path,
and `ansible-playbook playbooks/docker_engine.yml` skipped it with "No module named 'vethlab_texts'").
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LOAD = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("vethlab_outcomes", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(module.CallbackModule.CALLBACK_NAME)
"""


def test_the_callback_imports_in_a_fresh_interpreter():
    done = subprocess.run(
        [sys.executable, "-I", "-c", LOAD, str(ROOT / "callback_plugins" / "vethlab_outcomes.py")],
        cwd="/",
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "vethlab_outcomes"


def test_the_callbacks_documentation_renders():
    """Its DOCUMENTATION is YAML that ansible-doc renders (a stray ': ' once broke every playbook run)."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-doc"), "-t", "callback", "vethlab_outcomes"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "vethlab_outcomes" in done.stdout, done.stderr
