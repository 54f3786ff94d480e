"""A class's secret, and the signature each report file carries (HMAC-SHA256 with it).

The secret lives on the controller only, next to the class's inventory (``.<inventory's name>.vethlab-secret``,
mode 0600, made on first use; machines given on the command line use ``~/.ansible/vethlab/adhoc.vethlab-secret``).
It is never copied to a student machine and never written into a report. Each ``lab.json`` carries
``"signature"`` and each student page a last line ``Signature (HMAC-SHA256, vethlab): …``, over the rest of the
file exactly as written, so ``vethlab report --verify FILE`` tells whether a page a student hands in is the one
the controller wrote: one changed character, and it is not.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
from pathlib import Path

from vethlab.files import inventory_folder

SECRET_SUFFIX = ".vethlab-secret"
# The last line of a signed page; a line of this shape is never part of what is signed.
PAGE_LINE = "Signature (HMAC-SHA256, vethlab): %s"
PAGE_PATTERN = re.compile(r"^Signature \(HMAC-SHA256, vethlab\): [0-9a-f]{64}$")
JSON_KEY = "signature"
# The lines a rerun may change without changing what a file says (lab_report_files' stamp): the signature's.
STAMP = r'^(\s*"signature": |Signature \(HMAC-SHA256, vethlab\): )'


def class_file(inventory, suffix: str) -> Path:
    """A file the class keeps on the controller, next to its inventory file (or in its folder) as
    ``.<inventory's name><suffix>``, or under ~/.ansible for -i h1,h2,: its secret, its machines' host keys."""
    folder = inventory_folder(inventory)
    text = str(inventory or "").rstrip("/")
    if folder == "adhoc" or not text:
        return Path.home() / ".ansible" / "vethlab" / ("adhoc" + suffix)
    base = Path(text) if os.path.isdir(text) else Path(text).parent
    return base / (".%s%s" % (folder, suffix))


def secret_path(inventory) -> Path:
    """Where the class's secret lives (class_file)."""
    return class_file(inventory, SECRET_SUFFIX)


def class_secret(path: str | os.PathLike, create: bool = True) -> bytes:
    """The secret's bytes; made (32 random bytes, hex, mode 0600) when missing and ``create``."""
    path = Path(path)
    try:
        return path.read_text(encoding="ascii").strip().encode("ascii")
    except FileNotFoundError:
        if not create:
            raise
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole under another name, then linked into place: two machines' workers making it at once end
    # with one secret, and neither ever reads it half written.
    handle, temporary = tempfile.mkstemp(dir=str(path.parent), prefix=".secret-")
    try:
        with os.fdopen(handle, "w", encoding="ascii") as output:
            output.write(secrets.token_hex(32) + "\n")
        os.chmod(temporary, 0o600)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another worker made it first: that one is the class's
    finally:
        os.unlink(temporary)
    return class_secret(path, create=False)


def _mac(secret: bytes, data: bytes) -> str:
    return hmac.new(secret, data, hashlib.sha256).hexdigest()


def _canonical(document: dict) -> bytes:
    """A lab.json as the report step writes it (Ansible's to_nice_json: sorted keys, indent 2, UTF-8)."""
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, separators=(",", ": ")) + "\n").encode("utf-8")


def sign(name: str, data: bytes, secret: bytes) -> bytes:
    """The file ``name`` with its signature: a JSON document gets a ``signature`` key, a page a last line."""
    if name.endswith(".json"):
        document = json.loads(data.decode("utf-8"))
        document.pop(JSON_KEY, None)
        document[JSON_KEY] = _mac(secret, _canonical(document))
        return _canonical(document)
    text = data.decode("utf-8")
    lines = [line for line in text.splitlines() if not PAGE_PATTERN.match(line)]
    body = "\n".join(lines).rstrip("\n") + "\n"
    return (body + "\n" + PAGE_LINE % _mac(secret, body.encode("utf-8")) + "\n").encode("utf-8")


def verify(name: str, data: bytes, secret: bytes) -> tuple[bool, str]:
    """Whether a file is exactly as the controller signed it: (authentic, why - a message key of vethlab_texts)."""
    if name.endswith(".json"):
        try:
            document = json.loads(data.decode("utf-8"))
        except ValueError:
            return False, "verify.why.not_json"
        given = document.pop(JSON_KEY, None) if isinstance(document, dict) else None
        if not isinstance(given, str):
            return False, "verify.why.unsigned"
        return hmac.compare_digest(given, _mac(secret, _canonical(document))), "verify.why.changed"
    text = data.decode("utf-8", "replace")
    lines = text.splitlines()
    signed = [line for line in lines if PAGE_PATTERN.match(line)]
    if not signed:
        return False, "verify.why.unsigned"
    body = "\n".join(line for line in lines if not PAGE_PATTERN.match(line)).rstrip("\n") + "\n"
    given = signed[-1].rsplit(" ", 1)[1]
    return hmac.compare_digest(given, _mac(secret, body.encode("utf-8"))), "verify.why.changed"
