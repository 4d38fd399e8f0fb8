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
    /// Computed as im2col + GEMM: for each part of the batch (B images side by side) and group <c>Y_g = W_g · cols_g</c>.
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
    // They unfold a part of the batch at a time, B images side by side, so one GEMM (per group) covers the part:
    // Y as [K, B·L] = W · cols [CK, B·L]. A part holds enough images for a GEMM of at least MinPartColumns
    // columns (one 28×28 image is enough; a 7×7 layer takes 11, a 1×1 input the whole batch), and parts too small
    // for the GEMM to split itself run concurrently. The GEMM's [K, B, L] and the tensors' [B, K, L] meet
    // through one strided copy.

    /// <summary>The GEMM width a part of the batch aims for: narrower products waste most of each register tile.</summary>
    private const int MinPartColumns = 512;

    /// <summary>The most floats of im2col columns one part may take (64 MiB).</summary>
    private static int ColumnBudget => ColumnBudgetOnThisThread ?? 1 << 24;

    /// <summary>Lowers <see cref="ColumnBudget"/> on the calling thread, so a test can split a small batch into parts.</summary>
    [ThreadStatic] internal static int? ColumnBudgetOnThisThread;

    /// <summary>How the batch is cut: <see cref="ImagesPerPart"/> images per part, each part about <see cref="WorkPerPart"/> multiply-adds.</summary>
    private readonly record struct PartPlan(int ImagesPerPart, int Parts, long WorkPerPart);

    private static PartPlan PlanParts(ConvGeometry c)
    {
        int wanted = (MinPartColumns + c.Pixels - 1) / Math.Max(1, c.Pixels);
        int fitting = (int)Math.Max(1, ColumnBudget / Math.Max(1L, c.ColumnLength));
        int perPart = Math.Clamp(Math.Min(wanted, fitting), 1, Math.Max(1, c.Batch));
        int parts = (c.Batch + perPart - 1) / perPart;
        long workPerPart = (long)c.OutChannels * c.GroupRows * c.Pixels * perPart;
        return new PartPlan(perPart, parts, workPerPart);
    }

    /// <summary>
    /// Runs <c>body(worker, firstImage, imageCount)</c> for every part. Whether parts run concurrently is the backend's
    /// decision (<see cref="IConcurrentParts"/>); without one they run in order, each with worker 0.
    /// </summary>
    private static void ForEachPart(ConvGeometry c, PartPlan plan, IBackend backend, Action<int, int, int> body)
    {
        void Work(int worker, int firstPart, int endPart)
        {
            for (int part = firstPart; part < endPart; part++)
            {
                int first = part * plan.ImagesPerPart;
                body(worker, first, Math.Min(plan.ImagesPerPart, c.Batch - first));
            }
        }
        if (backend is IConcurrentParts scheduler) scheduler.ForEachPart(plan.Parts, plan.WorkPerPart, Work);
        else Work(0, 0, plan.Parts);
    }

    /// <summary>The layout that reads images [first, first + count) of a packed [N, K, L] tensor as [K, count, L].</summary>
    private static StridedLayout ChannelsFirst(ConvGeometry c, int first, int count) =>
        new([c.OutChannels, count, c.Pixels], [c.Pixels, c.OutChannels * c.Pixels, 1], first * c.OutChannels * c.Pixels);

    /// <summary>Images [first, first + count) of a packed [N, K, L] tensor as a contiguous [K, count·L] matrix (no copy for one image).</summary>
    private static (TensorStorage Storage, int Offset) GatherChannelsFirst(Tensor y, ConvGeometry c, int first, int count)
    {
        if (count == 1) return (y.storage, first * c.OutChannels * c.Pixels);
        var gathered = y.Backend.AllocateUninitialized(c.OutChannels * count * c.Pixels);
        y.Backend.Copy(y.storage, ChannelsFirst(c, first, count), gathered, StridedLayout.Contiguous([c.OutChannels, count, c.Pixels]));
        return (gathered, 0);
    }

    /// <summary>Gives back a copy <see cref="GatherChannelsFirst"/> made (not <paramref name="y"/>'s own storage).</summary>
    private static void ReleaseGathered(TensorStorage gathered, Tensor y)
    {
        if (!ReferenceEquals(gathered, y.storage)) gathered.Release();
    }

    /// <summary>Conv2d's forward: for each part of B images and group g, <c>Y_g = W_g · im2col(x)_g</c> ([K/G, CK] · [CK, B·L]).</summary>
    private static Tensor ConvolveKernel(Tensor x, Tensor weight, ConvGeometry c)
    {
        var backend = x.Backend;
        var y = Uninitialized(c.OutputShape, x.Device);
        int rows = c.GroupRows, pixels = c.Pixels;
        ForEachPart(c, PlanParts(c), backend, (_, first, count) =>
        {
            int width = count * pixels;
            // All groups' columns come from one im2col: group g's channels are rows [g·CK, (g+1)·CK).
            var columns = backend.AllocateUninitialized(c.ColumnLength * count);
            backend.Im2Col(x.storage, first, count, c.Window, columns);
            var product = backend.AllocateUninitialized(c.OutChannels * width); // [K, B, L]
            backend.MatMul(weight.storage, 0, c.GroupOut * rows, rows, false,
                columns, 0, rows * width, width, false,
                product, c.Groups, c.GroupOut, width, rows, accumulate: false);
            backend.Copy(product, StridedLayout.Contiguous([c.OutChannels, count, pixels]), y.storage, ChannelsFirst(c, first, count));
            columns.Release();
            product.Release();
        });
        return y;
    }

    /// <summary>
    /// The adjoint of <see cref="ConvolveKernel"/> in x: <c>x = col2im(W_gᵀ · Y_g)</c> ([CK, K/G] · [K/G, B·L]).
    /// Conv2d's input gradient and ConvTranspose2d's forward.
    /// </summary>
    private static Tensor ConvolveAdjointKernel(Tensor y, Tensor weight, ConvGeometry c)
    {
        var backend = y.Backend;
        var x = Empty(c.InputShape, y.Device);
        int rows = c.GroupRows, pixels = c.Pixels;
        ForEachPart(c, PlanParts(c), backend, (_, first, count) =>
        {
            int width = count * pixels;
            var (gathered, offset) = GatherChannelsFirst(y, c, first, count);
            var columns = backend.AllocateUninitialized(c.ColumnLength * count);
            backend.MatMul(weight.storage, 0, c.GroupOut * rows, rows, true,
                gathered, offset, c.GroupOut * width, width, false,
                columns, c.Groups, rows, width, c.GroupOut, accumulate: false);
            backend.Col2Im(columns, c.Window, x.storage, first, count);
            columns.Release();
            ReleaseGathered(gathered, y);
        });
        return x;
    }

    /// <summary>The weight gradient: <c>∂L/∂W_g = Σ_parts G_g · im2col(x)_gᵀ</c> ([K/G, B·L] · [B·L, CK]), one partial sum per worker.</summary>
    private static Tensor ConvolveWeightGradKernel(Tensor x, Tensor gy, ConvGeometry c)
    {
        if (c.Batch == 0) return Empty(c.WeightShape, x.Device);
        var backend = x.Backend;
        int rows = c.GroupRows, pixels = c.Pixels;
        var plan = PlanParts(c);
        var partials = new Tensor?[plan.Parts];   // one per worker; there are never more workers than parts
        ForEachPart(c, plan, backend, (worker, first, count) =>
        {
            int width = count * pixels;
            var (gathered, offset) = GatherChannelsFirst(gy, c, first, count);
            var columns = backend.AllocateUninitialized(c.ColumnLength * count);
            backend.Im2Col(x.storage, first, count, c.Window, columns);
            // A worker's first part overwrites its partial sum; the next ones add to it.
            bool firstPart = partials[worker] is null;
            var partial = partials[worker] ??= Uninitialized(c.WeightShape, x.Device);
            backend.MatMul(gathered, offset, c.GroupOut * width, width, false,
                columns, 0, rows * width, width, true,
                partial.storage, c.Groups, c.GroupOut, rows, width, accumulate: !firstPart);
            columns.Release();
            ReleaseGathered(gathered, gy);
        });
        return partials.OfType<Tensor>().Aggregate((a, b) => BinaryKernel("Conv2d", BinaryOp.Add, a, b));
    }
}
