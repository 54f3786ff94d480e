# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Filters the roles use, on the controller: the plan of a step run alone, the containers step's and the reset's
decisions, the task card in every language (the reports render in vethlab/render.py).
The logic is in module_utils/, shared with the modules."""

from __future__ import annotations

from vethlab.files import inventory_folder, machine_folder
from vethlab.module_utils import vethlab_converge, vethlab_lessons, vethlab_student, vethlab_texts
from vethlab.signature import secret_path


def vethlab_plan(variables, lessons, dns, capture):
    """The run's plan (vethlab_lessons.run_plan, the same four arguments) for a step run alone: the settings
    step computes it once per run (the lab_plan fact) otherwise."""
    return vethlab_lessons.run_plan(variables, lessons, list(dns or ()), bool(capture))


def vethlab_lesson_values(variables):
    """Every lesson setting's value for a host - as given, or its declaration's default - {name: value}: what
    lab-check reads on a student's machine (prepared.json), so that it judges the names the task card gives."""
    given = vethlab_lessons.given_of(variables)
    return {name: vethlab_lessons.value(given, name) for name in vethlab_lessons.settings()}


def vethlab_image_note(source):
    """The task card's line about the image the lesson types, in every language: {lang: text}."""
    return vethlab_texts.each_language(lambda lang: vethlab_texts.say("card.image.%s" % source, lang))


def vethlab_task_card(plan, lang="en", image_note=""):
    """The student's task card in ``lang`` (vethlab_student.card: what lab-check --card prints)."""
    return vethlab_student.card(plan, lang, image_note)


def vethlab_names(plan, lesson=None):
    """The plan's container names, all or one lesson's."""
    return vethlab_lessons.names(plan, lesson)


def vethlab_actions(observed, plan, image_id, label, fresh=False):
    """What the containers step does with each container (vethlab_converge.actions)."""
    if not isinstance(fresh, bool):  # "false" from the command line is true to Python: the role gives lab_fresh | bool
        raise TypeError("vethlab_actions: fresh must be a boolean, got %r" % (fresh,))
    return vethlab_converge.actions(observed, plan, image_id, label, fresh)


def vethlab_network_decisions(survey, plan, label):
    """What the reset does about networks (vethlab_lessons.network_decisions), from lab_observe's survey."""
    return vethlab_lessons.network_decisions(survey["networks"], survey["addresses"], plan, label)


def vethlab_image_ids(images, names):
    """Of ``names``, in order, the id of each image present among ``images`` (docker_image_info's), or None."""
    ids = {name: None for name in names}
    for image in images or []:
        for tag in image.get("RepoTags") or []:
            if tag in ids and ids[tag] is None:
                ids[tag] = image.get("Id")
    return ids


def vethlab_probe_lines(lines):
    """The engine probe's lines (roles/docker_engine/tasks/probe.yml), read in one pass: the packages installed and
    their versions ("NAME installed VERSION"), whether the engine answers and systemd starts it, and the record lines
    ("package-from:NAME REPOSITORY", "engine-version V") by key."""
    found = {"installed": [], "versions": {}, "answers": False, "enabled": False, "records": {}}
    for line in map(str, lines or []):
        words = line.split(" ")
        if len(words) >= 2 and words[1] == "installed" and words[0]:
            found["installed"].append(words[0])
            if len(words) > 2 and words[2]:
                found["versions"][words[0]] = " ".join(words[2:])
        elif line == "docker-engine answers":
            found["answers"] = True
        elif line == "docker-service enabled":
            found["enabled"] = True
        elif line.startswith("package-from:") or line.startswith("engine-version "):
            key, _, value = line.partition(" ")
            found["records"][key] = value
    return found


def vethlab_engine_state(
    lines, packages, conflicting, source, host_packages=(), prerequisites=(), start_with="systemd", mirrors=(), users=()
):
    """The engine role's decisions on this machine, in one pass: what its probe's lines say (vethlab_probe_lines), then
    which engine is installed (``packages``: each source's packages, its engine first), the source used (with "auto",
    the engine installed stays, else the distribution's; a source named is used, switching), what a named source
    removes (``conflicting``), whether podman's docker is in the way, what is missing (engine, ``host_packages``,
    ``prerequisites``) and the work tasks/converge.yml has to do, by name (empty on a warm machine). One filter, so that
    every condition reads the decisions without rendering a chain of templates again (roles/docker_engine/vars)."""
    found = vethlab_probe_lines(lines)
    installed = found["installed"]
    installed_source = next((name for name, names in packages.items() if names and names[0] in installed), None)
    if source == "auto":
        used = installed_source or ("distro" if "distro" in packages else "docker-ce")
    else:
        used = source if source in packages else "docker-ce"
    if used not in packages:
        raise ValueError("docker_engine: no packages for the source %r on this distribution (%s)" % (used, ", ".join(packages)))
    engine, removable = list(packages[used]), list(conflicting[used])
    conflicts = [] if source == "auto" else [name for name in removable if name in installed]
    missing = [name for name in engine if name not in installed]
    missing_host_tools = [name for name in host_packages or [] if name not in installed]
    work = (
        (["packages"] if missing or conflicts else [])
        + (["host tools"] if missing_host_tools else [])
        + (["registry mirrors"] if mirrors else [])
        + (["start"] if not found["answers"] or (start_with == "systemd" and not found["enabled"]) else [])
        + (["users"] if users else [])
    )
    return dict(
        found,
        installed_source=installed_source,
        source_used=used,
        engine_packages=engine,
        remove_when_switching=removable,
        installed_conflicts=conflicts,
        podman_in_the_way=source == "auto" and installed_source is None and "podman-docker" in installed,
        missing_packages=missing,
        missing_host_tools=missing_host_tools,
        missing_prerequisites=[name for name in prerequisites or [] if name not in installed],
        work=work,
    )


def vethlab_machine_folder(host):
    """A machine's report folder under the report folder (vethlab/files.py: readable, one of its own)."""
    return machine_folder(host)


def vethlab_inventory_folder(inventory):
    """An inventory's report folder under reports/ (vethlab/files.py: classroom.yml -> classroom; adhoc for -i h1,h2,)."""
    return inventory_folder(inventory)


def vethlab_secret_path(inventory):
    """Where the class's secret lives on the controller, next to its inventory (vethlab/signature.py)."""
    return str(secret_path(inventory))


class FilterModule:
    def filters(self):
        return {
            "vethlab_plan": vethlab_plan,
            "vethlab_names": vethlab_names,
            "vethlab_actions": vethlab_actions,
            "vethlab_image_ids": vethlab_image_ids,
            "vethlab_probe_lines": vethlab_probe_lines,
            "vethlab_engine_state": vethlab_engine_state,
            "vethlab_network_decisions": vethlab_network_decisions,
            "vethlab_machine_folder": vethlab_machine_folder,
            "vethlab_inventory_folder": vethlab_inventory_folder,
            "vethlab_secret_path": vethlab_secret_path,
            "vethlab_lesson_values": vethlab_lesson_values,
            "vethlab_image_note": vethlab_image_note,
            "vethlab_task_card": vethlab_task_card,
        }
