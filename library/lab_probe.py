#!/usr/bin/python
# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT

from __future__ import annotations

DOCUMENTATION = r"""
---
module: lab_probe
short_description: Run one command that only reads the machine, and return its output
description:
  - Runs O(argv) as it is (no shell, unless it names one) and returns its exit code and output, as
    M(ansible.builtin.command) does, but each once (no C(stdout_lines)); never fails on the command's exit code (the
    caller reads it).
  - For the roles' probes that only read (which packages are installed, whether the engine answers); it runs in
    check mode too and reports no change.
  - On the controller's own machine, without become, its action plugin runs it in Ansible's own process (no module
    start; vethlab/in_process.py); anywhere else it runs as a module.
version_added: "0.12.0"
author:
  - vethlab contributors
options:
  argv:
    description: The command and its arguments, each one word.
    type: list
    elements: str
    required: true
attributes:
  check_mode:
    support: full
    description: Runs in check mode too; the command must only read.
  diff_mode:
    support: none
    description: Not applicable.
notes:
  - The logic is in C(module_utils/vethlab_host.py).
"""

EXAMPLES = r"""
- name: Ask dpkg which of the packages are installed
  lab_probe:
    argv: [dpkg-query, -W, -f, '${Package} ${db:Status-Status}\n', docker.io, iproute2]
  register: installed
"""

RETURN = r"""
rc:
  description: The command's exit code.
  returned: always
  type: int
stdout:
  description: What it printed on its standard output, the last newline removed.
  returned: always
  type: str
stderr:
  description: What it printed on its standard error.
  returned: always
  type: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.vethlab_host import PROBE_SPEC, module_main, run_probe

# The option above, as the module checks it.
ARGUMENT_SPEC = PROBE_SPEC["argument_spec"]


def main():
    module_main(AnsibleModule, PROBE_SPEC, run_probe)


if __name__ == "__main__":
    main()
