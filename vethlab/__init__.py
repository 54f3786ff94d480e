"""vethlab's controller-side Python: the class report and the `vethlab` command.

The students' texts and the lessons are plain Python in module_utils/ (shipped to the machines
with the modules); the controller's code imports the same files from there.
"""

import sys
from pathlib import Path

MODULE_UTILS = str(Path(__file__).resolve().parent.parent / "module_utils")
if MODULE_UTILS not in sys.path:
    sys.path.insert(0, MODULE_UTILS)
