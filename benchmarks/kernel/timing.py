"""Times `dlk kernel` as a learner meets it, best of N runs per row (the machine may be busy; the best run is the one
least disturbed). Run by hand after a Release build, with Debian's Python (it has jupyter_client and nbclient):

    /usr/bin/python3 benchmarks/kernel/timing.py [--runs 3] [--chapter notebooks/01-tensors.ipynb]

Rows: kernel start to ready; kernel start to the first cell's result with #r "nuget: DeepLearnKit, 0.1.0"; the chapter
through `dlk run` (a kernel process), through `dlk run --in-process`, and through nbclient with the installed
kernelspec (the kernel start included in all three). Prints a Markdown table; not a test.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
dlk = os.path.join(root, "src", "Cli", "bin", "Release", "net10.0", "dlk.dll")
parser = argparse.ArgumentParser()
parser.add_argument("--runs", type=int, default=3)
parser.add_argument("--chapter", default=os.path.join(root, "notebooks", "01-tensors.ipynb"))
args = parser.parse_args()

prefix = tempfile.mkdtemp(prefix="dlk-timing-")
subprocess.run(["dotnet", dlk, "kernel", "install", "--prefix", prefix], check=True, stdout=subprocess.DEVNULL)
os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")
for name in ("data", "runtime", "config"):
    os.environ[f"JUPYTER_{name.upper()}_DIR"] = os.path.join(prefix, name)


def first_cell():
    """Seconds from start_kernel to ready, and to the first cell's execute_result."""
    km = KernelManager(kernel_name="deeplearnkit")
    started = time.perf_counter()
    km.start_kernel(stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    ready = time.perf_counter() - started
    msg_id = kc.execute('#r "nuget: DeepLearnKit, 0.1.0"\nusing DeepLearnKit;\nTensor.Ones(2).Sum().Item()')
    while True:
        msg = kc.get_iopub_msg(timeout=300)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] in ("execute_result", "error"):
            break
    result = time.perf_counter() - started
    if msg["msg_type"] == "error":
        sys.exit(f"the first cell failed: {msg['content']['evalue']}")
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return ready, result


def dlk_run(*options):
    out = tempfile.mkdtemp(prefix="dlk-timing-run-")
    started = time.perf_counter()
    subprocess.run(["dotnet", dlk, "run", args.chapter, "-o", out, *options], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def nbclient_run():
    nb = nbformat.read(args.chapter, as_version=4)
    started = time.perf_counter()
    NotebookClient(nb, timeout=600, resources={"metadata": {"path": os.path.dirname(args.chapter)}}).execute()
    return time.perf_counter() - started


rows = {"kernel start to ready": [], 'kernel start to the first cell\'s result (#r "nuget: DeepLearnKit, 0.1.0")': [],
        "chapter through `dlk run` (kernel process)": [], "chapter through `dlk run --in-process`": [],
        "chapter through nbclient + kernelspec": []}
names = list(rows)
for _ in range(args.runs):
    ready, result = first_cell()
    rows[names[0]].append(ready)
    rows[names[1]].append(result)
    rows[names[2]].append(dlk_run())
    rows[names[3]].append(dlk_run("--in-process"))
    rows[names[4]].append(nbclient_run())

print(f"chapter: {os.path.relpath(args.chapter, root)}; best of {args.runs} (all runs in seconds)\n")
print("| what | best (s) | all runs (s) |\n|---|---|---|")
for name, times in rows.items():
    print(f"| {name} | {min(times):.1f} | {', '.join(f'{t:.1f}' for t in times)} |")
print(json.dumps(rows), file=sys.stderr)
