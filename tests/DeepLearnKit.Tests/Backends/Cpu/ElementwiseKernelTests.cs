// The vectorised span kernels of the fused activation gradients and of leaky ReLU against their scalar
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

    [Theory]
    [InlineData("ReLU")]
    [InlineData("LeakyReLU")]
    [InlineData("Sigmoid")]
    [InlineData("Tanh")]
    [InlineData("GELU")]
    public void Fused_activation_gradients_match_their_definition_at_every_length(string name)
    {
        var kind = Enum.Parse<ActivationGradient>(name);
        const float slope = 0.2f;
        Func<double, double, double> reference = kind switch
        {
            ActivationGradient.ReLU => (g, x) => x > 0 ? g : 0,
            ActivationGradient.LeakyReLU => (g, x) => x > 0 ? g : slope * g,
            ActivationGradient.Sigmoid => (g, y) => g * y * (1 - y),
            ActivationGradient.Tanh => (g, y) => g * (1 - y * y),
            _ => (g, x) => g * (0.5 * (1 + MathNet.Numerics.SpecialFunctions.Erf(x / Math.Sqrt(2))) + x * Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI)),
        };
        for (int n = 0; n <= 70; n++)
        {
            float[] a = Values(n, n), b = Values(n, 1000 + n), d = new float[n];
            ElementwiseKernels.ActivationGradient(kind, slope, a, b, d);
            for (int i = 0; i < n; i++) Assert.Equal(reference(a[i], b[i]), d[i], 2e-6);
        }
    }

    [Fact]
    public void Leaky_relu_kernel_matches_its_definition_at_every_length()
    {
        const float slope = 0.2f;
        for (int n = 0; n <= 70; n++)
        {
            float[] x = Values(n, n), d = new float[n];
            ElementwiseKernels.Unary(UnaryOp.LeakyReLU, x, d, slope, 0);
            for (int i = 0; i < n; i++) Assert.Equal(x[i] > 0 ? x[i] : slope * x[i], d[i]);
        }
    }
}
