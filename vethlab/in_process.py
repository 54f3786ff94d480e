"""When a module of vethlab's runs inside the controller's own process, and how.

A task of ``lab_observe`` or ``lab_checks`` on the controller's own machine (a local connection, without
become) runs the module's work - the same function its module runs, module_utils' ``run_*`` - in the Ansible
worker that holds the task: no module is built, shipped or started. Each module start costs about 0.2 s
(Python, then AnsiballZ compiling Ansible's module_utils from its zip) and its first build in a run about
0.15 s more on the controller; a warm ``lab.yml`` has two of them (docs/performance.md). Anywhere else - a
student's machine over SSH, a task with become or with ``environment:`` - the module runs as a module. The arguments are checked
against the module's own argument spec by Ansible's own validator, as AnsibleModule checks them. Either way the
result is the work's: no ``invocation`` (the module's echo of its arguments), no ``stdout_lines`` or ``stderr_lines``
(Ansible's copies of a module's output, which every job event would carry twice).
"""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase

from vethlab.module_utils.vethlab_host import LocalHost, TaskFailed

LOCAL = frozenset(("local", "ansible.builtin.local", "ansible.legacy.local"))


def runs_here(action: ActionBase) -> bool:
    """Whether the task's machine is this one, reached as this process's own user, and the task sets no
    ``environment`` (which Ansible gives a module's process, not this one)."""
    connection = getattr(action._connection, "_load_name", None) or getattr(action._connection, "transport", None)
    return connection in LOCAL and not action._play_context.become and not any(action._task.environment or ())


def run(action: ActionBase, task_vars: dict, spec: dict, work) -> dict:
    """The task's result: ``work(params, host)`` in this process when the machine is this one (runs_here),
    else the module of the task's name on its machine."""
    if not runs_here(action):
        result = action._execute_module(module_name=action._task.action, module_args=action._task.args, task_vars=task_vars)
        action._remove_tmp_path(action._connection._shell.tmpdir)
        # The module's echo of its arguments (the plan, the observation: 11 KB for lab_checks) is not sent on in the
        # task's event; the arguments are the task's, in the playbook. Nor are the copies of stdout and stderr line by
        # line that Ansible adds to a module's result (lab_probe's output): the work's result, whichever way it ran.
        for added in ("invocation", "stdout_lines", "stderr_lines"):
            result.pop(added, None)
        return result
    rules = {key: value for key, value in spec.items() if key != "argument_spec"}
    checked = ArgumentSpecValidator(spec["argument_spec"], **rules).validate(dict(action._task.args))
    if checked.error_messages:  # the first, worded as AnsibleModule words it
        msg = checked.errors.msg
        if isinstance(checked.errors.errors[0], UnsupportedError):
            msg = "Unsupported parameters for (%s) module: %s" % (action._task.action, msg)
        return {"failed": True, "msg": msg}
    host = LocalHost(check_mode=action._play_context.check_mode)
    try:
        result = {"changed": False, **work(checked.validated_parameters, host)}
    except TaskFailed as failure:
        result = dict(failure.extra, failed=True, msg=failure.msg)
    if host.warnings:
        result["warnings"] = host.warnings
    return result


def action_module(spec: dict, work) -> type[ActionBase]:
    """The action plugin of a module whose work is ``work`` (its arguments checked against ``spec``)."""

    class ActionModule(ActionBase):
        def run(self, tmp=None, task_vars=None):
            result = super().run(tmp, task_vars)
            result.update(run(self, task_vars, spec, work))
            return result

    return ActionModule
