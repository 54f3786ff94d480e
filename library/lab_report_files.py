#!/usr/bin/python
# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
# The work is done by action_plugins/lab_report_files.py, on the controller; this file documents it.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: lab_report_files
short_description: Write report files on the controller
description:
  - Writes each given file into O(dest) on the controller, creating the folder, and only when its
    content changed. The content is rendered by the task, typically with C(lookup('template', ...)).
  - Runs inside ansible-playbook (an action plugin); no module starts on any host.
version_added: "0.1.0"
author:
  - vethlab contributors
options:
  dest:
    description: Folder on the controller.
    type: path
    required: true
  files:
    description: File name (no folder) to the file's content.
    type: dict
    required: true
  mode:
    description: Permissions of the files written.
    type: str
    default: "0644"
  stamp:
    description:
      - A regular expression for the lines that only say which run wrote the file (its id and time).
        A file whose other lines are the same is written again with the new stamp, but not counted as
        changed - the report is dated, and a run that finds the same lab still changes nothing.
    type: str
attributes:
  check_mode:
    support: full
    description: Reports which files would change; writes nothing.
  diff_mode:
    support: none
    description: No diff.
"""

EXAMPLES = r"""
- name: Write lab.json and lab.md
  lab_report_files:
    dest: reports/localhost
    files:
      lab.json: "{{ lab_report_data | to_nice_json }}"
      lab.md: "{{ lookup('ansible.builtin.template', 'lab.md.j2') }}"
"""

RETURN = r"""
written:
  description: The files written (would be written, in check mode).
  returned: always
  type: list
  elements: str
restamped:
  description: The files written again only to carry this run's stamp (O(stamp)); not a change.
  returned: always
  type: list
  elements: str
unchanged:
  description: The files whose content was already the same.
  returned: always
  type: list
  elements: str
"""
