"""The class report: one page for the whole class, one page per machine, CSV and JUnit.

Rendered from templates (Jinja2, autoescaped) over structured data: each machine's
reports/<host>/lab.json and the run's outcomes (ok, failed at a step, unreachable).
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
from pathlib import Path

import jinja2

CHECKPOINT_IDS = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8"]
TEMPLATES = Path(__file__).resolve().parent / "templates"


def report_folder(host: str) -> str:
    """The folder of a host's lab.json under the report folder (the lab_report role's rule)."""
    return re.sub(r"^\.", "_", re.sub(r"[^A-Za-z0-9_.-]", "_", host))


def safe_name(host: str, taken: set[str]) -> str:
    """A file name for a host's page: letters, digits, dot, dash, underscore; unique."""
    base = report_folder(host)
    name, number = base, 2
    while name in taken:
        name, number = "%s-%d" % (base, number), number + 1
    taken.add(name)
    return name


def load_machines(report_dir: Path, hosts: list[str], outcomes: dict) -> list[dict]:
    """One record per machine of the class, in inventory order."""
    machines, taken = [], set()
    for host in hosts:
        outcome = outcomes.get(host) or {}
        lab_path = report_dir / report_folder(host) / "lab.json"
        lab = None
        if outcome.get("status") != "unreachable" and lab_path.is_file():
            try:
                lab = json.loads(lab_path.read_text(encoding="utf-8"))
            except ValueError:
                lab = None
        checkpoints = {c["id"]: c for c in (lab or {}).get("checkpoints", [])}
        if outcome.get("status") == "unreachable":
            status, reason = "unreachable", "unreachable: %s" % outcome.get("message", "")
        elif outcome.get("status") == "failed" and not (lab and not lab.get("passed")):
            status, reason = "failed", "failed at %s / %s: %s" % (outcome.get("step"), outcome.get("task"), outcome.get("message", ""))
        elif lab is None:
            status, reason = "failed", "no report: the lab did not reach its report step on this machine"
        elif lab.get("passed"):
            status, reason = "passed", ""
        else:
            failed = [cid for cid in CHECKPOINT_IDS if cid in checkpoints and not checkpoints[cid]["passed"]]
            status, reason = "failed", "checkpoints failed: %s" % ", ".join(failed)
        machines.append(
            {
                "host": host,
                "page": safe_name(host, taken) + ".html",
                "status": status,
                "reason": reason.strip(),
                "lab": lab,
                "checkpoints": checkpoints,
                "passed_count": sum(1 for c in checkpoints.values() if c["passed"]),
                "failed_count": len(CHECKPOINT_IDS) - sum(1 for c in checkpoints.values() if c["passed"]),
            }
        )
    return machines


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
    writer.writerow(["machine", "passed", "failed", "total", "problems"])
    for machine in machines:
        writer.writerow([machine["host"], machine["passed_count"], machine["failed_count"], len(CHECKPOINT_IDS), machine["reason"]])
    return buffer.getvalue()


def class_junit(machines: list[dict]) -> str:
    suites = ET.Element("testsuites", name="vethlab")
    for machine in machines:
        suite = ET.SubElement(suites, "testsuite", name=machine["host"])
        cases = 0
        failures = 0
        if machine["status"] in ("unreachable", "failed") and machine["lab"] is None:
            case = ET.SubElement(suite, "testcase", classname=machine["host"], name="lab run")
            ET.SubElement(case, "failure", message=machine["reason"], type=machine["status"]).text = machine["reason"]
            cases, failures = 1, 1
        for cid in CHECKPOINT_IDS:
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
    suites.set("tests", str(sum(int(s.get("tests")) for s in suites)))
    suites.set("failures", str(sum(int(s.get("failures")) for s in suites)))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _write(path: Path, content: str, written: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and path.read_text(encoding="utf-8") == content:
        return
    temporary = path.with_name("." + path.name + ".tmp")
    temporary.write_text(content, encoding="utf-8")
    os.replace(temporary, path)
    written.append(str(path))


def render_class_report(report_dir: Path, hosts: list[str], outcomes: dict, dry_run: bool = False) -> dict:
    """Write index.html, machines/<host>.html, class.csv, junit.xml and summary.json; return the summary."""
    report_dir = Path(report_dir)
    machines = load_machines(report_dir, hosts, outcomes)
    environment = _environment()
    files = {
        report_dir / "index.html": environment.get_template("index.html.j2").render(machines=machines, checkpoint_ids=CHECKPOINT_IDS),
        report_dir / "class.csv": class_csv(machines),
        report_dir / "junit.xml": class_junit(machines),
    }
    page = environment.get_template("machine.html.j2")
    for machine in machines:
        svg = topology_svg(machine["lab"]) if machine["lab"] else None
        files[report_dir / "machines" / machine["page"]] = page.render(machine=machine, svg=svg, checkpoint_ids=CHECKPOINT_IDS)
    summary = {
        "hosts": hosts,
        "outcomes": outcomes,
        "machines": [{key: m[key] for key in ("host", "status", "reason", "passed_count", "failed_count", "page")} for m in machines],
        "passed": all(m["status"] == "passed" for m in machines) and bool(machines),
        "index": str(report_dir / "index.html"),
    }
    files[report_dir / "summary.json"] = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    written: list[str] = []
    if not dry_run:
        for path, content in files.items():
            _write(path, content, written)
    return dict(summary, written=written)
