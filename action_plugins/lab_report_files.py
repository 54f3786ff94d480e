# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Action plugin: write report files on the controller, in-process.

The reports are rendered by the task (templates over structured data); this only writes
them, each when its content changed (vethlab/files.py, the rule every report file follows),
without starting a module on any host. Check mode reports what would change and writes nothing.
With ``sign`` (the class secret's file, made on first use), each file carries its signature
(vethlab/signature.py), which is a stamp line like the run's time; a page's names the machine and the run
(``run``: host, run_id, run_at), which lab.json says itself. ``measured`` names a JSON file's keys
that are the run's measurement as a whole (lab.json's ``packet_path``): a rerun that changes only those
and the stamp lines rewrites the file without counting it as changed.
"""

from __future__ import annotations

import json
import os
import re

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_bytes
from ansible.plugins.action import ActionBase

from vethlab.files import write_if_changed
from vethlab.signature import STAMP, class_secret, sign


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("dest", "files", "mode", "stamp", "sign", "measured", "run"))
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
        signing = self._task.args.get("sign")
        patterns = [p for p in (self._task.args.get("stamp"), STAMP if signing else None) if p]
        try:
            stamp = re.compile("|".join("(?:%s)" % p for p in patterns), re.M) if patterns else None
        except re.error as error:
            raise AnsibleActionFail("lab_report_files: 'stamp' is not a regular expression: %s" % error) from error
        try:
            secret = class_secret(signing) if signing and not self._task.check_mode else None
        except OSError as error:
            raise AnsibleActionFail("lab_report_files: cannot read or make the class secret %s: %s" % (signing, error)) from error
        # A JSON file's keys that are this run's measurement as a whole (the captured ping: its frames, times and
        # ids differ on every run): a rerun that changes only them and the stamp lines is not a change.
        measured = self._task.args.get("measured") or []
        if not isinstance(measured, list) or not all(isinstance(key, str) for key in measured):
            raise AnsibleActionFail("lab_report_files: 'measured' must list the JSON keys that are this run's measurement")
        written, restamped, unchanged = [], [], []
        for name, content in files.items():
            if not isinstance(name, str) or os.path.basename(name) != name or name in ("", ".", ".."):
                raise AnsibleActionFail("lab_report_files: %r is not a plain file name" % (name,))
            path = os.path.join(dest, name)
            data = to_bytes(content if isinstance(content, str) else str(content))
            if secret is not None:
                data = sign(name, data, secret, self._task.args.get("run") or {})
            only_stamp = (stamp is not None or bool(measured)) and _without(stamp, _read(path), measured) == _without(stamp, data, measured)
            try:
                changed = write_if_changed(path, data, mode, self._task.check_mode)
            except OSError as error:
                raise AnsibleActionFail("lab_report_files: cannot write %s: %s" % (path, error)) from error
            (unchanged if not changed else restamped if only_stamp else written).append(path)
        result.update(changed=bool(written), written=written, restamped=restamped, unchanged=unchanged)
        return result


def _read(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _without(stamp, data, measured=()):
    """The file's lines but its stamp's, a JSON document's ``measured`` keys left out (None for a file that is
    not there)."""
    if data is None:
        return None
    text = data.decode("utf-8", "replace")
    if measured:
        try:
            document = json.loads(text)
        except ValueError:
            document = None
        if isinstance(document, dict):
            text = json.dumps({key: value for key, value in document.items() if key not in measured}, indent=2, sort_keys=True)
    return [line for line in text.splitlines() if stamp is None or not stamp.match(line)]
