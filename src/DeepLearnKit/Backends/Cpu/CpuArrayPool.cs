// Recycling of the large arrays behind CPU tensors. A training step allocates the same temporaries every
// step (activations, gradients, im2col columns); as fresh arrays, the large ones land in .NET's large-object
// heap, whose budget triggers a full (gen 2) collection about every step, and whose freed pages come back as
// page faults. Reusing them keeps a step's memory warm, as PyTorch's caching allocator does.
using System.Collections.Concurrent;

namespace DeepLearnKit.Backends.Cpu;

/// <summary>
/// Free arrays by exact length, one pool per allocating thread. An array goes back to the pool of the thread that
/// allocated it when its <see cref="PooledCpuStorage"/> is collected, and that thread rents it again. A kernel may still
/// be reading a raw array after its last tensor became garbage, so every CPU kernel keeps its storages alive until it
/// returns (<c>CpuBackend.KeepAlive</c>). Pools per thread keep a thread's working set with it, with no contention.
/// </summary>
internal sealed class CpuArrayPool
{
    /// <summary>Arrays shorter than this (64 KiB) are allocated plainly: cheap in .NET's young generation.</summary>
    public const int MinPooledLength = 16_384;

    /// <summary>
    /// The most bytes one thread's pool keeps for reuse, and all pools together. A returned array that does not fit
    /// pushes out its pool's arrays of other sizes (the working set has moved on), or is left to the collector.
    /// Besides, after each full collection every pool drops the sizes nobody rented since the one before
    /// (<see cref="TrimAfterFullCollections"/>), so memory that training no longer uses goes back to the collector.
    /// </summary>
    private static readonly long MaxPooledBytes = Math.Min(512L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 16),
        MaxPooledBytesAll = Math.Min(1L << 30, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8);

    private static long pooledBytesAll;
    private static readonly ConcurrentQueue<WeakReference<CpuArrayPool>> pools = new();

    /// <summary>The least a collection the pool asks for must wait for (see <see cref="CollectIfWorthIt"/>).</summary>
    private const long MinBytesPerCollection = 4L << 20;

    private static long liveBytes;         // in pooled storages not yet collected
    private static long liveAfterCollection, bytesSinceCollection;
    private static int collectionsSeen;

    [ThreadStatic] private static CpuArrayPool? current;

    /// <summary>The free arrays of one length, and whether one was rented since the last trim.</summary>
    private sealed class Bucket
    {
        public readonly ConcurrentStack<float[]> Arrays = new();
        public volatile bool Rented = true;
    }

    private readonly ConcurrentDictionary<int, Bucket> free = new();
    private long pooledBytes; // in this pool's free lists

    static CpuArrayPool() => _ = new TrimAfterFullCollections();

    private CpuArrayPool() => pools.Enqueue(new WeakReference<CpuArrayPool>(this));

    /// <summary>A pool is collected after its thread ended and its last storage came back: its arrays leave the count.</summary>
    ~CpuArrayPool() => Interlocked.Add(ref pooledBytesAll, -Interlocked.Read(ref pooledBytes));

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
    /// <summary>How many bytes the pool hands out between the collections it asks for: half of what was live after the last one, at least 4 MiB.</summary>
    internal static long BytesPerCollection => Math.Max(MinBytesPerCollection, Interlocked.Read(ref liveAfterCollection) / 2);

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
        if (Interlocked.Read(ref bytesSinceCollection) < BytesPerCollection) return false;
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        Volatile.Write(ref collectionsSeen, GC.CollectionCount(0));
        Interlocked.Exchange(ref liveAfterCollection, Interlocked.Read(ref liveBytes));
        Interlocked.Exchange(ref bytesSinceCollection, 0);
        return true;
    }

    private bool TryRent(int length, out float[] array)
    {
        if (free.TryGetValue(length, out var bucket) && bucket.Arrays.TryPop(out array!))
        {
            bucket.Rented = true;
            Unpool(4L * length);
            return true;
        }
        array = null!;
        return false;
    }

    private void Unpool(long size)
    {
        Interlocked.Add(ref pooledBytes, -size);
        Interlocked.Add(ref pooledBytesAll, -size);
    }

    /// <summary>Called when a storage from this pool is collected: keeps its array for this pool's thread.</summary>
    public void Return(float[] array)
    {
        long size = 4L * array.Length;
        Interlocked.Add(ref liveBytes, -size);
        if (!Fits(size)) Evict(size, keep: array.Length);
        if (!Fits(size)) return;
        Interlocked.Add(ref pooledBytes, size);
        Interlocked.Add(ref pooledBytesAll, size);
        free.GetOrAdd(array.Length, _ => new Bucket()).Arrays.Push(array);
    }

    /// <summary>Whether <paramref name="size"/> more bytes fit under this pool's cap and the cap of all pools.</summary>
    private bool Fits(long size) =>
        Interlocked.Read(ref pooledBytes) + size <= MaxPooledBytes && Interlocked.Read(ref pooledBytesAll) + size <= MaxPooledBytesAll;

    /// <summary>Drops this pool's free arrays of other lengths than <paramref name="keep"/> until <paramref name="room"/> bytes fit.</summary>
    private void Evict(long room, int keep)
    {
        foreach (var (length, bucket) in free)
        {
            if (length == keep) continue;
            while (!Fits(room) && bucket.Arrays.TryPop(out _)) Unpool(4L * length);
            if (Fits(room)) return;
        }
    }

    /// <summary>Drops the free arrays of every length not rented since the last trim.</summary>
    private void Trim()
    {
        foreach (var (length, bucket) in free)
        {
            if (!bucket.Rented)
                while (bucket.Arrays.TryPop(out _)) Unpool(4L * length);
            bucket.Rented = false;
        }
    }

    /// <summary>
    /// An object that is never reachable and puts itself back in the finalization queue each time it is finalized:
    /// once it has aged into the oldest generation, that is once per full collection, the moment to trim the pools.
    /// </summary>
    private sealed class TrimAfterFullCollections
    {
        ~TrimAfterFullCollections()
        {
            if (Environment.HasShutdownStarted) return;
            int count = pools.Count;
            for (int i = 0; i < count && pools.TryDequeue(out var weak); i++)
            {
                if (!weak.TryGetTarget(out var pool)) continue; // its thread is gone and so are its storages
                pool.Trim();
                pools.Enqueue(weak);
            }
            GC.ReRegisterForFinalize(this);
        }
    }
}
