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
PAGE_LINE = "Signature (HMAC-SHA256, vethlab): %s %s"
PAGE_PATTERN = re.compile(r"^Signature \(HMAC-SHA256, vethlab\): ([0-9a-f]{64})(?: (\{.*\}))?$")
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


# The class's secret itself, from the environment (AWX: an injected credential), instead of the file.
SECRET_VARIABLE = "VETHLAB_CLASS_SECRET"


class NoClassSecret(FileNotFoundError):
    """The class has no secret, and this run may not make one (under AWX the credential gives it)."""


def environ_secret(environ=os.environ) -> bytes | None:
    """VETHLAB_CLASS_SECRET's bytes, or None when it is not set; ValueError when it is shorter than 32 characters."""
    given = environ.get(SECRET_VARIABLE)
    if given is None:
        return None
    if len(given.strip()) < 32:
        raise ValueError("%s must hold at least 32 characters (e.g. openssl rand -hex 32)" % SECRET_VARIABLE)
    return given.strip().encode("utf-8")


def class_secret(path: str | os.PathLike, create: bool = True) -> bytes:
    """The secret's bytes: VETHLAB_CLASS_SECRET's when set (environ_secret), else the file's, made (32 random bytes,
    hex, mode 0600) when missing and ``create`` - else NoClassSecret, saying where to give it."""
    given = environ_secret()
    if given is not None:
        return given
    path = Path(path)
    try:
        return path.read_text(encoding="ascii").strip().encode("ascii")
    except FileNotFoundError:
        if not create:
            raise NoClassSecret(
                "no class secret at %s, and this run may not make one (AWX): give it as %s" % (path, SECRET_VARIABLE)
            ) from None
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


RUN_KEYS = ("host", "run_id", "run_at")


def run_of(meta) -> dict:
    """The machine and the run a signed file is of: {host, run_id, run_at} (strings; empty when not said)."""
    return {key: str((meta or {}).get(key) or "") for key in RUN_KEYS}


def _meta(run: dict) -> str:
    """The run a page's signature names, as one line of JSON that shows as text in a Markdown viewer (no <, > or &
    of a hostile machine name reaches it as markup)."""
    text = json.dumps(run_of(run), ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def sign(name: str, data: bytes, secret: bytes, run: dict | None = None) -> bytes:
    """The file ``name`` with its signature, over its exact bytes and the machine and run it is of: a JSON document
    (which names them itself: host, run_id, run_at) gets a ``signature`` key; a page a last line
    ``Signature (HMAC-SHA256, vethlab): MAC {"host": ..., "run_at": ..., "run_id": ...}`` (``run``), after a blank
    line, the MAC over the page's bytes before it and that line's run."""
    if name.endswith(".json"):
        document = json.loads(data.decode("utf-8"))
        document.pop(JSON_KEY, None)
        document[JSON_KEY] = _mac(secret, _canonical(document))
        return _canonical(document)
    lines = data.split(b"\n")
    while lines and (not lines[-1].strip() or PAGE_PATTERN.match(lines[-1].decode("utf-8", "replace"))):
        lines.pop()  # an earlier signature, and the blank lines before it
    body = b"\n".join(lines) + b"\n"
    meta = _meta(run or {})
    return body + b"\n" + (PAGE_LINE % (_mac(secret, body + meta.encode("utf-8")), meta)).encode("utf-8") + b"\n"


def verify(name: str, data: bytes, secret: bytes) -> tuple[bool, str, dict]:
    """Whether a file is exactly as the controller signed it, byte for byte: (authentic, why - a message key of
    vethlab_texts -, the machine and run it says it is of)."""
    if name.endswith(".json"):
        try:
            document = json.loads(data.decode("utf-8"))
        except ValueError:
            return False, "verify.why.not_json", run_of({})
        if not isinstance(document, dict):
            return False, "verify.why.unsigned", run_of({})
        run = run_of(document)
        given = document.pop(JSON_KEY, None)
        if not isinstance(given, str):
            return False, "verify.why.unsigned", run
        exact = data == _canonical(dict(document, **{JSON_KEY: given}))
        return exact and hmac.compare_digest(given, _mac(secret, _canonical(document))), "verify.why.changed", run
    if not data.endswith(b"\n"):
        return False, "verify.why.unsigned", run_of({})
    rest, _, last = data[:-1].rpartition(b"\n")
    line = last.decode("utf-8", "replace")
    match = PAGE_PATTERN.match(line)
    if not match or not match.group(2):
        return False, "verify.why.unsigned", run_of({})
    try:
        run = run_of(json.loads(match.group(2)))
    except ValueError:
        return False, "verify.why.unsigned", run_of({})
    if not rest.endswith(b"\n"):  # the blank line before the signature's
        return False, "verify.why.changed", run
    body = rest  # the page's bytes, its last newline included
    return hmac.compare_digest(match.group(1), _mac(secret, body + match.group(2).encode("utf-8"))), "verify.why.changed", run
