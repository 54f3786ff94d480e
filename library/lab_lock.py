#!/usr/bin/python
# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT

from __future__ import annotations

DOCUMENTATION = r"""
---
module: lab_lock
short_description: Take or give back the lab's lock on a machine (one lab run at a time)
description:
  - Takes the lock for a run (again, freely, when the run holds it), waiting at most O(wait)
    seconds for another run's; takes over a stale one (no news for O(stale_after) seconds, or
    taken on this machine by a process that is gone). Fails, saying who holds it and since when,
    when it does not come free.
  - Gives it back, when the run holds it.
  - The lab's steps take it through M(lab_observe) (the reset step) and give it back through
    M(lab_checks) (the verify step); this module is for the others (teardown, a failed step).
version_added: "0.1.0"
author:
  - vethlab contributors
extends_documentation_fragment:
  - vethlab_lock
options:
  state:
    description: C(present) takes the lock, C(absent) gives it back.
    type: str
    choices: [present, absent]
    default: present
attributes:
  check_mode:
    support: none
    description: Check mode changes nothing, so it takes no lock; the lab does not call this module then.
  diff_mode:
    support: none
    description: Not applicable.
notes:
  - The logic is in C(module_utils/vethlab_lock.py).
"""

EXAMPLES = r"""
- name: Take the lab's lock (lab_lock is derived from the settings step's lab_this_run, see roles/lab/vars)
  lab_lock:
    path: "{{ lab_lock.path }}"
    run: "{{ lab_lock.run }}"
    holder: "{{ lab_lock.holder }}"

- name: Give it back
  lab_lock:
    path: "{{ lab_lock.path }}"
    run: "{{ lab_lock.run }}"
    state: absent
"""

RETURN = r"""
lock:
  description: The lock as taken (C(run), C(holder), C(since), C(seen)); or null when given back.
  returned: success
  type: dict
stale:
  description: The stale lock taken over, or null.
  returned: success
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.vethlab_lock import LOCK_OPTIONS, LockBusy, release, take

ARGUMENT_SPEC = {**LOCK_OPTIONS, "state": {"type": "str", "choices": ["present", "absent"], "default": "present"}}


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=False)
    params = module.params
    if params["state"] == "absent":
        module.exit_json(changed=release(params["path"], params["run"]), lock=None, stale=None)
    try:
        taken = take(params)
    except LockBusy as error:
        module.fail_json(msg=str(error), holder=error.info)
    module.exit_json(changed=False, lock=taken["taken"], stale=taken["stale"])


if __name__ == "__main__":
    main()
