// Pooling layers: MaxPool2d, AvgPool2d and AdaptiveAvgPool2d, thin modules over the ops in Ops/Pooling.cs.
// They have no parameters; they keep their window settings for printing and summaries.
namespace DeepLearnKit.NN;

/// <summary>
/// Max pooling, as PyTorch's <c>nn.MaxPool2d</c>: <c>y[n, c, oh, ow] = max_{i,j} x[n, c, oh·sH − pH + i·dH, ow·sW − pW + j·dW]</c>
/// over a kH×kW window (see <see cref="Tensor.MaxPool2d"/>). Input [N, C, H, W] (or [C, H, W]); output
/// [N, C, OH, OW] with <c>OH = ⌊(H + 2·pH − dH·(kH − 1) − 1) / sH⌋ + 1</c>.
/// </summary>
/// <param name="kernelSize">Window size.</param>
/// <param name="stride">Step between windows (default: the kernel size, so windows do not overlap).</param>
/// <param name="padding">Implicit −∞ added on each side (default 0).</param>
/// <param name="dilation">Spacing between window taps (default 1).</param>
public sealed class MaxPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null) : Module
{
    /// <summary>(kH, kW).</summary>
    public Size2 KernelSize { get; } = kernelSize;

    /// <summary>Step between windows.</summary>
    public Size2 Stride { get; } = stride ?? kernelSize;

    /// <summary>Implicit −∞ on each side.</summary>
    public Size2 Padding { get; } = padding ?? 0;

    /// <summary>Spacing between window taps.</summary>
    public Size2 Dilation { get; } = dilation ?? 1;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.MaxPool2d(KernelSize, Stride, Padding, Dilation);

    /// <inheritdoc/>
    protected override string ExtraRepr => PoolRepr.Format(KernelSize, Stride, Padding) +
        (Dilation != new Size2(1, 1) ? $", dilation: {Dilation}" : "");
}

/// <summary>
/// Average pooling, as PyTorch's <c>nn.AvgPool2d</c>: <c>y[n, c, oh, ow] = (1/|window|) Σ_{i,j} x[n, c, oh·sH − pH + i, ow·sW − pW + j]</c>
/// (see <see cref="Tensor.AvgPool2d"/>); |window| = kH·kW when padding counts, else the taps inside the image.
/// </summary>
/// <param name="kernelSize">Window size.</param>
/// <param name="stride">Step between windows (default: the kernel size).</param>
/// <param name="padding">Zeros added on each side (default 0).</param>
/// <param name="countIncludePad">Whether padded zeros count in the mean (PyTorch's default: true).</param>
public sealed class AvgPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool countIncludePad = true) : Module
{
    /// <summary>(kH, kW).</summary>
    public Size2 KernelSize { get; } = kernelSize;

    /// <summary>Step between windows.</summary>
    public Size2 Stride { get; } = stride ?? kernelSize;

    /// <summary>Zeros on each side.</summary>
    public Size2 Padding { get; } = padding ?? 0;

    /// <summary>Whether padded zeros count in the mean.</summary>
    public bool CountIncludePad { get; } = countIncludePad;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.AvgPool2d(KernelSize, Stride, Padding, CountIncludePad);

    /// <inheritdoc/>
    protected override string ExtraRepr => PoolRepr.Format(KernelSize, Stride, Padding);
}

/// <summary>
/// Adaptive average pooling to a fixed [OH, OW], whatever the input size, as PyTorch's <c>nn.AdaptiveAvgPool2d</c>:
/// output row i averages input rows <c>⌊i·H/OH⌋ … ⌈(i+1)·H/OH⌉ − 1</c> (likewise columns; see
/// <see cref="Tensor.AdaptiveAvgPool2d"/>). <c>AdaptiveAvgPool2d(1)</c> is global average pooling.
/// </summary>
/// <param name="outputSize">(OH, OW), each at least 1.</param>
public sealed class AdaptiveAvgPool2d(Size2 outputSize) : Module
{
    /// <summary>(OH, OW).</summary>
    public Size2 OutputSize { get; } = outputSize;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.AdaptiveAvgPool2d(OutputSize);

    /// <inheritdoc/>
    protected override string ExtraRepr => $"{OutputSize}";
}

/// <summary>The printed settings of a pooling layer: <c>kernel: (2, 2)</c>, plus stride and padding when they differ from the defaults.</summary>
internal static class PoolRepr
{
    public static string Format(Size2 kernel, Size2 stride, Size2 padding) =>
        $"kernel: {kernel}" + (stride != kernel ? $", stride: {stride}" : "") + (padding != new Size2(0, 0) ? $", padding: {padding}" : "");
}
