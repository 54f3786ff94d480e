#!/usr/bin/python
# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
# The work is done by action_plugins/lab_class_report.py, on the controller; this file documents it.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: lab_class_report
short_description: Render the class report on the controller
description:
  - Writes C(index.html) (one row per machine, one column per checkpoint), C(machines/<host>.html)
    (topology as SVG drawn by Graphviz, checkpoints, reachability), C(class.csv) and C(junit.xml)
    into O(dest), from each machine's C(<dest>/<host>/lab.json) and the run's outcomes.
  - A machine that was unreachable or failed before its report is listed as failed with the reason.
  - Runs inside ansible-playbook (an action plugin); the outcomes come from the C(vethlab_outcomes)
    callback unless given.
version_added: "0.1.0"
author:
  - vethlab contributors
options:
  dest:
    description: The report folder on the controller, holding C(<host>/lab.json).
    type: path
    required: true
  hosts:
    description: The machines of the class, in order.
    type: list
    elements: str
    required: true
  outcomes:
    description: Host to C({status, step, task, message}); by default what the C(vethlab_outcomes) callback recorded.
    type: dict
attributes:
  check_mode:
    support: full
    description: Renders and reports, writes nothing.
  diff_mode:
    support: none
    description: No diff.
"""

EXAMPLES = r"""
- name: Write the class report
  lab_class_report:
    dest: reports
    hosts: "{{ groups['students'] }}"
"""

RETURN = r"""
machines:
  description: Each machine with its C(status) (passed, failed, unreachable) and C(reason).
  returned: always
  type: list
  elements: dict
passed:
  description: Whether every machine passed.
  returned: always
  type: bool
index:
  description: The path of C(index.html).
  returned: always
  type: str
written:
  description: The files written (unchanged ones are not rewritten).
  returned: always
  type: list
  elements: str
"""
