"""The gradebooks' files as a grade run writes them (the real lab_grade_board action, in a real Ansible run, no
engine): the inventory's identities and lab_grade_points reach Moodle's and Canvas's CSV, and a grade of one machine
(-l) updates that machine's rows and keeps the rest of the class."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLAY = ROOT / "tests" / "fixtures" / "grade" / "board_play.yml"
DOCKER0 = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9"]


def judged(failing=()):
    checkpoints = [
        {"id": cid, "lesson": "docker0", "status": "failed" if cid in failing else "passed", "passed": cid not in failing}
        for cid in DOCKER0
    ]
    return {"checkpoints": checkpoints, "lessons": [{"id": "docker0", "passed": not failing}], "stage": None if failing else "docker0"}


def grade(tmp_path, judged_by_host, *argv):
    inventory = {
        "all": {
            "hosts": {
                "student07": {
                    "student_id": "2026007",
                    "student_email": "li@school.example",
                    "student_name": "李四",
                    "student_section": "B",
                },
                "student08": {"student_id": "2026008", "student_email": "wang@school.example", "student_name": "王五"},
            },
            "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable},
        }
    }
    (tmp_path / "class.json").write_text(json.dumps(inventory))
    variables = json.dumps({"judged": judged_by_host, "report_dir": str(tmp_path / "reports"), "lab_grade_points": {"C3": 4}})
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"))
    done = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(tmp_path / "class.json"), str(PLAY), "-e", variables, *argv],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    read = tmp_path / "reports"
    return (
        list(csv.DictReader(io.StringIO((read / "moodle.csv").read_text(encoding="utf-8")))),
        list(csv.reader(io.StringIO((read / "canvas.csv").read_text(encoding="utf-8")))),
    )


def test_identities_and_points_reach_the_gradebooks_and_a_limited_grade_keeps_the_class(tmp_path):
    moodle, canvas = grade(tmp_path, {"student07": judged(failing={"C5"}), "student08": judged()})
    # Moodle's grade import: an identity column mapped to a user field, the grade item, its feedback.
    assert [(row["ID number"], row["Email address"], row["Full name"], row["vethlab"]) for row in moodle] == [
        ("2026007", "li@school.example", "李四", "11"),  # C3 is worth 4: 4 + 7 of the 8 others (C5 failed)
        ("2026008", "wang@school.example", "王五", "12"),
    ]
    # Canvas's gradebook: Student, ID, SIS User ID, SIS Login ID, Section, then the assignment; the points possible.
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "vethlab"]
    assert canvas[1][0].strip() == "Points Possible" and canvas[1][-1] == "12"
    assert canvas[2:] == [["李四", "", "2026007", "li@school.example", "B", "11"], ["王五", "", "2026008", "wang@school.example", "", "12"]]
    # student07 fixes C5 and is graded alone: their row changes, student08's stays as it was graded.
    moodle, canvas = grade(tmp_path, {"student07": judged(), "student08": judged(failing={"C1", "C2"})}, "-l", "student07")
    assert [(row["ID number"], row["vethlab"]) for row in moodle] == [("2026007", "12"), ("2026008", "12")]
    assert [row[-1] for row in canvas[2:]] == ["12", "12"]
    board = json.loads((tmp_path / "reports" / "grade.json").read_text())
    assert [row["machine"] for row in board["machines"]] == ["student07", "student08"]
