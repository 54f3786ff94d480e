"""A class's secret and the signature of each report file: made once, 0600, next to the inventory; a page or a
lab.json changed by one character no longer verifies; the secret never appears in what it signs."""

from __future__ import annotations

import json
import os

from vethlab.signature import class_secret, secret_path, sign, verify

LAB = {"host": "student07", "passed": False, "checkpoints": [{"id": "C1", "passed": True}, {"id": "C2", "passed": False}]}


def test_the_secret_is_made_once_next_to_the_inventory_and_only_its_owner_reads_it(tmp_path):
    inventory = tmp_path / "classroom.yml"
    inventory.write_text("all: {}\n")
    path = secret_path(inventory)
    assert path == tmp_path / ".classroom.vethlab-secret"
    first = class_secret(path)
    assert class_secret(path) == first and len(first) == 64
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert secret_path("student01,student02,").name == "adhoc.vethlab-secret"


def test_a_signed_lab_json_verifies_and_one_change_does_not(tmp_path):
    secret = class_secret(tmp_path / "s")
    signed = sign("lab.json", json.dumps(LAB).encode(), secret)
    assert verify("lab.json", signed, secret)[0] is True
    forged = json.loads(signed)
    forged["checkpoints"][1]["passed"] = True
    forged["passed"] = True
    assert verify("lab.json", json.dumps(forged).encode(), secret)[0] is False
    assert verify("lab.json", signed, class_secret(tmp_path / "another"))[0] is False  # another class's secret
    assert secret.decode() not in signed.decode()
    assert sign("lab.json", signed, secret) == signed  # signing again gives the same file


RUN = {"host": "student07", "run_id": "vm-15442-181468", "run_at": "2026-12-06T16:47:11Z"}


def test_a_signed_page_verifies_and_a_forged_one_does_not(tmp_path):
    secret = class_secret(tmp_path / "s")
    page = b"# student07\n\n| C2 | eth0 | **failed** |\n"
    signed = sign("lab.md", page, secret, RUN)
    assert signed.decode().splitlines()[-1].startswith("Signature (HMAC-SHA256, vethlab): ")
    assert verify("lab.md", signed, secret) == (True, "verify.why.changed", RUN)
    forged = signed.decode().replace("**failed**", "**passed**").encode()
    assert verify("lab.md", forged, secret)[:2] == (False, "verify.why.changed")
    assert verify("lab.md", page, secret)[:2] == (False, "verify.why.unsigned")
    assert sign("lab.md", signed, secret, RUN) == signed


def test_a_page_is_bound_to_its_exact_bytes_and_its_run(tmp_path):
    """Line breaks swapped for \\x1c (a Markdown viewer then shows one line, hiding a row): not authentic, though
    the same text split into lines is. The machine and run named in the signature's line cannot be changed."""
    secret = class_secret(tmp_path / "s")
    signed = sign("lab.md", b"# student07\n\n| C1 | passed |\n| C2 | **failed** |\n", secret, RUN)
    hidden = signed.replace(b"|\n| C2", b"|\x1c| C2", 1)
    assert verify("lab.md", hidden, secret)[:2] == (False, "verify.why.changed")
    assert verify("lab.md", signed.replace(b"\n", b"\r\n"), secret)[0] is False
    classmate = signed.replace(b'"host":"student07"', b'"host":"student08"')
    assert verify("lab.md", classmate, secret)[0] is False
    later = signed.replace(b"16:47:11", b"18:00:00")
    assert verify("lab.md", later, secret)[0] is False
    document = json.loads(sign("lab.json", json.dumps(dict(LAB, run_id="r1", run_at="t1")).encode(), secret))
    reformatted = json.dumps(document).encode()  # the same data, other bytes
    assert verify("lab.json", reformatted, secret)[0] is False


def test_vethlab_report_verify_says_which_page_is_the_controllers(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    inventory = tmp_path / "classroom.yml"
    inventory.write_text("all: {}\n")
    secret = class_secret(secret_path(inventory))
    good, forged = tmp_path / "lab.md", tmp_path / "forged.md"
    good.write_bytes(sign("lab.md", b"| C2 | **failed** |\n", secret, RUN))
    forged.write_text(good.read_text().replace("failed", "passed"))
    vethlab = str(Path(sys.executable).parent / "vethlab")
    done = subprocess.run([vethlab, "report", "-i", str(inventory), "--verify", str(good)], capture_output=True, text=True)
    assert done.returncode == 0 and "authentic - exactly as the controller wrote it" in done.stdout
    assert "of student07, run vm-15442-181468, 2026-12-06T16:47:11Z" in done.stdout
    done = subprocess.run(
        [vethlab, "report", "-i", str(inventory), "--verify", str(good), str(forged), "--language", "zh"], capture_output=True, text=True
    )
    assert done.returncode == 1 and "forged.md：与控制机写出的不一致：签名与内容不符" in done.stdout
    (tmp_path / "other.yml").write_text("all: {}\n")  # another class, which has had no run
    done = subprocess.run([vethlab, "report", "-i", str(tmp_path / "other.yml"), "--verify", str(good)], capture_output=True, text=True)
    assert done.returncode == 2 and "no class secret at" in done.stderr


def test_verify_refuses_a_classmates_page_and_marks_an_older_one_superseded(tmp_path):
    """In the class's report folder: student08's page under student07's folder (or with --machine student07) is
    refused; student07's page of an earlier run, after a later result, is marked superseded."""
    import subprocess
    import sys
    from pathlib import Path

    inventory = tmp_path / "classroom.yml"
    inventory.write_text("all: {}\n")
    secret = class_secret(secret_path(inventory))
    reports = tmp_path / "reports"
    for host in ("student07", "student08"):
        (reports / host).mkdir(parents=True)
    latest = dict(LAB, run_id="run-2", run_at="2026-12-06T18:00:00Z")
    (reports / "student07" / "lab.json").write_bytes(sign("lab.json", json.dumps(latest).encode(), secret))
    summary = {"outcomes": {"student07": {"status": "failed", "report": str(reports / "student07" / "lab.json")}}, "machines": []}
    (reports / "summary.json").write_text(json.dumps(summary))
    theirs = reports / "student07" / "lab.md"
    theirs.write_bytes(sign("lab.md", b"# student08\n", secret, dict(RUN, host="student08", run_at="2026-12-06T18:00:00Z")))
    older = reports / "student07" / "lab.zh.md"
    older.write_bytes(sign("lab.zh.md", b"# student07\n", secret, RUN))
    vethlab = str(Path(sys.executable).parent / "vethlab")

    def verify_files(*argv):
        return subprocess.run([vethlab, "report", "-i", str(inventory), "--verify", *argv], capture_output=True, text=True)

    done = verify_files(str(theirs))
    assert done.returncode == 1 and "NOT this machine's: it is student08's page, not student07's" in done.stdout, done.stdout
    done = verify_files(str(older))
    assert done.returncode == 1 and "superseded: student07 has a later result, run run-2 at 2026-12-06T18:00:00Z" in done.stdout
    loose = tmp_path / "handed-in.md"  # a page handed in outside the report folder: the name asked decides
    loose.write_bytes(theirs.read_bytes())
    assert verify_files(str(loose), "--machine", "student07").returncode == 1
    assert verify_files(str(reports / "student07" / "lab.json")).returncode == 0
