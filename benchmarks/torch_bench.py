"""The PyTorch side of benchmarks/run.sh: runs ONE workload (warm-up, then timed repetitions)
at a given thread count and prints one JSON line, which compare.py pairs with the C# side's.
The timing protocol is the same as Program.cs's Harness.Measure; change both together.

  OPENBLAS_NUM_THREADS=2 /usr/bin/python3 torch_bench.py --workload sgemm-512 [--threads 2]
      [--reps 7] [--warmup 1.0] [--rep-time 0.2]

To add a workload: one function here and an entry in FAMILIES, one of each in
DeepLearnKit.Benchmarks/Workloads.cs, one line in compare.py's WORKLOADS.
"""
import argparse
import ctypes
import json
import math
import platform
import time

import torch


class Prepared:
    """A workload ready to time: run() is one call, result() what the last call reached.
    flops (per call) turns times into GFLOP/s, ops (per call) into microseconds per op."""

    def __init__(self, run, result, flops=0.0, ops=0):
        self.run, self.result, self.flops, self.ops = run, result, flops, ops


def gemm_inputs(n):
    """n x n matrices of small multiples of 1/8, the same formula as Workloads.cs: the product
    is exact in float32 for n <= 4096, so the checksum does not depend on summation order."""
    i = torch.arange(n, dtype=torch.int64).unsqueeze(1)
    j = torch.arange(n, dtype=torch.int64).unsqueeze(0)
    a = ((i * 7 + j * 3) % 11 - 3).to(torch.float32) / 8
    b = ((i * 5 + j * 2) % 13 - 4).to(torch.float32) / 8
    return a.contiguous(), b.contiguous()


def checksum(t):
    return float(t.double().sum())


def gemm_checksum(c):
    """sum of C[i,j] * ((i + 2j) % 7 + 1), exact in float64, so both sides must agree exactly."""
    n = c.shape[0]
    i = torch.arange(n, dtype=torch.int64).unsqueeze(1)
    j = torch.arange(n, dtype=torch.int64).unsqueeze(0)
    return float((c.double() * ((i + 2 * j) % 7 + 1).double()).sum())


def sgemm(n):
    """C = A @ B, result allocated per call (as torch.matmul does for a user)."""
    a, b = gemm_inputs(n)
    out = {}

    def run():
        out["c"] = torch.matmul(a, b)

    return Prepared(run, lambda: gemm_checksum(out["c"]), flops=2.0 * n ** 3)


def tiny_adds(requires_grad):
    """10,000 additions of two 16-element tensors per call: the fixed cost of one op."""
    count = 10_000
    x = (torch.arange(16, dtype=torch.float32) / 8).requires_grad_(requires_grad)
    y = ((16 - torch.arange(16, dtype=torch.float32)) / 4).requires_grad_(requires_grad)
    out = {}

    def run():
        for _ in range(count):
            z = x + y
        out["z"] = z

    def result():
        z = out["z"]
        return -math.inf if (z.grad_fn is None) == requires_grad else checksum(z.detach())

    return Prepared(run, result, ops=count)


# Workload families, as in Workloads.cs; a name "family-N" passes N (a size) to the function.
FAMILIES = {
    "sgemm": sgemm,
    "add-nograd": lambda _: tiny_adds(False),
    "add-autograd": lambda _: tiny_adds(True),
}


def prepare(name):
    if name in FAMILIES:
        return FAMILIES[name](0)
    family, _, size = name.rpartition("-")
    if size.isdigit() and int(size) > 0 and family in FAMILIES:
        return FAMILIES[family](int(size))
    raise SystemExit(f"torch_bench.py: unknown workload '{name}'; known: {', '.join(FAMILIES)}")


def measure(run, warmup, rep_time, reps):
    """Warm-up until `warmup` seconds have passed (at least one call); then enough calls per
    repetition to last `rep_time` at the fastest warm-up pace (one for workloads longer than
    that, so training workloads take the same steps on both sides); `reps` repetitions.
    Returns (calls per repetition, seconds per call of each repetition)."""
    start = time.perf_counter()
    fastest = math.inf
    while True:
        t0 = time.perf_counter()
        run()
        fastest = min(fastest, time.perf_counter() - t0)
        if time.perf_counter() - start >= warmup:
            break
    calls = max(1, math.ceil(rep_time / max(fastest, 1e-9)))
    seconds = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(calls):
            run()
        seconds.append((time.perf_counter() - t0) / calls)
    return calls, seconds


def blas_name():
    """Which BLAS this process really loaded (the baseline is weak without OpenBLAS)."""
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "blas" in line.split()[-1]}
    for lib in sorted(libs):
        if "openblas" in lib:
            try:
                core = ctypes.CDLL(lib).openblas_get_corename
                core.restype = ctypes.c_char_p
                return f"OpenBLAS {core().decode()}"
            except (OSError, AttributeError):
                return "OpenBLAS"
    return "BLAS: " + (", ".join(sorted(libs)) or "none found")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workload", required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--reps", type=int, default=7)
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--rep-time", type=float, default=0.2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    work = prepare(args.workload)
    calls, seconds = measure(work.run, args.warmup, args.rep_time, args.reps)
    print(json.dumps({
        "side": "PyTorch", "workload": args.workload, "threads": torch.get_num_threads(),
        "calls": calls, "seconds": seconds, "result": work.result(),
        "flops": work.flops, "ops": work.ops,
        "note": f"torch {torch.__version__}, Python {platform.python_version()}, {blas_name()}",
    }))


if __name__ == "__main__":
    main()
