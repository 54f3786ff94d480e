"""The teacher's board: the history a regrade reads, and the page for a class of 60 machines x 20 checkpoints on one
screen 1400 px wide, in English and Chinese, the Chinese glyphs drawn."""

from __future__ import annotations

import json
import re

import pytest

from chromium import rendered_dom, screenshot, visible_text
from vethlab.grade import board, grade_class, progress, read_history
from vethlab.module_utils.vethlab_checkpoints import of_lessons
from vethlab.module_utils.vethlab_lessons import ids as lesson_ids
from vethlab.module_utils.vethlab_lessons import lesson, run_plan

# The grade's table: every lesson's checkpoints but the captured ones (a grade does not capture).
GRADED = run_plan({}, lesson_ids(), [], False)
IDS = [checkpoint.id for checkpoint in of_lessons(lesson_ids(), GRADED)]


def judged(passed_up_to: int, failing=()) -> dict:
    """A machine's judged lab: checkpoints C1..C<passed_up_to> passed (but ``failing``), the rest not started."""
    checkpoints = []
    for number, cid in enumerate(IDS, 1):
        status = "failed" if cid in failing else ("passed" if number <= passed_up_to else "not started")
        lesson_id = next(entry for entry in lesson_ids() if cid in [c.id for c in lesson(entry).checkpoints])
        checkpoints.append({"id": cid, "lesson": lesson_id, "status": status, "passed": status == "passed"})
    lessons = [{"id": entry, "passed": all(c["passed"] for c in checkpoints if c["lesson"] == entry)} for entry in lesson_ids()]
    reached = None
    for item in lessons:
        if not item["passed"]:
            break
        reached = item["id"]
    return {"checkpoints": checkpoints, "lessons": lessons, "stage": reached}


def test_a_regrade_keeps_when_each_checkpoint_first_passed_and_since_when_a_machine_is_stuck(tmp_path):
    grade_class(tmp_path, {"s01": judged(2), "s02": judged(0)}, GRADED, at="2026-11-29T10:00:00Z")
    grade_class(tmp_path, {"s01": judged(9), "s02": judged(0)}, GRADED, at="2026-11-29T10:05:00Z")
    summary = grade_class(
        tmp_path, {"s01": judged(9), "s02": {"status": "unreachable", "reason": "ssh: timed out"}}, GRADED, at="2026-11-29T10:10:00Z"
    )
    history = read_history(tmp_path)
    assert len(history) == 6 and history[-1] == {
        "at": "2026-11-29T10:10:00Z",
        "machine": "s02",
        "status": "unreachable",
        "reason": "ssh: timed out",
    }
    s01 = progress(history, "s01")
    assert s01["first_passed"]["C1"] == "2026-11-29T10:00:00Z" and s01["first_passed"]["C9"] == "2026-11-29T10:05:00Z"
    assert s01["stuck_since"] == "2026-11-29T10:05:00Z"  # unchanged at 10:10
    rows = {row["machine"]: row for row in summary["machines"]}
    assert rows["s01"]["stage"] == "docker0" and rows["s02"]["status"] == "unreachable" and not summary["passed"]
    assert (tmp_path / "grade.csv").read_text().splitlines()[1].startswith("s01,graded,docker0,2026-11-29T10:05:00Z,passed")
    # A line cut short by a crash is skipped, the others stand.
    with open(tmp_path / "grades.jsonl", "a", encoding="utf-8") as handle:
        handle.write('{"at": "2026-11-29T10:1')
    assert len(read_history(tmp_path)) == 6


def test_the_board_counts_the_machines_failing_each_checkpoint():
    data = board(
        {"a": judged(20, failing={"C3"}), "b": judged(20, failing={"C3", "C14"}), "c": judged(20)}, [], "2026-11-29T10:00:00Z", GRADED
    )
    assert data["failing"]["C3"] == 2 and data["failing"]["C14"] == 1 and data["failing"]["C1"] == 0
    assert [group["id"] for group in data["groups"]] == lesson_ids() and data["counts"] == {"machines": 3, "passed": 1}


@pytest.fixture(scope="module")
def class_of_60(tmp_path_factory):
    folder = tmp_path_factory.mktemp("board")
    results = {"student%02d" % n: judged(n % 21, failing={"C%d" % (n % 21 + 1)} if n % 3 == 0 else ()) for n in range(1, 61)}
    results["student60"] = {"status": "unreachable", "reason": "ssh: connect to host 192.0.2.160 port 22: Connection timed out"}
    grade_class(folder, results, GRADED, at="2026-11-29T10:00:00Z")
    return folder


def _width(page, folder):
    """The page's full width (scrollWidth) in Chromium at 1400 px: measured by a copy of it that writes it down."""
    measured = folder / ("measured-" + page)
    text = (folder / page).read_text(encoding="utf-8")
    probe = "<script>document.body.setAttribute('data-width', document.documentElement.scrollWidth)</script></body>"
    measured.write_text(text.replace("</body>", probe), encoding="utf-8")
    dom = rendered_dom(measured.as_uri(), width=1400, height=1000)
    return int(re.search(r'data-width="(\d+)"', dom).group(1)), dom


@pytest.mark.browser
@pytest.mark.parametrize("page", ["grade.html", "grade.zh.html"])
def test_sixty_machines_by_twenty_checkpoints_fit_1400_px_with_no_sideways_scrolling(class_of_60, page):
    width, dom = _width(page, class_of_60)
    assert width <= 1400, width
    text = visible_text(dom)
    assert dom.count('<tr class="') == 60 and "student60" in text and "Connection timed out" in text
    assert ("machines failing it" if page == "grade.html" else "未通过的机器数") in text


@pytest.mark.browser
def test_the_chinese_board_draws_its_glyphs(class_of_60, tmp_path):
    """Two characters in both orders look different only when the font draws them: missing, both are the same boxes."""
    shots = []
    for text in ("进度", "度进"):
        page = tmp_path / ("%d.html" % len(shots))
        style = re.search(r"font-family: ([^;]+);", (class_of_60 / "grade.zh.html").read_text(encoding="utf-8")).group(1)
        page.write_text('<html><body style="font-family: %s; font-size: 96px">%s</body></html>' % (style, text), encoding="utf-8")
        shot = tmp_path / ("%d.png" % len(shots))
        screenshot(page.as_uri(), str(shot), 400, 200)
        shots.append(shot.read_bytes())
    assert shots[0] != shots[1], "the Chinese characters are drawn as empty boxes: install a CJK font (make test-deps)"
    screenshot((class_of_60 / "grade.zh.html").as_uri(), str(tmp_path / "board.zh.png"), 1400, 1000)
    assert (tmp_path / "board.zh.png").stat().st_size > 10000
    summary = json.loads((class_of_60 / "grade.json").read_text())
    assert summary["counts"]["machines"] == 60


def test_the_gradebooks_files_parse_with_one_row_per_student_and_their_identities(tmp_path):
    import csv
    import io

    identities = {"s01": {"id": "2026001", "email": "zhang@school.example", "name": "张三", "section": "A"}}
    results = {"s01": judged(20, failing={"C14"}), "s02": {"status": "unreachable", "reason": "ssh"}}
    grade_class(tmp_path, results, GRADED, ["zh", "en"], at="2026-11-29T10:00:00Z", identities=identities, points={"C1": 5})
    moodle = list(csv.DictReader(io.StringIO((tmp_path / "moodle.csv").read_text(encoding="utf-8"))))
    assert [row["ID number"] for row in moodle] == ["2026001", "s02"] and moodle[0]["Email address"] == "zhang@school.example"
    assert moodle[0]["vethlab"] == "23" and moodle[1]["vethlab"] == "0"  # C1 is worth 5: 5 + 18 of the 19 others
    assert moodle[0]["Feedback"] == "20 个检查点中通过 19 个。 未通过：C14。" and moodle[1]["Feedback"].startswith("未评分")
    canvas = list(csv.reader(io.StringIO((tmp_path / "canvas.csv").read_text(encoding="utf-8"))))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "vethlab"]
    assert canvas[1][0].strip() == "Points Possible" and canvas[1][-1] == "24"
    assert canvas[2] == ["张三", "", "2026001", "zhang@school.example", "A", "23"] and len(canvas) == 4


def test_the_board_says_how_long_a_student_took_to_fix_their_fault_not_which_it_was(tmp_path):
    (tmp_path / "faults.json").write_text(
        json.dumps({"s01": {"fault": "nomaster", "container": "alpine01", "undo": [], "at": "2026-11-29T10:00:00Z"}})
    )
    grade_class(tmp_path, {"s01": judged(2)}, GRADED, at="2026-11-29T10:03:00Z")
    page = (tmp_path / "grade.html").read_text()
    assert "fault given 10:00, not fixed yet" in page and "nomaster" not in page and "alpine01" not in page
    grade_class(tmp_path, {"s01": judged(20)}, GRADED, at="2026-11-29T10:07:30Z")
    assert "fault fixed after 7.5 min" in (tmp_path / "grade.html").read_text()
    assert "故障 7.5 分钟后修复" in (tmp_path / "grade.zh.html").read_text()
