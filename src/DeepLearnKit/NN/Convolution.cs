// Convolution layers: Conv2d and its adjoint ConvTranspose2d, holding their filters and biases and
// calling the functional ops in Ops/Convolution.cs and Ops/ConvTranspose.cs.
namespace DeepLearnKit.NN;

/// <summary>
/// A 2-D convolution layer, as PyTorch's <c>nn.Conv2d</c>:
/// <c>y[n, k] = b[k] + Σ_c W[k, c] ⋆ x[n, c]</c> (cross-correlation ⋆, see <see cref="Tensor.Conv2d"/>).
/// Input [N, InChannels, H, W] (or [InChannels, H, W]); output [N, OutChannels, OH, OW] with
/// <c>OH = ⌊(H + 2·pH − dH·(kH − 1) − 1) / sH⌋ + 1</c> (likewise OW).
/// Weight [OutChannels, InChannels/Groups, kH, kW] and bias [OutChannels], both initialised as PyTorch's:
/// U[−1/√fanIn, 1/√fanIn] with <c>fanIn = InChannels/Groups·kH·kW</c>.
/// </summary>
public sealed class Conv2d : Module
{
    /// <summary>A convolution from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels.</summary>
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="outChannels">Channels of the output (the number of filters).</param>
    /// <param name="kernelSize">Filter size: an int for a square filter, or (kH, kW).</param>
    /// <param name="stride">Step between windows (default 1).</param>
    /// <param name="padding">Zeros added on each side (default 0).</param>
    /// <param name="dilation">Spacing between filter taps (default 1).</param>
    /// <param name="groups">Channel groups convolved independently; both channel counts must be multiples of it.</param>
    /// <param name="bias">Whether to add a learnable per-channel bias.</param>
    public Conv2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, Size2? padding = null,
        Size2? dilation = null, int groups = 1, bool bias = true)
    {
        CheckChannels(nameof(Conv2d), inChannels, outChannels, kernelSize, groups);
        (InChannels, OutChannels, KernelSize, Groups) = (inChannels, outChannels, kernelSize, groups);
        (Stride, Padding, Dilation) = (stride ?? 1, padding ?? 0, dilation ?? 1);
        Weight = RegisterParameter("weight", Init.DefaultWeight([outChannels, inChannels / groups, kernelSize.H, kernelSize.W]));
        Bias = bias ? RegisterParameter("bias", Init.DefaultBias(outChannels, Init.Fans(Weight.Shape).FanIn)) : null;
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>(kH, kW).</summary>
    public Size2 KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public Size2 Stride { get; }

    /// <summary>Zeros added on each side.</summary>
    public Size2 Padding { get; }

    /// <summary>Spacing between filter taps.</summary>
    public Size2 Dilation { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>W, [OutChannels, InChannels/Groups, kH, kW].</summary>
    public Tensor Weight { get; }

    /// <summary>b, [OutChannels], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        Tensor.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);

    /// <inheritdoc/>
    protected override string ExtraRepr =>
        ConvRepr.Format(InChannels, OutChannels, KernelSize, Stride, Padding, null, Dilation, Groups, Bias is not null);

    /// <summary>The constructor checks Conv2d and ConvTranspose2d share.</summary>
    internal static void CheckChannels(string layer, int inChannels, int outChannels, Size2 kernelSize, int groups)
    {
        if (inChannels < 1 || outChannels < 1)
            throw new ArgumentOutOfRangeException(nameof(inChannels), $"{layer}: channel counts must be positive, got {inChannels}→{outChannels}.");
        if (kernelSize.H < 1 || kernelSize.W < 1)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"{layer}: kernel size must be positive, got {kernelSize}.");
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{layer}: groups {groups} must divide both in channels {inChannels} and out channels {outChannels}.", nameof(groups));
    }
}

/// <summary>
/// A transposed 2-D convolution layer (the adjoint of <see cref="Conv2d"/>; DCGAN's upsampler), as PyTorch's
/// <c>nn.ConvTranspose2d</c>: every input pixel scatters <c>x[n, c, ih, iw]·W[c, k]</c> into the output, plus
/// <c>b[k]</c> (see <see cref="Tensor.ConvTranspose2d"/>). Input [N, InChannels, H, W]; output
/// [N, OutChannels, OH, OW] with <c>OH = (H − 1)·sH − 2·pH + dH·(kH − 1) + outputPaddingH + 1</c> (likewise OW).
/// Weight [InChannels, OutChannels/Groups, kH, kW] and bias [OutChannels], initialised as PyTorch's:
/// U[−1/√fanIn, 1/√fanIn] with PyTorch's fan-in of this weight, <c>OutChannels/Groups·kH·kW</c>.
/// </summary>
public sealed class ConvTranspose2d : Module
{
    /// <summary>A transposed convolution from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels.</summary>
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="outChannels">Channels of the output.</param>
    /// <param name="kernelSize">Filter size: an int or (kH, kW).</param>
    /// <param name="stride">Upsampling step (default 1).</param>
    /// <param name="padding">Rows and columns cut from each side of the full result (default 0).</param>
    /// <param name="outputPadding">Extra rows and columns on the bottom and right (default 0; less than stride or dilation).</param>
    /// <param name="groups">Channel groups transformed independently.</param>
    /// <param name="bias">Whether to add a learnable per-channel bias.</param>
    /// <param name="dilation">Spacing between filter taps (default 1).</param>
    public ConvTranspose2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, Size2? padding = null,
        Size2? outputPadding = null, int groups = 1, bool bias = true, Size2? dilation = null)
    {
        Conv2d.CheckChannels(nameof(ConvTranspose2d), inChannels, outChannels, kernelSize, groups);
        (InChannels, OutChannels, KernelSize, Groups) = (inChannels, outChannels, kernelSize, groups);
        (Stride, Padding, OutputPadding, Dilation) = (stride ?? 1, padding ?? 0, outputPadding ?? 0, dilation ?? 1);
        Weight = RegisterParameter("weight", Init.DefaultWeight([inChannels, outChannels / groups, kernelSize.H, kernelSize.W]));
        Bias = bias ? RegisterParameter("bias", Init.DefaultBias(outChannels, Init.Fans(Weight.Shape).FanIn)) : null;
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>(kH, kW).</summary>
    public Size2 KernelSize { get; }

    /// <summary>Upsampling step.</summary>
    public Size2 Stride { get; }

    /// <summary>Rows and columns cut from each side.</summary>
    public Size2 Padding { get; }

    /// <summary>Rows and columns added at the bottom and right.</summary>
    public Size2 OutputPadding { get; }

    /// <summary>Spacing between filter taps.</summary>
    public Size2 Dilation { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>W, [InChannels, OutChannels/Groups, kH, kW].</summary>
    public Tensor Weight { get; }

    /// <summary>b, [OutChannels], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        Tensor.ConvTranspose2d(input, Weight, Bias, Stride, Padding, OutputPadding, Dilation, Groups);

    /// <inheritdoc/>
    protected override string ExtraRepr =>
        ConvRepr.Format(InChannels, OutChannels, KernelSize, Stride, Padding, OutputPadding, Dilation, Groups, Bias is not null);
}

/// <summary>The printed settings of a convolution layer: <c>1→6, kernel: (5, 5)</c> plus whatever differs from the defaults.</summary>
internal static class ConvRepr
{
    public static string Format(int inChannels, int outChannels, Size2 kernel, Size2 stride, Size2 padding,
        Size2? outputPadding, Size2 dilation, int groups, bool bias)
    {
        var parts = new List<string> { $"{inChannels}→{outChannels}", $"kernel: {kernel}" };
        if (stride != new Size2(1, 1)) parts.Add($"stride: {stride}");
        if (padding != new Size2(0, 0)) parts.Add($"padding: {padding}");
        if (outputPadding is { } op && op != new Size2(0, 0)) parts.Add($"output padding: {op}");
        if (dilation != new Size2(1, 1)) parts.Add($"dilation: {dilation}");
        if (groups != 1) parts.Add($"groups: {groups}");
        if (!bias) parts.Add("bias: false");
        return string.Join(", ", parts);
    }
}
