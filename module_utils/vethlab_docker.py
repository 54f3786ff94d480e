# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""What vethlab knows of Docker's own rules and words: the one place for each.

Imported by the other module_utils files (shipped with them to the managed host), by the
settings check on the controller and by the tests. Plain Python, standard library only.
"""

from __future__ import annotations

import re

# Docker's rule for container names: a letter or digit, then letters, digits, _ . - (so never an
# option such as --privileged, never a space or a shell character).
CONTAINER_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
# A Docker label's key, as Docker recommends it: lower-case letters and digits, parts joined by . _ or -.
LABEL_KEY = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")
# An image reference: [registry[:port]/]path[:tag][@sha256:digest], with Docker's rules for each part.
_PATH_PART = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
IMAGE_REFERENCE = re.compile(
    r"^(?:[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*(?::[0-9]+)?/)?%s(?:/%s)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$"
    % (_PATH_PART, _PATH_PART)
)
# A network interface's name on Linux (the bridge the lesson studies): at most 15 characters.
INTERFACE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,15}$")
# What the docker CLI prints when the engine does not answer.
ENGINE_LOST = re.compile(r"Cannot connect to the Docker daemon|Is the docker daemon running|error during connect", re.IGNORECASE)


def is_container_name(name):
    return isinstance(name, str) and bool(CONTAINER_NAME.match(name))
