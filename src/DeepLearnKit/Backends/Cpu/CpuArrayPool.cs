// Recycling of the large arrays behind CPU tensors. A training step allocates the same temporaries every
// step (activations, gradients, im2col columns); as fresh arrays, the large ones land in .NET's large-object
// heap, whose budget triggers a full (gen 2) collection about every step, and whose freed pages come back as
// page faults. Reusing them keeps a step's memory warm, as PyTorch's caching allocator does.
using System.Collections.Concurrent;

namespace DeepLearnKit.Backends.Cpu;

/// <summary>
/// Free arrays by exact length, one pool per allocating thread. An array goes back when its
/// <see cref="PooledCpuStorage"/> is collected, to the pool of the thread that allocated it, and only that thread
/// rents it again. Why per thread: a kernel may still be reading an array after its last tensor became garbage
/// (kernels hold the raw array); while it runs, its thread cannot be renting, so the array is never handed out
/// under a running kernel. Another thread's kernel never sees this thread's arrays unless the two share tensors.
/// </summary>
internal sealed class CpuArrayPool
{
    /// <summary>Arrays shorter than this (64 KiB) are allocated plainly: cheap in .NET's young generation.</summary>
    public const int MinPooledLength = 16_384;

    /// <summary>
    /// The most bytes one thread's pool keeps for reuse. A returned array that does not fit pushes out arrays of
    /// other sizes (the working set has moved on), or is left to the collector.
    /// </summary>
    private static readonly long MaxPooledBytes = Math.Min(512L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8);

    /// <summary>The least a collection the pool asks for must wait for (see <see cref="CollectIfWorthIt"/>).</summary>
    private const long MinBytesPerCollection = 4L << 20;

    private static long liveBytes;         // in pooled storages not yet collected
    private static long liveAfterCollection, bytesSinceCollection;
    private static int collectionsSeen;

    [ThreadStatic] private static CpuArrayPool? current;

    private readonly ConcurrentDictionary<int, ConcurrentStack<float[]>> free = new();
    private long pooledBytes; // in this pool's free lists

    /// <summary>The calling thread's pool.</summary>
    public static CpuArrayPool Current => current ??= new CpuArrayPool();

    /// <summary>A storage of <paramref name="length"/> floats, zero-filled when <paramref name="clear"/>.</summary>
    public static CpuStorage Allocate(int length, bool clear)
    {
        if (length < MinPooledLength)
            return new CpuStorage(length == 0 ? [] : clear ? new float[length] : GC.AllocateUninitializedArray<float>(length));
        var pool = Current;
        if (pool.TryRent(length, out var array) || (CollectIfWorthIt() && pool.TryRent(length, out array)))
        {
            if (clear) Array.Clear(array);
        }
        else
        {
            array = clear ? new float[length] : GC.AllocateUninitializedArray<float>(length);
        }
        Interlocked.Add(ref liveBytes, 4L * length);
        Interlocked.Add(ref bytesSinceCollection, 4L * length);
        return new PooledCpuStorage(array, pool);
    }

    /// <summary>
    /// Dead storages are found only by a collection, and a loop that allocates little else (so the collector
    /// rarely runs) would take fresh pages for every temporary. So when the pool has none of the size asked, it
    /// runs a young collection (and the finalizers that hand arrays back) if, since the last collection, it handed
    /// out at least half of what was live after it (and 4 MiB): the bytes that may have died since are then worth
    /// the collection's cost, which grows with what is live, as in the collector's own budgets. True if it ran.
    /// </summary>
    private static bool CollectIfWorthIt()
    {
        int collections = GC.CollectionCount(0);
        if (collections != Volatile.Read(ref collectionsSeen))
        {
            // The collector ran by itself since: what it found is back in the pools (or soon will be).
            Volatile.Write(ref collectionsSeen, collections);
            Interlocked.Exchange(ref liveAfterCollection, Interlocked.Read(ref liveBytes));
            Interlocked.Exchange(ref bytesSinceCollection, 0);
            return false;
        }
        if (Interlocked.Read(ref bytesSinceCollection) < Math.Max(MinBytesPerCollection, Interlocked.Read(ref liveAfterCollection) / 2))
            return false;
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        Volatile.Write(ref collectionsSeen, GC.CollectionCount(0));
        Interlocked.Exchange(ref liveAfterCollection, Interlocked.Read(ref liveBytes));
        Interlocked.Exchange(ref bytesSinceCollection, 0);
        return true;
    }

    private bool TryRent(int length, out float[] array)
    {
        if (free.TryGetValue(length, out var stack) && stack.TryPop(out array!))
        {
            Interlocked.Add(ref pooledBytes, -4L * length);
            return true;
        }
        array = null!;
        return false;
    }

    /// <summary>Called when a storage from this pool is collected: keeps its array for this pool's thread.</summary>
    public void Return(float[] array)
    {
        long size = 4L * array.Length;
        Interlocked.Add(ref liveBytes, -size);
        if (Interlocked.Read(ref pooledBytes) + size > MaxPooledBytes) Evict(MaxPooledBytes - size, keep: array.Length);
        if (Interlocked.Read(ref pooledBytes) + size > MaxPooledBytes) return;
        Interlocked.Add(ref pooledBytes, size);
        free.GetOrAdd(array.Length, _ => new ConcurrentStack<float[]>()).Push(array);
    }

    /// <summary>Drops free arrays of other lengths than <paramref name="keep"/> until at most <paramref name="target"/> bytes stay.</summary>
    private void Evict(long target, int keep)
    {
        foreach (var (length, stack) in free)
        {
            if (length == keep) continue;
            while (Interlocked.Read(ref pooledBytes) > target && stack.TryPop(out _)) Interlocked.Add(ref pooledBytes, -4L * length);
            if (Interlocked.Read(ref pooledBytes) <= target) return;
        }
    }
}
