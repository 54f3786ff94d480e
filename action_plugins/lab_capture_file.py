# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""Action plugin: write the machine's captured ping as ping-path.pcapng on the controller, in-process.

The frames are the verify step's (``packet_path``); the file is written with scapy (vethlab/pcap.py), one
interface per hop. Each run captures anew, so the file is this run's measurement, like a report's stamp:
writing it does not count as a change. No capture (``lab_capture: false``), no file: an earlier run's is
removed, so the folder never shows another run's capture as this one's.
"""

from __future__ import annotations

import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from vethlab.files import write_if_changed
from vethlab.pcap import pcapng_bytes

NAME = "ping-path.pcapng"


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("dest", "packet_path"))
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        dest, paths = self._task.args.get("dest"), self._task.args.get("packet_path") or []
        if not isinstance(dest, str) or not dest:
            raise AnsibleActionFail("lab_capture_file: 'dest' must name a folder on the controller")
        if not isinstance(paths, list):
            raise AnsibleActionFail("lab_capture_file: 'packet_path' must be the verify step's list of paths")
        path = os.path.join(dest, NAME)
        try:
            if not any(p.get("frames") for p in paths):
                if os.path.exists(path):
                    os.unlink(path)
                result.update(changed=False, written=[], removed=path)
                return result
            write_if_changed(path, pcapng_bytes(paths), 0o644)
        except (OSError, ValueError, KeyError) as error:
            raise AnsibleActionFail("lab_capture_file: cannot write %s: %s" % (path, error)) from error
        result.update(changed=False, written=[path])
        return result
