// Int8 quantization and the int8 GEMM against loops written in the test: exact int32 sums, round-trip error at most
// half a scale, per-channel never worse than per-tensor, and a quantized Linear close to the float one.
using DeepLearnKit.Backends.Cpu;
using DeepLearnKit.NN;
using DeepLearnKit.Quantization;

namespace DeepLearnKit.Tests.Quantization;

[Collection(SharedRngCollection.Name)]
public class Int8QuantizationTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 7, 7)]
    [InlineData(33, 7, 257)]
    [InlineData(257, 33, 33)]
    [InlineData(5, 257, 129)]
    public void Int8_gemm_equals_a_triple_loop_exactly(int m, int n, int k)
    {
        var random = new Random(m * 1000 + n * 10 + k);
        var a = Enumerable.Range(0, m * k).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
        var b = Enumerable.Range(0, n * k).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
        var c = new int[m * n];
        Int8Gemm.Multiply(a, b, c, m, n, k);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                int expected = 0;
                for (int p = 0; p < k; p++) expected += a[i * k + p] * b[j * k + p];
                Assert.Equal(expected, c[i * n + j]);
            }
    }

    [Theory]
    [InlineData(127, 127)]
    [InlineData(-127, 127)]
    [InlineData(-127, -127)]
    public void Int8_gemm_is_exact_at_the_extremes(int aValue, int bValue)
    {
        const int m = 3, n = 2, k = 4099;
        var a = Enumerable.Repeat((sbyte)aValue, m * k).ToArray();
        var b = Enumerable.Repeat((sbyte)bValue, n * k).ToArray();
        var c = new int[m * n];
        Int8Gemm.Multiply(a, b, c, m, n, k);
        Assert.All(c, v => Assert.Equal(aValue * bValue * k, v));
        Assert.Contains("m=3", Assert.Throws<ArgumentException>(() => Int8Gemm.Multiply(a, b, new int[1], m, n, k)).Message);
    }

    [Theory]
    [InlineData(QuantizationGranularity.PerTensor)]
    [InlineData(QuantizationGranularity.PerChannel)]
    public void Quantize_follows_the_formula_and_round_trips_within_half_a_scale(QuantizationGranularity granularity)
    {
        Rng.Seed(3);
        var w = Tensor.Randn(6, 10) * Tensor.FromArray(new float[] { 0.01f, 0.1f, 1, 3, 0.5f, 0.02f }, 6, 1);
        var values = w.ToArray();
        var q = Int8.Quantize(w, granularity);
        var back = q.Dequantize().ToArray();
        for (int row = 0; row < 6; row++)
        {
            var slice = granularity == QuantizationGranularity.PerChannel ? values.Skip(row * 10).Take(10) : values;
            float s = slice.Max(Math.Abs) / 127f;
            Assert.Equal(s, q.Scales[granularity == QuantizationGranularity.PerChannel ? row : 0], 6);
            for (int j = 0; j < 10; j++)
            {
                int i = row * 10 + j;
                Assert.Equal((sbyte)Math.Clamp(Math.Round(values[i] / s, MidpointRounding.ToEven), -127, 127), q.Values[i]);
                Assert.True(Math.Abs(values[i] - back[i]) <= s / 2 * 1.0001f, $"element {i}: {values[i]} vs {back[i]}, s={s}");
            }
        }
    }

    [Fact]
    public void Per_channel_error_is_no_larger_than_per_tensor_error()
    {
        Rng.Seed(4);
        var w = Tensor.Randn(8, 32) * Tensor.FromArray(Enumerable.Range(0, 8).Select(i => MathF.Pow(3, i - 4)).ToArray(), 8, 1);
        var values = w.ToArray();
        double Error(QuantizationGranularity g) => Int8.Quantize(w, g).Dequantize().ToArray().Select((v, i) => Math.Abs(v - values[i])).Sum();
        Assert.True(Error(QuantizationGranularity.PerChannel) < Error(QuantizationGranularity.PerTensor) / 2);
    }

    [Fact]
    public void Quantized_linear_is_the_dequantized_product_of_row_quantized_inputs_and_close_to_float()
    {
        Rng.Seed(5);
        var linear = new Linear(40, 9);
        var x = Tensor.Randn(6, 40);
        var quantized = new QuantizedLinear(linear);
        var y = quantized.Forward(x).ToArray();

        var xs = x.ToArray();
        var wq = quantized.Weight;
        var bias = linear.Bias!.ToArray();
        var exact = linear.Forward(x).ToArray();
        for (int i = 0; i < 6; i++)
        {
            float t = xs.Skip(i * 40).Take(40).Max(Math.Abs) / 127f;
            for (int o = 0; o < 9; o++)
            {
                int sum = 0;
                for (int j = 0; j < 40; j++) sum += Int8.QuantizeValue(xs[i * 40 + j], t) * wq.Values[o * 40 + j];
                Assert.Equal(t * wq.Scales[o] * sum + bias[o], y[i * 9 + o], 4);
                Assert.True(Math.Abs(exact[i * 9 + o] - y[i * 9 + o]) < 0.02, $"y[{i}, {o}]: {y[i * 9 + o]} vs float {exact[i * 9 + o]}");
            }
        }
        Assert.Contains("[batch, 40]", Assert.Throws<ArgumentException>(() => quantized.Forward(Tensor.Randn(2, 3))).Message);
        Assert.Equal(9 * 40 + 4 * 9 + 4 * 9, quantized.SizeInBytes);
    }
}
