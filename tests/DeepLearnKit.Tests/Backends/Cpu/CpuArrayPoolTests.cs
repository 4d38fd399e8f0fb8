// Tests of the recycling of large CPU arrays (CpuArrayPool): a collected tensor's array is reused by the
// next tensor of the same size on the same thread, zero-filled when asked, never shared with a live tensor,
// and not handed to another thread.
using System.Runtime.CompilerServices;
using DeepLearnKit.Backends.Cpu;

namespace DeepLearnKit.Tests.Backends.Cpu;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CpuArrayPoolCollection
{
    /// <summary>Tests that count collections and arrays run alone: other tests' allocations would blur them.</summary>
    public const string Name = "CPU array pool";
}

[Collection(CpuArrayPoolCollection.Name)]
public class CpuArrayPoolTests
{
    private const int Length = CpuArrayPool.MinPooledLength + 123; // a size no other test allocates

    /// <summary>Allocates a pooled storage filled with <paramref name="value"/> in a frame of its own, so nothing keeps it alive.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<float[]> Dropped(int length, float value)
    {
        var storage = CpuArrayPool.Allocate(length, clear: false);
        Array.Fill(storage.Data, value);
        return new WeakReference<float[]>(storage.Data, trackResurrection: true); // the finalizer resurrects it into the pool
    }

    private static void CollectStorages()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    [Fact]
    public void A_collected_storage_gives_its_array_to_the_next_allocation_of_its_size()
    {
        var dropped = Dropped(Length, 7f);
        CollectStorages();
        Assert.True(dropped.TryGetTarget(out var returned), "the pool keeps the array alive after its storage is collected");

        var reused = CpuArrayPool.Allocate(Length, clear: false);
        Assert.Same(returned, reused.Data);
        Assert.All(reused.Data, v => Assert.Equal(7f, v)); // uninitialized: the old contents, not cleared
    }

    [Fact]
    public void A_zeroed_allocation_from_the_pool_is_all_zeros()
    {
        var dropped = Dropped(Length + 1, float.NaN);
        CollectStorages();
        Assert.True(dropped.TryGetTarget(out var returned));

        var zeros = Tensor.Zeros(Length + 1);
        Assert.Same(returned, CpuBackend.Data(zeros.storage));
        Assert.All(zeros.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Live_storages_never_share_an_array()
    {
        var a = CpuArrayPool.Allocate(Length + 2, clear: true);
        var b = CpuArrayPool.Allocate(Length + 2, clear: true);
        CollectStorages();
        var c = CpuArrayPool.Allocate(Length + 2, clear: true);
        Assert.NotSame(a.Data, b.Data);
        Assert.NotSame(a.Data, c.Data);
        Assert.NotSame(b.Data, c.Data);
        GC.KeepAlive(a);
        GC.KeepAlive(b);
    }

    [Fact]
    public void Another_thread_does_not_get_this_threads_arrays()
    {
        var dropped = Dropped(Length + 3, 1f);
        CollectStorages();
        Assert.True(dropped.TryGetTarget(out var returned));

        float[]? other = null;
        var thread = new Thread(() => other = CpuArrayPool.Allocate(Length + 3, clear: false).Data);
        thread.Start();
        thread.Join();
        Assert.NotSame(returned, other);
        Assert.Same(returned, CpuArrayPool.Allocate(Length + 3, clear: false).Data);
    }

    [Fact]
    public void Small_arrays_are_not_pooled()
    {
        var storage = CpuArrayPool.Allocate(CpuArrayPool.MinPooledLength - 1, clear: true);
        Assert.IsNotType<PooledCpuStorage>(storage);
        Assert.IsType<PooledCpuStorage>(CpuArrayPool.Allocate(CpuArrayPool.MinPooledLength, clear: true));
    }

    [Fact]
    public void A_loop_that_drops_its_results_reuses_a_few_arrays()
    {
        // 4 MiB results dropped at once and little else allocated, so the collector would hardly run by itself:
        // the pool runs a young collection when it is dry, and the same few arrays come back every time.
        // How often it collects depends on what else is live (datasets other tests keep): at most every
        // BytesPerCollection handed out, so about that many bytes of 4 MiB arrays are in use between two collections.
        var seen = new HashSet<float[]>(ReferenceEqualityComparer.Instance);
        int before = GC.CollectionCount(0);
        long budget = 0;
        for (int i = 0; i < 200; i++)
        {
            budget = Math.Max(budget, CpuArrayPool.BytesPerCollection);
            var t = Tensor.Full(i, 1 << 20);
            seen.Add(CpuBackend.Data(t.storage));
            Assert.Equal(i, t[123].Item()); // filled anew, whatever array it got
        }
        Assert.InRange(seen.Count, 1, budget / (4 << 20) + 3);
        Assert.InRange(GC.CollectionCount(0) - before, 1, 200);
    }
}
