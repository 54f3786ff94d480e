"""The teacher's grade: each machine's own lab judged (vethlab_student.judge, the same judge as lab-check), a
history kept on the controller, and the class board.

History: ``grades.jsonl`` next to the class report, one JSON line per machine per grade run::

    {"at": "2026-11-29T10:02:11Z", "machine": "student07", "status": "graded",
     "checkpoints": {"C1": "passed", "C10": "not started", ...}, "stage": "docker0"}

(``status`` is ``graded``, or ``unreachable``/``failed`` with a ``reason`` and no checkpoints.) It is
appended to, never rewritten, and read back to give each machine, per checkpoint, when it first passed,
and "stuck since": the last time any of its results changed. The grade never reads a file on the
student's machine that the student could edit: every checkpoint comes from the kernel, Docker's records
and the judge's own pings on that machine.

The board (``grade.html``, ``grade.zh.html``, ``grade.csv``, ``grade.json``): one row per machine, one
compact cell per checkpoint grouped by lesson (passed / failed / not started), the stage and "stuck since",
and per checkpoint the number of machines failing it; sortable by stage. Made for 60 machines x 20
checkpoints on one screen 1400 px wide.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from vethlab.files import machine_folder, printable, write_if_changed
from vethlab.module_utils.vethlab_checkpoints import of_lessons
from vethlab.module_utils.vethlab_lessons import ids as lesson_ids
from vethlab.module_utils.vethlab_texts import LANGUAGES, MESSAGES, say
from vethlab.render import environment, page_name
from vethlab.report import now

HISTORY = "grades.jsonl"
GRADED, PASSED, FAILED, NOT_STARTED = "graded", "passed", "failed", "not started"


def history_lines(results: dict, at: str) -> list[dict]:
    """One history line per machine from this grade run's results: {machine: judged result or {"status", "reason"}}."""
    lines = []
    for machine, result in sorted(results.items()):
        if result.get("checkpoints"):
            statuses = {c["id"]: c["status"] for c in result["checkpoints"]}
            lines.append({"at": at, "machine": machine, "status": GRADED, "checkpoints": statuses, "stage": result.get("stage")})
        else:
            lines.append({"at": at, "machine": machine, "status": result.get("status") or FAILED, "reason": result.get("reason") or ""})
    return lines


def read_history(report_dir: Path) -> list[dict]:
    path = Path(report_dir) / HISTORY
    if not path.is_file():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            found.append(json.loads(line))
        except ValueError:
            continue  # a line cut short by a crash: the others stand
    return found


def append_history(report_dir: Path, lines: list[dict]) -> None:
    Path(report_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(report_dir) / HISTORY, "a", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")


def last_results(history: list[dict], machines) -> dict:
    """For machines outside this grade run (``-l``): their last grade in the history, as a result the board takes
    (a graded one's checkpoints with their status; else its status and reason); a machine never graded, none."""
    found = {}
    for line in history:
        if line.get("machine") not in machines:
            continue
        if line.get("status") == GRADED:
            checkpoints = [
                {"id": cid, "status": status, "passed": status == PASSED} for cid, status in (line.get("checkpoints") or {}).items()
            ]
            found[line["machine"]] = {"checkpoints": checkpoints, "stage": line.get("stage"), "graded_at": line["at"]}
        else:
            found[line["machine"]] = {"status": line.get("status") or FAILED, "reason": line.get("reason") or "", "graded_at": line["at"]}
    return found


def progress(history: list[dict], machine: str) -> dict:
    """From a machine's history: per checkpoint when it first passed, and when its results last changed."""
    first_passed, stuck_since, previous = {}, None, None
    for line in history:
        if line.get("machine") != machine or line.get("status") != GRADED:
            continue
        statuses = line.get("checkpoints") or {}
        for checkpoint, status in statuses.items():
            if status == PASSED and checkpoint not in first_passed:
                first_passed[checkpoint] = line["at"]
        if statuses != previous:
            stuck_since, previous = line["at"], statuses
    return {"first_passed": first_passed, "stuck_since": stuck_since}


def _seconds(stamp: str) -> float:
    from datetime import datetime

    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").timestamp()


def fixed_after(history: list[dict], machine: str, broken_at: str | None) -> float | None:
    """Minutes from a fault (vethlab break) to the first grade after it where the machine passed every checkpoint."""
    if not broken_at:
        return None
    for line in history:
        if line.get("machine") != machine or line.get("status") != GRADED or line["at"] < broken_at:
            continue
        if all(status == PASSED for status in (line.get("checkpoints") or {}).values()):
            return round((_seconds(line["at"]) - _seconds(broken_at)) / 60, 1)
    return None


def board(results: dict, history: list[dict], at: str, run_plan: dict, faults: dict | None = None) -> dict:
    """The board's data: the plan's lessons and their checkpoints, one row per machine, the failure counts, the totals."""
    # The grade's table: the captured checkpoints (C21, C22) are its columns when the grade captured (vethlab grade --path).
    lessons = run_plan["lessons"]
    graded = of_lessons(lessons, run_plan)
    groups = [
        {"id": lesson_id, "checkpoints": [c.id for c in graded if c.lesson == lesson_id]}
        for lesson_id in lesson_ids()
        if lesson_id in lessons
    ]
    order = {lesson_id: position for position, lesson_id in enumerate(lesson_ids())}
    rows = []
    for machine, result in sorted(results.items()):
        row = {"machine": machine, "folder": machine_folder(machine), **progress(history, machine)}
        # A fault to find (vethlab break): when it was given, and how long the student took to fix it. The board
        # says neither which fault nor where: it may be on the classroom's screen.
        broken_at = ((faults or {}).get(machine) or {}).get("at")
        row.update(fault_at=broken_at, fixed_after=fixed_after(history, machine, broken_at))
        if result.get("checkpoints"):
            row.update(status=GRADED, stage=result.get("stage"), cells={c["id"]: c for c in result["checkpoints"]})
            row["passed"] = all(c["passed"] for c in result["checkpoints"])
        else:
            row.update(status=result.get("status") or FAILED, reason=result.get("reason") or "", stage=None, cells={}, passed=False)
        row["stage_order"] = -1 if row["stage"] is None else order[row["stage"]]
        rows.append(row)
    failing = {cid: sum(1 for row in rows if row["cells"].get(cid, {}).get("status") == FAILED) for g in groups for cid in g["checkpoints"]}
    return {
        "at": at,
        "groups": groups,
        "machines": rows,
        "failing": failing,
        "passed": bool(rows) and all(row["passed"] for row in rows),
        "counts": {"machines": len(rows), "passed": sum(1 for row in rows if row["passed"])},
    }


def render_board(report_dir: Path, data: dict, languages=LANGUAGES, refresh: int = 0) -> dict:
    """Write the board's pages, CSV and JSON (only what changed); return the summary the command prints."""
    report_dir = Path(report_dir)
    template = environment().get_template("grade.html.j2")
    for lang in languages:
        name = page_name("grade", lang)
        page = template.render(board=data, lang=lang, languages=languages, refresh=refresh)
        write_if_changed(report_dir / name, page.encode("utf-8"))
    table = io.StringIO()
    ids = [cid for group in data["groups"] for cid in group["checkpoints"]]
    writer = csv.writer(table)
    writer.writerow(["machine", "status", "stage", "stuck_since", *ids])
    for row in data["machines"]:
        writer.writerow(
            [row["machine"], row["status"], row["stage"] or "", row["stuck_since"] or ""]
            + [row["cells"].get(c, {}).get("status", "") for c in ids]
        )
    write_if_changed(report_dir / "grade.csv", table.getvalue().encode("utf-8"))
    summary = {
        "at": data["at"],
        "passed": data["passed"],
        "counts": data["counts"],
        "machines": [
            {key: row[key] for key in ("machine", "status", "stage", "stuck_since", "passed")} | {"reason": row.get("reason", "")}
            for row in data["machines"]
        ],
        "board": str(report_dir / "grade.html"),
    }
    write_if_changed(report_dir / "grade.json", (json.dumps(summary, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return summary


def points_of(checkpoint_id: str, points: dict | None) -> float:
    """A checkpoint's points (lab_grade_points; 1 when not given), must-fail checkpoints included."""
    return float((points or {}).get(checkpoint_id, 1))


def feedback(row: dict, ids: list[str], lang: str) -> str:
    """The text a gradebook shows the student: how many checkpoints passed, which failed, which are not started."""
    cells = row["cells"]
    if row["status"] != GRADED:
        return say(
            "export.not_graded",
            lang,
            status=say("status." + row["status"], lang) if ("status." + row["status"]) in MESSAGES else row["status"],
        )
    failed = [cid for cid in ids if cells.get(cid, {}).get("status") == FAILED]
    waiting = [cid for cid in ids if cells.get(cid, {}).get("status", NOT_STARTED) == NOT_STARTED]
    text = [say("export.passed", lang, passed=sum(1 for cid in ids if cells.get(cid, {}).get("passed")), total=len(ids))]
    if failed:
        text.append(say("export.failed", lang, ids=", ".join(failed)))
    if waiting:
        text.append(say("export.not_started", lang, ids=", ".join(waiting)))
    return " ".join(text)


def exports(data: dict, identities: dict, points: dict | None, lang: str, assignment: str = "vethlab") -> dict:
    """The gradebooks' files: Moodle's grade import CSV (an identifier, the grade, the feedback) and Canvas's
    gradebook CSV (Student, ID, SIS User ID, SIS Login ID, Section, one assignment column, the points possible)."""
    ids = [cid for group in data["groups"] for cid in group["checkpoints"]]
    possible = sum(points_of(cid, points) for cid in ids)

    def grade_of(row):
        return sum(points_of(cid, points) for cid in ids if row["cells"].get(cid, {}).get("passed"))

    def shown(number):
        return ("%.2f" % number).rstrip("0").rstrip(".")

    moodle, canvas = io.StringIO(), io.StringIO()
    writer = csv.writer(moodle)
    writer.writerow(["Email address", "ID number", "Full name", assignment, "Feedback"])
    for row in data["machines"]:
        who = identities.get(row["machine"]) or {}
        writer.writerow(
            [
                who.get("email", ""),
                who.get("id", row["machine"]),
                who.get("name", row["machine"]),
                shown(grade_of(row)),
                feedback(row, ids, lang),
            ]
        )
    writer = csv.writer(canvas)
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment])
    writer.writerow(["    Points Possible", "", "", "", "", shown(possible)])
    for row in data["machines"]:
        who = identities.get(row["machine"]) or {}
        writer.writerow(
            [who.get("name", row["machine"]), "", who.get("id", ""), who.get("email", ""), who.get("section", ""), shown(grade_of(row))]
        )
    return {"moodle.csv": moodle.getvalue(), "canvas.csv": canvas.getvalue()}


def grade_class(
    report_dir: Path,
    results: dict,
    run_plan: dict,
    languages=LANGUAGES,
    refresh: int = 0,
    at: str | None = None,
    identities: dict | None = None,
    points: dict | None = None,
    class_hosts: list[str] | None = None,
) -> dict:
    """Record this grade run in the history, then write the board from the whole history, and the gradebooks' files:
    the whole class (``class_hosts``: the inventory's machines), those outside this run (``-l``) with their last
    grade, so a run of one machine updates that machine's rows and keeps the rest."""
    at = at or now()
    append_history(report_dir, history_lines(results, at))
    others = [machine for machine in class_hosts or () if machine not in results]
    results = {**last_results(read_history(report_dir), set(others)), **results}
    try:
        faults = json.loads((Path(report_dir) / "faults.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        faults = {}
    data = board(results, read_history(report_dir), at, run_plan, faults)
    summary = render_board(report_dir, data, languages, refresh)
    for name, content in exports(data, identities or {}, points or {}, next(iter(languages))).items():
        write_if_changed(Path(report_dir) / name, content.encode("utf-8"))
    return summary


def summary_lines(summary: dict, lang: str = "en") -> list[str]:
    """What `vethlab grade` prints: the class, then each machine not done, with its stage."""
    lines = [say("grade.summary", lang, passed=summary["counts"]["passed"], machines=summary["counts"]["machines"])]
    for row in summary["machines"]:
        if not row["passed"]:
            stage = MESSAGES["lesson.%s.title" % row["stage"]][lang] if row["stage"] else say("check.no_stage", lang)
            reason = (" - " + row["reason"]) if row.get("reason") else ""
            lines.append(printable("  %s: %s %s%s" % (row["machine"], say("grade.stage", lang), stage, reason)))
    lines.append(say("class.report_at", lang, path=summary["board"]))
    return lines
