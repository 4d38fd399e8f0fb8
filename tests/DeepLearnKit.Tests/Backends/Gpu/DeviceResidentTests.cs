// What stays on the device: creation functions with a device, scalar operands, recurrent zero states, the losses'
// constants and attention's masks are made where they are used, with no transfer from or to the host, and compute what
// the CPU computes. ILGPU's CPU accelerator counts its host transfers like a GPU would make them.
using DeepLearnKit.Backends.Gpu;
using DeepLearnKit.NN;

namespace DeepLearnKit.Tests.Backends.Gpu;

public sealed class DeviceResidentTests
{
    private static readonly Device Sim = Device.GpuSimulator;

    private static Tensor OnSim(Tensor cpu) => cpu.To(Sim);

    private static void Same(Tensor expected, Tensor onDevice, double atol = 1e-5, double rtol = 1e-4)
    {
        Assert.Equal(expected.Shape, onDevice.Shape);
        TensorAssert.Close(expected.ToArray(), onDevice.ToArray(), atol, rtol);
    }

    [Fact]
    public void Creation_functions_with_a_device_fill_there_without_a_host_transfer()
    {
        using var count = IlgpuBackend.CountTransfers();
        var zeros = Tensor.Zeros([2, 3], Sim);
        var ones = Tensor.Ones([4], Sim);
        var sevens = Tensor.Full(7f, [2, 2], Sim);
        var scalar = Tensor.Scalar(-2.5f, Sim);
        Assert.Equal((0, 0), (count.Uploads, count.Downloads));
        Assert.All(new[] { zeros, ones, sevens, scalar }, t => Assert.Equal(Sim, t.Device));
        Assert.Equal(new float[6], zeros.ToArray());
        Assert.Equal([1f, 1f, 1f, 1f], ones.ToArray());
        Assert.Equal([7f, 7f, 7f, 7f], sevens.ToArray());
        Assert.Equal([-2.5f], scalar.ToArray());
        Assert.Empty(scalar.Shape);
        Assert.Equal((0, 4), (count.Uploads, count.Downloads));   // only the four reads above
        Assert.Contains("Zeros", Assert.ThrowsAny<ArgumentException>(() => Tensor.Zeros([2, -1], Sim)).Message);
    }

    [Fact]
    public void Scalar_operands_and_the_losses_constants_stay_on_the_device()
    {
        Rng.Seed(3);
        var x = Tensor.Randn(3, 4);
        var y = Tensor.Rand(3, 4);
        var logProbs = Tensor.Randn(3, 4).LogSoftmax(-1);
        var q = Tensor.Rand(3, 4).Softmax(-1);
        Tensor[] Compute(Tensor a, Tensor b, Tensor lp, Tensor target) =>
        [
            a / 2f, a > 0.25f, a <= 0f, a == 0f,
            Loss.BinaryCrossEntropyWithLogits(a, b), Loss.KLDivergence(lp, target, Reduction.BatchMean),
        ];
        var expected = Compute(x, y, logProbs, q);
        var (xs, ys, lps, qs) = (OnSim(x), OnSim(y), OnSim(logProbs), OnSim(q));
        Tensor[] actual;
        using (var count = IlgpuBackend.CountTransfers())
        {
            actual = Compute(xs, ys, lps, qs);
            Assert.Equal((0, 0), (count.Uploads, count.Downloads));
        }
        for (int i = 0; i < expected.Length; i++) Same(expected[i], actual[i], 1e-6, 1e-5);
    }

    [Fact]
    public void Recurrent_layers_make_their_zero_states_on_the_device()
    {
        Rng.Seed(4);
        var gru = new GRU(3, 5, numLayers: 2);
        var cell = new RNNCell(3, 5);
        var sequence = Tensor.Randn(6, 2, 3);
        var step = Tensor.Randn(2, 3);
        var (expectedOutput, expectedState) = gru.Forward(sequence, null);
        var expectedCell = cell.Forward(step, null);
        gru.To(Sim);
        cell.To(Sim);
        var (xs, ss) = (OnSim(sequence), OnSim(step));
        using var count = IlgpuBackend.CountTransfers();
        var (output, state) = gru.Forward(xs, null);
        var cellOutput = cell.Forward(ss, null);
        Assert.Equal(0, count.Uploads);
        Same(expectedOutput, output, 1e-5, 1e-4);
        Same(expectedState, state, 1e-5, 1e-4);
        Same(expectedCell, cellOutput, 1e-5, 1e-4);
    }

    [Fact]
    public void Attention_builds_its_causal_mask_once_per_size_and_its_padding_mask_on_the_device()
    {
        Rng.Seed(5);
        var attention = new MultiHeadAttention(8, 2);
        var x = Tensor.Randn(2, 5, 8);
        var padding = Tensor.FromArray([0f, 0f, 0f, 1f, 1f, 0f, 0f, 0f, 0f, 1f], 2, 5);
        var expected = attention.Forward(x, x, x, causal: true, keyPaddingMask: padding);
        attention.To(Sim);
        var (xs, ps) = (OnSim(x), OnSim(padding));
        attention.Forward(xs, xs, xs, causal: true, keyPaddingMask: ps);   // the first call of this size makes the mask
        using var count = IlgpuBackend.CountTransfers();
        var actual = attention.Forward(xs, xs, xs, causal: true, keyPaddingMask: ps);
        Assert.Equal(0, count.Uploads);
        Same(expected, actual, 1e-5, 1e-4);
    }

    [Fact]
    public void Targets_ids_and_gradient_norms_are_checked_on_the_device_and_only_a_count_comes_back()
    {
        Rng.Seed(6);
        var scores = Tensor.Randn(4, 3);
        var targets = Tensor.FromArray([2f, 0f, 1f, 1f]);
        var embedding = new Embedding(5, 2);
        var ids = Tensor.FromArray([4f, 0f, 3f], 3);
        var expectedLoss = Loss.CrossEntropy(scores, targets);
        var expectedRows = embedding.Forward(ids);
        embedding.To(Sim);
        var (ss, ts, ids2) = (OnSim(scores), OnSim(targets), OnSim(ids));
        Loss.CrossEntropy(ss, ts);   // the first call of these shapes makes Gather's offsets on the device
        Tensor loss, rows;
        using (var count = IlgpuBackend.CountTransfers())
        {
            loss = Loss.CrossEntropy(ss, ts);
            Assert.Equal((0, 2), (count.Uploads, count.Downloads));
            rows = embedding.Forward(ids2);
            // One count each comes back: bad targets and bad Gather indices for the loss, bad ids for the embedding.
            Assert.Equal((0, 3), (count.Uploads, count.Downloads));
        }
        Same(expectedLoss, loss);
        Same(expectedRows, rows);
        var badTarget = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CrossEntropy(ss, OnSim(Tensor.FromArray([2f, 0f, 3f, 1f]))));
        Assert.Contains("target 3 is not a class index in [0, 2]", badTarget.Message);
        var badId = Assert.Throws<ArgumentOutOfRangeException>(() => embedding.Forward(OnSim(Tensor.FromArray([1.5f], 1))));
        Assert.Contains("id 1.5 is not an integer", badId.Message);

        var w = OnSim(Tensor.Randn(3, 4)).RequireGrad();
        var v = OnSim(Tensor.Randn(4)).RequireGrad();
        (w.Square().Sum() + (3f * v).Sum()).Backward();
        double expectedNorm = Math.Sqrt(w.Grad!.ToArray().Sum(g => (double)g * g) + 4 * 9);
        using (var count = IlgpuBackend.CountTransfers())
        {
            double norm = DeepLearnKit.Optim.GradClip.ClipGradNorm([w, v], maxNorm: 1000);
            Assert.Equal((0, 1), (count.Uploads, count.Downloads));
            Assert.Equal(expectedNorm, norm, 1e-4 * expectedNorm);
        }
    }
}

/// <summary>Random tensors reseed the shared Rng, so they run outside the parallel phase (Devices/DeviceRandomFillSuite compares the draws across devices).</summary>
[Collection(SharedRngCollection.Name)]
public sealed class DeviceRandomTests
{
    [Fact]
    public void Random_tensors_and_dropout_masks_are_drawn_on_the_device_without_a_host_transfer()
    {
        Rng.Seed(17);
        Tensor mask, integers;
        using (var count = IlgpuBackend.CountTransfers())
        {
            Tensor.Rand([2000], Device.GpuSimulator);
            Tensor.Randn([2000], Device.GpuSimulator);
            mask = Tensor.DropoutMask(0.3f, [2000], Device.GpuSimulator);
            integers = Tensor.RandInt(2, 9, [2000], Device.GpuSimulator);
            Assert.Equal((0, 0), (count.Uploads, count.Downloads));
        }
        var m = mask.ToArray();
        Assert.All(m, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.7f) < 1e-6, $"mask value {v}"));
        Assert.InRange(m.Count(v => v == 0), 2000 * 0.3 - 90, 2000 * 0.3 + 90);   // 4.4 standard deviations
        var k = integers.ToArray();
        Assert.All(k, v => Assert.True(v == MathF.Floor(v) && v >= 2 && v <= 8, $"RandInt gave {v}"));
        Assert.All(Enumerable.Range(2, 7), v => Assert.InRange(k.Count(x => x == v), 2000 / 7 - 70, 2000 / 7 + 70));
    }
}
