#!/usr/bin/env python3
"""What one run sends through ansible-runner, per machine: its events and their bytes (ansible-runner's artifacts,
job_events/*.json, which AWX stores for every job). Runs a playbook (default lab.yml) with ansible-runner in a kept
folder, then counts each machine's events (those naming it) and its share of the rest (playbook, play and task
starts, the stats), and prints the heaviest events. The targets (issue 30): at most 150 events and 60 KB per machine.

    .venv/bin/python scripts/events.py [-i INVENTORY | --scenario NAME] [PLAYBOOK] [-- EXTRA ansible-playbook ARGUMENTS]

--scenario NAME takes the inventory of that Molecule scenario of this checkout (create and converge it first): its
simulated machines, with the settings its molecule.yml gives them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from lab_engine import molecule_folder, through_runner

ROOT = Path(__file__).resolve().parent.parent
EVENTS, BYTES = 150, 60 * 1024


def count(artifacts: Path) -> dict:
    per_host, shared, heaviest = Counter(), Counter(), []
    for path in sorted(artifacts.glob("*/job_events/*.json")):
        size = path.stat().st_size
        event = json.loads(path.read_text(encoding="utf-8"))
        host = (event.get("event_data") or {}).get("host")
        key = host or ""
        (per_host if host else shared)[(key, "events")] += 1
        (per_host if host else shared)[(key, "bytes")] += size
        heaviest.append((size, event.get("event"), (event.get("event_data") or {}).get("task") or "", host or "-"))
    hosts = sorted({host for host, _ in per_host})
    return {"hosts": hosts, "per_host": per_host, "shared": shared, "heaviest": sorted(heaviest, reverse=True)[:8]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("playbook", nargs="?", default="lab.yml")
    parser.add_argument("-i", "--inventory", default=str(ROOT / "inventory" / "local.yml"))
    parser.add_argument("--scenario", help="the inventory of this Molecule scenario (its machines created and converged)")
    parser.add_argument("--keep", metavar="FOLDER", help="keep ansible-runner's folder (its artifacts) here")
    parser.add_argument("extra", nargs="*", help="more ansible-playbook arguments, after --")
    args = parser.parse_args()
    if args.scenario:
        args.inventory = str(molecule_folder(args.scenario) / "inventory")
        if not Path(args.inventory).is_dir():
            sys.exit(
                "events: the scenario %s has no inventory at %s: run molecule create and converge first" % (args.scenario, args.inventory)
            )

    with tempfile.TemporaryDirectory(prefix="vethlab-events-") as scratch:
        private = Path(args.keep or scratch)
        result = through_runner(private, args.playbook, str(Path(args.inventory).resolve()), cmdline=" ".join(args.extra) or None)
        found = count(private / "artifacts")
    hosts = found["hosts"] or ["-"]
    shared_events, shared_bytes = found["shared"][("", "events")], found["shared"][("", "bytes")]
    print(
        "%s: rc %s, %d machine(s); shared events %d (%d bytes), split among them"
        % (args.playbook, result.rc, len(hosts), shared_events, shared_bytes)
    )
    worst = 0
    for host in hosts:
        events = found["per_host"][(host, "events")] + shared_events / len(hosts)
        size = found["per_host"][(host, "bytes")] + shared_bytes / len(hosts)
        worst = max(worst, events > EVENTS or size > BYTES)
        print("  %s: %.0f events, %.1f KB (targets: %d events, %d KB)" % (host, events, size / 1024, EVENTS, BYTES // 1024))
    print("heaviest events:")
    for size, kind, task, host in found["heaviest"]:
        print("  %6.1f KB  %-22s %s  %s" % (size / 1024, kind, host, task[:70]))
    return 1 if worst else 0


if __name__ == "__main__":
    sys.exit(main())
