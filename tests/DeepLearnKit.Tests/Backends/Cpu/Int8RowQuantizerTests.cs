// Tests of the vectorised steps around the int8 GEMM (Int8RowQuantizer) against the scalar formulas written here, bit
// for bit: row scales and int8 values (ties to even, clamping, zero rows, NaN and infinity), and the dequantized outputs.
using DeepLearnKit.Backends.Cpu;
using DeepLearnKit.Quantization;

namespace DeepLearnKit.Tests.Backends.Cpu;

public class Int8RowQuantizerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(100)]
    [InlineData(1000)]
    public void Quantized_rows_equal_the_scalar_formula_bit_for_bit(int k)
    {
        var random = new Random(k);
        const int m = 9;
        var x = new float[m * k];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 6 - 3);
        // Row 1: halves of the scale, so x / t lands on ties (round to even); row 2: zeros; rows 3, 4: NaN and infinity;
        // row 5: one large value, so most of the row rounds to 0.
        for (int j = 0; j < k; j++) x[1 * k + j] = (j % 255 - 127) * 0.5f;
        Array.Clear(x, 2 * k, k);
        x[3 * k + k / 2] = float.NaN;
        x[4 * k] = float.PositiveInfinity;
        x[5 * k + k - 1] = 1e6f;
        var q = new sbyte[m * k];
        var scales = new float[m];
        Int8RowQuantizer.QuantizeRows(x, m, k, q, scales);
        for (int i = 0; i < m; i++)
        {
            float max = 0;
            for (int j = 0; j < k; j++) max = Math.Max(max, Math.Abs(x[i * k + j]));
            float t = max > 0 ? max / 127f : 1f;
            Assert.Equal(BitConverter.SingleToInt32Bits(t), BitConverter.SingleToInt32Bits(scales[i]));
            for (int j = 0; j < k; j++)
            {
                var expected = (sbyte)Math.Clamp(MathF.Round(x[i * k + j] / t, MidpointRounding.ToEven), -127f, 127f);
                if (q[i * k + j] != expected) Assert.Fail($"k={k}, x[{i}, {j}] = {x[i * k + j]}, t = {t}: got {q[i * k + j]}, expected {expected}");
            }
        }
        Assert.Contains((sbyte)-127, q);
        Assert.Contains((sbyte)127, q);
    }

    [Theory]
    [InlineData(7, true, true)]
    [InlineData(33, true, false)]
    [InlineData(33, false, true)]
    [InlineData(64, false, false)]
    public void Dequantized_outputs_equal_the_scalar_formula_bit_for_bit(int n, bool perChannel, bool withBias)
    {
        var random = new Random(n);
        const int m = 5;
        var sums = Enumerable.Range(0, m * n).Select(_ => random.Next(-3_000_000, 3_000_000)).ToArray();
        var rowScales = Enumerable.Range(0, m).Select(_ => (float)random.NextDouble() / 100).ToArray();
        var columnScales = Enumerable.Range(0, perChannel ? n : 1).Select(_ => (float)random.NextDouble() / 100).ToArray();
        var bias = withBias ? Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray() : null;
        var y = new float[m * n];
        Int8RowQuantizer.Dequantize(sums, rowScales, columnScales, bias, y, m, n);
        for (int i = 0; i < m; i++)
            for (int o = 0; o < n; o++)
            {
                float expected = rowScales[i] * columnScales[perChannel ? o : 0] * sums[i * n + o] + (bias?[o] ?? 0f);
                Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(y[i * n + o]));
            }
    }
}
