# Copyright: vethlab contributors
# SPDX-License-Identifier: MIT
"""What a module's work needs of the machine it runs on, under either way it is run.

A module's work is a function ``run_*(params, host)`` in module_utils: ``host`` runs a command
(``run(argv, data=None) -> (rc, out, err)``, ``data``: bytes for its standard input), finds a program (``which``), passes on a warning
(``warn``) and says whether this is check mode; the work raises ``TaskFailed`` to fail the task.
The module in library/ gives it its AnsibleModule (``ModuleHost``). On the controller's own
machine, without become, the action plugin of the same name runs the same function in its own
process (``LocalHost``): no module is built, shipped or started (vethlab/in_process.py says when).
Plain Python, standard library only.
"""

from __future__ import annotations

import os
import shutil
import subprocess

# Where a program is looked for besides PATH, as AnsibleModule.get_bin_path does.
SBIN = ("/sbin", "/usr/sbin", "/usr/local/sbin")


class TaskFailed(Exception):
    """The task fails with ``msg``; ``extra`` goes into its result (a lock's holder, ...)."""

    def __init__(self, msg, **extra):
        super().__init__(msg)
        self.msg, self.extra = msg, extra


class ModuleHost:
    """The machine as an AnsibleModule sees it (the module in library/, on any machine)."""

    def __init__(self, module):
        self.module, self.check_mode = module, module.check_mode

    def run(self, argv, data=None):
        """``data``: bytes for the command's standard input."""
        return self.module.run_command(argv, data=data, binary_data=data is not None)

    def which(self, name):
        return self.module.get_bin_path(name)

    def warn(self, text):
        self.module.warn(text)


class LocalHost:
    """This machine, from the process the work runs in: commands in the C locale, as a module runs them."""

    def __init__(self, check_mode=False):
        self.check_mode, self.warnings = bool(check_mode), []
        self.env = dict(os.environ, LC_ALL="C", LANG="C", LC_MESSAGES="C")

    def run(self, argv, data=None):
        try:
            done = subprocess.run(list(argv), input=data, capture_output=True, env=self.env, check=False)
        except OSError as error:  # as run_command says it: the command could not start
            return 127 if isinstance(error, FileNotFoundError) else 126, "", str(error)
        return done.returncode, done.stdout.decode("utf-8", "surrogateescape"), done.stderr.decode("utf-8", "surrogateescape")

    def which(self, name):
        path = os.pathsep.join([os.environ.get("PATH") or os.defpath, *SBIN])
        return shutil.which(name, path=path)

    def warn(self, text):
        self.warnings.append(text)


def module_main(module_class, spec, work):
    """A module's main(): its arguments checked against ``spec`` (the argument_spec and its rules), then
    ``work(params, host)``, its result (unchanged unless the work says ``changed``) or its failure."""
    module = module_class(supports_check_mode=True, **spec)
    try:
        result = work(module.params, ModuleHost(module))
    except TaskFailed as failure:
        module.fail_json(msg=failure.msg, **failure.extra)
    module.exit_json(**{"changed": False, **result})


# The lab_probe module's arguments (library/lab_probe.py documents them).
PROBE_SPEC = {"argument_spec": {"argv": {"type": "list", "elements": "str", "required": True}}}


def run_probe(params, host):
    """The lab_probe module's work: one command that only reads, run as it is (no shell unless it names one),
    in check mode too; its exit code and output, as ansible.builtin.command gives them, each once (no *_lines copies:
    the job's events carry a result whole, docs/awx.md)."""
    argv = params["argv"]
    if not argv:
        raise TaskFailed("lab_probe: argv is empty: name the command to run")
    rc, out, err = host.run(argv)
    out, err = out.rstrip("\n"), err.rstrip("\n")
    # failed: false - Ansible would take a non-zero rc for a failed task; the caller reads rc.
    return {"rc": rc, "failed": False, "stdout": out, "stderr": err}
