# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Docker's /etc/docker/daemon.json: the registry mirrors merged in, every other key kept.

A file that is not valid JSON is never rewritten: the caller stops with its path and the parse
error. Plain Python, standard library only.
"""

from __future__ import annotations

import json


class DaemonJsonError(ValueError):
    """A daemon.json that cannot be merged into (not JSON, or not a JSON object)."""


def merge(text, mirrors, path="/etc/docker/daemon.json"):
    """The file's new text with ``mirrors`` in its "registry-mirrors" (those already there are kept,
    after them), or None when it already has them. ``text`` is None when the file does not exist."""
    if text is None or not text.strip():
        data = {}
    else:
        try:
            data = json.loads(text)
        except ValueError as error:
            where = "line %d, column %d: " % (error.lineno, error.colno) if hasattr(error, "lineno") else ""
            raise DaemonJsonError(
                "%s is not valid JSON (%s%s); it was left as it was" % (path, where, getattr(error, "msg", error))
            ) from None
        if not isinstance(data, dict):
            raise DaemonJsonError("%s holds JSON but not an object of settings; it was left as it was" % path)
    present = data.get("registry-mirrors") or []
    if not isinstance(present, list):
        raise DaemonJsonError('%s has a "registry-mirrors" that is not a list; it was left as it was' % path)
    wanted = list(mirrors) + [mirror for mirror in present if mirror not in mirrors]
    if wanted == present:
        return None
    data["registry-mirrors"] = wanted
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
