// Recycling of the large arrays behind CPU tensors. A training step allocates the same temporaries every
// step; as fresh arrays, the large ones land in .NET's large-object heap, whose budget triggers a full
// collection about every step, and whose freed pages come back as page faults. An array comes back here
// only when its storage is released, which happens at a stated moment (a TensorScope's end, or an op done
// with its temporary), never when the collector finds it dead: nothing here waits for or forces a collection.
using System.Collections.Concurrent;

namespace DeepLearnKit.Backends.Cpu;

/// <summary>
/// Free arrays by exact length, shared by all threads. <see cref="Rent"/> hands one out (or a new one);
/// <see cref="Return"/> takes back the array of a released storage. The pool keeps at most <see cref="MaxPooledBytes"/>,
/// and when the outermost <see cref="TensorScope"/> ends it drops the lengths nobody rented during the last
/// <see cref="IdleScopesBeforeTrim"/> of them, so memory that training no longer uses goes back to the collector.
/// </summary>
internal static class CpuArrayPool
{
    /// <summary>Arrays shorter than this (64 KiB) are allocated plainly: cheap in .NET's young generation.</summary>
    public const int MinPooledLength = 16_384;

    /// <summary>The most bytes the pool keeps for reuse: 1 GiB, or an eighth of the memory available to the process if less.</summary>
    public static readonly long MaxPooledBytes = Math.Min(1L << 30, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8);

    /// <summary>Outermost scopes in a row that may end without renting a length before its free arrays are dropped.</summary>
    public const int IdleScopesBeforeTrim = 2;

    /// <summary>The free arrays of one length, and the outermost-scope count when one was last rented or returned.</summary>
    private sealed class Bucket
    {
        public readonly ConcurrentStack<float[]> Arrays = new();
        public long LastUsed;
    }

    private static readonly ConcurrentDictionary<int, Bucket> free = new();
    private static long pooledBytes;
    private static long scopesEnded;

    /// <summary>Bytes in the free lists now.</summary>
    public static long PooledBytes => Interlocked.Read(ref pooledBytes);

    /// <summary>A storage of <paramref name="length"/> floats, zero-filled when <paramref name="clear"/>.</summary>
    public static CpuStorage Allocate(int length, bool clear)
    {
        if (length < MinPooledLength)
            return new CpuStorage(length == 0 ? [] : clear ? new float[length] : GC.AllocateUninitializedArray<float>(length));
        if (Rent(length) is { } array)
        {
            if (clear) Array.Clear(array);
        }
        else
        {
            array = clear ? new float[length] : GC.AllocateUninitializedArray<float>(length);
        }
        return new CpuStorage(array, pooled: true);
    }

    /// <summary>A free array of exactly <paramref name="length"/> floats, or null when the pool has none.</summary>
    private static float[]? Rent(int length)
    {
        if (!free.TryGetValue(length, out var bucket)) return null;
        Volatile.Write(ref bucket.LastUsed, Interlocked.Read(ref scopesEnded));
        if (!bucket.Arrays.TryPop(out var array)) return null;
        Interlocked.Add(ref pooledBytes, -4L * length);
        return array;
    }

    /// <summary>Takes back the array of a released storage, unless the pool is full (then the collector gets it).</summary>
    public static void Return(float[] array)
    {
        long size = 4L * array.Length;
        if (Interlocked.Add(ref pooledBytes, size) > MaxPooledBytes)
        {
            Interlocked.Add(ref pooledBytes, -size);
            return;
        }
        var bucket = free.GetOrAdd(array.Length, _ => new Bucket());
        Volatile.Write(ref bucket.LastUsed, Interlocked.Read(ref scopesEnded));
        bucket.Arrays.Push(array);
    }

    /// <summary>Called when an outermost scope ends: drops the lengths idle for <see cref="IdleScopesBeforeTrim"/> such ends.</summary>
    public static void ScopeEnded()
    {
        long now = Interlocked.Increment(ref scopesEnded);
        foreach (var (length, bucket) in free)
        {
            if (now - Volatile.Read(ref bucket.LastUsed) <= IdleScopesBeforeTrim) continue;
            while (bucket.Arrays.TryPop(out _)) Interlocked.Add(ref pooledBytes, -4L * length);
        }
    }

    /// <summary>Drops every free array: what a finished training run calls, so its working set goes back to the collector.</summary>
    public static void Clear()
    {
        foreach (var (length, bucket) in free)
            while (bucket.Arrays.TryPop(out _)) Interlocked.Add(ref pooledBytes, -4L * length);
    }
}
