#!/usr/bin/env python3
"""Where a playbook run's controller CPU goes, task by task: runs ansible-playbook in this process with two probes
(Ansible's own code is not changed): the CPU each task takes in its worker (Ansible forks one per task and machine:
templating the task, building the module's payload, the exchange over the connection), and the CPU each task's
condition (`when:`) takes to evaluate. Prints the tasks by their total worker CPU over all machines, then the costliest
conditions; the main process (the strategy, the results, the callbacks) and the SSH clients are not in these figures.

    .venv/bin/python scripts/task_cpu.py [--top 30] -- -i INVENTORY lab.yml [MORE ansible-playbook ARGUMENTS]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path


def probe(log: Path) -> None:
    """Wrap TaskExecutor.run and Task._resolve_conditional; each worker appends its figures to ``log``."""
    from ansible.executor.task_executor import TaskExecutor
    from ansible.playbook.task import Task

    def write(kind, spent, task, host=""):
        with open(log, "a", encoding="utf-8") as handle:
            handle.write("%s\t%.5f\t%s\t%s\n" % (kind, spent, host, task.get_name().replace("\t", " ")))

    run, resolve = TaskExecutor.run, Task._resolve_conditional

    def timed_run(self):
        started = time.process_time()
        try:
            return run(self)
        finally:
            write("task", time.process_time() - started, self._task, self._host.name)

    def timed_resolve(self, *args, **kwargs):
        started = time.process_time()
        try:
            return resolve(self, *args, **kwargs)
        finally:
            write("condition", time.process_time() - started, self)

    TaskExecutor.run, Task._resolve_conditional = timed_run, timed_resolve


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("playbook_args", nargs="+", help="ansible-playbook's arguments, after --")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vethlab-task-cpu-") as scratch:
        log = Path(scratch) / "cpu.log"
        pid = os.fork()
        if pid == 0:  # the run, in a child: its exit ends only it
            probe(log)
            from ansible.cli.playbook import main as playbook

            sys.argv = ["ansible-playbook", *args.playbook_args]
            try:
                code = playbook() or 0
            except SystemExit as leaving:  # the CLI leaves by sys.exit: end the child here, not the parent's folder
                code = leaving.code if isinstance(leaving.code, int) else 1
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        figures, machines = defaultdict(lambda: [0, 0.0]), set()
        for line in log.read_text(encoding="utf-8").splitlines() if log.exists() else []:
            kind, spent, host, task = line.split("\t", 3)
            machines.update([host] if host else [])
            figures[kind, task][0] += 1
            figures[kind, task][1] += float(spent)
    print("%d machine(s)" % len(machines))
    for kind in ("task", "condition"):
        rows = sorted(((spent, count, task) for (k, task), (count, spent) in figures.items() if k == kind), reverse=True)
        total = sum(spent for spent, _, _ in rows)
        print("%s CPU in the workers: %.2f s in all (%d %ss, over every machine)" % (kind, total, sum(c for _, c, _ in rows), kind))
        for spent, count, task in rows[: args.top]:
            print("  %7.3f s %4d x  %s" % (spent, count, task[:100]))
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
