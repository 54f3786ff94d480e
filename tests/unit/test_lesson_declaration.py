"""A lesson is one declaration: a fifth lesson, declared here and nowhere in the production files,
goes through the settings check, the plan and the judge like the course's own."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, load_action_plugin, load_captured
from vethlab.module_utils import vethlab_lessons
from vethlab.module_utils.vethlab_checkpoints import Seen, checkpoints, evaluate, ids, matrix
from vethlab.module_utils.vethlab_lessons import Checkpoint, Lesson, Setting, run_plan
from vethlab.module_utils.vethlab_pairing import pair_veths, parse_outputs
from vethlab.module_utils.vethlab_texts import LANGUAGES


def judge_probe_has_an_address(_, seen):
    """The probe container has an eth0 address inside docker0's subnet."""
    address = seen.eth0_address("alpine-probe")
    return address is not None, [{"en": "alpine-probe: %s" % address, "zh": "alpine-probe：%s" % address}]


PROBE = Lesson(
    "probe",
    needs=("docker0",),
    containers=Setting("lab_probe_container", "alpine-probe", "The probe lesson's container."),
    links=(("docker0", 0),),
    checkpoints=(Checkpoint("C90", judge=judge_probe_has_an_address), Checkpoint("C91", cells=lambda seen: [])),
)
MESSAGES = {
    "lesson.probe.title": {"en": "A probe", "zh": "探针"},
    **{
        "checkpoint.%s.%s" % (cid, part): {"en": "%s %s" % (cid, part), "zh": "%s %s（中文）" % (cid, part)}
        for cid in ("C90", "C91")
        for part in ("title", "passed", "failed")
    },
}


@pytest.fixture
def probe():
    vethlab_lessons.register(PROBE, MESSAGES)
    yield PROBE
    vethlab_lessons.unregister(PROBE.id, MESSAGES)


def problems(settings):
    checks = load_action_plugin("lab_settings")
    return [problem for check in checks.CHECKS for problem in check(settings)]


def test_the_settings_check_knows_a_declared_lesson(probe):
    assert problems({"lab_lessons": ["docker0", "probe"]}) == []
    assert problems({"lab_lessons": "all"}) == []
    assert problems({"lab_lessons": ["docker0", "probe", "nope"]}) == [
        'lab_lessons: "nope" is not a lesson (docker0, link, network, connect, probe, or all)'
    ]
    # Its setting is a container name, checked like the course's own, and distinct from theirs.
    assert problems({"lab_lessons": ["probe"], "lab_probe_container": "bad name"}) == [
        'lab_probe_container: "bad name" is not a container name (letters, digits, _ . - only)'
    ]
    assert problems({"lab_lessons": ["probe"], "lab_probe_container": "alpine01"}) == [
        'the lessons\' containers name "alpine01" twice (lab_containers, lab_link_container, lab_network_containers, lab_probe_container)'
    ]


def test_a_lesson_unknown_before_it_is_declared():
    assert "probe" not in vethlab_lessons.ids()
    assert problems({"lab_lessons": ["probe"]})[0].startswith('lab_lessons: "probe" is not a lesson')


def test_the_plan_starts_what_the_lesson_declares_and_what_it_needs(probe):
    run = run_plan({"lab_containers": ["a1", "a2"]}, ["probe"], [], False)
    assert run["lessons"] == ["probe"]
    assert [(c["name"], c["lesson"], c["networks"], c["links"]) for c in run["containers"]] == [
        ("a1", "docker0", ["bridge"], []),
        ("a2", "docker0", ["bridge"], []),
        ("alpine-probe", "probe", ["bridge"], ["a1"]),
    ]
    assert run["network"] is None and run["connect"] is None
    assert run["container_settings"][-1] == "lab_probe_container"
    assert run_plan({"lab_probe_container": "p"}, ["probe"], [], False)["containers"][-1]["name"] == "p"


def test_the_judge_judges_its_checkpoints_in_every_language(probe):
    host, containers, _ = load_captured("two-containers", "txt", "busybox.txt")
    veths = pair_veths(*parse_outputs(host, containers))
    # The captured machine's two containers, the second one playing the probe.
    second = sorted(containers)[1]
    veths["containers"]["alpine-probe"] = veths["containers"][second]
    run = run_plan({"lab_containers": [sorted(containers)[0], second]}, ["probe"], [], False)
    seen = Seen({"veths": veths, "running": [*sorted(containers), "alpine-probe"]}, run)
    assert matrix(seen, ["probe"]) == []
    verdict = evaluate(seen, ["probe"])
    assert [c["id"] for c in verdict["checkpoints"]] == ["C90", "C91"]
    c90 = verdict["checkpoints"][0]
    assert c90["passed"] and c90["title"] == "C90 title" and c90["text"] == "C90 passed"
    assert c90["i18n"]["zh"]["title"] == "C90 title（中文）" and c90["detail"].startswith("alpine-probe: 172.17.")
    assert not verdict["checkpoints"][1]["passed"]  # a reachability checkpoint with no cell never passes
    assert verdict["lessons"][0]["title"] == "A probe" and set(verdict["lessons"][0]["i18n"]) == set(LANGUAGES) - {"en"}
    assert ids()[-2:] == ("C90", "C91") and checkpoints()[-1].lesson == "probe"


def code_of(path):
    """A file without its comments (# ... in Python and YAML, {# ... #} in templates) and Python docstrings."""
    text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r'"""(?:.|\n)*?"""', "", text) if path.suffix == ".py" else text
    return "\n".join(re.sub(r"(^|\s)#.*$", "", line) for line in text.splitlines())


def test_no_production_file_spells_a_lesson_or_its_containers():
    """Only the declarations (and the texts the students read) name the lessons' containers and network;
    comments may quote the course's commands."""
    declared = {
        str(value)
        for setting in vethlab_lessons.settings().values()
        for value in (setting.default if isinstance(setting.default, list) else [setting.default])
        if not re.match(r"^[0-9./]+$", str(value))  # subnets and gateways are numbers, found everywhere
    }
    readers = [
        *(ROOT / "action_plugins").glob("*.py"),
        *(ROOT / "filter_plugins").glob("*.py"),
        *(ROOT / "callback_plugins").glob("*.py"),
        *(path for path in (ROOT / "module_utils").glob("*.py") if path.name not in ("vethlab_lessons.py", "vethlab_texts.py")),
        *(ROOT / "vethlab").rglob("*.py"),
        *(path for path in (ROOT / "roles").rglob("*") if path.is_file() and path.suffix in (".yml", ".j2")),
    ]
    spelled = {
        (str(path.relative_to(ROOT)), name)
        for path in readers
        for name in declared
        if re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(name), code_of(path))
    }
    assert spelled == set()
