// How the CPU backend splits work across cores: one setting for the thread count and one
// helper that runs a loop in parallel only when there is enough work to pay for it.
namespace DeepLearnKit.Backends.Cpu;

/// <summary>
/// Thread settings of the CPU backend. Small tensors run on the calling thread; loops with at
/// least <see cref="MinWorkPerThread"/> units of work per thread are split with <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>.
/// </summary>
public static class CpuParallel
{
    private static int maxThreads = Environment.ProcessorCount;

    /// <summary>The most threads a CPU kernel uses (default: the number of cores). Set it to compare with another library at the same thread count.</summary>
    public static int MaxThreads
    {
        get => maxThreads;
        set => maxThreads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxThreads must be at least 1.");
    }

    /// <summary>Work units (about one multiply-add each) below which a loop stays on one thread: thread start-up costs a few microseconds.</summary>
    public const long MinWorkPerThread = 32_768;

    /// <summary>How many threads a loop of <paramref name="count"/> iterations costing <paramref name="workPerIteration"/> each should use.</summary>
    public static int ThreadsFor(int count, long workPerIteration)
    {
        long total = count * Math.Max(1, workPerIteration);
        long byWork = total / MinWorkPerThread;
        return (int)Math.Max(1, Math.Min(Math.Min(maxThreads, count), byWork));
    }

    /// <summary>Runs <paramref name="body"/> for i in [0, count), in parallel only when the work is large enough.</summary>
    public static void For(int count, long workPerIteration, Action<int> body)
    {
        int threads = ThreadsFor(count, workPerIteration);
        if (threads <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
    }
}
