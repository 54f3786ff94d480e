#!/usr/bin/python
# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
# The work is done by action_plugins/lab_report_write.py, on the controller; this file documents it.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: lab_report_write
short_description: Write a machine's report on the controller - lab.json, its pages, its captured ping
description:
  - Builds the report's data once from the steps' results (O(results)) and writes, into O(dest) on the controller,
    C(lab.json), the student's page in each of O(languages) (C(lab.md), C(lab.zh.md)) and C(ping-path.pcapng)
    (removed when this run captured nothing), each only when its bytes changed (vethlab/machine_report.py).
  - The pages are rendered by vethlab's one Jinja environment (vethlab/render.py), the same as the class pages'.
  - Whether the report changed is decided from its data, without the run's stamp (its id and time, each cell's
    probes, the captured ping, the signature) - a rerun that finds the lab as it was is no change.
  - Runs inside ansible-playbook (an action plugin); no module starts on any host.
version_added: "0.9.0"
author:
  - vethlab contributors
options:
  dest:
    description: The machine's folder on the controller.
    type: path
    required: true
  host:
    description: The machine's inventory name, which the report names.
    type: str
    required: true
  run:
    description:
      - The run - C(run_id) (the settings step's) and C(run_at) (UTC, C(%Y-%m-%dT%H:%M:%SZ)); without C(run_at), now
        (one time for every file that says it).
    type: dict
    required: true
  results:
    description:
      - The steps' results - C(plan) (lab_plan), C(image) (lab_image_result), C(inspect) (lab_inspect_result),
        C(verify) (lab_verify_result); C(engine) (docker_engine_result, or null) and C(reset) (lab_reset_result) may
        be absent.
    type: dict
    required: true
  languages:
    description: The languages of the pages (en, zh).
    type: list
    elements: str
    default: [en]
  sign:
    description: The class's secret file (made on first use); each file then carries its signature.
    type: path
  mint:
    description:
      - Whether the class's secret may be made when there is none (never under AWX, where it comes from the
        environment variable VETHLAB_CLASS_SECRET); without it the task fails.
    type: bool
    default: true
attributes:
  check_mode:
    support: none
    description: The report is this run's observation; the role writes it in check mode too.
  diff_mode:
    support: none
    description: No diff.
"""

EXAMPLES = r"""
- name: Write the report
  lab_report_write:
    dest: "reports/local/localhost"
    host: "{{ inventory_hostname }}"
    run: {run_id: "{{ lab_this_run.run }}"}
    results:
      plan: "{{ lab_plan }}"
      image: "{{ lab_image_result }}"
      inspect: "{{ lab_inspect_result }}"
      verify: "{{ lab_verify_result }}"
    languages: [en, zh]
  register: lab_report_written
"""

RETURN = r"""
run_at:
  description: When it judged the machine (UTC), as every file says.
  returned: always
  type: str
verdict:
  description:
    - "What the class report reads - C(report) (lab.json's path), C(digest) (sha256 of its bytes), C(run_id),
      C(passed), C(checkpoints) (each checkpoint's pass by id), C(failed) (C(id) and C(detail) of each failed one).
      Never the whole report. The class report reads it from this result (the vethlab_outcomes callback)."
  returned: always
  type: dict
written:
  description: The files whose data changed, or that are new.
  returned: always
  type: list
  elements: str
restamped:
  description: The files written again only to carry this run's stamp; not a change.
  returned: always
  type: list
  elements: str
unchanged:
  description: The files whose bytes were already the same.
  returned: always
  type: list
  elements: str
capture:
  description: The path of ping-path.pcapng, or null when this run captured nothing.
  returned: always
  type: str
"""
