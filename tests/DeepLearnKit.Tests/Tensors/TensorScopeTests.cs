// Tests of stated tensor lifetimes: a TensorScope releases what was made in it, the CPU pool hands the
// released arrays to the next tensors of the same size and never to two live storages, its memory stays
// bounded, and training inside scopes computes exactly what it computes without them.
using DeepLearnKit.Backends.Cpu;
using DeepLearnKit.Data;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;

namespace DeepLearnKit.Tests.Tensors;

/// <summary>Tests that count the pool's arrays run alone, and reseed the shared Rng, so they share the Rng's collection.</summary>
[Collection(SharedRngCollection.Name)]
public class TensorScopeTests
{
    private const int Large = CpuArrayPool.MinPooledLength + 321; // a pooled size no other test allocates

    private static float[] ArrayOf(Tensor t) => CpuBackend.Data(t.storage);

    [Fact]
    public void A_tensor_made_in_a_scope_is_released_when_it_ends_and_then_refuses_every_use()
    {
        Tensor inside, small;
        using (Tensor.Scope())
        {
            inside = Tensor.Full(2f, Large);
            small = Tensor.Ones(3);
            Assert.False(inside.IsReleased);
        }
        Assert.True(inside.IsReleased);
        Assert.True(small.IsReleased); // small tensors too: the rule does not depend on size
        var e = Assert.Throws<ObjectDisposedException>(() => inside.Sum());
        Assert.Contains("Keep()", e.Message);
        Assert.Throws<ObjectDisposedException>(() => small.ToArray());
        Assert.Throws<ObjectDisposedException>(() => small.Reshape(1, 3).ToArray()); // views share the released memory
    }

    [Fact]
    public void Kept_and_outside_tensors_survive_the_scope_with_their_values()
    {
        var outside = Tensor.Full(5f, Large);
        Tensor kept, view;
        using (Tensor.Scope())
        {
            kept = (Tensor.Full(3f, Large) * 2f).Keep();
            view = kept.Reshape(Large, 1);
            _ = outside + 1f;
        }
        // Later scopes rent the released arrays: the survivors' values must not change.
        for (int i = 0; i < 3; i++)
            using (Tensor.Scope()) _ = Tensor.Full(-1f, Large) + Tensor.Full(-1f, Large);
        Assert.All(kept.ToArray(), v => Assert.Equal(6f, v));
        Assert.All(view.ToArray(), v => Assert.Equal(6f, v));
        Assert.All(outside.ToArray(), v => Assert.Equal(5f, v));
    }

    [Fact]
    public void A_released_array_goes_to_the_next_tensor_of_its_size_zeroed_when_asked()
    {
        float[] released;
        using (Tensor.Scope()) released = ArrayOf(Tensor.Full(float.NaN, Large + 1));
        using (Tensor.Scope())
        {
            var zeros = Tensor.Zeros(Large + 1);
            Assert.Same(released, ArrayOf(zeros));
            Assert.All(zeros.ToArray(), v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void Live_storages_never_share_an_array_and_a_training_loop_reuses_a_fixed_set()
    {
        var everSeen = new HashSet<float[]>(ReferenceEqualityComparer.Instance);
        var keptArrays = new HashSet<float[]>(ReferenceEqualityComparer.Instance);
        for (int step = 0; step < 20; step++)
        {
            using (Tensor.Scope())
            {
                var live = new HashSet<float[]>(ReferenceEqualityComparer.Instance);
                for (int i = 0; i < 6; i++)
                {
                    var t = Tensor.Full(step, Large + 2);
                    Assert.True(live.Add(ArrayOf(t)), "two live tensors got the same array");
                    Assert.DoesNotContain(ArrayOf(t), keptArrays);
                    everSeen.Add(ArrayOf(t));
                }
                if (step % 5 == 0) keptArrays.Add(ArrayOf(Tensor.Zeros(Large + 2).Keep()));
            }
        }
        // 6 per step, reused every step; each kept one took its array out of circulation and a new one replaced it.
        Assert.InRange(everSeen.Count, 6, 6 + keptArrays.Count);
    }

    [Fact]
    public void The_pool_stays_under_its_bound_and_drops_lengths_that_scopes_stopped_using()
    {
        using (Tensor.Scope())
            for (int i = 0; i < 4; i++) _ = Tensor.Zeros(Large + 3);
        long withFour = CpuArrayPool.PooledBytes;
        Assert.True(withFour >= 4L * 4 * (Large + 3), $"pooled {withFour} bytes");
        Assert.True(withFour <= CpuArrayPool.MaxPooledBytes);
        for (int i = 0; i <= CpuArrayPool.IdleScopesBeforeTrim; i++)
            using (Tensor.Scope()) _ = Tensor.Zeros(3);
        Assert.True(CpuArrayPool.PooledBytes <= withFour - 4L * 4 * (Large + 3), "idle arrays were not dropped");

        // Released arrays beyond the bound go to the collector, not into the pool.
        int huge = (int)Math.Min(int.MaxValue / 2, CpuArrayPool.MaxPooledBytes / 4 / 3 + 1);
        using (Tensor.Scope())
            for (int i = 0; i < 4; i++) _ = Tensor.Uninitialized([huge], Device.Cpu);
        Assert.True(CpuArrayPool.PooledBytes <= CpuArrayPool.MaxPooledBytes);
        CpuArrayPool.Clear();
        Assert.Equal(0, CpuArrayPool.PooledBytes);
    }

    [Fact]
    public async Task Scopes_nest_end_in_order_and_follow_await()
    {
        Tensor inner, outer;
        using (Tensor.Scope())
        {
            outer = Tensor.Ones(2);
            using (Tensor.Scope()) inner = Tensor.Ones(2);
            Assert.True(inner.IsReleased);
            Assert.False(outer.IsReleased);
        }
        Assert.True(outer.IsReleased);

        var first = Tensor.Scope();
        var second = Tensor.Scope();
        Assert.Throws<InvalidOperationException>(() => first.Dispose());
        second.Dispose();
        first.Dispose();

        Tensor afterAwait = null!;
        await Task.Run(async () =>
        {
            using (Tensor.Scope())
            {
                await Task.Delay(5).ConfigureAwait(false);
                afterAwait = Tensor.Ones(2);    // made on another thread, in the same scope
                Assert.Equal(1, TensorScope.Current!.Count);
            }
        });
        Assert.True(afterAwait.IsReleased);
        Assert.Null(TensorScope.Current);     // nothing leaked to this thread
    }

    [Fact]
    public void Training_inside_scopes_gives_exactly_the_same_parameters_and_state_as_without()
    {
        float[][] Train(bool scoped)
        {
            Rng.Seed(7);
            var model = new Sequential(new Linear(20, 300), new BatchNorm1d(300), new ReLU(), new Linear(300, 4)); // 6,000-weight layers: pooled
            var adam = new Adam(model.Parameters(), learningRate: 0.01);
            var x = Tensor.Randn(64, 20);
            var y = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => (float)(i % 4)).ToArray(), [64]);
            for (int step = 0; step < 5; step++)
            {
                var scope = scoped ? Tensor.Scope() : null;
                adam.ZeroGrad();
                Loss.CrossEntropy(model.Call(x), y).Backward();
                adam.Step();
                scope?.Dispose();
            }
            var state = model.StateDict().OrderBy(p => p.Key).Select(p => p.Value.ToArray());
            var moments = model.Parameters().Select(p => adam.State[p].Tensors["exp_avg_sq"].ToArray());
            return [.. state, .. moments];
        }
        var plain = Train(scoped: false);
        var scoped = Train(scoped: true);
        Assert.Equal(plain.Length, scoped.Length);
        for (int i = 0; i < plain.Length; i++) Assert.Equal(plain[i], scoped[i]);
    }

    [Fact]
    public void Scoped_batches_release_a_step_when_the_next_arrives_and_leave_the_last_one_readable()
    {
        var data = new TensorDataset(Tensor.Arange(40).Reshape(10, 4), Tensor.Arange(10));
        var steps = new List<(Tensor Batch, Tensor Made)>();
        foreach (var (x, _) in new DataLoader(data, 3).Scoped())
        {
            steps.Add((x, x * 2f));
            Assert.All(steps.SkipLast(1), s => Assert.True(s.Made.IsReleased && s.Batch.IsReleased));
            Assert.False(steps[^1].Made.IsReleased);
        }
        Assert.Equal(4, steps.Count);
        Assert.Equal(new float[] { 72, 74, 76, 78 }, steps[^1].Made.ToArray()); // 2 · row 9, after the loop
        Assert.Null(TensorScope.Current);

        // Leaving the loop early leaves that step readable too.
        foreach (var (x, _) in new DataLoader(data, 3).Scoped())
        {
            steps.Add((x, x + 1f));
            break;
        }
        Assert.Equal(new float[] { 1, 2, 3, 4 }, steps[^1].Made.ToArray().Take(4));
        Assert.Null(TensorScope.Current);
    }

    [Fact]
    public void After_fit_the_last_steps_gradients_are_readable_and_match_a_backward_outside_any_scope()
    {
        Rng.Seed(3);
        var model = new Sequential(new Linear(4, 200), new Tanh(), new Linear(200, 1));
        var x = Tensor.Randn(16, 4);
        var y = x.Sum(1, keepDim: true);
        var sgd = new SGD(model.Parameters(), 0.0); // lr 0: the parameters stay, so the last step's gradient can be recomputed
        DeepLearnKit.Training.Trainer.Fit(model, new DataLoader(new TensorDataset(x, y), 8), (o, t) => Loss.MSE(o, t), sgd, epochs: 2, live: false);
        var afterFit = model.Parameters().Select(p => p.Grad!.ToArray()).ToList();
        model.ZeroGrad();
        Loss.MSE(model.Call(x.Slice(0, 8, 16)), y.Slice(0, 8, 16)).Backward();
        var direct = model.Parameters().Select(p => p.Grad!.ToArray()).ToList();
        for (int i = 0; i < direct.Count; i++) Assert.Equal(direct[i], afterFit[i]);
    }
}
