"""What a lab run sends through ansible-runner's events, which AWX stores for every machine of every job: the
steps' bulky data (the observation, the ping matrix, the capture) reaches the report through the registered
results, never through the events; the facts are the few the engine role reads; a lab as the lessons need it
runs one task per rare branch, skipped. Two lab runs on this machine (the second finds the lab as it is), about
8 s.
"""

from __future__ import annotations

import json

import pytest

from lab_engine import LAB_TEST_SETTINGS, ROOT, through_runner
from vethlab.workers import settings_owner

pytestmark = [pytest.mark.engine]

# What the lab's data looks like in a result: the ping matrix, the checkpoints' texts, ip addr's text, the engine's
# survey, the captured packets. None of it may travel in an event; lab.json has it.
DATA_KEYS = {"reachability", "checkpoints", "host_output", "container_outputs", "survey", "packet_path", "inspected"}
# The facts gathered: the distribution (and what it needs), the package manager, the service manager - not `min`.
NOT_GATHERED = {"ansible_cmdline", "ansible_dns", "ansible_env", "ansible_selinux", "ansible_date_time", "ansible_user_id"}


def test_a_lab_runs_events_carry_no_lab_data_and_few_facts(tmp_path):
    reports = tmp_path / "reports"
    settings = {**json.loads(LAB_TEST_SETTINGS), "lab_report_dir": str(reports)}  # the default image source, auto
    for run in ("first", "second"):  # the second finds the lab as the lessons need it
        through_runner(tmp_path / run, "lab.yml", str(ROOT / "inventory" / "local.yml"), extravars=settings)
    events = [json.loads(path.read_text()) for path in sorted((tmp_path / "second").glob("artifacts/*/job_events/*.json"))]
    lab = json.loads((reports / "localhost" / "lab.json").read_text())
    assert lab["passed"] is True and len(lab["checkpoints"]) >= 9 and lab["reachability"], "the data reached the report"
    results = [event["event_data"] for event in events if isinstance((event.get("event_data") or {}).get("res"), dict)]
    carrying = {data["task"]: sorted(DATA_KEYS & set(data["res"])) for data in results if DATA_KEYS & set(data["res"])}
    assert carrying == {}, carrying
    (facts,) = [data["res"]["ansible_facts"] for data in results if data["task"] == "Gathering Facts"]
    assert {"ansible_distribution", "ansible_os_family", "ansible_pkg_mgr", "ansible_service_mgr"} <= set(facts)
    assert not NOT_GATHERED & set(facts), sorted(NOT_GATHERED & set(facts))
    # The lab as the lessons need it: the rare branches of the reset (refuse, warn, remove), the image step (look, pull,
    # build) and the containers step (look again, create, start, connect) are one skipped task each, and the run's
    # events for the machine stay within 150.
    skipped = [(event["event_data"].get("role"), event["event_data"]["task"]) for event in events if event["event"] == "runner_on_skipped"]
    assert [task for role, task in skipped if role in ("lab_reset", "lab_image", "lab_containers")] == [
        "List the images the reset removes",
        "Refuse, warn or remove as the plan says",
        "Look on the host unless the reset step did, else pull, else build the image from busybox",
        "Look again if need be, then create, start and connect what the lessons need",
    ]
    assert sum(1 for event in events if (event.get("event_data") or {}).get("host")) <= 150
    # The run's id, which `vethlab up --workers` reads from the events to name a lost or interrupted run gone (its locks
    # taken over at once), is in them: the settings step's own result says it, the run the report was written by.
    (owner,) = [found for found in map(settings_owner, events) if found]
    (written,) = [data["res"]["verdict"] for data in results if "verdict" in data["res"]]
    assert owner["run"] and owner["run"] == written["run_id"], (owner, written)
