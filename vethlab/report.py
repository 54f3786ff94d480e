"""The class report: one page for the whole class, one page per machine, CSV, JUnit and summary.json.

Rendered from templates (Jinja2, autoescaped) over structured data: the run's outcomes, one per
machine of this run, as the ``vethlab_outcomes`` callback computed them (passed; failed, with the
step, task and reason; unreachable, with the SSH error), each machine's ``lab.json`` written in this
run, and, for the machines of the class outside this run (``--limit``), their last result from the
previous ``summary.json``, shown with its time and never counted as this run's.
Works offline: no CDN, styles inline, topology drawn as inline SVG by Graphviz.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

from vethlab.files import machine_folder, printable, write_if_changed
from vethlab.module_utils.vethlab_checkpoints import IDS
from vethlab.module_utils.vethlab_texts import LANGUAGES, render, say
from vethlab.render import engine_label, environment, page_name, shown_time

PASSED, FAILED, UNREACHABLE, NOT_IN_RUN = "passed", "failed", "unreachable", "not in this run"
# The outcome of a machine in a run that judges nothing (teardown, one step alone): it went through.
DONE = "done"
# The outcomes a machine of this run can have; a machine outside the run is NOT_IN_RUN.
RUN_STATUSES = (PASSED, FAILED, UNREACHABLE)


def now() -> str:
    """The time of a run, as summary.json records it (UTC, to the second)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _natural(checkpoint_id: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", checkpoint_id))


def _read_lab(path: str | None) -> dict | None:
    if not path or not os.path.isfile(path):
        return None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except ValueError:
        return None


def _previous_machines(previous: dict | None) -> dict:
    """Each machine's last result in the previous summary: {host: {status, reason, at}}."""
    last = {}
    for machine in (previous or {}).get("machines", []):
        record = machine.get("last") if machine.get("status") == NOT_IN_RUN else machine
        if record and record.get("status") in RUN_STATUSES:
            last[machine["host"]] = {key: record.get(key) for key in ("status", "reason", "at")}
    return last


def load_machines(hosts: list[str], outcomes: dict, at: str, previous: dict | None = None) -> list[dict]:
    """One record per machine of the class, in inventory order, plus the hosts of this run outside it."""
    machines = []
    earlier = _previous_machines(previous)
    for host in list(hosts) + [host for host in outcomes if host not in hosts]:
        outcome = outcomes.get(host)
        if outcome is None:
            last = earlier.get(host)
            if last:
                status = {lang: say("status." + last["status"], lang) for lang in LANGUAGES}
                parts = [("reason.not_in_run", {"at": shown_time(last["at"]), "status": status})]
            else:
                parts = [("reason.not_in_run_yet", {})]
            machine = {"status": NOT_IN_RUN, "reason_parts": parts, "at": None, "last": last, "lab": None, "report": None}
        else:
            # This run's data, as its report step gave it (the callback); lab.json when rendered again later.
            lab = outcome["lab"] if outcome.get("lab") is not None else _read_lab(outcome.get("report"))
            parts = outcome.get("reason_parts") or ([{"en": outcome["reason"]}] if outcome.get("reason") else [])
            # When its run judged it: this run, or - in a merged report - the run of the slice that did.
            machine = {"status": outcome["status"], "reason_parts": parts, "at": outcome.get("at") or at, "last": None, "lab": lab}
            machine["report"] = outcome.get("report") if lab else None
        machine["reason"] = render(machine["reason_parts"])
        machine["host"] = host
        machine["page"] = machine_folder(host) + ".html"
        machine["checkpoints"] = {c["id"]: c for c in (machine["lab"] or {}).get("checkpoints", [])}
        machines.append(machine)
    columns = checkpoint_columns(machines)
    for machine in machines:
        in_run = machine["status"] != NOT_IN_RUN
        passed = sum(1 for c in machine["checkpoints"].values() if c["passed"])
        machine["passed_count"] = passed if in_run else None
        machine["failed_count"] = len(columns) - passed if in_run else None
        machine["total"] = len(columns) if in_run else None
    return machines


def checkpoint_columns(machines: list[dict]) -> list[str]:
    """The checkpoints any machine was judged on, in the checkpoint table's order."""
    ids = {cid for machine in machines for cid in machine["checkpoints"]}
    return sorted(ids, key=lambda cid: (IDS.index(cid) if cid in IDS else len(IDS), _natural(cid)))


def counts(machines: list[dict]) -> dict:
    """How many machines of this run passed, failed, were unreachable; how many were not in it."""
    tally = {status: sum(1 for m in machines if m["status"] == status) for status in (*RUN_STATUSES, NOT_IN_RUN)}
    tally["in_run"] = sum(tally[status] for status in RUN_STATUSES)
    return tally


def failures_per_checkpoint(machines: list[dict], columns: list[str]) -> dict:
    """For each checkpoint, how many machines of this run failed it: what the class has not understood."""
    return {
        cid: sum(1 for m in machines if m["status"] != NOT_IN_RUN and cid in m["checkpoints"] and not m["checkpoints"][cid]["passed"])
        for cid in columns
    }


def outcome_line(host: str, outcome: dict, lang: str = "en") -> str:
    """One machine that did not pass, as the summaries print it: its reason, else its status, in ``lang`` (controls
    escaped: a reason may quote what a machine said)."""
    return "  %s: %s" % (
        printable(host),
        printable(render(outcome.get("reason_parts") or [], lang) or say("status." + outcome["status"], lang)),
    )


def summary_lines(summary: dict, lang: str = "en") -> list[str]:
    """The class summary as the play's closing lines and the `vethlab` command print it, in ``lang``."""
    tally = summary["counts"]
    head = say("class.machines_passed", lang, passed=tally[PASSED], in_run=tally["in_run"])
    if tally[NOT_IN_RUN]:
        head += " " + say("class.machines_not_in_run", lang, count=tally[NOT_IN_RUN])
    lines = [head]
    lines += [outcome_line(machine["host"], machine, lang) for machine in summary["machines"] if machine["status"] != PASSED]
    lines.append(say("class.report_at", lang, path=summary["index"]))
    return lines


def _dot_quote(text: str) -> str:
    return '"%s"' % str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def topology_dot(lab: dict) -> str:
    """Graphviz source: every bridge with its address; each host veth joined to its bridge ("master")
    and to its container's interface ("veth pair"); a container with two interfaces holds both."""
    bridges = {bridge["name"]: bridge.get("ipv4") or [] for bridge in [lab.get("bridge") or {}] if bridge.get("name")}
    bridges.update({name: values.get("ipv4") or [] for name, values in (lab.get("bridges") or {}).items()})
    lines = ["graph topology {", "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fillcolor="#f4f6f8", fontname="Helvetica"];']
    ids = {}
    for number, (name, addresses) in enumerate(sorted(bridges.items())):
        ids[name] = "bridge%d" % number
        lines.append('  %s [label=%s, fillcolor="#dbe9f7"];' % (ids[name], _dot_quote("%s\n%s" % (name, ", ".join(addresses)))))
    containers = []
    for pair in lab.get("pairs") or []:
        if pair["container"] not in containers:
            containers.append(pair["container"])
    for number, container in enumerate(containers):
        lines.append("  subgraph cluster%d {" % number)
        lines.append('    label=%s; style="rounded"; color="#7a8a99";' % _dot_quote(container))
        for pair in (p for p in lab["pairs"] if p["container"] == container):
            label = "%d: %s@if%d\n%s\n%s" % (
                pair["container_ifindex"],
                pair["container_interface"],
                pair["host_ifindex"],
                ", ".join(pair.get("ipv4") or []),
                pair.get("mac") or "",
            )
            lines.append('    "if-%d-%d" [label=%s, fillcolor="#e8f5e9"];' % (number, pair["container_ifindex"], _dot_quote(label)))
        lines.append("  }")
        for pair in (p for p in lab["pairs"] if p["container"] == container):
            veth = "veth-%d" % pair["host_ifindex"]
            label = "%d: %s@if%d" % (pair["host_ifindex"], pair["host_interface"], pair["container_ifindex"])
            lines.append("  %s [label=%s];" % (_dot_quote(veth), _dot_quote(label)))
            master = pair.get("bridge")
            if master in ids:
                lines.append('  %s -- %s [label="master"];' % (ids[master], _dot_quote(veth)))
            lines.append('  %s -- "if-%d-%d" [label="veth pair", style=bold];' % (_dot_quote(veth), number, pair["container_ifindex"]))
    lines.append("}")
    return "\n".join(lines)


def topology_svgs(labs: dict) -> dict:
    """Each machine's topology as inline SVG ({host: svg}), or None for each when Graphviz's dot is not installed.
    One dot process draws every graph (it reads one graph after another and writes one SVG document each): a class
    of 2,000 machines is one process, not 2,000."""
    dot = shutil.which("dot")
    hosts = [host for host, lab in labs.items() if lab]
    drawn = dict.fromkeys(labs)
    if not dot or not hosts:
        return drawn
    source = "\n".join(topology_dot(labs[host]) for host in hosts)
    done = subprocess.run([dot, "-Tsvg"], input=source, capture_output=True, text=True, timeout=600)
    documents = [part[part.find("<svg") :] for part in done.stdout.split("<?xml")[1:]] if done.returncode == 0 else []
    if len(documents) != len(hosts):  # a graph dot could not draw: each machine alone, so the others still are
        if len(hosts) == 1:
            return drawn
        return {host: topology_svgs({host: labs[host]})[host] for host in labs}
    drawn.update(zip(hosts, map(clusters_in_order, documents)))
    return drawn


# One cluster (a container's box) of dot's SVG: its group, which holds no other group.
SVG_CLUSTER = re.compile(r'<g id="clust(\d+)" class="cluster">.*?</g>\n', re.DOTALL)


def clusters_in_order(svg: str) -> str:
    """dot's SVG with its clusters in the order of their ids. Drawing several graphs in one process, dot writes the
    later graphs' clusters in an order that varies from run to run (the layout itself does not): without this, a
    machine's page would change at every render, and a rerun that changed nothing would write it again."""
    found = list(SVG_CLUSTER.finditer(svg))
    if len(found) < 2 or svg[found[0].start() : found[-1].end()] != "".join(match.group(0) for match in found):
        return svg  # one cluster, or not one run of them: as drawn
    ordered = "".join(match.group(0) for match in sorted(found, key=lambda match: int(match.group(1))))
    return svg[: found[0].start()] + ordered + svg[found[-1].end() :]


def class_csv(machines: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["machine", "status", "passed", "failed", "total", "problems", "at", "engine"])
    for machine in machines:
        numbers = [machine["passed_count"], machine["failed_count"], machine["total"]]
        writer.writerow(
            [
                machine["host"],
                machine["status"],
                *("" if n is None else n for n in numbers),
                machine["reason"],
                machine["at"] or "",
                engine_label(machine["lab"]),
            ]
        )
    return buffer.getvalue()


def class_junit(machines: list[dict], columns: list[str]) -> str:
    suites = ET.Element("testsuites", name="vethlab")
    for machine in machines:
        suite = ET.SubElement(suites, "testsuite", name=machine["host"])
        cases = failures = skipped = 0
        if machine["status"] == NOT_IN_RUN:
            case = ET.SubElement(suite, "testcase", classname=machine["host"], name="lab run")
            ET.SubElement(case, "skipped", message=machine["reason"])
            cases, skipped = 1, 1
        elif machine["status"] != PASSED and all(c["passed"] for c in machine["checkpoints"].values()):
            # Failed or unreachable, and no failed checkpoint says why: the run itself is the failed case.
            case = ET.SubElement(suite, "testcase", classname=machine["host"], name="lab run")
            ET.SubElement(case, "failure", message=machine["reason"], type=machine["status"]).text = machine["reason"]
            cases, failures = 1, 1
        for cid in columns if machine["status"] != NOT_IN_RUN else []:
            checkpoint = machine["checkpoints"].get(cid)
            if checkpoint is None:
                continue
            case = ET.SubElement(suite, "testcase", classname=machine["host"], name="%s %s" % (cid, checkpoint["title"]))
            cases += 1
            if not checkpoint["passed"]:
                failures += 1
                ET.SubElement(case, "failure", message=checkpoint["detail"], type="checkpoint").text = checkpoint["text"]
        suite.set("tests", str(cases))
        suite.set("failures", str(failures))
        suite.set("skipped", str(skipped))
    for key in ("tests", "failures", "skipped"):
        suites.set(key, str(sum(int(s.get(key)) for s in suites)))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def previous_summary(report_dir: Path) -> dict | None:
    path = Path(report_dir) / "summary.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def without_lab(outcomes: dict) -> dict:
    """The outcomes without each machine's data (its lab.json, which the outcome names)."""
    return {host: {key: value for key, value in outcome.items() if key != "lab"} for host, outcome in outcomes.items()}


def render_class_report(
    report_dir: Path, hosts: list[str], outcomes: dict, run: dict, previous: dict | None = None, languages: list[str] | tuple = ("en", "zh")
) -> dict:
    """Write the pages (index and one per machine, in each language), class.csv, junit.xml and
    summary.json; return the summary.

    ``hosts`` is the class (every machine of the inventory), ``outcomes`` the machines of this run
    (``{host: {status, reason, reason_parts, report, ...}}``), ``run`` says when and how it ran
    (``at``, ``mode``, ``limit``); ``previous`` is the summary of the run before, for the machines
    outside this one; ``languages`` the languages of the pages.
    """
    report_dir = Path(report_dir)
    languages = [lang for lang in LANGUAGES if lang in languages] or ["en"]
    machines = load_machines(hosts, outcomes, run["at"], previous)
    columns = checkpoint_columns(machines)
    tally = counts(machines)
    failures = failures_per_checkpoint(machines, columns)
    files = {report_dir / "class.csv": class_csv(machines), report_dir / "junit.xml": class_junit(machines, columns)}
    index, page = environment().get_template("index.html.j2"), environment().get_template("machine.html.j2")
    svgs = topology_svgs({machine["host"]: machine["lab"] for machine in machines})
    for lang in languages:
        context = {"lang": lang, "languages": languages, "run": run}
        files[report_dir / page_name("index", lang)] = index.render(
            machines=machines, checkpoint_ids=columns, counts=tally, failures=failures, **context
        )
        for machine in machines:
            base = machine["page"][: -len(".html")]
            files[report_dir / "machines" / page_name(base, lang)] = page.render(
                machine=machine, base=base, svg=svgs[machine["host"]], **context
            )
    fields = ("host", "status", "reason", "reason_parts", "at", "last", "report", "passed_count", "failed_count", "total", "page")
    summary = {
        "run": run,
        "hosts": list(hosts),
        "outcomes": without_lab(outcomes),
        "languages": languages,
        "machines": [{key: m[key] for key in fields} for m in machines],
        "counts": tally,
        "failures": failures,
        "passed": tally["in_run"] > 0 and tally[PASSED] == tally["in_run"],
        "index": str(report_dir / "index.html"),
    }
    files[report_dir / "summary.json"] = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    written = [str(path) for path, content in files.items() if write_if_changed(path, content.encode("utf-8"))]
    return dict(summary, written=written)


def merge_reports(out: Path, inputs: list, languages=None) -> dict:
    """One class report from several report folders of one class - the slices of a sliced job, runs of parts of the
    class with --limit, each folder as a run wrote it (summary.json and each machine's folder): the class is every
    roster the folders name, each machine's result the newest among them (by its run's time), its files copied
    into ``out``. The same inputs in any order give the same report; a machine whose slice failed shows that
    slice's reason; a machine no folder judged shows as not in the run. Only the final render takes ``out``'s
    turn (FolderTurn). Returns the class report's summary."""
    from vethlab.files import FolderTurn

    out, found = Path(out), []
    for folder in inputs:
        summary = previous_summary(Path(folder))
        if summary is None:
            raise ValueError("%s has no summary.json: not a report folder a run wrote" % folder)
        found.append((Path(folder), summary))
    hosts = list(dict.fromkeys(host for _, summary in found for host in summary.get("hosts") or []))
    newest = {}  # host: ((its run's time, its folder), folder, outcome)
    for folder, summary in found:
        key = (summary["run"]["at"], str(folder.resolve()))  # newest first by time; the same folder order in any input order
        for host, outcome in (summary.get("outcomes") or {}).items():
            if host not in newest or key > newest[host][0]:
                newest[host] = (key, folder, outcome)
    outcomes = {}
    for host, ((at, _), folder, outcome) in sorted(newest.items()):
        source, target = folder / machine_folder(host), out / machine_folder(host)
        if source.is_dir() and source.resolve() != target.resolve():
            for path in sorted(source.iterdir()):
                if path.is_file():
                    write_if_changed(target / path.name, path.read_bytes())
        report = str(target / "lab.json") if outcome.get("report") and (target / "lab.json").is_file() else None
        outcomes[host] = dict(outcome, report=report, lab=None, at=at)
    runs = [summary["run"] for _, summary in found]
    run = {
        "at": max(item["at"] for item in runs),
        "mode": runs[0].get("mode") if all(item.get("mode") == runs[0].get("mode") for item in runs) else "run",
        "limit": None,
        "playbook": runs[0].get("playbook") or "lab.yml",
    }
    asked = languages or [lang for _, summary in found for lang in summary.get("languages") or []]
    turn = FolderTurn(out)
    turn.take("vethlab report --merge")
    try:
        return render_class_report(out, hosts, outcomes, run, None, [lang for lang in LANGUAGES if lang in asked] or ["en"])
    finally:
        turn.give_back()
