// Pooling over NCHW images, as PyTorch's F.max_pool2d, F.avg_pool2d and F.adaptive_avg_pool2d
// (floor mode): each forward with its backward. Max pooling remembers where each maximum was,
// so its backward routes the gradient there and nowhere else. Pooling is written as im2col of the
// N·C planes, a reduction over each window's taps, and col2im back: the spec every backend can run.
// A backend with fused pooling kernels (IFusedPooling) does the same in one pass each way.
using DeepLearnKit.Backends;

namespace DeepLearnKit;

public sealed partial class Tensor
{
    /// <summary>
    /// Max pooling: <c>y[n, c, oh, ow] = max_{i,j} x[n, c, oh·sH − pH + i·dH, ow·sW − pW + j·dW]</c> over a
    /// kH×kW window, padding never winning. Input [N, C, H, W] (or [C, H, W]); output [N, C, OH, OW] with
    /// <c>OH = ⌊(H + 2pH − dH(kH − 1) − 1)/sH⌋ + 1</c>. Backward: the gradient of each output goes to the
    /// input element that was its maximum (several outputs may add into one input when windows overlap).
    /// </summary>
    /// <param name="kernelSize">Window size.</param>
    /// <param name="stride">Step between windows (default: the kernel size, so windows do not overlap).</param>
    /// <param name="padding">Implicit −∞ added on each side (default 0, at most half the kernel).</param>
    /// <param name="dilation">Spacing between window taps (default 1).</param>
    public Tensor MaxPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null)
    {
        if (Rank == 3) return Unsqueeze(0).MaxPool2d(kernelSize, stride, padding, dilation).Squeeze(0);
        var w = PoolWindow("MaxPool2d", kernelSize, stride ?? kernelSize, padding ?? 0, dilation ?? 1);
        int batch = dims[0];
        int[] outShape = [batch, dims[1], w.OutHeight, w.OutWidth], inputShape = dims;
        if (Backend is IFusedPooling fused)
        {
            var y = Empty(outShape, Device);
            var argmax = Empty(outShape, Device);
            fused.MaxPool2d(Packed().storage, batch, w, y.storage, argmax.storage);
            return Autograd.Record(y, "MaxPool2d", [this], g =>
            {
                var gx = Empty(inputShape, g.Device);
                fused.MaxPool2dBackward(g.Packed().storage, argmax.storage, batch, w, gx.storage);
                return [gx];
            });
        }
        // Each window's taps are a column of im2col; padding taps become −∞, so they never win.
        var (taps, inside) = WindowTaps(w);
        var candidates = Where(inside, taps, Scalar(float.NegativeInfinity, Device));        // [kH·kW, N·C, OH·OW]
        Tensor max, winner;
        using (NoGrad())
        {
            max = candidates.Max(0).Reshape(outShape);
            winner = candidates.ArgMax(0);                                   // the first tap holding the max
        }
        return Autograd.Record(max, "MaxPool2d", [this], g =>
        {
            var tapIndex = Arange(0, w.KernelH * w.KernelW, 1, g.Device).Reshape(-1, 1, 1);
            var routed = (tapIndex == winner.Unsqueeze(0)) * g.Reshape(1, winner.Size(0), winner.Size(1));
            return [Untaps(routed, w, inputShape)];
        });
    }

    /// <summary>
    /// The taps of every pooling window of this [N, C, H, W] tensor, as im2col of its N·C planes: [kH·kW, N·C, OH·OW],
    /// zero where a tap falls in the padding, and the mask [kH·kW, 1, OH·OW] of the taps inside the image.
    /// </summary>
    private (Tensor Taps, Tensor Inside) WindowTaps(Window2d w)
    {
        var plane = w with { Channels = 1 };
        int planes = dims[0] * dims[1], count = w.KernelH * w.KernelW, pixels = w.OutHeight * w.OutWidth;
        var taps = Uninitialized([count, planes, pixels], Device);
        Backend.Im2Col(Packed().storage, 0, planes, plane, taps.storage);
        var inside = Uninitialized([count, 1, pixels], Device);
        Backend.Im2Col(Ones([1, 1, w.Height, w.Width], Device).storage, 0, 1, plane, inside.storage);
        return (taps, inside);
    }

    /// <summary>The adjoint of <see cref="WindowTaps"/>: col2im adds each tap's value back onto the pixel it read.</summary>
    private static Tensor Untaps(Tensor taps, Window2d w, int[] inputShape)
    {
        var image = Empty(inputShape, taps.Device);
        taps = taps.Packed();
        taps.Backend.Col2Im(taps.storage, w with { Channels = 1 }, image.storage, 0, inputShape[0] * inputShape[1]);
        return image;
    }

    /// <summary>
    /// Average pooling: <c>y[n, c, oh, ow] = (1/|window|) Σ_{i,j} x[n, c, oh·sH − pH + i, ow·sW − pW + j]</c> over a
    /// kH×kW window, where |window| = kH·kW when <paramref name="countIncludePad"/> (padding counts as zeros),
    /// else the number of taps inside the image. Input [N, C, H, W] (or [C, H, W]).
    /// Backward: each output's gradient is shared equally, <c>g / |window|</c>, among its window's inputs.
    /// </summary>
    /// <param name="kernelSize">Window size.</param>
    /// <param name="stride">Step between windows (default: the kernel size).</param>
    /// <param name="padding">Zeros added on each side (default 0, at most half the kernel).</param>
    /// <param name="countIncludePad">Whether padded zeros count in the mean (PyTorch's default: true).</param>
    public Tensor AvgPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool countIncludePad = true)
    {
        if (Rank == 3) return Unsqueeze(0).AvgPool2d(kernelSize, stride, padding, countIncludePad).Squeeze(0);
        var w = PoolWindow("AvgPool2d", kernelSize, stride ?? kernelSize, padding ?? 0, 1);
        int batch = dims[0];
        int[] outShape = [batch, dims[1], w.OutHeight, w.OutWidth], inputShape = dims;
        if (Backend is IFusedPooling fused)
        {
            var y = Empty(outShape, Device);
            fused.AvgPool2d(Packed().storage, batch, w, countIncludePad, y.storage);
            return Autograd.Record(y, "AvgPool2d", [this], g =>
            {
                var gx = Empty(inputShape, g.Device);
                fused.AvgPool2dBackward(g.Packed().storage, batch, w, countIncludePad, gx.storage);
                return [gx];
            });
        }
        var (taps, inside) = WindowTaps(w);
        Tensor size, mean;
        using (NoGrad())
        {
            size = countIncludePad ? Scalar(w.KernelH * w.KernelW, Device) : inside.Sum(0);   // |window|, per output pixel
            mean = (taps.Sum(0) / size).Reshape(outShape);
        }
        return Autograd.Record(mean, "AvgPool2d", [this], g =>
        {
            var share = (g.Reshape(1, -1, w.OutHeight * w.OutWidth) / size).Expand(w.KernelH * w.KernelW, -1, -1);
            return [Untaps(share, w, inputShape)];
        });
    }

    /// <summary>
    /// Adaptive average pooling to a fixed output size, as PyTorch's <c>F.adaptive_avg_pool2d</c>: output row i
    /// averages input rows <c>⌊i·H/OH⌋ … ⌈(i+1)·H/OH⌉ − 1</c> (likewise columns), so any input size gives
    /// [N, C, OH, OW]; <c>AdaptiveAvgPool2d(1)</c> is global average pooling (ResNet's head).
    /// When OH divides H and OW divides W this is <see cref="AvgPool2d"/> with kernel = stride = (H/OH, W/OW);
    /// otherwise the bins differ in size and it is computed as <c>y = A_H · x · A_Wᵀ</c>, where row i of
    /// A_H holds 1/|bin i| over bin i. Backward: through AvgPool2d or the two matrix products.
    /// </summary>
    /// <param name="outputSize">(OH, OW), each at least 1.</param>
    public Tensor AdaptiveAvgPool2d(Size2 outputSize)
    {
        if (Rank == 3) return Unsqueeze(0).AdaptiveAvgPool2d(outputSize).Squeeze(0);
        if (Rank != 4)
            throw new ArgumentException($"AdaptiveAvgPool2d: expected input [N, C, H, W] (or [C, H, W]), got shape {Shapes.Format(dims)}.");
        if (outputSize.H < 1 || outputSize.W < 1)
            throw new ArgumentException($"AdaptiveAvgPool2d: output size must be at least 1, got {outputSize} for input {Shapes.Format(dims)}.");
        int h = dims[2], w = dims[3];
        if (h % outputSize.H == 0 && w % outputSize.W == 0)
        {
            Size2 kernel = (h / outputSize.H, w / outputSize.W);
            return AvgPool2d(kernel, kernel);
        }
        var rows = AdaptiveBins(h, outputSize.H).To(Device);     // [OH, H]
        var cols = AdaptiveBins(w, outputSize.W).To(Device).T;   // [W, OW]
        return MatMul(MatMul(rows, this), cols);                 // [N, C, OH, W] → [N, C, OH, OW]
    }

    /// <summary>The [outSize, size] averaging matrix of adaptive pooling: row i is 1/|bin| on bin i, 0 elsewhere.</summary>
    private static Tensor AdaptiveBins(int size, int outSize)
    {
        var a = new float[outSize * size];
        for (int i = 0; i < outSize; i++)
        {
            int start = i * size / outSize, end = ((i + 1) * size + outSize - 1) / outSize;
            for (int k = start; k < end; k++) a[i * size + k] = 1f / (end - start);
        }
        return FromArray(a, outSize, size);
    }

    /// <summary>Checks a pooling call on this tensor (before anything is computed) and returns its window.</summary>
    private Window2d PoolWindow(string op, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation)
    {
        if (Rank != 4)
            throw new ArgumentException($"{op}: expected input [N, C, H, W] (or [C, H, W]), got shape {Shapes.Format(dims)}.");
        if (kernel.H < 1 || kernel.W < 1) throw new ArgumentException($"{op}: kernel size must be at least 1, got {kernel}.");
        if (stride.H < 1 || stride.W < 1) throw new ArgumentException($"{op}: stride must be at least 1, got {stride}.");
        if (dilation.H < 1 || dilation.W < 1) throw new ArgumentException($"{op}: dilation must be at least 1, got {dilation}.");
        // As PyTorch: more padding would allow windows that see padding only.
        if (padding.H < 0 || padding.W < 0 || padding.H > kernel.H / 2 || padding.W > kernel.W / 2)
            throw new ArgumentException($"{op}: padding must be between 0 and half the kernel size {kernel}, got {padding}.");
        var w = new Window2d(dims[1], dims[2], dims[3], kernel.H, kernel.W, stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W);
        CheckFits(op, this, w);
        return w;
    }
}
