// Recycling of the large arrays behind CPU tensors. A training step allocates the same temporaries every
// step (im2col columns, gradients, an optimizer's scratch); as fresh arrays, the large ones land in .NET's
// large-object heap, whose budget triggers full collections, and whose fresh pages come back as page faults.
// Reusing them keeps a step's memory warm, as PyTorch's caching allocator does.
//
// An array comes back in one of two ways, never from a finalizer, and the pool never asks the collector for
// anything: its owner releases its storage (CpuStorage.Release, called by StorageScope and by kernels for their
// temporaries), or — for a tensor the caller got back, of which nothing can tell when the caller drops it — the pool
// watches the storage through a weak reference and takes the array back once a collection that ran anyway found
// the storage unreachable. Every CPU kernel runs under CpuKernelLease, which keeps its storages reachable until it
// returns, so no array is taken back from under a running kernel.
namespace DeepLearnKit.Backends.Cpu;

/// <summary>
/// Free arrays by exact length, shared by all threads. <see cref="Allocate"/> takes one of the requested length if
/// there is one, else the array of a watched storage that is no longer reachable, else a fresh one;
/// <see cref="Return"/> takes back the array of a released storage, which no storage holds any more. The pool is
/// capped (<see cref="MaxPooledBytes"/>), and a length that no allocation asked for during <see cref="IdlePasses"/>
/// backward passes is dropped (<see cref="EndPass"/>), so memory a workload no longer uses goes back to the collector.
/// </summary>
internal static class CpuArrayPool
{
    /// <summary>Arrays shorter than this (64 KiB) are allocated plainly: cheap in .NET's young generation.</summary>
    public const int MinPooledLength = 16_384;

    /// <summary>The most bytes the pool keeps for reuse (1 GiB, at most an eighth of the memory available).</summary>
    internal static readonly long MaxPooledBytes = Math.Min(1L << 30, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8);

    /// <summary>A length not rented during this many backward passes is dropped from the pool.</summary>
    internal const int IdlePasses = 8;

    private sealed class Bucket
    {
        public readonly Stack<float[]> Arrays = new();
        public long LastRentedPass;

        /// <summary>The storages of this length handed out and not released: their cells, and whether each storage is still reachable.</summary>
        public readonly List<(WeakReference<CpuStorage> Storage, CpuStorage.Cell Cell)> Watched = [];
        public int SweepAt = 16;
    }

    private static readonly object gate = new();
    private static readonly Dictionary<int, Bucket> free = new();
    private static long pooledBytes, passes;
    private static PoolCounts counts;

    /// <summary>Bytes in the pool's free arrays now.</summary>
    internal static long PooledBytes { get { lock (gate) return pooledBytes; } }

    /// <summary>What the pool did since the process started (for tests and measurements).</summary>
    internal static PoolCounts Counts { get { lock (gate) return counts; } }

    /// <summary>
    /// For tests: fills every returned array with NaN, so that anything still reading a released storage's array,
    /// or an "uninitialized" allocation that a kernel does not fully overwrite, shows up as NaN in the results.
    /// </summary>
    internal static bool PoisonReturned { get; set; }

    /// <summary>
    /// A storage of <paramref name="length"/> floats, zero-filled when <paramref name="clear"/>. A large one is recorded
    /// in the open <see cref="StorageScope"/>, whose owner then decides when it is released.
    /// </summary>
    public static CpuStorage Allocate(int length, bool clear)
    {
        if (length < MinPooledLength)
            return new CpuStorage(length == 0 ? [] : clear ? new float[length] : GC.AllocateUninitializedArray<float>(length));
        float[]? array;
        Bucket? bucket;
        lock (gate)
        {
            if (!free.TryGetValue(length, out bucket)) free[length] = bucket = new Bucket();
            bucket.LastRentedPass = passes;
            array = Rent(bucket, length);
            counts = array is null
                ? counts with { Fresh = counts.Fresh + 1, FreshBytes = counts.FreshBytes + 4L * length }
                : counts with { Rented = counts.Rented + 1, RentedBytes = counts.RentedBytes + 4L * length };
        }
        // Clearing or allocating megabytes happens outside the lock, so other threads' kernels do not wait for it.
        if (array is null) array = clear ? new float[length] : GC.AllocateUninitializedArray<float>(length);
        else if (clear) Array.Clear(array);
        var storage = new CpuStorage(array);
        // A long weak reference: cleared only once the storage is gone for good, even if an object with a finalizer
        // still refers to it and brings it back.
        var watch = new WeakReference<CpuStorage>(storage, trackResurrection: true);
        lock (gate) bucket.Watched.Add((watch, storage.cell));
        StorageScope.Track(storage);
        return storage;
    }

    /// <summary>A free array of the bucket's length, else the array of a watched storage found unreachable, else null.</summary>
    private static float[]? Rent(Bucket bucket, int length)
    {
        if (bucket.Arrays.Count == 0 || bucket.Watched.Count >= bucket.SweepAt) Sweep(bucket, length);
        if (!bucket.Arrays.TryPop(out var array)) return null;
        pooledBytes -= 4L * length;
        return array;
    }

    /// <summary>
    /// Takes back the arrays of the bucket's watched storages that were released (their array already came back) or
    /// are unreachable: then nothing can read the array any more (no storage refers to it, and no kernel runs on it:
    /// CpuKernelLease), so it joins the free list. Sweeping again once the watch list doubled keeps it, and the
    /// arrays its dead entries hold, in proportion to the storages alive.
    /// </summary>
    private static void Sweep(Bucket bucket, int length)
    {
        var watched = bucket.Watched;
        for (int i = watched.Count - 1; i >= 0; i--)
        {
            var (storage, cell) = watched[i];
            if (cell.Array is not null && storage.TryGetTarget(out _)) continue;
            watched[i] = watched[^1];
            watched.RemoveAt(watched.Count - 1);
            if (cell.Take() is not { } array) continue;
            counts = counts with { TakenBack = counts.TakenBack + 1 };
            if (pooledBytes + 4L * length > MaxPooledBytes) continue; // full: left to the collector
            if (PoisonReturned) Array.Fill(array, float.NaN);
            bucket.Arrays.Push(array);
            pooledBytes += 4L * length;
        }
        bucket.SweepAt = Math.Max(16, 2 * watched.Count);
    }

    /// <summary>
    /// Keeps the array of a storage that was just released (<see cref="CpuStorage.Release"/> took it away, so no
    /// storage holds it) for the next allocation of its length. When the pool is full, the arrays of the lengths
    /// rented longest ago make room, or this one is left to the collector.
    /// </summary>
    internal static void Return(float[] array)
    {
        long size = 4L * array.Length;
        if (PoisonReturned) Array.Fill(array, float.NaN);
        lock (gate)
        {
            counts = counts with { Returned = counts.Returned + 1 };
            if (pooledBytes + size > MaxPooledBytes) Evict(pooledBytes + size - MaxPooledBytes, array.Length);
            if (pooledBytes + size > MaxPooledBytes) return;
            if (!free.TryGetValue(array.Length, out var bucket)) free[array.Length] = bucket = new Bucket { LastRentedPass = passes };
            bucket.Arrays.Push(array);
            pooledBytes += size;
        }
    }

    /// <summary>Drops free arrays of lengths other than <paramref name="keep"/>, least recently rented first, until <paramref name="bytes"/> are gone.</summary>
    private static void Evict(long bytes, int keep)
    {
        foreach (var (length, bucket) in free.Where(e => e.Key != keep).OrderBy(e => e.Value.LastRentedPass).ToList())
        {
            while (bytes > 0 && bucket.Arrays.TryPop(out _))
            {
                pooledBytes -= 4L * length;
                bytes -= 4L * length;
            }
            if (bytes <= 0) return;
        }
    }

    /// <summary>
    /// Called at the end of every backward pass, the step clock of training: takes back the arrays of watched
    /// storages found unreachable (into the capped free lists, so that no array is held for a length nobody asks for),
    /// and drops the lengths nobody rented during the last <see cref="IdlePasses"/> passes (a layer size of an old
    /// model, an evaluation batch); their watched storages stay ordinary garbage.
    /// </summary>
    internal static void EndPass()
    {
        lock (gate)
        {
            passes++;
            List<int>? idle = null;
            foreach (var (length, bucket) in free)
            {
                Sweep(bucket, length);
                if (passes - bucket.LastRentedPass > IdlePasses) (idle ??= []).Add(length);
            }
            foreach (int length in idle ?? [])
            {
                pooledBytes -= 4L * length * free[length].Arrays.Count;
                free.Remove(length); // its watched storages, if any, stay ordinary garbage
            }
        }
    }
}

/// <summary>
/// Counts of <see cref="CpuArrayPool"/>: large allocations served from the pool (<see cref="Rented"/>, in
/// <see cref="RentedBytes"/>) or with a fresh array (<see cref="Fresh"/>, <see cref="FreshBytes"/>), and arrays given back.
/// </summary>
/// <see cref="TakenBack"/> counts arrays of storages that nobody released and the pool found unreachable.
internal readonly record struct PoolCounts(long Rented, long RentedBytes, long Fresh, long FreshBytes, long Returned, long TakenBack = 0)
{
    public static PoolCounts operator -(PoolCounts a, PoolCounts b) =>
        new(a.Rented - b.Rented, a.RentedBytes - b.RentedBytes, a.Fresh - b.Fresh, a.FreshBytes - b.FreshBytes, a.Returned - b.Returned,
            a.TakenBack - b.TakenBack);
}
