"""vethlab's controller-side Python: the class report and the `vethlab` command.

The students' texts, the lessons and their judges are plain Python in module_utils/, shipped to
the machines with the modules; the controller's code imports the same files as the subpackage
``vethlab.module_utils`` (see vethlab/module_utils/__init__.py).
"""
