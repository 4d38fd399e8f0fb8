// ILGPU kernels for convolution and pooling over NCHW images: im2col (one thread per column element),
// col2im and the pooling backwards as gathers (one thread per input pixel, no atomics, deterministic),
// max pooling's backward as an atomic scatter through the recorded argmax.
using ILGPU;

namespace DeepLearnKit.Backends.Gpu;

/// <summary>Which images of an [N, C, H, W] tensor an im2col/col2im launch reads or writes: [First, First + Count).</summary>
internal readonly record struct ImageRange(int First, int Count);

internal static partial class IlgpuKernels
{
    /// <summary>
    /// <c>columns[(c·kH + kh)·kW + kw, b·OH·OW + oh·OW + ow] = x[first + b, c, oh·sH − pH + kh·dH, ow·sW − pW + kw·dW]</c>,
    /// zero outside the image.
    /// </summary>
    public static void Im2ColKernel(Index1D t, ArrayView<float> x, ArrayView<float> columns, Window2d w, ImageRange images)
    {
        int outW = w.OutWidth, plane = w.OutHeight * outW, width = images.Count * plane;
        int row = t / width, col = t - row * width;
        int b = col / plane, pixel = col - b * plane;
        int taps = w.KernelH * w.KernelW;
        int c = row / taps, tap = row - c * taps;
        int kh = tap / w.KernelW, kw = tap - kh * w.KernelW;
        int oh = pixel / outW, ow = pixel - oh * outW;
        int h = oh * w.StrideH - w.PadH + kh * w.DilationH;
        int x0 = ow * w.StrideW - w.PadW + kw * w.DilationW;
        columns[t] = h >= 0 && h < w.Height && x0 >= 0 && x0 < w.Width
            ? x[(((images.First + b) * w.Channels + c) * w.Height + h) * w.Width + x0]
            : 0f;
    }

    /// <summary>The adjoint of im2col, gathered: each pixel adds every column entry that im2col copied from it.</summary>
    public static void Col2ImKernel(Index1D t, ArrayView<float> columns, ArrayView<float> x, Window2d w, ImageRange images)
    {
        int planeIn = w.Height * w.Width, imageSize = w.Channels * planeIn;
        int b = t / imageSize, inImage = t - b * imageSize;
        int c = inImage / planeIn, pixel = inImage - c * planeIn;
        int h = pixel / w.Width, x0 = pixel - h * w.Width;
        int outH = w.OutHeight, outW = w.OutWidth, plane = outH * outW, width = images.Count * plane;
        float sum = 0f;
        for (int kh = 0; kh < w.KernelH; kh++)
        {
            int oh = WindowIndex(h + w.PadH - kh * w.DilationH, w.StrideH, outH);
            if (oh < 0) continue;
            for (int kw = 0; kw < w.KernelW; kw++)
            {
                int ow = WindowIndex(x0 + w.PadW - kw * w.DilationW, w.StrideW, outW);
                if (ow < 0) continue;
                sum += columns[((c * w.KernelH + kh) * w.KernelW + kw) * width + b * plane + oh * outW + ow];
            }
        }
        x[images.First * imageSize + t] += sum;
    }

    /// <summary>Max over each window's in-image taps (padding never wins; the first max, or a NaN, is kept) and its flat h·W + w index.</summary>
    public static void MaxPoolKernel(Index1D t, ArrayView<float> x, ArrayView<float> output, ArrayView<float> argmax, Window2d w)
    {
        int outW = w.OutWidth, outPlane = w.OutHeight * outW;
        int plane = t / outPlane, rest = t - plane * outPlane;
        int oh = rest / outW, ow = rest - oh * outW;
        int inBase = plane * w.Height * w.Width;
        float best = float.NegativeInfinity;
        int bestIndex = -1;
        for (int kh = 0; kh < w.KernelH; kh++)
        {
            int h = oh * w.StrideH - w.PadH + kh * w.DilationH;
            if (h < 0 || h >= w.Height) continue;
            for (int kw = 0; kw < w.KernelW; kw++)
            {
                int x0 = ow * w.StrideW - w.PadW + kw * w.DilationW;
                if (x0 < 0 || x0 >= w.Width) continue;
                float v = x[inBase + h * w.Width + x0];
                if (bestIndex < 0 || (!float.IsNaN(best) && (v > best || float.IsNaN(v))))
                {
                    best = v;
                    bestIndex = h * w.Width + x0;
                }
            }
        }
        output[t] = best;
        argmax[t] = bestIndex < 0 ? 0 : bestIndex;
    }

    /// <summary><c>gradInput[n, c, argmax] += gradOutput</c>; overlapping windows can pick the same pixel, so the add is atomic.</summary>
    public static void MaxPoolBackwardKernel(Index1D t, ArrayView<float> gradOutput, ArrayView<float> argmax, ArrayView<float> gradInput, Window2d w)
    {
        int plane = t / (w.OutHeight * w.OutWidth);
        Atomic.Add(ref gradInput[plane * w.Height * w.Width + (int)argmax[t]], gradOutput[t]);
    }

    /// <summary>Each output is the sum of its window's in-image taps over the window's divisor.</summary>
    public static void AvgPoolKernel(Index1D t, ArrayView<float> x, ArrayView<float> output, Window2d w, int countPadding)
    {
        int outW = w.OutWidth, outPlane = w.OutHeight * outW;
        int plane = t / outPlane, rest = t - plane * outPlane;
        int oh = rest / outW, ow = rest - oh * outW;
        int inBase = plane * w.Height * w.Width;
        float sum = 0f;
        for (int kh = 0; kh < w.KernelH; kh++)
        {
            int h = oh * w.StrideH - w.PadH + kh * w.DilationH;
            if (h < 0 || h >= w.Height) continue;
            for (int kw = 0; kw < w.KernelW; kw++)
            {
                int x0 = ow * w.StrideW - w.PadW + kw * w.DilationW;
                if (x0 >= 0 && x0 < w.Width) sum += x[inBase + h * w.Width + x0];
            }
        }
        output[t] = sum / AvgDivisor(w, oh, ow, countPadding);
    }

    /// <summary>The adjoint of average pooling, gathered: each pixel adds gradOutput / divisor of every window it is a tap of.</summary>
    public static void AvgPoolBackwardKernel(Index1D t, ArrayView<float> gradOutput, ArrayView<float> gradInput, Window2d w, int countPadding)
    {
        int inPlane = w.Height * w.Width;
        int plane = t / inPlane, rest = t - plane * inPlane;
        int h = rest / w.Width, x0 = rest - h * w.Width;
        int outH = w.OutHeight, outW = w.OutWidth;
        float sum = 0f;
        for (int kh = 0; kh < w.KernelH; kh++)
        {
            int oh = WindowIndex(h + w.PadH - kh * w.DilationH, w.StrideH, outH);
            if (oh < 0) continue;
            for (int kw = 0; kw < w.KernelW; kw++)
            {
                int ow = WindowIndex(x0 + w.PadW - kw * w.DilationW, w.StrideW, outW);
                if (ow < 0) continue;
                sum += gradOutput[plane * outH * outW + oh * outW + ow] / AvgDivisor(w, oh, ow, countPadding);
            }
        }
        gradInput[t] += sum;
    }

    /// <summary>The window o with <c>o·stride = position</c>, or −1 when there is none in [0, count).</summary>
    private static int WindowIndex(int position, int stride, int count)
    {
        if (position < 0) return -1;
        int o = position / stride;
        return o * stride == position && o < count ? o : -1;
    }

    /// <summary>kH·kW when padding counts, else the number of the window's taps inside the image.</summary>
    private static float AvgDivisor(Window2d w, int oh, int ow, int countPadding)
    {
        if (countPadding != 0) return w.KernelH * w.KernelW;
        int rows = 0, cols = 0;
        for (int kh = 0; kh < w.KernelH; kh++)
        {
            int h = oh * w.StrideH - w.PadH + kh * w.DilationH;
            if (h >= 0 && h < w.Height) rows++;
        }
        for (int kw = 0; kw < w.KernelW; kw++)
        {
            int x0 = ow * w.StrideW - w.PadW + kw * w.DilationW;
            if (x0 >= 0 && x0 < w.Width) cols++;
        }
        return rows * cols;
    }
}
