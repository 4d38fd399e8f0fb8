"""Executes notebooks through the kernel their metadata names, with Debian's nbclient, as a Jupyter host would.

Usage: execute_chapters.py OUT_DIR NOTEBOOK...; writes each executed notebook into OUT_DIR and prints, as JSON, per
notebook its error outputs, its number of code cells and its run time. The assertions are in KernelChapterTests.
"""
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient

out_dir, notebooks = sys.argv[1], sys.argv[2:]
report = {}
for path in notebooks:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, allow_errors=True, resources={"metadata": {"path": os.path.dirname(path)}})
    started = time.time()
    client.execute()
    errors = [f'{o.get("ename")}: {o.get("evalue")}' for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    target = os.path.join(out_dir, os.path.basename(path))
    nbformat.write(nb, target)
    report[os.path.basename(path)] = {
        "kernel": nb.metadata.get("kernelspec", {}).get("name"),
        "errors": errors,
        "code_cells": sum(1 for c in nb.cells if c.cell_type == "code"),
        "executed": sum(1 for c in nb.cells if c.cell_type == "code" and c.get("execution_count")),
        "seconds": time.time() - started,
    }
print(json.dumps(report))
