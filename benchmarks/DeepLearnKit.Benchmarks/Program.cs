// The C# side of benchmarks/run.sh: runs ONE workload (warm-up, then timed repetitions) at a
// given thread count and prints one JSON line, which compare.py pairs with torch_bench.py's.
// The timing protocol is the same as torch_bench.py's `measure`; change both together.
//
//   DeepLearnKit.Benchmarks --workload sgemm-512 [--threads 2] [--reps 7] [--warmup 1.0] [--rep-time 0.2] [--quick]
//   (--quick: the training workloads do a tenth of their steps)
//   DeepLearnKit.Benchmarks --list
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text.Json;
using DeepLearnKit.Backends.Cpu;
using DeepLearnKit.Benchmarks;

Options options;
Prepared workload;
try
{
    options = Options.Parse(args);
    if (options.List)
    {
        foreach (var name in Workloads.Names) Console.WriteLine(name);
        return 0;
    }
    CpuParallel.MaxThreads = options.Threads;
    TrainingWorkloads.Quick = options.Quick;
    workload = Workloads.Prepare(options.Workload);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"DeepLearnKit.Benchmarks: {e.Message}");
    return 2;
}
var times = Harness.Measure(workload.Run, options);
var line = new
{
    side = "DeepLearnKit",
    workload = options.Workload,
    threads = options.Threads,
    calls = times.Calls,
    seconds = times.Seconds,
    result = workload.Result(),
    detail = workload.Detail?.Invoke(),
    flops = workload.Flops,
    ops = workload.Ops,
    gc_committed_mb = GC.GetGCMemoryInfo().TotalCommittedBytes >> 20,
    gc_heap_mb = GC.GetGCMemoryInfo().HeapSizeBytes >> 20,
    gc_fragmented_mb = GC.GetGCMemoryInfo().FragmentedBytes >> 20,
    collections = new[] { GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2) }, // gen 0, 1, 2 over the whole program
    note = $"{RuntimeInformation.FrameworkDescription}, {(Avx512F.IsSupported ? "AVX-512" : Avx2.IsSupported ? "AVX2" : "no AVX")}"
        + (workload.Note is null ? "" : $", {workload.Note}"),
};
Console.WriteLine(JsonSerializer.Serialize(line));
return 0;

/// <summary>Command-line settings; the defaults are those of a full run.</summary>
internal sealed record Options(string Workload, int Threads, int Reps, double Warmup, double RepTime, bool List, bool Quick = false)
{
    public static Options Parse(string[] args)
    {
        var o = new Options("", Environment.ProcessorCount, 7, 1.0, 0.2, false);
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            double Number() => double.Parse(Next(), CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--workload" => o with { Workload = Next() },
                "--threads" => o with { Threads = (int)Number() },
                "--reps" => o with { Reps = (int)Number() },
                "--warmup" => o with { Warmup = Number() },
                "--rep-time" => o with { RepTime = Number() },
                "--list" => o with { List = true },
                "--quick" => o with { Quick = true },
                _ => throw new ArgumentException($"Unknown argument {args[i]}; see the header of Program.cs."),
            };
        }
        if (!o.List && o.Workload.Length == 0) throw new ArgumentException("--workload NAME is required (--list shows the names).");
        return o;
    }
}

/// <summary>Seconds per call of each timed repetition, and how many calls one repetition made.</summary>
internal sealed record Timings(int Calls, double[] Seconds);

/// <summary>The timing protocol shared with torch_bench.py.</summary>
internal static class Harness
{
    /// <summary>
    /// Warm-up: calls <paramref name="run"/> until <see cref="Options.Warmup"/> seconds have passed
    /// (at least once), which also lets the JIT reach its optimised tier. Then picks the number of
    /// calls per repetition so that a repetition lasts at least <see cref="Options.RepTime"/> at the
    /// fastest warm-up pace
    /// (a workload longer than that, such as a training epoch, runs once per repetition, so both
    /// sides do the same steps), and times <see cref="Options.Reps"/> repetitions.
    /// </summary>
    public static Timings Measure(Action run, Options options)
    {
        var clock = Stopwatch.StartNew();
        double fastest = double.MaxValue;
        do
        {
            long start = Stopwatch.GetTimestamp();
            run();
            fastest = Math.Min(fastest, Stopwatch.GetElapsedTime(start).TotalSeconds);
        } while (clock.Elapsed.TotalSeconds < options.Warmup);

        int calls = (int)Math.Max(1, Math.Ceiling(options.RepTime / Math.Max(fastest, 1e-9)));
        var seconds = new double[options.Reps];
        for (int r = 0; r < options.Reps; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int c = 0; c < calls; c++) run();
            seconds[r] = Stopwatch.GetElapsedTime(start).TotalSeconds / calls;
        }
        return new Timings(calls, seconds);
    }
}
