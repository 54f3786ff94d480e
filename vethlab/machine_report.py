"""A machine's report: its data, built once from the steps' results, and its files - ``lab.json``, the student's
page in each language (``lab.md``, ``lab.zh.md``, any later one) and the captured ping (``ping-path.pcapng``) -
rendered by vethlab/render.py, signed (vethlab/signature.py) and written where their bytes changed
(vethlab/files.py). The pages of a run that stopped before its report step come the same way.

Whether a report *changed* is decided from the data: a rerun whose data differs from the ``lab.json`` before it
only by the run's stamp - which run wrote it and when, each cell's probes, the captured ping as a whole, the
signature - rewrites its files as ``restamped``, not ``written``. Rewording a text or adding a language changes
nothing in that rule.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from vethlab.files import write_if_changed
from vethlab.module_utils.vethlab_lessons import names
from vethlab.module_utils.vethlab_texts import LANGUAGES, render
from vethlab.pcap import pcapng_bytes
from vethlab.render import page_name, render_page
from vethlab.signature import JSON_KEY, RUN_KEYS, sign

CAPTURE = "ping-path.pcapng"
# The run's stamp in a report's data: which run wrote it and when, and what every run measures anew - the captured
# ping as a whole (its frames, times and ids), and in each cell and checkpoint the probes and the words that quote
# them ("1 of 2 echo requests answered", "the ARP who-has / is-at before it"): what a cell or checkpoint judges is
# in its other fields (passed, observed, address, ...), and every fact its words name is elsewhere in the data.
STAMP_KEYS = ("run_id", "run_at", JSON_KEY, "packet_path")
ITEM_STAMP_KEYS = ("probes", "detail", "i18n")
ITEMS = ("reachability", "checkpoints")


def report_data(host: str, run: dict, results: dict) -> dict:
    """lab.json: what the report says, from the steps' results (``results``: ``plan``, ``image``, ``engine`` -
    absent when the engine step did not run -, ``reset``, ``inspect``, ``verify``) and the ``run`` (run_id,
    run_at)."""
    inspect, verify = results["inspect"], results["verify"]
    veths = inspect["veths"]
    used = [pair["bridge"] for pair in veths["pairs"]]
    # The lab's own bridges (those its pairs are on); what did not pair: the lab's containers' interfaces, and host
    # veths on those bridges (another network's veths - another machine's, another class's - are not this lesson's).
    bridges = {name: bridge for name, bridge in veths["bridges"].items() if name in used}
    members = [member for bridge in bridges.values() for member in bridge.get("members") or []]
    unpaired = [item for item in veths["unpaired"] if item["side"] == "container"]
    unpaired += [item for item in veths["unpaired"] if item["side"] == "host" and item.get("interface") in members]
    return {
        "host": host,
        "passed": verify["passed"],
        "run_id": run.get("run_id") or "",
        "run_at": run["run_at"],
        "bridge": verify["bridge"],
        "bridges": bridges,
        "outside_address": verify["outside_address"],
        "image": {"ref": results["image"]["ref"], "source": results["image"]["source"]},
        "engine": results.get("engine"),
        "containers": names(results["plan"]),
        "lessons": verify["lessons"],
        "warnings": (results.get("reset") or {}).get("warnings") or [],
        "states": inspect["states"],
        "health": inspect["health"],
        "bridge_problems": inspect["bridge_problems"],
        "checkpoints": verify["checkpoints"],
        "pairs": veths["pairs"],
        "unpaired": unpaired,
        "interfaces": veths["containers"],
        "reachability": verify["reachability"],
        "packet_path": verify.get("packet_path") or [],
    }


def run_owner(action: str | None, result: dict | None) -> dict:
    """This run's owner on a machine - its run id (which the machine's report and the lab's lock name), holder and pid -
    as the settings step's own result gives it (the lab_settings action's ``owner``), for those who read the run's
    results from outside: the outcomes callback (a stopped run's page names its run) and `vethlab up --workers` (a lost
    or interrupted run is named gone). The step's set_fact that keeps it for the steps has no_log: its result is
    censored for them. {} for any other result."""
    owner = (result or {}).get("owner")
    return owner if str(action or "").split(".")[-1] == "lab_settings" and isinstance(owner, dict) else {}


def stopped_data(host: str, outcome: dict, run_id: str, at: str) -> dict:
    """lab.json of a machine whose run stopped before its report step (failed at a step, or unreachable): dated,
    saying so, so that an earlier run's pass is never left in place."""
    return {
        "host": host,
        "passed": False,
        "run_id": run_id,
        "run_at": at,
        "outcome": outcome["status"],
        "stopped": {key: outcome.get(key) or "" for key in ("step", "task", "message")},
        "reason": outcome.get("reason") or "",
        "i18n": {lang: {"reason": render(outcome.get("reason_parts") or [], lang)} for lang in LANGUAGES if lang != "en"},
        "checkpoints": [],
    }


def unstamped(data: dict | None) -> dict | None:
    """The data without the run's stamp: what decides whether a report changed."""
    if not isinstance(data, dict):
        return None
    kept = {key: value for key, value in data.items() if key not in STAMP_KEYS}
    for items in ITEMS:
        if isinstance(kept.get(items), list):
            kept[items] = [
                {key: value for key, value in item.items() if key not in ITEM_STAMP_KEYS} if isinstance(item, dict) else item
                for item in kept[items]
            ]
    return kept


def files(data: dict, languages) -> dict:
    """The report's text files, rendered: {name: text} - lab.json, then the page in each language."""
    made = {"lab.json": json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"}
    for lang in languages:
        made[page_name("lab", lang, ".md")] = render_page("lab.md.j2", data=data, lang=lang, languages=list(languages))
    return made


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_capture(folder: Path, packet_path: list) -> str | None:
    """ping-path.pcapng from the captured ping's frames (vethlab/pcap.py), or an earlier run's removed when this
    run captured nothing, so the folder never shows another run's capture as this one's. The path, or None."""
    path = folder / CAPTURE
    if not any(entry.get("frames") for entry in packet_path):
        if path.exists():
            os.unlink(path)
        return None

    write_if_changed(path, pcapng_bytes(packet_path), 0o644)
    return str(path)


def digest(content: bytes) -> str:
    """A report file's digest, as its verdict carries it: sha256 of its bytes, in hex."""
    return hashlib.sha256(content).hexdigest()


def verdict(data: dict, report: str, lab_digest: str) -> dict:
    """What the report step hands on for the class report - small, whatever the report's size: where lab.json is and
    its digest (the class report reads it there, and only if the bytes are those), the verdict, each checkpoint's
    pass as ``{id: passed}`` in order, and the failed ones with their detail (the failure's message)."""
    checkpoints = data.get("checkpoints") or []
    return {
        "report": report,
        "digest": lab_digest,
        "run_id": data.get("run_id") or "",
        "passed": bool(data.get("passed")),
        "checkpoints": {c["id"]: bool(c.get("passed")) for c in checkpoints},
        "failed": [{"id": c["id"], "detail": c.get("detail") or ""} for c in checkpoints if not c.get("passed")],
    }


def read_verified(report: str | None, lab_digest: str | None) -> dict | None:
    """lab.json's data at ``report``, only when its bytes have ``lab_digest`` (what the report step wrote), else None."""
    try:
        content = Path(report).read_bytes() if report else None
    except OSError:
        return None
    if content is None or not lab_digest or digest(content) != lab_digest:
        return None
    try:
        found = json.loads(content.decode("utf-8"))
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def write(folder, data: dict, languages, secret: bytes | None = None) -> dict:
    """Write the report's files into ``folder`` (each only when its bytes changed), signed with ``secret`` when
    given. Returns ``written`` (files whose data changed, or new), ``restamped`` (rewritten for the run's stamp
    only), ``unchanged``, ``capture`` (the pcapng's path or None), ``changed``, and the ``verdict``."""
    folder = Path(folder)
    same = unstamped(_read_json(folder / "lab.json")) == unstamped(data)
    run = {key: data.get(key) or "" for key in RUN_KEYS}
    written, restamped, unchanged = [], [], []
    lab_digest = ""
    for name, text in files(data, languages).items():
        path = folder / name
        content = text.encode("utf-8")
        if secret is not None:
            content = sign(name, content, secret, None if name.endswith(".json") else run)
        if name == "lab.json":
            lab_digest = digest(content)
        existed = path.exists()
        if not write_if_changed(path, content, 0o644):
            unchanged.append(str(path))
        else:
            (restamped if same and existed else written).append(str(path))
    capture = write_capture(folder, data.get("packet_path") or [])
    return {
        "written": written,
        "restamped": restamped,
        "unchanged": unchanged,
        "capture": capture,
        "changed": bool(written),
        "verdict": verdict(data, str(folder / "lab.json"), lab_digest),
    }
