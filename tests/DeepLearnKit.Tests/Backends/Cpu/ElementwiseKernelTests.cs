// The vectorised span kernels of the activations' backward ops and of leaky ReLU against their scalar
// definitions written out here, at every length 0–70 (whole vectors of 8 or 16 floats and every tail).
using DeepLearnKit.Backends;
using DeepLearnKit.Backends.Cpu;

namespace DeepLearnKit.Tests.Backends.Cpu;

public class ElementwiseKernelTests
{
    /// <summary>Values with negatives, zeros and positives, so both branches of every select are taken.</summary>
    private static float[] Values(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(i => i % 7 == 3 ? 0f : (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    public static TheoryData<BinaryOp> ActivationGrads() => [BinaryOp.ReLUGrad, BinaryOp.SigmoidGrad, BinaryOp.TanhGrad];

    [Theory]
    [MemberData(nameof(ActivationGrads))]
    public void Activation_backward_kernels_match_their_definition_at_every_length(BinaryOp op)
    {
        Func<float, float, float> reference = op switch
        {
            BinaryOp.ReLUGrad => (g, x) => x > 0 ? g : 0f,
            BinaryOp.SigmoidGrad => (g, y) => g * y * (1 - y),
            _ => (g, y) => g * (1 - y * y),
        };
        for (int n = 0; n <= 70; n++)
        {
            float[] a = Values(n, n), b = Values(n, 1000 + n), d = new float[n];
            ElementwiseKernels.Binary(op, a, b, d);
            for (int i = 0; i < n; i++) Assert.Equal(reference(a[i], b[i]), d[i], 1e-6f);
        }
    }

    [Theory]
    [InlineData(UnaryOp.LeakyReLU)]
    [InlineData(UnaryOp.LeakyReLUGrad)]
    public void Leaky_relu_kernels_match_their_definition_at_every_length(UnaryOp op)
    {
        const float slope = 0.2f;
        Func<float, float> reference = op == UnaryOp.LeakyReLU ? x => x > 0 ? x : slope * x : x => x > 0 ? 1f : slope;
        for (int n = 0; n <= 70; n++)
        {
            float[] x = Values(n, n), d = new float[n];
            ElementwiseKernels.Unary(op, x, d, slope, 0);
            for (int i = 0; i < n; i++) Assert.Equal(reference(x[i]), d[i]);
        }
    }
}
