# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Action plugin: write report files on the controller, in-process.

The reports are rendered by the task (templates over structured data); this only writes
them, each when its content changed (vethlab/files.py, the rule every report file follows),
without starting a module on any host. Check mode reports what would change and writes nothing.
"""

from __future__ import annotations

import os

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_bytes
from ansible.plugins.action import ActionBase

from vethlab.files import write_if_changed


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("dest", "files", "mode"))
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        dest = self._task.args.get("dest")
        files = self._task.args.get("files")
        mode = int(str(self._task.args.get("mode", "0644")), 8)
        if not isinstance(dest, str) or not dest:
            raise AnsibleActionFail("lab_report_files: 'dest' must name a folder on the controller")
        if not isinstance(files, dict) or not files:
            raise AnsibleActionFail("lab_report_files: 'files' must map file names to their content")
        written, unchanged = [], []
        for name, content in files.items():
            if not isinstance(name, str) or os.path.basename(name) != name or name in ("", ".", ".."):
                raise AnsibleActionFail("lab_report_files: %r is not a plain file name" % (name,))
            path = os.path.join(dest, name)
            try:
                changed = write_if_changed(
                    path, to_bytes(content if isinstance(content, str) else str(content)), mode, self._task.check_mode
                )
            except OSError as error:
                raise AnsibleActionFail("lab_report_files: cannot write %s: %s" % (path, error)) from error
            (written if changed else unchanged).append(path)
        result.update(changed=bool(written), written=written, unchanged=unchanged)
        return result
