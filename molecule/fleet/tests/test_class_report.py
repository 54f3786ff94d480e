"""The class report of the simulated classroom, read on the controller (pytest-testinfra verifier).

The machines themselves are verified one by one, over SSH, by test_lab.py (the default scenario's
verifier); this reads what the class report says of them.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

REPORTS = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "reports"
STUDENTS = ["student01", "student02", "student03"]


def test_every_machine_passed_every_checkpoint():
    rows = list(csv.DictReader((REPORTS / "class.csv").open(encoding="utf-8")))
    lab = json.loads((REPORTS / "student01" / "lab.json").read_text(encoding="utf-8"))
    judged = len(lab["checkpoints"])
    # The lessons' own list of their checkpoints, each judged (the docker0 lesson's, here).
    assert judged > 0 and [c["id"] for c in lab["checkpoints"]] == [cid for lesson in lab["lessons"] for cid in lesson["checkpoints"]]
    assert [(r["machine"], r["status"], r["passed"], r["failed"], r["problems"]) for r in rows] == [
        (name, "passed", str(judged), "0", "") for name in STUDENTS
    ]
    summary = json.loads((REPORTS / "summary.json").read_text(encoding="utf-8"))
    assert summary["passed"] is True and summary["counts"]["passed"] == len(STUDENTS)


def test_each_machines_image_came_from_the_controller_not_a_registry():
    for name in STUDENTS:
        assert json.loads((REPORTS / name / "lab.json").read_text(encoding="utf-8"))["image"]["source"] == "controller"
