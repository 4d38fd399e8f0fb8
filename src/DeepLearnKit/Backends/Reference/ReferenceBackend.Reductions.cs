// Reductions of the reference backend over the middle axis of an [outer, axis, inner] block; sums in float64.
namespace DeepLearnKit.Backends.Reference;

internal sealed partial class ReferenceBackend
{
    public void Reduce(ReduceOp op, TensorStorage x, int outer, int axis, int inner, TensorStorage destination)
    {
        float[] src = Data(x), dst = Data(destination);
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                double acc = op == ReduceOp.Sum ? 0 : src[o * axis * inner + i];
                for (int a = 0; a < axis; a++)
                {
                    double v = src[(o * axis + a) * inner + i];
                    acc = op switch { ReduceOp.Sum => acc + v, ReduceOp.Max => Math.Max(acc, v), _ => Math.Min(acc, v) };
                }
                dst[o * inner + i] = (float)acc;
            }
    }

    /// <summary>The first index of the max (or min); a NaN counts as the extreme, as PyTorch's argmax.</summary>
    public void ArgReduce(bool max, TensorStorage x, int outer, int axis, int inner, TensorStorage destination)
    {
        float[] src = Data(x), dst = Data(destination);
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                for (int a = 1; a < axis; a++)
                {
                    float v = src[(o * axis + a) * inner + i], b = src[(o * axis + best) * inner + i];
                    if (float.IsNaN(b)) break;
                    if (float.IsNaN(v) || (max ? v > b : v < b)) best = a;
                }
                dst[o * inner + i] = best;
            }
    }
}
