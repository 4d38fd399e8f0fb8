// Tests of the recycling of large CPU arrays (CpuArrayPool, CpuStorage.Release, StorageScope): an array comes
// back when its owner releases its storage, or once a collection (which the library never asks for) found its
// storage unreachable; it goes to the next allocation of its length, is never held by two live storages, and a
// released storage cannot be read.
using System.Runtime.CompilerServices;
using DeepLearnKit.Backends;
using DeepLearnKit.Backends.Cpu;

namespace DeepLearnKit.Tests.Backends.Cpu;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CpuArrayPoolCollection
{
    /// <summary>Tests that count the pool's arrays run alone: other tests' allocations would take them.</summary>
    public const string Name = "CPU array pool";
}

[Collection(CpuArrayPoolCollection.Name)]
public class CpuArrayPoolTests
{
    private const int Length = CpuArrayPool.MinPooledLength + 123; // a length no other test allocates

    [Fact]
    public void A_released_storage_gives_its_array_to_the_next_allocation_of_its_length()
    {
        var storage = CpuArrayPool.Allocate(Length, clear: false);
        var array = storage.Data;
        Array.Fill(array, 7f);
        storage.Release();

        Assert.True(storage.IsReleased);
        var reused = CpuArrayPool.Allocate(Length, clear: false);
        Assert.Same(array, reused.Data);
        Assert.All(reused.Data, v => Assert.Equal(7f, v)); // uninitialized: the old contents, not cleared
    }

    [Fact]
    public void A_zeroed_allocation_from_the_pool_is_all_zeros()
    {
        var storage = CpuArrayPool.Allocate(Length + 1, clear: false);
        var array = storage.Data;
        Array.Fill(array, float.NaN);
        storage.Release();

        var zeros = Tensor.Zeros(Length + 1);
        Assert.Same(array, CpuBackend.Data(zeros.storage));
        Assert.All(zeros.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void A_released_storage_cannot_be_read_and_a_second_release_returns_nothing()
    {
        var storage = CpuArrayPool.Allocate(Length + 2, clear: true);
        storage.Release();
        var e = Assert.Throws<ObjectDisposedException>(() => storage.Data);
        Assert.Contains("released", e.Message);

        var returned = CpuArrayPool.Counts.Returned;
        storage.Release();
        Assert.Equal(returned, CpuArrayPool.Counts.Returned);
        var a = CpuArrayPool.Allocate(Length + 2, clear: false);
        var b = CpuArrayPool.Allocate(Length + 2, clear: false);
        Assert.NotSame(a.Data, b.Data); // the one array went to one of them only
    }

    [Fact]
    public void Live_storages_never_share_an_array()
    {
        // A seeded random walk of allocations and releases over three lengths: after every step, the live storages
        // hold distinct arrays, and every released one refuses to be read.
        var random = new Random(14);
        int[] lengths = [Length + 3, Length + 4, 2 * Length];
        var live = new List<CpuStorage>();
        var released = new List<CpuStorage>();
        for (int step = 0; step < 2000; step++)
        {
            if (live.Count > 0 && random.Next(2) == 0)
            {
                int k = random.Next(live.Count);
                live[k].Release();
                if (random.Next(4) == 0) live[k].Release(); // a second release must change nothing
                released.Add(live[k]);
                live.RemoveAt(k);
            }
            else
            {
                live.Add(CpuArrayPool.Allocate(lengths[random.Next(lengths.Length)], clear: random.Next(2) == 0));
            }
            var arrays = new HashSet<float[]>(live.Select(s => s.Data), ReferenceEqualityComparer.Instance);
            Assert.Equal(live.Count, arrays.Count);
        }
        Assert.All(released, s => Assert.Throws<ObjectDisposedException>(() => s.Data));
        Assert.True(CpuArrayPool.Counts.Rented > 0);
    }

    [Fact]
    public void Tensors_reach_the_CPU_kernels_only_through_the_lease_that_holds_their_storages()
    {
        // The pool may take back the array of an unreachable storage, so no kernel may run on a storage nobody holds:
        // every way from a tensor to a CPU kernel goes through CpuKernelLease, which holds them until the kernel returns.
        Assert.IsType<CpuKernelLease>(Device.Cpu.Backend);
        Assert.IsType<CpuKernelLease>(Tensor.Zeros(Length).Backend);
        Assert.Same(Device.Cpu, Tensor.Zeros(3).Device);
    }

    [Fact]
    public void Small_arrays_are_never_pooled()
    {
        var small = CpuArrayPool.Allocate(CpuArrayPool.MinPooledLength - 1, clear: true);
        var array = small.Data;
        small.Release();
        Assert.Throws<ObjectDisposedException>(() => small.Data);
        Assert.NotSame(array, CpuArrayPool.Allocate(CpuArrayPool.MinPooledLength - 1, clear: true).Data);
    }

    /// <summary>Allocates a pooled storage in a frame of its own and drops it, unreleased.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float[] Dropped(int length)
    {
        var storage = CpuArrayPool.Allocate(length, clear: false);
        Array.Fill(storage.Data, 5f);
        return storage.Data; // the array, not the storage: only a storage's reachability counts
    }

    [Fact]
    public void An_unreleased_storage_gives_its_array_back_only_once_a_collection_found_it_unreachable()
    {
        var held = CpuArrayPool.Allocate(Length + 5, clear: false);
        var array = Dropped(Length + 5);
        // No collection yet: the dropped storage may still be alive for all the pool knows, so a fresh array.
        var before = CpuArrayPool.Allocate(Length + 5, clear: false);
        Assert.NotSame(array, before.Data);

        GC.Collect(); // what the collector does by itself in a running program; the library never asks for it
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var after = CpuArrayPool.Allocate(Length + 5, clear: false);
        Assert.Same(array, after.Data);
        Assert.NotSame(held.Data, after.Data); // a storage still held keeps its array through any collection
        Assert.NotSame(before.Data, after.Data);
        GC.KeepAlive(before);
    }

    /// <summary>Holds a tensor only from an object that has a finalizer, which brings it back after its collection.</summary>
    private sealed class Resurrector(Tensor t)
    {
        public static Tensor? Saved;

        ~Resurrector() => Saved = t;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DropIntoResurrector(int length) => _ = new Resurrector(Tensor.Full(9f, length));

    [Fact]
    public void A_storage_brought_back_by_someone_elses_finalizer_keeps_its_array()
    {
        DropIntoResurrector(Length + 9);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        for (int i = 0; i < 3; i++) CpuArrayPool.Allocate(Length + 9, clear: false).Data.AsSpan().Fill(1f);
        Assert.NotNull(Resurrector.Saved);
        Assert.All(Resurrector.Saved!.ToArray(), v => Assert.Equal(9f, v));
        Resurrector.Saved = null;
    }

    [Fact]
    public void A_length_nobody_rents_for_a_while_is_dropped()
    {
        var storage = CpuArrayPool.Allocate(Length + 6, clear: false);
        var array = storage.Data;
        storage.Release();
        long pooled = CpuArrayPool.PooledBytes;
        for (int i = 0; i <= CpuArrayPool.IdlePasses; i++) CpuArrayPool.EndPass();
        Assert.True(CpuArrayPool.PooledBytes <= pooled - 4L * (Length + 6));
        Assert.NotSame(array, CpuArrayPool.Allocate(Length + 6, clear: false).Data);
    }

    [Fact]
    public void A_scope_releases_what_it_made_except_what_it_kept_and_nothing_made_before_it()
    {
        var before = Tensor.Full(1f, Length + 7);
        Tensor kept, view, temporary;
        using (var scope = StorageScope.Open())
        {
            kept = Tensor.Full(2f, Length + 7);
            view = kept.Reshape(-1, 1); // a view shares its storage: keeping one keeps both
            temporary = Tensor.Full(3f, Length + 7);
            scope.Keep(view);
        }
        Assert.False(before.storage.IsReleased);
        Assert.False(kept.storage.IsReleased);
        Assert.True(temporary.storage.IsReleased);
        Assert.Throws<ObjectDisposedException>(() => temporary.ToArray());
        Assert.All(before.ToArray(), v => Assert.Equal(1f, v));
        Assert.All(kept.ToArray(), v => Assert.Equal(2f, v));
    }

    [Fact]
    public void Scopes_follow_parallel_workers_and_nest()
    {
        var made = new CpuStorage[4];
        CpuStorage inner;
        using (StorageScope.Open())
        {
            Parallel.For(0, made.Length, i => made[i] = CpuArrayPool.Allocate(Length + 8, clear: false));
            using (var nested = StorageScope.Open())
            {
                inner = CpuArrayPool.Allocate(Length + 8, clear: false);
                nested.Keep(new Tensor(inner, [Length + 8]));
            }
            Assert.False(inner.IsReleased);
        }
        Assert.All(made, s => Assert.True(s.IsReleased));
        Assert.False(inner.IsReleased); // kept by the inner scope: the outer one never owned it
    }
}
