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
}
