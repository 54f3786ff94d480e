#!/usr/bin/python
# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT

from __future__ import annotations

DOCUMENTATION = r"""
---
module: docker_daemon_json
short_description: Merge registry mirrors into Docker's daemon.json, keeping every other key
description:
  - Adds the given registry mirrors to the C(registry-mirrors) of Docker's C(daemon.json), before
    those already there; every other key of the file is kept as it is.
  - Writes the file only when it changes (atomically, with its mode kept, 0644 for a new one);
    the caller restarts the engine only then.
  - A file that is not valid JSON, or not a JSON object, is never rewritten - the task fails with
    its path and the parse error, and nothing is changed.
version_added: "0.1.0"
author:
  - vethlab contributors
options:
  path:
    description:
      - The daemon's configuration file.
    type: path
    default: /etc/docker/daemon.json
  registry_mirrors:
    description:
      - Registry mirrors (http or https URLs), such as a school's mirror of Docker Hub.
    type: list
    elements: str
    required: true
attributes:
  check_mode:
    support: full
    description: Says whether the file would change and writes nothing.
  diff_mode:
    support: full
    description: Shows the file before and after.
notes:
  - The logic is in C(module_utils/vethlab_daemon_json.py).
"""

EXAMPLES = r"""
- name: Use the school's mirror of Docker Hub
  docker_daemon_json:
    registry_mirrors: ["https://mirror.school.example"]
  register: daemon_json
"""

RETURN = r"""
registry_mirrors:
  description: The file's registry mirrors after the merge.
  returned: success
  type: list
  elements: str
"""

import json
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.vethlab_daemon_json import DaemonJsonError, merge

ARGUMENT_SPEC = {
    "path": {"type": "path", "default": "/etc/docker/daemon.json"},
    "registry_mirrors": {"type": "list", "elements": "str", "required": True},
}


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    path = module.params["path"]
    try:
        with open(path, encoding="utf-8") as handle:
            before = handle.read()
    except FileNotFoundError:
        before = None
    try:
        after = merge(before, module.params["registry_mirrors"], path)
    except DaemonJsonError as error:
        module.fail_json(msg=str(error))
    result = {"changed": after is not None, "diff": {"before": before or "", "after": after or before or ""}}
    result["registry_mirrors"] = json.loads(after or before or "{}").get("registry-mirrors", [])
    if after is not None and not module.check_mode:
        folder = os.path.dirname(path)
        os.makedirs(folder, mode=0o755, exist_ok=True)
        mode = os.stat(path).st_mode & 0o7777 if before is not None else 0o644
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".daemon.json.")
        with os.fdopen(handle, "w", encoding="utf-8") as output:
            output.write(after)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
