// im2col and col2im of the reference backend, straight from their definition in IBackend.
namespace DeepLearnKit.Backends.Reference;

internal sealed partial class ReferenceBackend
{
    public void Im2Col(TensorStorage x, int firstImage, int imageCount, Window2d w, TensorStorage columns)
    {
        float[] src = Data(x), cols = Data(columns);
        foreach (var (column, image) in Taps(firstImage, imageCount, w))
            cols[column] = image < 0 ? 0 : src[image];
    }

    public void Col2Im(TensorStorage columns, Window2d w, TensorStorage x, int firstImage, int imageCount)
    {
        float[] cols = Data(columns), dst = Data(x);
        foreach (var (column, image) in Taps(firstImage, imageCount, w))
            if (image >= 0) dst[image] += cols[column];
    }

    /// <summary>
    /// Every entry of the columns with the image element it reads: row (c·kH + i)·kW + j, column b·OH·OW + oh·OW + ow
    /// holds x[firstImage + b, c, oh·sH − pH + i·dH, ow·sW − pW + j·dW], or −1 where that falls in the padding.
    /// </summary>
    private static IEnumerable<(int Column, int Image)> Taps(int firstImage, int imageCount, Window2d w)
    {
        int oh = w.OutHeight, ow = w.OutWidth, width = imageCount * oh * ow;
        for (int c = 0; c < w.Channels; c++)
            for (int i = 0; i < w.KernelH; i++)
                for (int j = 0; j < w.KernelW; j++)
                    for (int b = 0; b < imageCount; b++)
                        for (int y = 0; y < oh; y++)
                            for (int x = 0; x < ow; x++)
                            {
                                int row = (c * w.KernelH + i) * w.KernelW + j, column = b * oh * ow + y * ow + x;
                                int h = y * w.StrideH - w.PadH + i * w.DilationH, v = x * w.StrideW - w.PadW + j * w.DilationW;
                                bool inside = h >= 0 && h < w.Height && v >= 0 && v < w.Width;
                                yield return (row * width + column,
                                    inside ? (((firstImage + b) * w.Channels + c) * w.Height + h) * w.Width + v : -1);
                            }
    }
}
