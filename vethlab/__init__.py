"""vethlab's controller-side Python: the class report and the `vethlab` command."""
