// Printing a tensor the way NumPy and PyTorch do: aligned columns, a shared number format, and
// "..." elision (3 edge items per dim) once a tensor has more than 1000 elements.
using System.Globalization;
using System.Text;
using DeepLearnKit.Backends;

namespace DeepLearnKit;

public sealed partial class Tensor
{
    /// <summary>Above this many elements, only <see cref="PrintEdgeItems"/> items at each end of every dim are printed.</summary>
    public const int PrintThreshold = 1000;

    /// <summary>Items printed at each end of a dim when eliding.</summary>
    public const int PrintEdgeItems = 3;

    /// <summary>
    /// <c>tensor([[0.1000, 2.0000], …])</c>: values in one shared format (integers as <c>1.</c>, fixed with 4
    /// decimals, or scientific when the nonzero magnitudes span more than 10³, exceed 10⁸ or go below 10⁻⁴: PyTorch's
    /// rule, except that integers stay integers up to 10⁸ and magnitudes below float32's resolution at the tensor's scale,
    /// <c>|v| &lt; max|v|·2⁻²³</c>, do not count), then the device, requiresGrad and gradFn.
    /// </summary>
    public override string ToString()
    {
        // A broadcast view may show more elements than any array holds, so one larger than its storage is read
        // from the storage through its strides; any other is packed first.
        var (values, steps, start) = NumEl <= storage.Length
            ? (ToArray(), StridedLayout.ContiguousStrides(dims), 0)
            : (StorageValues(), strides, offset);
        bool elide = NumEl > PrintThreshold;
        var shown = elide ? VisibleValues(values, steps, start) : values;
        var format = NumberFormat.For(shown);
        int width = shown.Length == 0 ? 0 : shown.Max(v => format.Format(v).Length);

        var sb = new StringBuilder("tensor(");
        if (Rank == 0) sb.Append(format.Format(values[start]));
        else AppendDim(sb, values, steps, 0, start, width, format, elide, indent: 8);
        if (Device != Device.Cpu) sb.Append(", device=").Append(Device.Name);
        if (GradFn is not null) sb.Append(", gradFn=").Append(GradFn);
        else if (RequiresGrad) sb.Append(", requiresGrad=true");
        return sb.Append(')').ToString();
    }

    private void AppendDim(StringBuilder sb, float[] values, int[] steps, int dim, int start, int width, NumberFormat format, bool elide, int indent)
    {
        int size = dims[dim], stride = steps[dim];
        sb.Append('[');
        bool last = dim == Rank - 1;
        var positions = Positions(size, elide);
        for (int p = 0; p < positions.Count; p++)
        {
            if (p > 0)
            {
                sb.Append(',');
                if (last) sb.Append(' ');
                else sb.Append('\n', Rank - dim - 1).Append(' ', indent + dim);
            }
            if (positions[p] < 0)
            {
                sb.Append("...");
                continue;
            }
            int at = start + positions[p] * stride;
            if (last) sb.Append(format.Format(values[at]).PadLeft(width));
            else AppendDim(sb, values, steps, dim + 1, at, width, format, elide, indent);
        }
        sb.Append(']');
    }

    /// <summary>The indices printed along a dim of <paramref name="size"/>; −1 marks the "..." gap.</summary>
    private static List<int> Positions(int size, bool elide)
    {
        if (!elide || size <= 2 * PrintEdgeItems) return Enumerable.Range(0, size).ToList();
        var list = Enumerable.Range(0, PrintEdgeItems).ToList();
        list.Add(-1);
        list.AddRange(Enumerable.Range(size - PrintEdgeItems, PrintEdgeItems));
        return list;
    }

    private float[] VisibleValues(float[] values, int[] steps, int origin)
    {
        var result = new List<float>();
        void Walk(int dim, int start)
        {
            int stride = steps[dim];
            foreach (int p in Positions(dims[dim], elide: true))
            {
                if (p < 0) continue;
                if (dim == Rank - 1) result.Add(values[start + p * stride]);
                else Walk(dim + 1, start + p * stride);
            }
        }
        Walk(0, origin);
        return result.ToArray();
    }

    private float[] StorageValues()
    {
        var all = new float[storage.Length];
        Backend.Download(storage, all);
        return all;
    }

    /// <summary>
    /// One number format for every printed value of a tensor, chosen by PyTorch's rule (torch/_tensor_str.py, _Formatter)
    /// over the nonzero finite magnitudes m: all integers → <c>1.</c>; otherwise scientific when
    /// <c>max m / min m &gt; 10³</c> or <c>max m &gt; 10⁸</c> or <c>min m &lt; 10⁻⁴</c>, else fixed with 4 decimals.
    /// Two deliberate differences: integer-valued tensors turn scientific only above 10⁸ (PyTorch also does at a ratio
    /// over 10³, which prints <c>Arange(2001)</c> as 0.0000e+00 …); and magnitudes below float32's resolution at the
    /// tensor's scale, <c>m &lt; max m · 2⁻²³</c>, do not take part — they are rounding residue of float32 arithmetic (a
    /// vector tanh of 0 giving −5.96e−08 beside values near 1) and print as <c>-0.0000</c> instead of switching every
    /// value to scientific notation.
    /// </summary>
    private sealed record NumberFormat(bool IntegerValued, bool Scientific)
    {
        /// <summary>float32's machine epsilon, 2⁻²³: the relative spacing of floats near the largest value.</summary>
        private const float Resolution = 1.1920929e-7f;

        public static NumberFormat For(float[] values)
        {
            var finite = values.Where(float.IsFinite).ToArray();
            bool integers = finite.All(v => v == MathF.Round(v));
            var nonzero = finite.Select(MathF.Abs).Where(v => v != 0).ToArray();
            if (nonzero.Length == 0) return new NumberFormat(integers, false);
            float max = nonzero.Max();
            var resolved = nonzero.Where(v => v >= max * Resolution).ToArray();
            float min = resolved.Min();
            bool scientific = integers
                ? max > 1e8f
                : max / min > 1000 || max > 1e8f || min < 1e-4f;
            return new NumberFormat(integers && !scientific, scientific);
        }

        public string Format(float v)
        {
            if (float.IsNaN(v)) return "nan";
            if (float.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
            if (Scientific) return v.ToString("0.0000e+00", CultureInfo.InvariantCulture);
            if (IntegerValued) return v.ToString("0", CultureInfo.InvariantCulture) + ".";
            return v.ToString("0.0000", CultureInfo.InvariantCulture);
        }
    }
}
