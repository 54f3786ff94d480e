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
# What the docker CLI prints when the engine does not answer.
ENGINE_LOST = re.compile(r"Cannot connect to the Docker daemon|Is the docker daemon running|error during connect", re.IGNORECASE)


def is_container_name(name):
    return isinstance(name, str) and bool(CONTAINER_NAME.match(name))
