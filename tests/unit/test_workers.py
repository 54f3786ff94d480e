"""vethlab up --workers, the parts that need no worker: AWX's slicing rule, the worker's SSH command (its host key
checked, no option smuggled in a name), what a slice carries (the worker's paths only, the class's secret, never the
controller's report folder), the lost run's locks named gone, and bad input refused before anything runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import load_action_plugin
from vethlab.workers import parse_worker, slice_folder, slice_options, slices, worker_argv

ROOT = Path(__file__).resolve().parents[2]


def test_slices_are_awxs_every_nth_of_the_sorted_roster_and_cover_it_once():
    roster = ["s%02d" % n for n in (5, 1, 4, 2, 3)]
    assert slices(roster, 2) == [["s01", "s03", "s05"], ["s02", "s04"]]
    for count in range(1, 8):
        parts = slices(roster, count)
        assert sorted(host for part in parts for host in part) == sorted(roster)
        assert len(parts) == min(count, len(roster)) and all(parts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("w1", ("w1", None)), ("teacher@10.0.0.5", ("teacher@10.0.0.5", None)), ("teacher@w2:2222", ("teacher@w2", "2222"))],
)
def test_a_worker_is_an_ssh_destination_and_its_port(text, expected):
    assert parse_worker(text) == expected


@pytest.mark.parametrize("text", ["", "-oProxyCommand=touch /tmp/x", "w1:ssh", "a b"])
def test_a_worker_that_is_no_destination_is_refused_by_name(text):
    with pytest.raises(ValueError, match="is not a worker"):
        parse_worker(text)


def test_the_workers_ssh_checks_its_host_key_in_the_classs_known_hosts(tmp_path):
    known = tmp_path / ".class.known_hosts"
    argv = worker_argv("teacher@w2:2222", "ansible-runner worker --private-data-dir /tmp/x --delete", known)
    assert argv[0] == "ssh" and "StrictHostKeyChecking=yes" in argv and argv[argv.index("-p") + 1] == "2222"
    assert any(part.startswith("UserKnownHostsFile=%s " % known) for part in argv)
    assert argv[-3:] == ["teacher@w2", "--", "ansible-runner worker --private-data-dir /tmp/x --delete"]
    assert "StrictHostKeyChecking=accept-new" in worker_argv("w2", "c", known, trust_new_keys=True)


def test_a_slice_carries_the_project_the_inventory_and_keys_and_names_only_the_workers_paths(tmp_path):
    inventory = tmp_path / "classroom.yml"
    inventory.write_text("all:\n  hosts:\n    s01:\n")
    known = tmp_path / ".classroom.known_hosts"
    known.write_text("s01 ssh-ed25519 AAAA\n")
    private = tmp_path / "slice"
    slice_folder(private, ROOT, str(inventory), known)
    assert (private / "project" / "lab.yml").is_file() and (private / "project" / "vethlab" / "workers.py").is_file()
    assert not (private / "project" / ".venv").exists() and not (private / "project" / "reports").exists()
    assert (private / "inventory" / "classroom.yml").read_text() == inventory.read_text()
    assert (private / "known_hosts").read_text() == known.read_text()

    there = "/tmp/vethlab-slice-abc-1"
    options = slice_options(there, "slice1", str(inventory), ["s01", "s03"], ["-e", "x=1"], b"f" * 64, "KEY")
    assert options["inventory"] == "classroom.yml" and options["limit"] == "s01,s03" and options["ssh_key"] == "KEY"
    assert options["envvars"]["VETHLAB_CLASS_SECRET"] == "f" * 64
    assert all(value.startswith(there) for name, value in options["envvars"].items() if name.endswith(("CONFIG", "FILE", "PLUGINS")))
    given = json.loads(options["cmdline"].split("-e ", 2)[2].strip("'"))
    assert given == {"lab_report_dir": there + "/artifacts/slice1/class"}
    assert str(tmp_path) not in json.dumps(options)  # nothing of the controller's folders


def test_runs_another_controller_names_gone_are_added_to_the_lock_owners(monkeypatch, tmp_path):
    settings = load_action_plugin("lab_settings")
    monkeypatch.setattr(settings, "RUNS_FILE", tmp_path / "runs.json")
    monkeypatch.setenv("VETHLAB_GONE_RUNS", "worker3-812-99, worker3-900-7,")
    assert settings.told_gone() == ["worker3-812-99", "worker3-900-7"]
    assert {"worker3-812-99", "worker3-900-7"} <= set(settings.owner()["gone"])


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--workers", ","], "name at least one worker"),
        (["--workers=-oProxyCommand=x"], "is not a worker"),
        (["--workers", "w1", "--slices", "0"], "--slices must be 1 or more"),
        (["--workers", "w1", "--ssh-key", "/nonexistent/key"], "cannot read --ssh-key /nonexistent/key"),
    ],
)
def test_bad_worker_input_is_refused_before_anything_runs(tmp_path, capsys, argv, said):
    from vethlab.cli import EXIT_USAGE, main

    inventory = tmp_path / "class.yml"
    inventory.write_text("all:\n  hosts:\n    s01:\n")
    assert main(["up", "-i", str(inventory), *argv]) == EXIT_USAGE
    assert said in capsys.readouterr().err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["class.yml"]  # no secret, no key file made


def test_given_up_runs_are_kept_six_hours_the_newest_twenty_for_the_owner_only(tmp_path):
    from vethlab.workers import gone_runs

    path = tmp_path / ".class.vethlab-gone-runs"
    assert gone_runs(path) == [] and not path.exists()  # asking writes nothing
    gone_runs(path, ["old-1"], now=1000.0)
    assert gone_runs(path, now=1000.0 + 6 * 3600 - 1) == ["old-1"]
    assert gone_runs(path, now=1000.0 + 6 * 3600 + 1) == []  # older than six hours: its lock is stale anyway
    many = ["run-%02d" % number for number in range(25)]
    for number, run in enumerate(many):
        gone_runs(path, [run], now=5000.0 + number)
    assert gone_runs(path, now=5100.0) == sorted(many[-20:])
    assert path.stat().st_mode & 0o777 == 0o600
