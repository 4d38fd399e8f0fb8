// Transposed 2-D convolution, as PyTorch's F.conv_transpose2d: the adjoint of Conv2d. Its forward is
// Conv2d's input gradient (GEMM + col2im) and its input gradient is Conv2d's forward (im2col + GEMM),
// so it reuses the kernels in Convolution.cs with the image and output sides swapped.
using DeepLearnKit.Backends;

namespace DeepLearnKit;

public sealed partial class Tensor
{
    /// <summary>
    /// Transposed convolution (sometimes called deconvolution), as PyTorch's <c>F.conv_transpose2d</c>: every
    /// input pixel scatters a weighted copy of its filter into the output,
    /// <c>y[n, g·K/G + k, ih·sH − pH + i·dH, iw·sW − pW + j·dW] += x[n, c, ih, iw] · W[c, k, i, j]</c> for c in group g,
    /// plus <c>b[k]</c>. It is the adjoint of <see cref="Conv2d"/> with the same weight: it maps Conv2d's output
    /// shape back to its input shape, which is how DCGAN's generator upsamples.
    /// Shapes: input [N, Cin, H, W] (or [Cin, H, W]), weight [Cin, Cout/groups, kH, kW], bias [Cout];
    /// output [N, Cout, OH, OW] with <c>OH = (H − 1)·sH − 2pH + dH(kH − 1) + outputPaddingH + 1</c> (likewise OW).
    /// Backward: <c>∂L/∂x = conv2d(G, W)</c>, <c>∂L/∂W</c> is Conv2d's weight gradient with image G and output x,
    /// <c>∂L/∂b = Σ_{n,oh,ow} G</c>.
    /// </summary>
    /// <param name="input">Feature maps [N, Cin, H, W].</param>
    /// <param name="weight">Filters [Cin, Cout/groups, kH, kW].</param>
    /// <param name="bias">Optional per-output-channel offset [Cout].</param>
    /// <param name="stride">Upsampling step (default 1).</param>
    /// <param name="padding">Rows and columns cut from each side of the full result (default 0).</param>
    /// <param name="outputPadding">Extra rows and columns added on the bottom and right (default 0, less than stride):
    /// chooses between the several output sizes that a strided Conv2d maps to the same input size.</param>
    /// <param name="dilation">Spacing between kernel taps (default 1).</param>
    /// <param name="groups">Channel groups transformed independently.</param>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null,
        Size2? stride = null, Size2? padding = null, Size2? outputPadding = null, Size2? dilation = null, int groups = 1)
    {
        if (input.Rank == 3)
            return ConvTranspose2d(input.Unsqueeze(0), weight, bias, stride, padding, outputPadding, dilation, groups).Squeeze(0);
        var geometry = ConvTranspose2dGeometry(input, weight, bias, stride ?? 1, padding ?? 0, outputPadding ?? 0, dilation ?? 1, groups);
        Tensor y;
        using (NoGrad())
        {
            y = ConvolveAdjointKernel(input.Packed(), weight.Packed(), geometry);
            if (bias is not null) y = BinaryKernel("ConvTranspose2d", BinaryOp.Add, y, bias.Reshape(1, geometry.InChannels, 1, 1));
        }
        return Autograd.Record(y, "ConvTranspose2d", bias is null ? [input, weight] : [input, weight, bias], g =>
        {
            var gy = g.Packed();
            return
            [
                input.RequiresGrad ? ConvolveKernel(gy, weight.Packed(), geometry) : null,
                weight.RequiresGrad ? ConvolveWeightGradKernel(gy, input.Packed(), geometry) : null,
                bias is { RequiresGrad: true } ? g.Sum([0, 2, 3]) : null,
            ];
        });
    }

    /// <summary>
    /// Checks a ConvTranspose2d call and returns the geometry of the Conv2d it is the adjoint of: that
    /// Conv2d's image is this op's output, and its output is this op's input.
    /// </summary>
    private static ConvGeometry ConvTranspose2dGeometry(Tensor input, Tensor weight, Tensor? bias,
        Size2 stride, Size2 padding, Size2 outputPadding, Size2 dilation, int groups)
    {
        const string op = "ConvTranspose2d";
        CheckConvArguments(op, input, weight, bias, stride, padding, dilation, groups);
        int n = input.dims[0], cin = input.dims[1], cout = weight.dims[1] * groups;
        if (weight.dims[0] != cin)
            throw new ArgumentException($"{op}: input {Shapes.Format(input.dims)} has {cin} channels but weight {Shapes.Format(weight.dims)} expects {weight.dims[0]} (weight is [Cin, Cout/groups, kH, kW], groups {groups}).");
        if (bias is not null && (bias.Rank != 1 || bias.dims[0] != cout))
            throw new ArgumentException($"{op}: bias {Shapes.Format(bias.dims)} does not match weight {Shapes.Format(weight.dims)} with groups {groups}: expected [{cout}].");
        // PyTorch also allows outputPadding < dilation; then the output holds windows no input pixel
        // maps to, which the shared im2col geometry cannot express.
        if (outputPadding.H < 0 || outputPadding.W < 0 || outputPadding.H >= stride.H || outputPadding.W >= stride.W)
            throw new ArgumentException($"{op}: outputPadding must be non-negative and smaller than stride {stride}, got {outputPadding}.");
        int kH = weight.dims[2], kW = weight.dims[3];
        int outH = (input.dims[2] - 1) * stride.H - 2 * padding.H + dilation.H * (kH - 1) + outputPadding.H + 1;
        int outW = (input.dims[3] - 1) * stride.W - 2 * padding.W + dilation.W * (kW - 1) + outputPadding.W + 1;
        if (outH < 1 || outW < 1)
            throw new ArgumentException($"{op}: input {Shapes.Format(input.dims)} with weight {Shapes.Format(weight.dims)}, stride {stride} and padding {padding} gives an empty {outH}×{outW} output.");
        var window = new Window2d(cout, outH, outW, kH, kW, stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W);
        return new ConvGeometry(n, cin, groups, window);
    }
}
