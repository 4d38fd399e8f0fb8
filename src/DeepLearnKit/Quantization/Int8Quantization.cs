// Post-training int8 quantization (chapter 13): symmetric scales per tensor or per output channel, and a quantized
// Linear that multiplies in int8 with activations quantized per row on the fly (PyTorch's dynamic quantization).
using DeepLearnKit.Backends.Cpu;
using DeepLearnKit.NN;

namespace DeepLearnKit.Quantization;

/// <summary>One scale for the whole tensor, or one per output channel (row 0 of dim 0).</summary>
public enum QuantizationGranularity
{
    /// <summary><c>s = max|w| / 127</c> over the whole tensor.</summary>
    PerTensor,

    /// <summary><c>s_o = max_j |w[o, j]| / 127</c>, one per slice along dim 0 (a Linear's output row, a Conv's output channel).</summary>
    PerChannel,
}

/// <summary>An int8 tensor with float32 scales: <c>w ≈ s · q</c>, q = clamp(round(w / s), −127, 127).</summary>
public sealed class QuantizedTensor
{
    internal QuantizedTensor(sbyte[] values, float[] scales, int[] shape)
    {
        Values = values;
        Scales = scales;
        Shape = shape;
    }

    /// <summary>The int8 values q, row-major.</summary>
    public sbyte[] Values { get; }

    /// <summary>One scale (per tensor) or one per slice along dim 0 (per channel).</summary>
    public float[] Scales { get; }

    /// <summary>The shape of the float tensor this stands for.</summary>
    public int[] Shape { get; }

    /// <summary>Bytes of the int8 values plus the float32 scales.</summary>
    public long SizeInBytes => Values.Length + 4L * Scales.Length;

    /// <summary><c>ŵ = s · q</c> as a float32 tensor of <see cref="Shape"/>.</summary>
    public Tensor Dequantize()
    {
        int perScale = Values.Length / Scales.Length;
        var result = new float[Values.Length];
        for (int i = 0; i < result.Length; i++) result[i] = Scales[i / perScale] * Values[i];
        return Tensor.FromArray(result, Shape);
    }
}

/// <summary>Symmetric int8 quantization: <c>s = max|w| / 127</c>, <c>q = clamp(round(w / s), −127, 127)</c>, <c>ŵ = s·q</c>, so |w − ŵ| ≤ s/2.</summary>
public static partial class Int8
{
    /// <summary>Quantizes <paramref name="weights"/> with one scale or one per slice along dim 0. A slice of zeros gets s = 1 (its q are 0).</summary>
    public static QuantizedTensor Quantize(Tensor weights, QuantizationGranularity granularity = QuantizationGranularity.PerChannel)
    {
        if (granularity == QuantizationGranularity.PerChannel && weights.Rank < 1)
            throw new ArgumentException($"Int8.Quantize: per-channel quantization needs at least one dim, got shape {Shapes.Format(weights.Shape)}.");
        var w = weights.ToArray();
        int channels = granularity == QuantizationGranularity.PerChannel ? weights.Shape[0] : 1;
        int perScale = channels == 0 ? 0 : w.Length / channels;
        var scales = new float[channels];
        var q = new sbyte[w.Length];
        for (int c = 0; c < channels; c++)
        {
            float max = 0;
            for (int i = c * perScale; i < (c + 1) * perScale; i++) max = Math.Max(max, Math.Abs(w[i]));
            if (!float.IsFinite(max)) throw new ArgumentException($"Int8.Quantize: weights of shape {Shapes.Format(weights.Shape)} hold a NaN or infinity.");
            float s = max > 0 ? max / 127f : 1f;
            scales[c] = s;
            for (int i = c * perScale; i < (c + 1) * perScale; i++) q[i] = QuantizeValue(w[i], s);
        }
        return new QuantizedTensor(q, scales, weights.Shape);
    }

    /// <summary><c>clamp(round(w / s), −127, 127)</c>, ties to even like PyTorch's <c>torch.round</c>.</summary>
    public static sbyte QuantizeValue(float w, float scale) => (sbyte)Math.Clamp(MathF.Round(w / scale), -127f, 127f);
}

/// <summary>
/// A Linear with int8 weights (per-channel scales s_o) for inference: each input row x is quantized on the fly with
/// its own scale t = max|x|/127, and <c>y[o] = t · s_o · Σ_j q_x[j]·q_w[o, j] + b[o]</c> with the sum in int32
/// (<see cref="Int8Gemm"/>). No gradients flow through it.
/// </summary>
public sealed class QuantizedLinear : Module
{
    /// <summary>Quantizes a trained Linear's weight per output row; the bias stays float32.</summary>
    public QuantizedLinear(Linear linear, QuantizationGranularity granularity = QuantizationGranularity.PerChannel)
    {
        InFeatures = linear.InFeatures;
        OutFeatures = linear.OutFeatures;
        Weight = Int8.Quantize(linear.Weight, granularity);
        Bias = linear.Bias?.ToArray();
    }

    /// <summary>Size of each input row.</summary>
    public int InFeatures { get; }

    /// <summary>Size of each output row.</summary>
    public int OutFeatures { get; }

    /// <summary>
    /// The int8 weight (out × in) and its scales. Read it, don't write it: the product uses a packed copy of the values
    /// made on the first Forward (<see cref="Int8.Load"/>, which writes them, makes it again).
    /// </summary>
    public QuantizedTensor Weight { get; }

    /// <summary>The float32 bias, or null.</summary>
    public float[]? Bias { get; }

    // The weight in the kernel's panel layout, packed on the first Forward (a race packs it twice, harmlessly).
    private Int8PackedMatrix? packedWeight;

    /// <summary>Drops the packed copy after <see cref="Weight"/>'s values were replaced, so the next Forward packs them again.</summary>
    internal void WeightChanged() => packedWeight = null;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (input.Rank != 2 || input.Shape[1] != InFeatures)
            throw new ArgumentException($"QuantizedLinear: expected input [batch, {InFeatures}], got {Shapes.Format(input.Shape)}.");
        int m = input.Shape[0], n = OutFeatures, k = InFeatures;
        var x = input.ToArray();
        // Scratch of this thread, reused by its next call: FromArray copies y.
        var (qx, rowScales, sums, y) = Int8RowQuantizer.ThreadBuffers(m, n, k);
        Int8RowQuantizer.QuantizeRows(x, m, k, qx, rowScales);
        packedWeight ??= Int8PackedMatrix.Pack(Weight.Values, n, k);
        Int8Gemm.Multiply(qx, packedWeight, sums, m);
        Int8RowQuantizer.Dequantize(sums, rowScales, Weight.Scales, Bias, y, m, n);
        return Tensor.FromArray(y, [m, n], input.Device);
    }

    /// <summary>Bytes of the int8 weight, its scales and the float32 bias.</summary>
    public long SizeInBytes => Weight.SizeInBytes + 4L * (Bias?.Length ?? 0);
}
