# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""The lab's lock options, documented once for every module that takes them (as Ansible's doc
fragments do): lab_lock's own options, lab_observe's ``lock`` and lab_checks' ``unlock``. Their
types and defaults are the argument spec itself (module_utils/vethlab_lock.py, LOCK_OPTIONS);
only the descriptions are written here."""

from __future__ import annotations

import json

from vethlab.module_utils.vethlab_lock import LOCK_OPTIONS

DESCRIPTIONS = {
    "path": "The lock file on the machine.",
    "run": "The run's id.",
    "holder": "Who runs it, as the lock shows it (user@controller).",
    "pid": "The process of the run on the controller; checked when the controller is this machine.",
    "controller": "The controller's host name; the pid is checked only when it is this machine's.",
    "wait": "Seconds to wait for another run's lock.",
    "stale_after": "Seconds without news after which a lock is taken over.",
    "gone": "Earlier runs of the same controller whose process has ended (an interrupted run): their lock is taken over at once.",
}


def _options(names):
    return {name: dict(LOCK_OPTIONS[name], description=DESCRIPTIONS[name]) for name in names}


class ModuleDocFragment:
    # lab_lock's options (JSON is YAML).
    DOCUMENTATION = json.dumps({"options": _options(LOCK_OPTIONS)})

    # lab_observe's lock: take it before looking.
    LOCK = json.dumps(
        {
            "options": {
                "lock": {
                    "description": [
                        "Take the lab's lock for a run first (M(lab_lock) tells how; module_utils/vethlab_lock.py) -"
                        " the reset step does, so that a second run on the machine waits instead of interleaving."
                    ],
                    "type": "dict",
                    "suboptions": _options(LOCK_OPTIONS),
                }
            }
        }
    )

    # lab_checks' unlock: give it back when done.
    UNLOCK = json.dumps(
        {
            "options": {
                "unlock": {
                    "description": ["When done, give back the lab's lock this run took (C(path), C(run)) - the verify step does."],
                    "type": "dict",
                    "suboptions": _options(("path", "run")),
                }
            }
        }
    )
