// Recycled memory in a real training loop (conv, ReLU, max-pool, Linear, cross-entropy, Adam: the explicit loop of
// the chapters): arrays are reused from step to step, memory stays bounded, and every tensor a learner keeps —
// logits, the loss and its graph, a hidden activation a module stores for drawing, a gradient, a retained
// gradient, a detached view — keeps its values however many steps follow. Released arrays are filled with NaN
// meanwhile, so anything that still read one would show.
using DeepLearnKit.Backends.Cpu;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using DeepLearnKit.Tests.Backends.Cpu;

namespace DeepLearnKit.Tests.Training;

[Collection(CpuArrayPoolCollection.Name)]
public class MemoryLifetimeTests
{
    /// <summary>Keeps the last tensor through it, as a chapter does to draw activations.</summary>
    private sealed class Recorder : Module
    {
        public Tensor? Last { get; private set; }

        public override Tensor Forward(Tensor input) => Last = input;
    }

    /// <summary>A small CNN whose activations (16·8·28·28 floats) and im2col columns are large enough to be pooled.</summary>
    private sealed class Setup
    {
        public readonly Recorder Hidden = new();
        public readonly Sequential Model;
        public readonly Adam Optimizer;
        public readonly Tensor[] Inputs, Targets;

        public Setup(int seed = 3)
        {
            Rng.Seed(seed);
            Model = new Sequential(new Conv2d(1, 8, 3, padding: 1), new ReLU(), Hidden, new MaxPool2d(2), new Flatten(), new Linear(8 * 14 * 14, 10));
            Optimizer = new Adam(Model.Parameters(), learningRate: 1e-3);
            Inputs = Enumerable.Range(0, 4).Select(_ => Tensor.Randn(16, 1, 28, 28)).ToArray();
            Targets = Enumerable.Range(0, 4).Select(_ => Tensor.RandInt(0, 10, 16)).ToArray();
        }

        /// <summary>One step of the chapters' loop: ZeroGrad, forward, loss, Backward, Step. Returns (logits, loss).</summary>
        public (Tensor Logits, Tensor Loss) Step(int step)
        {
            Optimizer.ZeroGrad();
            var logits = Model.Call(Inputs[step % Inputs.Length]);
            var loss = Loss.CrossEntropy(logits, Targets[step % Targets.Length]);
            loss.Backward();
            Optimizer.Step();
            return (logits, loss);
        }
    }

    private static T Poisoned<T>(Func<T> body)
    {
        CpuArrayPool.PoisonReturned = true;
        try
        {
            return body();
        }
        finally
        {
            CpuArrayPool.PoisonReturned = false;
        }
    }

    [Fact]
    public void Tensors_a_learner_keeps_across_steps_keep_their_values()
    {
        var setup = new Setup();
        var kept = new Dictionary<string, Tensor>();
        Dictionary<string, float[]>? snapshots = null;
        var losses = Poisoned(() =>
        {
            var result = new List<float>();
            for (int step = 0; step < 25; step++)
            {
                setup.Optimizer.ZeroGrad();
                var logits = setup.Model.Call(setup.Inputs[step % 4]);
                if (step == 3) logits.RetainGrad();
                var loss = Loss.CrossEntropy(logits, setup.Targets[step % 4]);
                loss.Backward();
                if (step == 3)
                {
                    kept["logits"] = logits;
                    kept["logits.Grad (retained)"] = logits.Grad!;
                    kept["logits.Detach() viewed"] = logits.Detach().Reshape(-1);
                    kept["loss"] = loss;
                    kept["the loss's input, through the graph"] = (Tensor)loss.GradFn!.Inputs[0];
                    kept["hidden activation stored by a module"] = setup.Hidden.Last!;
                    kept["conv weight's gradient"] = setup.Model.Parameters().First().Grad!;
                    kept["fc weight's gradient"] = setup.Model.Parameters().ElementAt(2).Grad!;
                }
                setup.Optimizer.Step();
                if (step == 3) kept["a parameter's value, cloned"] = setup.Model.Parameters().ElementAt(2).Clone();
                result.Add(loss.Item());
                if (step == 3) snapshots = kept.ToDictionary(e => e.Key, e => e.Value.ToArray());
            }
            return result;
        });

        Assert.All(losses, l => Assert.True(float.IsFinite(l)));
        foreach (var (name, values) in snapshots!)
        {
            Assert.False(kept[name].storage.IsReleased, $"{name}: its storage was released while the test holds it");
            Assert.True(values.SequenceEqual(kept[name].ToArray()), $"{name}: its values changed after step 3");
            Assert.True(values.Length > 0 && values.All(float.IsFinite), $"{name}: not finite");
        }
    }

    [Fact]
    public void Training_gives_the_same_numbers_with_released_arrays_poisoned()
    {
        // Every released array filled with NaN before its next use: a kernel that read a released storage, or an
        // "uninitialized" output it did not overwrite, would make the losses NaN or different.
        var plain = new Setup();
        var expected = Enumerable.Range(0, 12).Select(s => plain.Step(s).Loss.Item()).ToArray();
        var poisoned = new Setup();
        var actual = Poisoned(() => Enumerable.Range(0, 12).Select(s => poisoned.Step(s).Loss.Item()).ToArray());
        Assert.Equal(expected, actual);
        Assert.True(expected.All(float.IsFinite));
    }

    [Fact]
    public void A_training_loop_reuses_its_arrays_from_step_to_step()
    {
        var setup = new Setup();
        for (int step = 0; step < 5; step++) setup.Step(step);
        var before = CpuArrayPool.Counts;
        for (int step = 5; step < 25; step++) setup.Step(step);
        var counts = CpuArrayPool.Counts - before;

        long requested = counts.RentedBytes + counts.FreshBytes;
        Assert.True(counts.Rented >= 20 * 3, $"only {counts.Rented} large allocations of 20 steps came from the pool ({counts})");
        // Forward outputs are the caller's (nothing can tell when a learner drops them), so they are fresh each step;
        // what the pass, the graph's private tensors and the optimizer release comes back: here about 40% of the bytes.
        Assert.True(counts.RentedBytes >= requested / 3, $"{counts.RentedBytes} of {requested} requested bytes were reused ({counts})");
        Assert.True(counts.Returned + counts.TakenBack >= 20 * 3, $"few arrays came back ({counts})");
        Assert.True(counts.Fresh <= 20, $"{counts.Fresh} fresh large arrays in 20 steps of the same shapes ({counts})");
    }

    [Fact]
    public void Memory_stays_bounded_over_many_steps()
    {
        var setup = new Setup();
        long pooledEarly = 0, pooledLate = 0, heapEarly = 0;
        var heaps = new List<long>();
        for (int step = 0; step < 160; step++)
        {
            setup.Step(step);
            if (step < 40) pooledEarly = Math.Max(pooledEarly, CpuArrayPool.PooledBytes);
            else pooledLate = Math.Max(pooledLate, CpuArrayPool.PooledBytes);
            if (step % 20 == 19) heaps.Add(GC.GetTotalMemory(forceFullCollection: true));
            if (step == 39) heapEarly = heaps[^1];
        }
        long heapLate = heaps[^1];
        Assert.True(pooledLate <= pooledEarly, $"the pool grew from {pooledEarly} to {pooledLate} bytes");
        Assert.True(pooledEarly < 64L << 20, $"the pool kept {pooledEarly} bytes for a model whose step needs a few MB");
        Assert.True(heapLate < heapEarly + (8L << 20), $"the heap grew from {heapEarly} to {heapLate} bytes over 120 steps ({string.Join(", ", heaps)}; {CpuArrayPool.Counts})");
    }

    [Fact]
    public void A_second_backward_pass_through_a_shared_output_sees_it_intact()
    {
        // DCGAN's step: D learns from fake.Detach(), then G's loss goes through fake again. D's pass must not give
        // back anything of G's graph (fake's storage, which the detached view shares).
        Tensor GradAfterDiscriminatorPass(bool discriminatorFirst)
        {
            Rng.Seed(5);
            var g = new Sequential(new Linear(64, 128 * 256), new ReLU());
            var d = new Linear(128 * 256, 1);
            var noise = Tensor.Randn(4, 64);
            var fake = g.Call(noise); // (4, 32768): pooled
            if (discriminatorFirst)
            {
                var errD = Loss.BinaryCrossEntropyWithLogits(d.Call(fake.Detach()).Reshape(-1), Tensor.Zeros(4));
                errD.Backward();
            }
            var errG = Loss.BinaryCrossEntropyWithLogits(d.Call(fake).Reshape(-1), Tensor.Ones(4));
            errG.Backward();
            return g.Parameters().First().Grad!;
        }
        var expected = GradAfterDiscriminatorPass(discriminatorFirst: false).ToArray();
        var actual = Poisoned(() => GradAfterDiscriminatorPass(discriminatorFirst: true).ToArray());
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Backward_gives_back_its_intermediate_gradients_and_keeps_every_Grad()
    {
        int n = CpuArrayPool.MinPooledLength * 2;
        var x = Tensor.Full(0.5f, n).RequireGrad();
        var y = (x * 2f).RetainGrad();
        var z = y.Exp();
        var before = CpuArrayPool.Counts;
        Poisoned(() =>
        {
            z.Sum().Backward();
            return 0;
        });
        Assert.True((CpuArrayPool.Counts - before).Returned >= 1, "the pass released none of its gradients");
        float e = MathF.Exp(1f);
        Assert.All(x.Grad!.ToArray(), v => Assert.Equal(2 * e, v, 5));
        Assert.All(y.Grad!.ToArray(), v => Assert.Equal(e, v, 5));
        Assert.All(y.ToArray(), v => Assert.Equal(1f, v));
        Assert.All(z.ToArray(), v => Assert.Equal(e, v, 5));
    }
}
