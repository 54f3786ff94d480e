# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""The student's own lab, judged: what ``lab-check`` shows on a student's machine and ``vethlab grade``
records on the controller - one judge, so the two never disagree.

The student types the lesson by hand (``docker run -dit --name alpine01 alpine``, ...): their
containers and networks carry no label of the lab. The judge looks them up by the lesson's names
(vethlab_lessons' plan), observes them (vethlab_observe), pings the lesson's cells and judges every
checkpoint (vethlab_verify), changing nothing. Each checkpoint is then ``passed``, ``failed`` or
``not started`` (none of its lesson's own containers exists yet; for ``connect``, its container is
not on the network in Docker's record), and the machine's ``stage`` is the furthest lesson reached
with every checkpoint of it and of the lessons before it passed.

``main`` is the ``lab-check`` command itself; it is shipped to the student's machine as a zipapp
built from module_utils/ (vethlab/labcheck.py), so it needs only Python's standard library and
``docker``. Exit codes: 0 every checkpoint asked passed, 1 one failed or is not started, 2 the lab
could not be checked (Docker not running, with the reason).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys

from . import vethlab_hosttools as hosttools
from .vethlab_capture import capture as capture_paths
from .vethlab_lessons import ids, lesson, names, networks_of, run_plan
from .vethlab_observe import ObserveError, observe
from .vethlab_reach import CellError, find_host_ping
from .vethlab_texts import MESSAGES, field, place, say
from .vethlab_verify import NotJudged, verify

PASSED, FAILED, NOT_STARTED = "passed", "failed", "not started"
HINT_LEVELS = 3
EXIT_PASSED, EXIT_FAILED, EXIT_CANNOT = 0, 1, 2
# Where prepare leaves what lab-check reads on a student's machine: the image the card names, the lessons, the
# student's names (VETHLAB_PREPARED names another file: prepare's lab_prepare_dir moved).
PREPARED = "/etc/vethlab/prepared.json"


class CannotCheck(RuntimeError):
    """The lab could not be checked at all (no Docker, the engine not answering)."""


# --------------------------------------------------------------------------- the student's names


def words(run_plan):
    """The student's own names, as the hints and the task card write them ({c0}, {link}, {net}, ...)."""
    first = names(run_plan, ids()[0])  # the first lesson's, which every plan runs (vethlab_lessons.needed)
    network = run_plan.get("network") or {}
    net_containers = [*names(run_plan, "network"), "", ""]
    links = [*names(run_plan, "link"), ""]
    return {
        "c0": first[0],
        "c1": first[1],
        "link": links[0],
        "net": network.get("name") or "",
        "subnet": network.get("subnet") or "",
        "gateway": network.get("gateway") or "",
        "n0": net_containers[0],
        "n1": net_containers[1],
        "connect": run_plan.get("connect") or "",
    }


def hint(checkpoint_id, level, run_plan, lang="en"):
    """Step ``level`` (1..3) of a checkpoint's hint ladder, with the student's own names."""
    level = max(1, min(HINT_LEVELS, int(level)))
    return say("hint.%s.%d" % (checkpoint_id, level), lang, **words(run_plan))


def card(run_plan, lang="en", image_note=""):
    """The task card: for each lesson asked, its title and the commands to type, then how to check."""
    values = words(run_plan)
    for key in ("c0", "c1", "n0"):
        values["ip_" + key] = say("card.ip_of", lang, name=values[key])
    values.update(ip_docker0=say("card.ip_of", lang, name="docker0"), ip_host=say("card.ip_host", lang))
    lines = ["# " + say("card.title", lang), ""]
    if image_note:
        lines += [image_note, ""]
    for number, lesson_id in enumerate(run_plan["lessons"], 1):
        title = MESSAGES["lesson.%s.title" % lesson_id]
        lines += ["## %d. %s" % (number, title.get(lang) or title["en"]), "", "```sh"]
        lines += [command.format(**values) for command in lesson(lesson_id).commands]
        lines += ["```", "", say("card.check", lang, lesson=lesson_id), ""]
    lines.append(say("card.hints", lang))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the judge


def started(lesson_id, run_plan, observed):
    """Has the student begun this lesson: does one of its own containers exist (any state)? The connect
    lesson has none of its own: begun when Docker records its container on the custom network."""
    own = names(run_plan, lesson_id)
    states = observed.get("states") or {}
    if own:
        return any(states.get(name, "missing") != "missing" for name in own)
    network = (run_plan.get("network") or {}).get("name")
    record = (observed.get("networks") or {}).get(network) or {}
    return bool(run_plan.get("connect")) and run_plan["connect"] in (record.get("containers") or {})


def stage(lessons):
    """The furthest lesson reached: the last of the leading lessons (in the course's order) that all passed; None before."""
    reached = None
    for item in lessons:
        if not item["passed"]:
            break
        reached = item["id"]
    return reached


def check_host_tools(runner, which, host_ping):
    """Raise CannotCheck when a host tool the judge runs is not as its package installed it (vethlab_hosttools)."""
    problems = hosttools.check(hosttools.tool_paths(which, host_ping), runner, which)
    if problems:
        raise CannotCheck("; ".join(say("check.tool_untrusted", "en", tool=tool, path=path, why=why) for path, tool, why in problems))


def judge(run_plan, runner, docker="docker", host_ping=("ping",), timeout=2, attempts=2, which=None):
    """Judge the student's own lab for the plan's lessons (vethlab_lessons.run_plan): the verdict of vethlab_verify
    with each checkpoint's ``status`` and the machine's ``stage``. Changes nothing in the lab. When the plan
    captures (root), the docker0 lesson's ping is also captured at every hop (C21, ``packet_path``). With ``which``
    (a program finder), the host tools it runs are first checked against their packages. Raises CannotCheck when
    Docker does not answer, or a host tool cannot be trusted."""
    if which is not None:
        check_host_tools(runner, which, host_ping)
    listen = (lambda paths: capture_paths(paths, runner, host_ping)) if run_plan["capture"] else None
    try:
        observed, _ = observe(names(run_plan), runner, networks_of(run_plan), "docker0", ("ip", "addr"), docker, run_plan["files"])
        primary = observed.get("host_primary_address")
        result = verify(observed, run_plan, primary, "docker0", runner, host_ping, 1, timeout, attempts, capture=listen)
    except (ObserveError, CellError, NotJudged) as error:
        raise CannotCheck(str(error)) from error
    # A lesson not begun has no passed checkpoint: its must-fail cells (C20 before any network connect) are not started.
    begun = {lesson_id: started(lesson_id, run_plan, observed) for lesson_id in run_plan["lessons"]}
    for item in [*result["checkpoints"], *result["lessons"]]:
        if not begun.get(item.get("lesson") or item["id"]):
            item["passed"] = False
        item["status"] = PASSED if item["passed"] else (FAILED if begun.get(item.get("lesson") or item["id"]) else NOT_STARTED)
    result["passed"] = bool(result["checkpoints"]) and all(c["passed"] for c in result["checkpoints"])
    result.update(stage=stage(result["lessons"]), states=observed.get("states") or {}, plan=run_plan)
    return result


# --------------------------------------------------------------------------- lab-check


def _runner(argv):
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return 127, "", str(error)
    return done.returncode, done.stdout, done.stderr


# lab-check without root, for a user of the docker group: the same judge, run as root by one short-lived container
# of the image prepare recorded (by id), with the host's processes and network, in the host's own files (read-only,
# chroot): every binary that runs is the host's packaged one or this lab-check, none of the student's containers'.
JUDGE_CAPABILITIES = ("SYS_ADMIN", "SYS_PTRACE", "NET_ADMIN", "NET_RAW", "DAC_READ_SEARCH")
JUDGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def trusted_file(path):
    """Whether ``path`` is root's and nobody else may change it (owner 0, not writable by group or others)."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    return info.st_uid == 0 and not info.st_mode & 0o022


def judge_container_argv(image, program, argv, lang):
    """The ``docker run`` that judges as root for a user of the docker group: ``program`` (this lab-check, a file of
    root's) run by the host's python3, chrooted into the host's files, with the host's PIDs and network."""
    caps = [word for cap in JUDGE_CAPABILITIES for word in ("--cap-add", cap)]
    return [
        "docker", "run", "--rm", "--network", "host", "--pid", "host", *caps,
        "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined", "--read-only",
        "--volume", "/:/host:ro", "--env", "PATH=" + JUDGE_PATH, "--env", "LANG=" + ("zh_CN.UTF-8" if lang == "zh" else "C.UTF-8"),
        "--env", "VETHLAB_PREPARED=" + (os.environ.get("VETHLAB_PREPARED") or PREPARED),
        image, "chroot", "/host", "python3", program, *argv,
    ]  # fmt: skip


def judge_through_docker(argv, prepared, lang):
    """Run this lab-check as root through the image prepare recorded; its exit code. CannotCheck when there is no
    trusted way: prepare's record is not root's, names no image, or this lab-check is not root's."""
    record = os.environ.get("VETHLAB_PREPARED") or PREPARED
    program = os.path.realpath(sys.argv[0])
    image = prepared.get("judge_image") or ""
    if not (trusted_file(record) and image.startswith("sha256:")):
        raise CannotCheck(say("check.no_judge_image", lang, record=record))
    if not trusted_file(program):
        raise CannotCheck(say("check.untrusted_program", lang, program=program))
    return subprocess.run(judge_container_argv(image, program, argv, lang), check=False).returncode


def _host_ping():
    found = find_host_ping(shutil.which)
    if found is not None:
        return found
    raise CannotCheck("no ping on this machine: install iputils-ping (Debian/Ubuntu) or iputils (Fedora/RHEL)")


def _language(asked):
    if asked:
        return asked
    return "zh" if os.environ.get("LC_ALL", os.environ.get("LANG", "")).startswith("zh") else "en"


def prepared_plan(prepared, lessons, capture):
    """The plan lab-check judges: the student's names as prepare recorded them. The student types the containers,
    so the lab gives them no DNS servers (no --dns)."""
    return run_plan(prepared.get("settings") or {}, lessons, [], capture)


def _prepared():
    try:
        with open(os.environ.get("VETHLAB_PREPARED") or PREPARED, encoding="utf-8") as handle:
            found = json.load(handle)
        return found if isinstance(found, dict) else {}
    except (OSError, ValueError):
        return {}


def _hint_state_path():
    return os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "vethlab", "hints.json")


def next_hint(checkpoint_id, path=None):
    """The next step of the ladder this user has not seen yet for a checkpoint (kept in their cache; a hint is no grade)."""
    path = path or _hint_state_path()
    try:
        with open(path, encoding="utf-8") as handle:
            seen = json.load(handle)
    except (OSError, ValueError):
        seen = {}
    level = min(HINT_LEVELS, int(seen.get(checkpoint_id, 1)) + 1)
    seen[checkpoint_id] = level
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(seen, handle)
    except OSError:
        pass
    return level


def screen(result, lang):
    """What lab-check prints: one line per checkpoint, its value, and the first hint of each that is not passed."""
    run_plan = result["plan"]
    lines = []
    for item in result["lessons"]:
        title = field(item, "title", lang)
        lines += ["", "%s  [%s]" % (title, say("status.%s" % item["status"], lang))]
        for checkpoint in [c for c in result["checkpoints"] if c["lesson"] == item["id"]]:
            status = say("status.%s" % checkpoint["status"], lang)
            lines.append("  %-4s %-11s %s" % (checkpoint["id"], status, field(checkpoint, "title", lang)))
            if checkpoint["status"] != NOT_STARTED:
                lines.append("       %s %s" % (say("check.seen", lang), field(checkpoint, "detail", lang)))
            if checkpoint["status"] == FAILED:
                lines.append("       %s %s" % (say("check.hint", lang, id=checkpoint["id"]), hint(checkpoint["id"], 1, run_plan, lang)))
    passed = sum(1 for c in result["checkpoints"] if c["passed"])
    reached = result["stage"]
    stage_text = MESSAGES["lesson.%s.title" % reached][lang] if reached else say("check.no_stage", lang)
    lines += ["", say("check.summary", lang, passed=passed, total=len(result["checkpoints"]), stage=stage_text)]
    return "\n".join(lines).lstrip("\n")


def path_screen(result, lang):
    """What ``lab-check --path`` adds: each captured ping, hop by hop - every packet with its time at each hop."""
    lines = []
    for path in result.get("packet_path") or []:
        verdict = say("status.%s" % (PASSED if path["passed"] else FAILED), lang)
        lines += ["", "%s → %s  [%s]" % (place(path["source"], lang), path["target"], verdict), "  " + field(path, "detail", lang)]
        names = [item["name"] for item in path["hops"]]
        for arrow in path.get("sequence") or []:
            lines.append(
                "  " + say("packet." + arrow["type"], lang, **{k: arrow[k] for k in ("src_ip", "dst_ip", "src_mac", "icmp_id", "icmp_seq")})
            )
            seen = {at["hop"]: at for at in arrow["at"]}
            # In the order it travelled (a reply from the far end back), then the hops it never reached.
            order = [at["hop"] for at in sorted(arrow["at"], key=lambda at: (at["us"], abs(at["hop"] - arrow["from"])))]
            order += [index for index in range(len(names)) if index not in seen]
            for index in order:
                name, at = names[index], seen.get(index)
                shown = (
                    say("page.packet_not_seen", lang)
                    if at is None
                    else "%9.1f µs%s" % (at["us"], "  " + say("page.packet_out", lang) if at["out"] else "")
                )
                lines.append("      %-24s %s" % (name, shown))
    return "\n".join(lines)


def build_parser():
    parser = argparse.ArgumentParser(prog="lab-check", description="Check your own Docker networking lab (vethlab), changing nothing.")
    parser.add_argument("lessons", nargs="*", help="the lessons to check: %s (default: those on your task card)" % ", ".join(ids()))
    parser.add_argument("--hint", metavar="CHECKPOINT", help="the next hint for one checkpoint, e.g. --hint C3")
    parser.add_argument("--lang", choices=("en", "zh"), help="the language (default: Chinese when LANG is zh_*, else English)")
    parser.add_argument("--card", action="store_true", help="print your task card: the commands to type")
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")
    parser.add_argument(
        "--path", action="store_true", help="also capture one ping at every hop of docker0's veth pairs and show its way (needs root: sudo)"
    )
    return parser


def main(argv=None, runner=_runner):
    args = build_parser().parse_args(argv)
    lang = _language(args.lang)
    prepared = _prepared()
    lessons = args.lessons or prepared.get("lessons") or ids()
    unknown = [name for name in lessons if name not in ids() and name != "all"]
    if unknown:
        print(say("check.unknown_lesson", lang, lessons=", ".join(unknown), known=", ".join(ids())), file=sys.stderr)
        return EXIT_CANNOT
    if args.card:
        note = (prepared.get("image_note") or {}).get(lang, "")
        print(card(prepared_plan(prepared, lessons, False), lang, note), end="")
        return EXIT_PASSED
    if args.hint:
        checkpoint_id = args.hint.upper()
        if checkpoint_id not in [c.id for lesson_id in ids() for c in lesson(lesson_id).checkpoints]:
            print(say("check.unknown_checkpoint", lang, id=args.hint), file=sys.stderr)
            return EXIT_CANNOT
        level = next_hint(checkpoint_id)
        print(
            "%s (%d/%d): %s" % (checkpoint_id, level, HINT_LEVELS, hint(checkpoint_id, level, prepared_plan(prepared, ids(), False), lang))
        )
        return EXIT_PASSED
    try:
        if not shutil.which("docker"):
            raise CannotCheck("docker is not installed on this machine")
        rc, _, err = runner(["docker", "info", "--format", "{{.ServerVersion}}"])
        if rc != 0:
            raise CannotCheck("Docker is not running: %s" % ((err or "").strip() or "docker info failed"))
        if os.geteuid() != 0:  # reading the namespaces needs root: the docker group's way to it
            return judge_through_docker(list(sys.argv[1:] if argv is None else argv), prepared, lang)
        result = judge(prepared_plan(prepared, lessons, args.path), runner, host_ping=_host_ping(), which=shutil.which)
    except CannotCheck as error:
        print(say("check.cannot", lang, reason=str(error)), file=sys.stderr)
        return EXIT_CANNOT
    if args.json:
        print(json.dumps({key: value for key, value in result.items() if key != "plan"}, ensure_ascii=False, indent=1))
    else:
        print(screen(result, lang) + ("\n" + path_screen(result, lang) if args.path else ""))
    return EXIT_PASSED if all(c["passed"] for c in result["checkpoints"]) else EXIT_FAILED
