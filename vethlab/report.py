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

import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"
PASSED, FAILED, UNREACHABLE, NOT_IN_RUN = "passed", "failed", "unreachable", "not in this run"
# The outcome of a machine in a run that judges nothing (teardown, one step alone): it went through.
DONE = "done"
# The outcomes a machine of this run can have; a machine outside the run is NOT_IN_RUN.
RUN_STATUSES = (PASSED, FAILED, UNREACHABLE)


def now() -> str:
    """The time of a run, as summary.json records it (UTC, to the second)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def shown_time(stamp: str | None) -> str:
    """'2026-11-28T19:40:12Z' as a person reads it: '2026-11-28 19:40 UTC'."""
    if not stamp:
        return "an unknown time"
    return stamp.replace("T", " ")[:16] + " UTC"


def _natural(checkpoint_id: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", checkpoint_id))


def safe_name(host: str, taken: set[str]) -> str:
    """A file name for a host's page: letters, digits, dot, dash, underscore; unique."""
    base = re.sub(r"^\.", "_", re.sub(r"[^A-Za-z0-9_.-]", "_", host))
    name, number = base, 2
    while name in taken:
        name, number = "%s-%d" % (base, number), number + 1
    taken.add(name)
    return name


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
    machines, taken = [], set()
    earlier = _previous_machines(previous)
    for host in list(hosts) + [host for host in outcomes if host not in hosts]:
        outcome = outcomes.get(host)
        if outcome is None:
            last = earlier.get(host)
            reason = (
                "not in this run; last result, at %s: %s" % (shown_time(last["at"]), last["status"])
                if last
                else "not in this run; no result yet"
            )
            machine = {"status": NOT_IN_RUN, "reason": reason, "at": None, "last": last, "lab": None, "report": None}
        else:
            lab = _read_lab(outcome.get("report"))
            machine = {"status": outcome["status"], "reason": outcome.get("reason", ""), "at": at, "last": None, "lab": lab}
            machine["report"] = outcome.get("report") if lab else None
        machine["host"] = host
        machine["page"] = safe_name(host, taken) + ".html"
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
    return sorted({cid for machine in machines for cid in machine["checkpoints"]}, key=_natural)


def counts(machines: list[dict]) -> dict:
    """How many machines of this run passed, failed, were unreachable; how many were not in it."""
    tally = {status: sum(1 for m in machines if m["status"] == status) for status in (*RUN_STATUSES, NOT_IN_RUN)}
    tally["in_run"] = sum(tally[status] for status in RUN_STATUSES)
    return tally


def summary_lines(summary: dict) -> list[str]:
    """The class summary as the play's closing lines and the `vethlab` command print it."""
    tally = summary["counts"]
    head = "%d of %d machines passed." % (tally[PASSED], tally["in_run"])
    if tally[NOT_IN_RUN]:
        head += " %d not in this run (--limit): earlier results, not counted." % tally[NOT_IN_RUN]
    lines = [head]
    for machine in summary["machines"]:
        if machine["status"] != PASSED:
            lines.append("  %s: %s" % (machine["host"], machine["reason"] or machine["status"]))
    lines.append("Report: %s" % summary["index"])
    return lines


def _dot_quote(text: str) -> str:
    return '"%s"' % str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def topology_dot(lab: dict) -> str:
    """Graphviz source: docker0, each host veth joined to its container's eth0."""
    bridge = lab.get("bridge") or {}
    lines = ["graph topology {", "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fillcolor="#f4f6f8", fontname="Helvetica"];']
    bridge_id = "bridge"
    lines.append(
        '  %s [label=%s, fillcolor="#dbe9f7"];'
        % (bridge_id, _dot_quote("%s\n%s" % (bridge.get("name", "docker0"), ", ".join(bridge.get("ipv4") or []))))
    )
    for number, pair in enumerate(lab.get("pairs") or []):
        veth, eth = "veth%d" % number, "eth%d" % number
        lines.append(
            "  %s [label=%s];"
            % (veth, _dot_quote("%d: %s@if%d" % (pair["host_ifindex"], pair["host_interface"], pair["container_ifindex"])))
        )
        label = "%s\n%d: %s@if%d\n%s\n%s" % (
            pair["container"],
            pair["container_ifindex"],
            pair["container_interface"],
            pair["host_ifindex"],
            ", ".join(pair.get("ipv4") or []),
            pair.get("mac") or "",
        )
        lines.append('  %s [label=%s, fillcolor="#e8f5e9"];' % (eth, _dot_quote(label)))
        master = pair.get("bridge") or "(no bridge)"
        lines.append(
            "  %s -- %s [label=%s];"
            % (bridge_id if master == bridge.get("name") else veth, veth, _dot_quote("master" if master == bridge.get("name") else master))
        )
        lines.append('  %s -- %s [label="veth pair", style=bold];' % (veth, eth))
    lines.append("}")
    return "\n".join(lines)


def topology_svg(lab: dict) -> str | None:
    """The topology as inline SVG, or None when Graphviz's dot is not installed."""
    dot = shutil.which("dot")
    if not dot:
        return None
    done = subprocess.run([dot, "-Tsvg"], input=topology_dot(lab), capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        return None
    svg = done.stdout
    return svg[svg.find("<svg") :]


def class_csv(machines: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["machine", "status", "passed", "failed", "total", "problems", "at"])
    for machine in machines:
        numbers = [machine["passed_count"], machine["failed_count"], machine["total"]]
        writer.writerow(
            [machine["host"], machine["status"], *("" if n is None else n for n in numbers), machine["reason"], machine["at"] or ""]
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


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["shown_time"] = shown_time
    return environment


def _write(path: Path, content: str, written: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and path.read_text(encoding="utf-8") == content:
        return
    temporary = path.with_name("." + path.name + ".tmp")
    temporary.write_text(content, encoding="utf-8")
    os.replace(temporary, path)
    written.append(str(path))


def previous_summary(report_dir: Path) -> dict | None:
    path = Path(report_dir) / "summary.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def render_class_report(report_dir: Path, hosts: list[str], outcomes: dict, run: dict, previous: dict | None = None) -> dict:
    """Write index.html, machines/<host>.html, class.csv, junit.xml and summary.json; return the summary.

    ``hosts`` is the class (every machine of the inventory), ``outcomes`` the machines of this run
    (``{host: {status, reason, report, ...}}``), ``run`` says when and how it ran (``at``, ``mode``,
    ``limit``); ``previous`` is the summary of the run before, for the machines outside this one.
    """
    report_dir = Path(report_dir)
    machines = load_machines(hosts, outcomes, run["at"], previous)
    columns = checkpoint_columns(machines)
    tally = counts(machines)
    environment = _environment()
    files = {
        report_dir / "index.html": environment.get_template("index.html.j2").render(
            machines=machines, checkpoint_ids=columns, counts=tally, run=run
        ),
        report_dir / "class.csv": class_csv(machines),
        report_dir / "junit.xml": class_junit(machines, columns),
    }
    page = environment.get_template("machine.html.j2")
    for machine in machines:
        svg = topology_svg(machine["lab"]) if machine["lab"] else None
        files[report_dir / "machines" / machine["page"]] = page.render(machine=machine, svg=svg, run=run)
    fields = ("host", "status", "reason", "at", "last", "report", "passed_count", "failed_count", "total", "page")
    summary = {
        "run": run,
        "hosts": list(hosts),
        "outcomes": outcomes,
        "machines": [{key: m[key] for key in fields} for m in machines],
        "counts": tally,
        "passed": tally["in_run"] > 0 and tally[PASSED] == tally["in_run"],
        "index": str(report_dir / "index.html"),
    }
    files[report_dir / "summary.json"] = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    written: list[str] = []
    for path, content in files.items():
        _write(path, content, written)
    return dict(summary, written=written)
