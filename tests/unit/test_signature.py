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


def test_a_signed_page_verifies_and_a_forged_one_does_not(tmp_path):
    secret = class_secret(tmp_path / "s")
    page = b"# student07\n\n| C2 | eth0 | **failed** |\n"
    signed = sign("lab.md", page, secret)
    assert signed.decode().splitlines()[-1].startswith("Signature (HMAC-SHA256, vethlab): ")
    assert verify("lab.md", signed, secret)[0] is True
    forged = signed.decode().replace("**failed**", "**passed**").encode()
    assert verify("lab.md", forged, secret) == (False, "verify.why.changed")
    assert verify("lab.md", page, secret) == (False, "verify.why.unsigned")
    assert sign("lab.md", signed, secret) == signed


def test_vethlab_report_verify_says_which_page_is_the_controllers(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    inventory = tmp_path / "classroom.yml"
    inventory.write_text("all: {}\n")
    secret = class_secret(secret_path(inventory))
    good, forged = tmp_path / "lab.md", tmp_path / "forged.md"
    good.write_bytes(sign("lab.md", b"| C2 | **failed** |\n", secret))
    forged.write_text(good.read_text().replace("failed", "passed"))
    vethlab = str(Path(sys.executable).parent / "vethlab")
    done = subprocess.run([vethlab, "report", "-i", str(inventory), "--verify", str(good)], capture_output=True, text=True)
    assert done.returncode == 0 and "authentic - exactly as the controller wrote it" in done.stdout
    done = subprocess.run(
        [vethlab, "report", "-i", str(inventory), "--verify", str(good), str(forged), "--language", "zh"], capture_output=True, text=True
    )
    assert done.returncode == 1 and "forged.md：与控制机写出的不一致：签名与内容不符" in done.stdout
    (tmp_path / "other.yml").write_text("all: {}\n")  # another class, which has had no run
    done = subprocess.run([vethlab, "report", "-i", str(tmp_path / "other.yml"), "--verify", str(good)], capture_output=True, text=True)
    assert done.returncode == 2 and "no class secret at" in done.stderr
