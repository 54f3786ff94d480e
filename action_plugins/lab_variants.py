# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Action plugin: each machine its own values of the lesson (lab_variants), which the settings step keeps as the
machine's ``lab_variant`` for the run (set_fact: never cached).

Derived on the controller from the class's secret and roster and the machine's inventory name (vethlab/variants.py);
the machine's routes (``ip -4 -o route show``, read on it, changing nothing) are checked against its value: an overlap
fails the run, naming the route and lab_variant_pool.
Only the values reach the machine: the secret never does.
"""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from vethlab.module_utils import vethlab_lessons
from vethlab.signature import class_secret
from vethlab.variants import routes_of, values


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("secret", "mint", "fields", "class_hosts", "pool"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        args = self._task.args
        fields = list(args.get("fields") or [])
        if not args.get("secret"):
            raise AnsibleActionFail("lab_variants: 'secret' names the class's secret file on the controller")
        host = task_vars.get("inventory_hostname")
        read = self._low_level_execute_command("ip -4 -o route show", sudoable=False)
        if read.get("rc") != 0:
            raise AnsibleActionFail(
                "lab_variants: cannot read %s's routes (ip -4 -o route show): %s" % (host, (read.get("stderr") or "").strip())
            )
        given = {name: task_vars[name] for name in vethlab_lessons.settings() if name in task_vars}  # without an earlier variant
        defaults = {name: vethlab_lessons.value(given, name) for name in vethlab_lessons.settings()}
        try:
            found = values(
                class_secret(args["secret"], create=boolean(args.get("mint", True), strict=False)),
                host,
                list(args.get("class_hosts") or [host]),
                routes_of(read.get("stdout")),
                fields,
                defaults,
                args.get("pool"),
            )
        except (ValueError, OSError) as error:
            raise AnsibleActionFail("lab_variants: %s" % error) from error
        result.update(changed=False, variant=found)
        return result
