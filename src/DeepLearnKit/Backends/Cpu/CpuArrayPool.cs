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

    /// <summary>The most bytes all pools together keep for reuse; arrays beyond it are left to the collector.</summary>
    private static readonly long MaxPooledBytes = Math.Min(512L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8);

    /// <summary>
    /// After this many bytes of arrays allocated anew (the pools had none of the size), the pool asks for a young
    /// collection: dead storages are found only by a collection, and a loop that allocates little else (so the
    /// collector rarely runs) would otherwise take fresh pages for every temporary.
    /// </summary>
    private const long FreshBytesPerCollection = 4L << 20;

    private static long pooledBytes, freshBytes;

    [ThreadStatic] private static CpuArrayPool? current;

    private readonly ConcurrentDictionary<int, ConcurrentStack<float[]>> free = new();

    /// <summary>The calling thread's pool.</summary>
    public static CpuArrayPool Current => current ??= new CpuArrayPool();

    /// <summary>A storage of <paramref name="length"/> floats, zero-filled when <paramref name="clear"/>.</summary>
    public static CpuStorage Allocate(int length, bool clear)
    {
        if (length < MinPooledLength)
            return new CpuStorage(length == 0 ? [] : clear ? new float[length] : GC.AllocateUninitializedArray<float>(length));
        var pool = Current;
        if (pool.TryRent(length, out var array))
        {
            if (clear) Array.Clear(array);
        }
        else
        {
            if (Interlocked.Add(ref freshBytes, 4L * length) > FreshBytesPerCollection)
            {
                Interlocked.Exchange(ref freshBytes, 0);
                GC.Collect(1, GCCollectionMode.Forced, blocking: true);
                GC.WaitForPendingFinalizers();
            }
            if (pool.TryRent(length, out array))
            {
                if (clear) Array.Clear(array);
            }
            else
            {
                array = clear ? new float[length] : GC.AllocateUninitializedArray<float>(length);
            }
        }
        return new PooledCpuStorage(array, pool);
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

    /// <summary>Keeps <paramref name="array"/> for reuse by this pool's thread, unless the pools are full.</summary>
    public void Return(float[] array)
    {
        if (Interlocked.Add(ref pooledBytes, 4L * array.Length) > MaxPooledBytes)
        {
            Interlocked.Add(ref pooledBytes, -4L * array.Length);
            return;
        }
        free.GetOrAdd(array.Length, _ => new ConcurrentStack<float[]>()).Push(array);
    }
}
