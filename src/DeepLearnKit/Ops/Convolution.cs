// 2-D convolution as im2col + GEMM, as PyTorch's F.conv2d. The forward unfolds each image into
// columns (one per output pixel) and multiplies by the weights viewed as a matrix; the backward
// is the same three kernels read the other way round, so ConvTranspose2d (ConvTranspose.cs),
// the adjoint of Conv2d, reuses them with the roles of forward and input-gradient swapped.
using DeepLearnKit.Backends;

namespace DeepLearnKit;

/// <summary>
/// A (height, width) pair for kernel sizes, strides, padding and dilation. An int means the same
/// value for both, as in PyTorch: <c>stride: 2</c> or <c>padding: (1, 0)</c>.
/// </summary>
/// <param name="H">The vertical value.</param>
/// <param name="W">The horizontal value.</param>
public readonly record struct Size2(int H, int W)
{
    /// <summary>The same value for height and width.</summary>
    public static implicit operator Size2(int both) => new(both, both);

    /// <summary>A (height, width) tuple.</summary>
    public static implicit operator Size2((int H, int W) pair) => new(pair.H, pair.W);

    /// <inheritdoc/>
    public override string ToString() => $"({H}, {W})";
}

/// <summary>
/// One convolution's sizes, seen from the Conv2d side: <see cref="Batch"/> images of
/// <see cref="Window"/>.Channels channels go in, <see cref="OutChannels"/> channels of
/// Window.OutHeight × Window.OutWidth come out, in <see cref="Groups"/> independent groups.
/// </summary>
internal readonly record struct ConvGeometry(int Batch, int OutChannels, int Groups, Window2d Window)
{
    public int InChannels => Window.Channels;

    /// <summary>L = OH·OW, the number of output pixels (columns of im2col).</summary>
    public int Pixels => Window.OutHeight * Window.OutWidth;

    /// <summary>(Cin/groups)·kH·kW, the rows of one group's columns and the columns of its weight matrix.</summary>
    public int GroupRows => InChannels / Groups * Window.KernelH * Window.KernelW;

    /// <summary>Cout/groups, the rows of one group's weight matrix.</summary>
    public int GroupOut => OutChannels / Groups;

    /// <summary>The floats of one image's columns, all groups: Cin·kH·kW rows of L.</summary>
    public int ColumnLength => InChannels * Window.KernelH * Window.KernelW * Pixels;

    public int[] InputShape => [Batch, InChannels, Window.Height, Window.Width];

    public int[] OutputShape => [Batch, OutChannels, Window.OutHeight, Window.OutWidth];

    public int[] WeightShape => [OutChannels, InChannels / Groups, Window.KernelH, Window.KernelW];
}

public sealed partial class Tensor
{
    /// <summary>
    /// 2-D cross-correlation of a batch of images with a bank of filters, as PyTorch's <c>F.conv2d</c>:
    /// <c>y[n, k, oh, ow] = b[k] + Σ_{c, i, j} W[k, c, i, j] · x[n, g·C/G + c, oh·sH − pH + i·dH, ow·sW − pW + j·dW]</c>,
    /// with x zero outside the image and g = k / (K/G) the group of output channel k.
    /// Shapes: input [N, Cin, H, W] (or [Cin, H, W]), weight [Cout, Cin/groups, kH, kW], bias [Cout];
    /// output [N, Cout, OH, OW] with <c>OH = ⌊(H + 2pH − dH(kH − 1) − 1)/sH⌋ + 1</c> (likewise OW).
    /// Computed as im2col + GEMM: for each image and group <c>Y_g = W_g · cols_g</c>.
    /// Backward: <c>∂L/∂W_g = Σₙ G_g · cols_gᵀ</c>, <c>∂L/∂x = col2im(W_gᵀ · G_g)</c>, <c>∂L/∂b = Σ_{n,oh,ow} G</c>.
    /// </summary>
    /// <param name="input">Images [N, Cin, H, W].</param>
    /// <param name="weight">Filters [Cout, Cin/groups, kH, kW].</param>
    /// <param name="bias">Optional per-output-channel offset [Cout].</param>
    /// <param name="stride">Step between windows (default 1).</param>
    /// <param name="padding">Zeros added on each side (default 0).</param>
    /// <param name="dilation">Spacing between kernel taps (default 1).</param>
    /// <param name="groups">Channel groups convolved independently; groups = Cin is depthwise.</param>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null,
        Size2? stride = null, Size2? padding = null, Size2? dilation = null, int groups = 1)
    {
        if (input.Rank == 3) return Conv2d(input.Unsqueeze(0), weight, bias, stride, padding, dilation, groups).Squeeze(0);
        var geometry = Conv2dGeometry(input, weight, bias, stride ?? 1, padding ?? 0, dilation ?? 1, groups);
        Tensor y;
        using (NoGrad())
        {
            y = ConvolveKernel(input.Packed(), weight.Packed(), geometry);
            if (bias is not null) y = BinaryKernel("Conv2d", BinaryOp.Add, y, bias.Reshape(1, geometry.OutChannels, 1, 1));
        }
        return Autograd.Record(y, "Conv2d", bias is null ? [input, weight] : [input, weight, bias], g =>
        {
            var gy = g.Packed();
            return
            [
                input.RequiresGrad ? ConvolveAdjointKernel(gy, weight.Packed(), geometry) : null,
                weight.RequiresGrad ? ConvolveWeightGradKernel(input.Packed(), gy, geometry) : null,
                bias is { RequiresGrad: true } ? g.Sum([0, 2, 3]) : null,
            ];
        });
    }

    /// <summary>Checks a Conv2d call and works out its geometry, before anything is computed.</summary>
    private static ConvGeometry Conv2dGeometry(Tensor input, Tensor weight, Tensor? bias, Size2 stride, Size2 padding, Size2 dilation, int groups)
    {
        const string op = "Conv2d";
        CheckConvArguments(op, input, weight, bias, stride, padding, dilation, groups);
        int n = input.dims[0], cin = input.dims[1], cout = weight.dims[0];
        if (weight.dims[1] * groups != cin)
            throw new ArgumentException($"{op}: input {Shapes.Format(input.dims)} has {cin} channels but weight {Shapes.Format(weight.dims)} expects {weight.dims[1] * groups} (groups {groups}).");
        if (cout % groups != 0)
            throw new ArgumentException($"{op}: weight {Shapes.Format(weight.dims)} has {cout} output channels, which groups {groups} does not divide.");
        if (bias is not null && (bias.Rank != 1 || bias.dims[0] != cout))
            throw new ArgumentException($"{op}: bias {Shapes.Format(bias.dims)} does not match weight {Shapes.Format(weight.dims)}: expected [{cout}].");
        var window = new Window2d(cin, input.dims[2], input.dims[3], weight.dims[2], weight.dims[3],
            stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W);
        CheckFits(op, input, window);
        return new ConvGeometry(n, cout, groups, window);
    }

    /// <summary>The checks Conv2d and ConvTranspose2d share: ranks, devices and hyper-parameter ranges.</summary>
    private static void CheckConvArguments(string op, Tensor input, Tensor weight, Tensor? bias, Size2 stride, Size2 padding, Size2 dilation, int groups)
    {
        if (input.Rank != 4)
            throw new ArgumentException($"{op}: expected input [N, C, H, W] (or [C, H, W]), got shape {Shapes.Format(input.dims)}.");
        if (weight.Rank != 4)
            throw new ArgumentException($"{op}: expected a 4-D weight, got shape {Shapes.Format(weight.dims)} (input {Shapes.Format(input.dims)}).");
        CheckSameDevice(op, input, weight);
        if (bias is not null) CheckSameDevice(op, input, bias);
        if (groups < 1)
            throw new ArgumentException($"{op}: groups must be at least 1, got {groups}.");
        if (input.dims[1] % groups != 0)
            throw new ArgumentException($"{op}: input {Shapes.Format(input.dims)} has {input.dims[1]} channels, which groups {groups} does not divide.");
        if (stride.H < 1 || stride.W < 1) throw new ArgumentException($"{op}: stride must be at least 1, got {stride}.");
        if (dilation.H < 1 || dilation.W < 1) throw new ArgumentException($"{op}: dilation must be at least 1, got {dilation}.");
        if (padding.H < 0 || padding.W < 0) throw new ArgumentException($"{op}: padding must not be negative, got {padding}.");
        if (weight.dims[2] < 1 || weight.dims[3] < 1)
            throw new ArgumentException($"{op}: the kernel must be at least 1×1, got weight {Shapes.Format(weight.dims)}.");
    }

    /// <summary>Throws when the (padded) image is smaller than the (dilated) window, i.e. no output pixel fits.</summary>
    private static void CheckFits(string op, Tensor input, Window2d w)
    {
        int spanH = w.DilationH * (w.KernelH - 1) + 1, spanW = w.DilationW * (w.KernelW - 1) + 1;
        if (w.Height + 2 * w.PadH < spanH || w.Width + 2 * w.PadW < spanW)
            throw new ArgumentException($"{op}: input {Shapes.Format(input.dims)} padded by ({w.PadH}, {w.PadW}) is {w.Height + 2 * w.PadH}×{w.Width + 2 * w.PadW}, smaller than the {spanH}×{spanW} window (kernel {w.KernelH}×{w.KernelW}, dilation ({w.DilationH}, {w.DilationW})).");
    }

    // The three kernels below take packed tensors and record nothing; the ops above wire them into autograd.

    /// <summary>Conv2d's forward: for each image n and group g, <c>Y[n]_g = W_g · im2col(x[n])_g</c> ([K/G, CK] · [CK, L]).</summary>
    private static Tensor ConvolveKernel(Tensor x, Tensor weight, ConvGeometry c)
    {
        var backend = x.Backend;
        var y = Empty(c.OutputShape, x.Device);
        int rows = c.GroupRows, pixels = c.Pixels, outPerImage = c.OutChannels * pixels;
        var blockLayout = StridedLayout.Contiguous([outPerImage]);
        ForEachImageChunk(c, x.Device, (_, first, end) =>
        {
            // All groups' columns come from one im2col: group g's channels are rows [g·CK, (g+1)·CK).
            var columns = backend.Allocate(c.ColumnLength);
            var block = backend.Allocate(outPerImage);
            for (int n = first; n < end; n++)
            {
                backend.Im2Col(x.storage, n, 0, c.InChannels, c.Window, columns);
                backend.MatMul(weight.storage, 0, c.GroupOut * rows, rows, false,
                    columns, 0, rows * pixels, pixels, false,
                    block, c.Groups, c.GroupOut, pixels, rows, accumulate: false);
                // GEMM writes from element 0, so each image's [K, L] block is copied into place.
                backend.Copy(block, blockLayout, y.storage, StridedLayout.Contiguous([outPerImage], n * outPerImage));
            }
        });
        return y;
    }

    /// <summary>
    /// The adjoint of <see cref="ConvolveKernel"/> in x: <c>x[n] = col2im(W_gᵀ · Y[n]_g)</c> ([CK, K/G] · [K/G, L]).
    /// Conv2d's input gradient and ConvTranspose2d's forward.
    /// </summary>
    private static Tensor ConvolveAdjointKernel(Tensor y, Tensor weight, ConvGeometry c)
    {
        var backend = y.Backend;
        var x = Empty(c.InputShape, y.Device);
        int rows = c.GroupRows, pixels = c.Pixels;
        ForEachImageChunk(c, y.Device, (_, first, end) =>
        {
            var columns = backend.Allocate(c.ColumnLength);
            for (int n = first; n < end; n++)
            {
                backend.MatMul(weight.storage, 0, c.GroupOut * rows, rows, true,
                    y.storage, n * c.OutChannels * pixels, c.GroupOut * pixels, pixels, false,
                    columns, c.Groups, rows, pixels, c.GroupOut, accumulate: false);
                backend.Col2Im(columns, c.Window, x.storage, n, 0, c.InChannels);
            }
        });
        return x;
    }

    /// <summary>The weight gradient: <c>∂L/∂W_g = Σₙ G[n]_g · im2col(x[n])_gᵀ</c> ([K/G, L] · [L, CK]), accumulated over the batch.</summary>
    private static Tensor ConvolveWeightGradKernel(Tensor x, Tensor gy, ConvGeometry c)
    {
        var backend = x.Backend;
        int rows = c.GroupRows, pixels = c.Pixels;
        // One partial sum per chunk of images, added up at the end: chunks run concurrently.
        var partials = new Tensor[ImageChunks(c, x.Device)];
        ForEachImageChunk(c, x.Device, (chunk, first, end) =>
        {
            var gw = partials[chunk] = Empty(c.WeightShape, x.Device);
            var columns = backend.Allocate(c.ColumnLength);
            for (int n = first; n < end; n++)
            {
                backend.Im2Col(x.storage, n, 0, c.InChannels, c.Window, columns);
                backend.MatMul(gy.storage, n * c.OutChannels * pixels, c.GroupOut * pixels, pixels, false,
                    columns, 0, rows * pixels, pixels, true,
                    gw.storage, c.Groups, c.GroupOut, rows, pixels, accumulate: n > first);
            }
        });
        return partials.Aggregate((a, b) => BinaryKernel("Conv2d", BinaryOp.Add, a, b));
    }

    /// <summary>
    /// How many chunks of images the kernels above process concurrently: the backend decides (on the CPU,
    /// images too small for the GEMM to split itself, as LeNet's, are spread over threads instead).
    /// </summary>
    private static int ImageChunks(ConvGeometry c, Device device) =>
        device.Backend.ConcurrentItems(c.Batch, (long)c.OutChannels * c.GroupRows * c.Pixels);

    /// <summary>Runs <c>body(chunk, firstImage, endImage)</c> over the <see cref="ImageChunks"/> chunks of the batch.</summary>
    private static void ForEachImageChunk(ConvGeometry c, Device device, Action<int, int, int> body)
    {
        int chunks = ImageChunks(c, device);
        if (chunks == 1)
        {
            body(0, 0, c.Batch);
            return;
        }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks },
            t => body(t, t * c.Batch / chunks, (t + 1) * c.Batch / chunks));
    }
}
