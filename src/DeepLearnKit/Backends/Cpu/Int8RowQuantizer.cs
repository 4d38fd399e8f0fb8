// The two steps around Int8Gemm in a dynamically quantized Linear (chapter 13), vectorised and parallel over rows:
// quantizing each input row with its own scale, and turning the int32 sums back into float32 outputs. Both give
// bit for bit what the scalar formulas give (same IEEE divisions, products and ties-to-even rounding, in the same order).
using System.Numerics.Tensors;
using DeepLearnKit.Quantization;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepLearnKit.Backends.Cpu;

/// <summary>Per-row int8 quantization of activations and the dequantization of int32 products (PyTorch's dynamic quantization).</summary>
internal static class Int8RowQuantizer
{
    // The calling thread's buffers of the last call's sizes: a forward pass over same-sized batches then allocates no
    // large arrays (fresh ones land in the large-object heap; at n = 2048 they let peak RSS grow past 900 MB).
    [ThreadStatic] private static sbyte[]? quantizedScratch;
    [ThreadStatic] private static float[]? rowScaleScratch, outputScratch;
    [ThreadStatic] private static int[]? sumScratch;

    /// <summary>
    /// The calling thread's buffers for one m×k by k×n quantized product: int8 inputs (m·k), row scales (m), int32 sums and
    /// float outputs (m·n), of exactly these lengths and reused by the thread's next call, so callers copy what they keep.
    /// </summary>
    public static (sbyte[] Quantized, float[] RowScales, int[] Sums, float[] Output) ThreadBuffers(int m, int n, int k)
    {
        if (quantizedScratch?.Length != m * k) quantizedScratch = new sbyte[m * k];
        if (rowScaleScratch?.Length != m) rowScaleScratch = new float[m];
        if (sumScratch?.Length != m * n) sumScratch = new int[m * n];
        if (outputScratch?.Length != m * n) outputScratch = new float[m * n];
        return (quantizedScratch, rowScaleScratch, sumScratch, outputScratch);
    }
    /// <summary>
    /// For each of the m rows of x (k values): <c>t_i = max_j |x[i, j]| / 127</c> (1 when that is 0 or not finite) and
    /// <c>q[i, j] = clamp(round(x[i, j] / t_i), −127, 127)</c>, rounding ties to even, exactly as <c>Int8.QuantizeValue</c>.
    /// </summary>
    public static void QuantizeRows(float[] x, int m, int k, sbyte[] q, float[] scales)
        => CpuParallel.For(m, 4L * k, i => QuantizeRow(x.AsSpan(i * k, k), q.AsSpan(i * k, k), out scales[i]));

    /// <summary><c>y[i, o] = t_i · s_o · sums[i, o] + bias[o]</c>, evaluated left to right, with one s (per tensor) or one per output column (per channel).</summary>
    public static void Dequantize(int[] sums, float[] rowScales, float[] columnScales, float[]? bias, float[] y, int m, int n)
        => CpuParallel.For(m, 2L * n, i => DequantizeRow(sums.AsSpan(i * n, n), rowScales[i], columnScales, bias, y.AsSpan(i * n, n)));

    private static unsafe void QuantizeRow(ReadOnlySpan<float> row, Span<sbyte> q, out float scale)
    {
        float max = row.IsEmpty ? 0f : Math.Abs(TensorPrimitives.MaxMagnitude(row));
        float t = max > 0 ? max / 127f : 1f;
        scale = t;
        int j = 0;
        // A NaN or an infinity in the row: the scalar formula's conversions decide, so leave it all to them.
        if (Avx.IsSupported && float.IsFinite(max))
        {
            var divisor = Vector256.Create(t);
            var lowest = Vector256.Create(-127f);
            var highest = Vector256.Create(127f);
            fixed (float* src = row)
            fixed (sbyte* dst = q)
            {
                for (; j <= row.Length - 32; j += 32)
                {
                    var low = Vector256.Narrow(Quantized(src + j, divisor, lowest, highest), Quantized(src + j + 8, divisor, lowest, highest));
                    var high = Vector256.Narrow(Quantized(src + j + 16, divisor, lowest, highest), Quantized(src + j + 24, divisor, lowest, highest));
                    Vector256.Narrow(low, high).Store(dst + j);
                }
            }
        }
        for (; j < row.Length; j++) q[j] = Int8.QuantizeValue(row[j], t);
    }

    /// <summary>clamp(round(x / t), −127, 127) of 8 floats; Avx's rounding mode "nearest" is ties to even, like MathF.Round.</summary>
    private static unsafe Vector256<int> Quantized(float* x, Vector256<float> divisor, Vector256<float> lowest, Vector256<float> highest)
        => Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(Avx.RoundToNearestInteger(Vector256.Load(x) / divisor), lowest), highest));

    private static unsafe void DequantizeRow(ReadOnlySpan<int> sums, float rowScale, float[] columnScales, float[]? bias, Span<float> y)
    {
        bool perChannel = columnScales.Length > 1;
        int o = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var t = Vector256.Create(rowScale);
            fixed (int* s = sums)
            fixed (float* scales = columnScales)
            fixed (float* b = bias)
            fixed (float* dst = y)
            {
                for (; o <= sums.Length - 8; o += 8)
                {
                    var scale = perChannel ? Vector256.Load(scales + o) : Vector256.Create(scales[0]);
                    var offset = b is null ? Vector256<float>.Zero : Vector256.Load(b + o);
                    (t * scale * Vector256.ConvertToSingle(Vector256.Load(s + o)) + offset).Store(dst + o);
                }
            }
        }
        for (; o < sums.Length; o++) y[o] = rowScale * columnScales[perChannel ? o : 0] * sums[o] + (bias?[o] ?? 0f);
    }
}
