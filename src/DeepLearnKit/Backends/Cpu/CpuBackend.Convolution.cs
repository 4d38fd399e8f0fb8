// Convolution and pooling kernels of the CPU backend on contiguous NCHW arrays: im2col and its
// adjoint col2im (the convolution ops turn these plus GEMM into conv2d and conv_transpose2d), and
// max / average pooling with their backward passes. Every loop clips its window range once per row
// instead of testing each tap, so the inner loops are plain copies, adds or compares.
using System.Numerics.Tensors;

namespace DeepLearnKit.Backends.Cpu;

internal sealed partial class CpuBackend
{
    // Columns: row (c, i, j) = (c·kH + i)·kW + j, column (b, oh, ow) = (b·OH + oh)·OW + ow, holding
    // x[first + b, c, oh·sH − pH + i·dH, ow·sW − pW + j·dW] (0 outside the image). One task per (image, channel).
    public void Im2Col(TensorStorage x, int firstImage, int imageCount, Window2d w, TensorStorage columns)
    {
        float[] src = Data(x), cols = Data(columns);
        int outH = w.OutHeight, outW = w.OutWidth, plane = w.Height * w.Width, pixels = outH * outW, width = imageCount * pixels;
        CpuParallel.For(imageCount * w.Channels, (long)w.KernelH * w.KernelW * pixels, task =>
        {
            int b = task / w.Channels, c = task - b * w.Channels;
            int channel = ((firstImage + b) * w.Channels + c) * plane;
            for (int i = 0; i < w.KernelH; i++)
            {
                for (int j = 0; j < w.KernelW; j++)
                {
                    int shiftW = j * w.DilationW - w.PadW;
                    var (first, end) = ValidRange(shiftW, w.StrideW, w.Width, outW);
                    var row = cols.AsSpan(((c * w.KernelH + i) * w.KernelW + j) * width + b * pixels, pixels);
                    for (int oh = 0; oh < outH; oh++)
                    {
                        var dst = row.Slice(oh * outW, outW);
                        int ih = oh * w.StrideH + i * w.DilationH - w.PadH;
                        if ((uint)ih >= (uint)w.Height || first == end)
                        {
                            dst.Clear();
                            continue;
                        }
                        dst[..first].Clear();
                        dst[end..].Clear();
                        int start = channel + ih * w.Width + first * w.StrideW + shiftW;
                        if (w.StrideW == 1)
                        {
                            src.AsSpan(start, end - first).CopyTo(dst[first..end]);
                        }
                        else
                        {
                            var s = src.AsSpan(start, (end - first - 1) * w.StrideW + 1);
                            for (int ow = first, k = 0; ow < end; ow++, k += w.StrideW) dst[ow] = s[k];
                        }
                    }
                }
            }
        });
    }

    // The same walk as Im2Col with the copy reversed into an add; each (image, channel) task owns its plane,
    // so tasks run in parallel without races.
    public void Col2Im(TensorStorage columns, Window2d w, TensorStorage x, int firstImage, int imageCount)
    {
        float[] cols = Data(columns), dstAll = Data(x);
        int outH = w.OutHeight, outW = w.OutWidth, plane = w.Height * w.Width, pixels = outH * outW, width = imageCount * pixels;
        CpuParallel.For(imageCount * w.Channels, (long)w.KernelH * w.KernelW * pixels, task =>
        {
            int b = task / w.Channels, c = task - b * w.Channels;
            int channel = ((firstImage + b) * w.Channels + c) * plane;
            for (int i = 0; i < w.KernelH; i++)
            {
                for (int j = 0; j < w.KernelW; j++)
                {
                    int shiftW = j * w.DilationW - w.PadW;
                    var (first, end) = ValidRange(shiftW, w.StrideW, w.Width, outW);
                    if (first == end) continue;
                    int rowStart = ((c * w.KernelH + i) * w.KernelW + j) * width + b * pixels;
                    for (int oh = 0; oh < outH; oh++)
                    {
                        int ih = oh * w.StrideH + i * w.DilationH - w.PadH;
                        if ((uint)ih >= (uint)w.Height) continue;
                        var src = cols.AsSpan(rowStart + oh * outW + first, end - first);
                        int start = channel + ih * w.Width + first * w.StrideW + shiftW;
                        if (w.StrideW == 1)
                        {
                            var dst = dstAll.AsSpan(start, end - first);
                            TensorPrimitives.Add(dst, src, dst);
                        }
                        else
                        {
                            var dst = dstAll.AsSpan(start, (end - first - 1) * w.StrideW + 1);
                            for (int k = 0, d = 0; k < src.Length; k++, d += w.StrideW) dst[d] += src[k];
                        }
                    }
                }
            }
        });
    }

    public void MaxPool2d(TensorStorage x, int batch, Window2d w, TensorStorage output, TensorStorage argmax)
    {
        float[] src = Data(x), dst = Data(output), idx = Data(argmax);
        int outH = w.OutHeight, outW = w.OutWidth, plane = w.Height * w.Width;
        CpuParallel.For(batch * w.Channels, (long)outH * outW * w.KernelH * w.KernelW, p =>
        {
            var image = src.AsSpan(p * plane, plane);
            int o = p * outH * outW;
            for (int oh = 0; oh < outH; oh++)
            {
                int h0 = oh * w.StrideH - w.PadH;
                var (iFirst, iEnd) = ValidRange(h0, w.DilationH, w.Height, w.KernelH);
                for (int ow = 0; ow < outW; ow++, o++)
                {
                    int w0 = ow * w.StrideW - w.PadW;
                    var (jFirst, jEnd) = ValidRange(w0, w.DilationW, w.Width, w.KernelW);
                    // −1 marks a window of padding only (no input receives its gradient).
                    float best = float.NegativeInfinity;
                    int bestIndex = -1;
                    for (int i = iFirst; i < iEnd; i++)
                    {
                        int rowStart = (h0 + i * w.DilationH) * w.Width + w0;
                        for (int j = jFirst; j < jEnd; j++)
                        {
                            int at = rowStart + j * w.DilationW;
                            float v = image[at];
                            // A NaN wins and stays, as in PyTorch.
                            if (v > best || float.IsNaN(v) || bestIndex < 0)
                            {
                                best = v;
                                bestIndex = at;
                            }
                        }
                    }
                    dst[o] = best;
                    idx[o] = bestIndex;
                }
            }
        });
    }

    public void MaxPool2dBackward(TensorStorage gradOutput, TensorStorage argmax, int batch, Window2d w, TensorStorage gradInput)
    {
        float[] g = Data(gradOutput), idx = Data(argmax), dst = Data(gradInput);
        int outCount = w.OutHeight * w.OutWidth, plane = w.Height * w.Width;
        // Windows overlap when stride < kernel, so one plane is one task: its adds never race.
        CpuParallel.For(batch * w.Channels, outCount, p =>
        {
            var image = dst.AsSpan(p * plane, plane);
            for (int o = p * outCount, end = o + outCount; o < end; o++)
            {
                int at = (int)idx[o];
                if (at >= 0) image[at] += g[o];
            }
        });
    }

    public void AvgPool2d(TensorStorage x, int batch, Window2d w, bool countPadding, TensorStorage output)
    {
        float[] src = Data(x), dst = Data(output);
        int outH = w.OutHeight, outW = w.OutWidth, plane = w.Height * w.Width;
        CpuParallel.For(batch * w.Channels, (long)outH * outW * w.KernelH * w.KernelW, p =>
        {
            var image = src.AsSpan(p * plane, plane);
            int o = p * outH * outW;
            for (int oh = 0; oh < outH; oh++)
            {
                int h0 = oh * w.StrideH - w.PadH;
                var (iFirst, iEnd) = ValidRange(h0, w.DilationH, w.Height, w.KernelH);
                for (int ow = 0; ow < outW; ow++, o++)
                {
                    int w0 = ow * w.StrideW - w.PadW;
                    var (jFirst, jEnd) = ValidRange(w0, w.DilationW, w.Width, w.KernelW);
                    float sum = 0;
                    for (int i = iFirst; i < iEnd; i++)
                    {
                        int rowStart = (h0 + i * w.DilationH) * w.Width + w0;
                        for (int j = jFirst; j < jEnd; j++) sum += image[rowStart + j * w.DilationW];
                    }
                    int count = countPadding ? w.KernelH * w.KernelW : (iEnd - iFirst) * (jEnd - jFirst);
                    dst[o] = count == 0 ? 0 : sum / count;
                }
            }
        });
    }

    public void AvgPool2dBackward(TensorStorage gradOutput, int batch, Window2d w, bool countPadding, TensorStorage gradInput)
    {
        float[] g = Data(gradOutput), dst = Data(gradInput);
        int outH = w.OutHeight, outW = w.OutWidth, plane = w.Height * w.Width;
        CpuParallel.For(batch * w.Channels, (long)outH * outW * w.KernelH * w.KernelW, p =>
        {
            var image = dst.AsSpan(p * plane, plane);
            int o = p * outH * outW;
            for (int oh = 0; oh < outH; oh++)
            {
                int h0 = oh * w.StrideH - w.PadH;
                var (iFirst, iEnd) = ValidRange(h0, w.DilationH, w.Height, w.KernelH);
                for (int ow = 0; ow < outW; ow++, o++)
                {
                    int w0 = ow * w.StrideW - w.PadW;
                    var (jFirst, jEnd) = ValidRange(w0, w.DilationW, w.Width, w.KernelW);
                    int count = countPadding ? w.KernelH * w.KernelW : (iEnd - iFirst) * (jEnd - jFirst);
                    if (count == 0) continue;
                    float share = g[o] / count;
                    for (int i = iFirst; i < iEnd; i++)
                    {
                        int rowStart = (h0 + i * w.DilationH) * w.Width + w0;
                        for (int j = jFirst; j < jEnd; j++) image[rowStart + j * w.DilationW] += share;
                    }
                }
            }
        });
    }

    /// <summary>
    /// The steps t in [0, count) whose position <c>shift + t·step</c> lies in [0, size), as [first, end):
    /// the valid output columns of an im2col row, or the valid taps of a pooling window.
    /// </summary>
    private static (int First, int End) ValidRange(int shift, int step, int size, int count)
    {
        int first = shift >= 0 ? 0 : (-shift + step - 1) / step;
        int last = size - 1 - shift;
        int end = last < 0 ? 0 : Math.Min(count, last / step + 1);
        first = Math.Min(first, count);
        return (first, Math.Max(first, end));
    }
}
