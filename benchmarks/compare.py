"""Runs every workload in DeepLearnKit and in PyTorch, alternating the two programs, and prints
the Markdown table of benchmarks/README.md. Called by run.sh (which installs and builds first):

  /usr/bin/python3 compare.py --dll PATH [--threads T] [--quick] [--only NAME,...]

Each workload runs as one process per side per round (DeepLearnKit.Benchmarks --workload NAME,
torch_bench.py --workload NAME); each prints a JSON line with the seconds per call of every
repetition. The order of the two sides alternates from one workload and one round to the next,
the repetitions of all rounds are pooled, and the table shows their median.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BOTH, DLK_ONLY = ("DeepLearnKit", "PyTorch"), ("DeepLearnKit",)

# Timing settings passed to both programs: repetitions, warm-up seconds, least seconds per
# repetition, and rounds (each side runs once per round and workload).
FULL = dict(reps=7, warmup=1.0, rep_time=0.2, rounds=2)
QUICK = dict(reps=3, warmup=0.2, rep_time=0.05, rounds=1)
# Training workloads: one call is a whole training run (seconds to minutes), so each repetition is
# one call, the warm-up is one untimed call (which also lets .NET's JIT tier up), and there are
# fewer repetitions: 3 in one round (1 with --quick, where the programs also do a tenth of the steps).
TRAINING = dict(full=dict(reps=3, warmup=0.0, rounds=1), quick=dict(reps=1, warmup=0.0, rounds=1))

# (name, sides, in the --quick run[, TRAINING]). A name must exist in Workloads.cs (and in
# torch_bench.py when PyTorch runs it too); "family-N" passes the size N. One line per workload;
# a fourth element overrides the timing settings of that workload (full and quick).
WORKLOADS = [
    ("fma-peak", DLK_ONLY, True),
    *[(f"sgemm-{n}", BOTH, n <= 512) for n in (128, 256, 512, 1024, 2048)],
    # the same product inside a Tensor.Scope() per call, as in a training step: the output's memory is reused
    *[(f"sgemm-scoped-{n}", BOTH, n <= 512) for n in (256, 1024)],
    *[(f"gemm-raw-{n}", DLK_ONLY, n <= 256) for n in (256, 1024, 2048)],
    # chapter 13: a Linear(n, n) forward in float32 and int8 (post-training dynamic quantization), x [n, n]
    *[(f"{kind}-{n}", BOTH, n <= 512) for n in (256, 512, 1024, 2048) for kind in ("linear", "int8-linear")],
    ("add-nograd", BOTH, True),
    ("add-autograd", BOTH, True),
    ("mlp-epoch", BOTH, True, TRAINING),    # MLP 784-256-128-10, 1 epoch Fashion-MNIST, batch 256, Adam
    ("lenet-epoch", BOTH, True, TRAINING),  # LeNet-5, 1 epoch Fashion-MNIST, batch 64, Adam
    ("lstm-100", BOTH, True, TRAINING),     # char LM: embed 128, LSTM 256, seq 35, batch 32, 100 Adam steps
    ("dcgan-100", BOTH, True, TRAINING),    # DCGAN 28x28, batch 64, 100 steps, Adam 2e-4 (0.5, 0.999)
]
BUSY = 0.10  # share of the CPUs used by other programs above which the report warns


def settings_for(workload, quick):
    """The timing settings of one workload: the run's, with its own overrides (WORKLOADS' 4th element)."""
    base = QUICK if quick else FULL
    override = workload[3]["quick" if quick else "full"] if len(workload) > 3 else {}
    return {**base, **override}


def command(side, name, args, settings):
    timing = ["--workload", name, "--threads", str(args.threads), "--reps", str(settings["reps"]),
              "--warmup", str(settings["warmup"]), "--rep-time", str(settings["rep_time"])]
    if args.quick:
        timing.append("--quick")  # the training workloads do a tenth of their steps
    env = dict(os.environ)
    if side == "PyTorch":
        env.pop("OPENBLAS_CORETYPE", None)  # auto-detection picks the AVX-512 kernels
        env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = str(args.threads)
        return ["/usr/bin/python3", os.path.join(HERE, "torch_bench.py"), *timing], env
    return ["dotnet", args.dll, *timing], env


def run_one(side, name, args, settings):
    """Runs one side's program; its JSON line, plus the process's peak resident memory (ru_maxrss, from wait4)."""
    cmd, env = command(side, name, args, settings)
    print(f"  {side:12} {name}", file=sys.stderr, flush=True)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not the maximum over all children
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    lines = [l for l in stdout.splitlines() if l.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{side} {name} failed (exit {proc.returncode}): {stderr.strip()[-800:]}")
    return {**json.loads(lines[-1]), "peak_rss_mb": usage.ru_maxrss / 1024}  # Linux reports KiB


def measure_all(workloads, args):
    """{(name, side): {"seconds": pooled list, ...last JSON line}}, sides alternating."""
    runs = {}
    rounds = max(settings_for(w, args.quick)["rounds"] for w in workloads)
    for r in range(rounds):
        print(f"round {r + 1}/{rounds}", file=sys.stderr)
        for k, workload in enumerate(workloads):
            name, sides, settings = workload[0], workload[1], settings_for(workload, args.quick)
            if r >= settings["rounds"]:
                continue
            order = sides if (k + r) % 2 == 0 else tuple(reversed(sides))
            for side in order:
                try:
                    line = run_one(side, name, args, settings)
                except (RuntimeError, subprocess.TimeoutExpired) as e:
                    print(f"    {e}", file=sys.stderr)
                    runs[(name, side)] = {"error": True}
                    continue
                previous = runs.get((name, side), {})
                runs[(name, side)] = {**line, "seconds": previous.get("seconds", []) + line["seconds"],
                                      "peak_rss_mb": max(previous.get("peak_rss_mb", 0), line["peak_rss_mb"])}
    return runs


def metric(run):
    """(value, unit, speed): speed is larger-is-faster, so ratios of speeds compare the sides."""
    t = statistics.median(run["seconds"])
    if run["flops"]:
        g = run["flops"] / t / 1e9
        return g, "GFLOP/s", g
    if run["ops"]:
        return t / run["ops"] * 1e6, "µs/op", 1 / t
    if t >= 1:
        return t, "s", 1 / t
    return t * 1e3, "ms", 1 / t


def fmt(x):
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def table(workloads, runs):
    peak = runs.get(("fma-peak", "DeepLearnKit"), {})
    peak_gflops = metric(peak)[0] if "seconds" in peak else None
    rows = ["| workload | DeepLearnKit | PyTorch | speed ratio DLK/torch | % of FMA peak DLK / torch "
            "| peak RSS DLK / torch | result DLK | result torch |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, sides, *_ in workloads:
        cells, speeds, peaks, rss, results = [], [], [], [], []
        for side in BOTH:
            run = runs.get((name, side))
            if side not in sides or run is None or "error" in run:
                cells.append("error" if run and "error" in run else "—")
                speeds.append(None); peaks.append("—"); rss.append("—"); results.append("—")
                continue
            # The whole program's peak (warm-up and every call), the largest of its rounds.
            rss.append(f"{run['peak_rss_mb']:.0f}")
            value, unit, speed = metric(run)
            cells.append(f"{fmt(value)} {unit}")
            speeds.append(speed)
            peaks.append(f"{100 * value / peak_gflops:.0f}%" if unit == "GFLOP/s" and peak_gflops else "—")
            # Training rows describe what they reached (loss, test accuracy) in words.
            results.append(run.get("detail") or f"{run['result']:.12g}")
        ratio = f"{speeds[0] / speeds[1]:.2f}×" if None not in speeds else "—"
        pk = " / ".join(peaks) if peaks != ["—", "—"] else "—"
        mem = f"{rss[0]} / {rss[1]} MB" if rss != ["—", "—"] else "—"
        rows.append(f"| {name} | {cells[0]} | {cells[1]} | {ratio} | {pk} | {mem} | {results[0]} | {results[1]} |")
    return "\n".join(rows)


def busy(seconds=1.0):
    """Fraction of all CPUs that other programs keep busy, sampled from /proc/stat while this
    harness sleeps (the load average counts waiting tasks too, so it misleads here)."""
    def sample():
        fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait
    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


def machine(args, runs, settings, loads, workloads):
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    avx512 = "avx512f" in open("/proc/cpuinfo").read()
    notes = {side: run.get("note", "") for (_, side), run in runs.items() if "note" in run}
    training = [w[0] for w in workloads if len(w) > 3]
    train = TRAINING["quick" if args.quick else "full"]
    try:
        commit = subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip() or "none"
        dirty = subprocess.run(["git", "-C", HERE, "status", "--porcelain", "--", "../src"],
                               capture_output=True, text=True).stdout.strip()
    except OSError:
        commit, dirty = "?", ""
    return "\n".join([
        f"- Date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- Command: `benchmarks/run.sh --threads {args.threads}{' --quick' if args.quick else ''}"
        f"{' --only ' + args.only if args.only else ''}`",
        f"- Machine: {model}, {os.cpu_count()} logical CPUs{', AVX-512' if avx512 else ''}, {platform.system()} "
        f"{platform.release()}; **{args.threads} threads on both sides**",
        f"- DeepLearnKit: commit {commit}{' + uncommitted changes in src/' if dirty else ''}, "
        f"{notes.get('DeepLearnKit', '?')}",
        f"- PyTorch: {notes.get('PyTorch', '?')}",
        f"- CPU busy with other work just before / after: {loads[0]:.0%} / {loads[1]:.0%}"
        + (" — **the machine was busy: these numbers are not reliable**" if max(loads) > BUSY else ""),
        f"- Method: {settings['rounds']} round(s) × {settings['reps']} repetitions per side, sides alternating, "
        f"warm-up {settings['warmup']} s, ≥ {settings['rep_time']} s per repetition; median of the pooled "
        "repetitions. Speed ratio > 1: DeepLearnKit is faster (GEMM: GFLOP/s ratio; other rows: "
        "PyTorch time / DeepLearnKit time).",
        *([f"- Training rows ({', '.join(training)}): one call is a whole training run from a fresh seeded model; "
           f"one untimed warm-up call, then {train['rounds']} round(s) × {train['reps']} timed call(s) per side"
           + (", each a tenth of the steps (--quick)" if args.quick else "")
           + "; the result columns give the loss (mean of the last 10 steps) and, for the classifiers, the test accuracy."]
          if training else []),
    ])


def main():
    p = argparse.ArgumentParser(description="DeepLearnKit vs PyTorch, alternating; prints a Markdown table.")
    p.add_argument("--dll", required=True, help="DeepLearnKit.Benchmarks.dll")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--quick", action="store_true", help="few repetitions, small sizes (for checking the harness)")
    p.add_argument("--only", help="comma-separated workload names to run (from WORKLOADS)")
    args = p.parse_args()
    settings = QUICK if args.quick else FULL
    workloads = [w for w in WORKLOADS if w[2] or not args.quick]
    if args.only:
        wanted = args.only.split(",")
        unknown = set(wanted) - {w[0] for w in WORKLOADS}
        if unknown:
            p.error(f"unknown workloads {sorted(unknown)}; known: {[w[0] for w in WORKLOADS]}")
        workloads = [w for w in WORKLOADS if w[0] in wanted]

    before = busy()
    if before > BUSY:
        print(f"warning: other programs keep {before:.0%} of the CPUs busy: they will skew the times",
              file=sys.stderr)
    runs = measure_all(workloads, args)
    report = f"{table(workloads, runs)}\n\n{machine(args, runs, settings, (before, busy()), workloads)}\n"
    if args.quick:
        report = "**Preliminary (--quick: few repetitions, small sizes).**\n\n" + report
    print(report)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    path = os.path.join(HERE, "results", datetime.datetime.now().strftime("%Y-%m-%d-%H%M%S.md"))
    with open(path, "w") as f:
        f.write(report)
    print(f"(also written to {os.path.relpath(path)})", file=sys.stderr)
    return 1 if any("error" in r for r in runs.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
