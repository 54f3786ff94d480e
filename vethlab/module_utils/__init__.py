"""The project's module_utils/ folder, as the subpackage ``vethlab.module_utils``.

The one way into the shared code. Ansible ships each file of module_utils/ to the machines as
``ansible.module_utils.<name>`` (the modules in library/ import it so); the files import each other
relatively (``from .vethlab_texts import say``), which works under both names. Everything that runs
on the controller - the ``vethlab`` command and its reports, the plugins, the tests - imports the
same files from here: ``from vethlab.module_utils.vethlab_lessons import plan``. This package's
path is that folder, so there is one copy of each file and one module object per run.
"""

from pathlib import Path

__path__ = [str(Path(__file__).resolve().parent.parent.parent / "module_utils")]
