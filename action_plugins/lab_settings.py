# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Action plugin: refuse bad lab settings before anything on any machine changes.

Runs on the controller, with no connection. Every setting the user gave (inventory, extra vars) is
checked against the argument spec of each role that reads it (the roles' own meta/argument_specs.yml,
with ansible-core's ArgumentSpecValidator, as validate_argument_spec does), then against the rules
a spec cannot say (each a small check below). One message names every problem and its variable.
"""

from __future__ import annotations

import getpass
import ipaddress
import json
import os
import re
import socket
import time
from pathlib import Path
from urllib.parse import urlparse

import yaml
from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from vethlab.files import write_if_changed
from vethlab.module_utils import vethlab_lessons
from vethlab.module_utils.vethlab_docker import IMAGE_REFERENCE, INTERFACE_NAME, LABEL_KEY, is_container_name
from vethlab.module_utils.vethlab_lessons import ALL, names, network_problems, run_plan
from vethlab.module_utils.vethlab_lock import GONE_NAMED, GONE_VARIABLE, newest_gone
from vethlab.module_utils.vethlab_texts import LANGUAGES
from vethlab.signature import SECRET_VARIABLE, environ_secret

ROOT = Path(__file__).resolve().parent.parent

# A role reads another role's result (lab_image_result, ...): not a setting, never the user's.
RESULT_SUFFIX = "_result"


def role_options(role: str) -> dict:
    """The settings a role declares: its spec's options, without the results of other roles, and
    without required or default (only what the user gave is checked here; the role checks the rest)."""
    text = (ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text(encoding="utf-8")
    # libyaml's safe loader where PyYAML has it (30 ms -> 3.5 ms here for the twelve roles' specs, per machine)
    specs = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["argument_specs"]
    options = {}
    for entry in specs.values():
        for name, option in (entry.get("options") or {}).items():
            if not name.endswith(RESULT_SUFFIX):
                options[name] = {key: value for key, value in option.items() if key not in ("required", "default")}
    return options


# ---------------------------------------------------------------------------- what a spec cannot say


def check_containers(settings: dict) -> list[str]:
    """Every setting that names a container (each lesson's, vethlab_lessons) names Docker names; the
    first lesson's list holds 2 to lab_containers_max of them, none twice."""
    first = vethlab_lessons.LESSONS[0].containers.name
    given, most = vethlab_lessons.value(settings, first), settings.get("lab_containers_max", 20)
    if not isinstance(given, list) or not 2 <= len(given) <= most:
        return ["%s must be a list of 2 to %s container names, got %s" % (first, most, _shown(given))]
    problems = []
    for setting in vethlab_lessons.container_settings() + [network["name"] for network in vethlab_lessons.network_settings().values()]:
        values = settings.get(setting)
        for value in values if isinstance(values, list) else [] if values is None else [values]:
            if not is_container_name(value):
                problems.append("%s: %s is not a container name (letters, digits, _ . - only)" % (setting, _shown(value)))
    if len(set(map(str, given))) != len(given):
        problems.append("%s names a container twice: %s" % (first, _shown(given)))
    return problems


def check_lessons(settings: dict) -> list[str]:
    lessons, known = settings.get("lab_lessons", ["docker0"]), vethlab_lessons.ids()
    if lessons in (ALL, [ALL]):
        return []
    if not isinstance(lessons, list) or not lessons:
        return ["lab_lessons must be a list of lessons (%s) or %s, got %s" % (", ".join(known), ALL, _shown(lessons))]
    problems = [
        "lab_lessons: %s is not a lesson (%s, or %s)" % (_shown(lesson), ", ".join(known), ALL) for lesson in lessons if lesson not in known
    ]
    if len(set(map(str, lessons))) != len(lessons):
        problems.append("lab_lessons names a lesson twice: %s" % _shown(lessons))
    return problems


def settings_plan(settings: dict) -> dict:
    """The run's plan (vethlab_lessons.run_plan) from the settings given: their lessons, DNS servers and capture."""
    capture = boolean(settings.get("lab_capture", True), strict=False)
    return run_plan(settings, settings.get("lab_lessons", ["docker0"]), settings.get("lab_containers_dns") or [], capture)


def check_plan(settings: dict) -> list[str]:
    """The lessons' containers all distinct; the custom network's subnet and gateway, when a lesson needs it."""
    if check_lessons(settings) or not isinstance(vethlab_lessons.value(settings, vethlab_lessons.container_settings()[0]), list):
        return []
    given = settings_plan(settings)
    every = names(given)
    problems = [
        "the lessons' containers name %s twice (%s)" % (_shown(name), ", ".join(given["container_settings"]))
        for name in sorted({name for name in every if every.count(name) > 1})
    ]
    if given["network"] is not None:
        problems += network_problems(given["network"])
    return problems


def check_mirrors(settings: dict) -> list[str]:
    """A registry mirror is an http or https URL with a host."""
    problems = []
    for mirror in settings.get("docker_engine_registry_mirrors") or []:
        parsed = urlparse(str(mirror))
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            problems.append("docker_engine_registry_mirrors: %s is not an http or https URL" % _shown(mirror))
    return problems


def check_dns_and_languages(settings: dict) -> list[str]:
    problems = []
    for server in settings.get("lab_containers_dns") or []:
        try:
            ipaddress.ip_address(str(server))
        except ValueError:
            problems.append("lab_containers_dns: %s is not an IP address" % _shown(server))
    languages = settings.get("lab_report_languages", list(LANGUAGES))
    if not isinstance(languages, list) or not languages or any(lang not in LANGUAGES for lang in languages):
        problems.append("lab_report_languages must list languages among %s, got %s" % (", ".join(LANGUAGES), _shown(languages)))
    return problems


# The settings that reach a command, a template or a file name, each with the one pattern its values must match
# (and what that is, for the message); values are passed as arguments or data, and this keeps them plain too.
ABSOLUTE_PATH = re.compile(r"^/[^\x00-\x1f\x7f]*$")
PLAIN_TEXT = re.compile(r"^[^\x00-\x1f\x7f]+$")
HTTP_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~%/+-]*)?$")
# A package repository's URL may carry dnf's variables ($releasever, $basearch); a key may be a file on the machine.
REPO_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~%/+$-]*)?$")
KEY_URL = re.compile(r"^(?:https?://[A-Za-z0-9.-]+(?::[0-9]+)?|file://)(?:/[A-Za-z0-9._~%/+-]*)?$")
USER_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
PATTERNS = {
    "lab_label": (LABEL_KEY, "a Docker label key (lower-case letters and digits, parts joined by . _ or -)"),
    "lab_image_label": (LABEL_KEY, "a Docker label key (lower-case letters and digits, parts joined by . _ or -)"),
    "lab_image_name": (IMAGE_REFERENCE, "an image reference such as alpine:latest or registry.example:5000/alpine:3.20"),
    "lab_image_busybox_name": (IMAGE_REFERENCE, "an image reference such as vethlab/busybox:latest"),
    "lab_bridge": (INTERFACE_NAME, "a network interface name (letters, digits, _ . -, at most 15)"),
    "lab_lock_path": (ABSOLUTE_PATH, "an absolute path"),
    "docker_engine_direct_log": (ABSOLUTE_PATH, "an absolute path"),
    "docker_engine_direct_pidfile": (ABSOLUTE_PATH, "an absolute path"),
    "lab_report_dir": (PLAIN_TEXT, "a folder's path, with no control characters"),
    "lab_image_archive": (PLAIN_TEXT, "a file's path, with no control characters"),
    "docker_engine_repo_url": (HTTP_URL, "an http or https URL"),
    "docker_engine_repo_baseurl": (REPO_URL, "an http or https URL (dnf's $releasever and $basearch allowed)"),
    "docker_engine_repo_key_url": (KEY_URL, "an http, https or file:// URL"),
    "docker_engine_users": (USER_NAME, "a user name (lower-case letters, digits, _ and -)"),
}


def check_patterns(settings: dict) -> list[str]:
    problems = []
    for setting, (pattern, what) in PATTERNS.items():
        values = settings.get(setting)
        for value in values if isinstance(values, list) else [] if values in (None, "") else [values]:
            if not isinstance(value, str) or not pattern.match(value):
                problems.append("%s: %s is not %s" % (setting, _shown(value), what))
    return problems


def check_archive(settings: dict) -> list[str]:
    if settings.get("lab_image_source") != "archive":
        return []
    archive = settings.get("lab_image_archive") or ""
    return (
        []
        if isinstance(archive, str) and os.path.isfile(archive)
        else [
            "lab_image_archive must name a file on the controller, got %s, which is not a file (lab_image_source=archive"
            " loads a `docker save` tarball); other sources: lab_image_source=pull (from a registry) or"
            " lab_image_source=busybox (built offline)" % _shown(archive)
        ]
    )


CHECKS = (check_containers, check_lessons, check_plan, check_patterns, check_dns_and_languages, check_mirrors, check_archive)


def check_class(settings: dict, host: str, under_awx: bool, environ=os.environ) -> list[str]:
    """The machine is on the class's roster (when one is given); under AWX the class's secret comes from the
    credential (VETHLAB_CLASS_SECRET), since a job's inventory folder is new every time: a job never makes one."""
    problems = []
    roster = settings.get("lab_class_roster") or []
    if roster and host not in roster:
        problems.append("%s is not on lab_class_roster (%d machines): add it, or run without it" % (_shown(host), len(roster)))
    try:
        given = environ_secret(environ)
    except ValueError as error:
        return [*problems, str(error)]
    if under_awx and given is None:
        problems.append(
            "under AWX the class's secret must come from the credential that sets %s (docs/awx.md): a job never makes"
            " one, since each job's inventory folder is new and its pages would be signed with a secret no one keeps" % SECRET_VARIABLE
        )
    return problems


def _shown(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


# The runs this controller started, so that the next one can name those whose process has ended (an
# interrupted run) and take their locks over at once: {run: {"pid", "started", "at"}}.
RUNS_FILE = Path(os.environ.get("VETHLAB_RUNS_FILE") or Path.home() / ".ansible" / "vethlab" / "runs.json")
RUNS_KEPT_FOR = 7 * 24 * 3600


def process_start(pid: int) -> str | None:
    """A process's start time in clock ticks (field 22 of /proc/PID/stat), or None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid, encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def gone_runs(run: str, pid: int, started: str, path: Path = RUNS_FILE) -> list[str]:
    """Record this run; return this controller's earlier runs whose process has ended (its pid gone, or reused).
    Each machine's settings check asks (one worker each): a run found ended is marked so, and not looked for in /proc
    again; the run is recorded once, so that the file is written once per run, not once per machine."""
    try:
        runs = json.loads(path.read_text(encoding="utf-8"))
        runs = runs if isinstance(runs, dict) else {}
    except (OSError, ValueError):
        runs = {}
    before = json.dumps(runs, sort_keys=True)
    now = time.time()
    runs = {key: value for key, value in runs.items() if isinstance(value, dict) and now - value.get("at", 0) < RUNS_KEPT_FOR}
    for key, value in runs.items():
        if key != run and not value.get("ended") and process_start(int(value.get("pid") or 0)) != value.get("started"):
            value["ended"] = True
    ended = {key for key, value in runs.items() if value.get("ended")}
    # A gone run is named while it is among the newest recent ones (newest_gone); the others are forgotten (a
    # controller that ran the lab thousands of times keeps a file of twenty of them, read by every machine's check).
    gone = newest_gone({key: runs[key].get("at", 0) for key in ended}, now)
    runs = {key: value for key, value in runs.items() if key not in ended or key in gone}
    runs.setdefault(run, {"pid": pid, "started": started, "at": now})
    after = json.dumps(runs, sort_keys=True)  # the C encoder (no indent): cheap beside each machine's check
    if after != before:
        try:
            write_if_changed(path, after.encode("utf-8"), mode=0o600)
        except OSError:
            pass  # without the record, an interrupted run's locks are taken over when they go stale
    return gone


def owner() -> dict:
    """Who runs the lab, for its lock on each machine: one id for the whole run (every machine's check
    runs in a worker of the same ansible-playbook process), the user and controller, the process, and
    this controller's earlier runs that are gone (their locks are taken over at once)."""
    pid, controller = os.getppid(), socket.gethostname()
    started = process_start(pid) or "0"
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "someone"
    run = "%s-%d-%s" % (controller, pid, started)
    gone = sorted(set(gone_runs(run, pid, started)) | set(told_gone()))
    return {"run": run, "holder": "%s@%s" % (user, controller), "pid": pid, "controller": controller, "gone": gone}


def told_gone(environ=os.environ) -> list[str]:
    """Runs another controller knows are gone (VETHLAB_GONE_RUNS, comma-separated): `vethlab up --workers` names the
    runs of a slice whose worker was lost when it runs that slice again elsewhere, so their locks are taken at once."""
    return [run.strip() for run in environ.get(GONE_VARIABLE, "").split(",") if run.strip()][:GONE_NAMED]


def options_of(roles: list[str]) -> dict:
    """Every setting the roles declare (a shared setting is declared by every role that reads it, alike)."""
    options = {}
    for role in roles:
        for name, option in role_options(role).items():
            options.setdefault(name, option)
    return options


def judge(settings: dict, options: dict, more=()) -> dict:
    """The settings step's verdict on the settings given: failed with every problem named (``more``: those found
    beyond the settings themselves, check_class's), or good, with the run's plan. The action below gives it the
    user's settings; the tests call it in-process."""
    problems = list(ArgumentSpecValidator(options).validate(settings, validate_role_argument_spec=True).error_messages)
    for check in CHECKS:
        problems.extend(check(settings))
    problems.extend(more)
    if problems:
        return {
            "failed": True,
            "problems": problems,
            "msg": "Bad lab settings; nothing was changed: %s." % "; ".join(dict.fromkeys(problems)),
        }
    return {
        "changed": False,
        "msg": "The settings are good: %d checked." % len(settings),  # their names are the user's own: not repeated
        "plan": settings_plan(settings),
    }


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("roles",))
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        roles = self._task.args.get("roles")
        if not isinstance(roles, list) or not roles:
            raise AnsibleActionFail("lab_settings: 'roles' must list the roles whose settings are checked")
        task_vars = task_vars or {}
        options = options_of(roles)
        given = {name: task_vars[name] for name in options if name in task_vars}
        # A machine's own values (lab_variants) stand for the lesson's, and are checked like them (one rule: given_of).
        given.update({name: found for name, found in vethlab_lessons.given_of(task_vars).items() if name in options})
        settings = self._templar.template(given)
        # Under AWX (the lab_run fact of this step says whether this run may make the class's secret: one rule).
        under_awx = not boolean((task_vars.get("lab_run") or {}).get("mint_secret", True), strict=False)
        result.update(judge(settings, options, check_class(settings, str(task_vars.get("inventory_hostname")), under_awx)))
        if not result.get("failed"):
            # The run's plan (judge's), computed once here and read by every step; the run's owner, whom the lab's
            # lock on each machine names. Data, not facts: the settings step sets them for this run only (never cached).
            result["owner"] = owner()
        return result
