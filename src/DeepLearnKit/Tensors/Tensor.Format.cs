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
    /// decimals, or scientific when magnitudes span more than 10³), then the device, requiresGrad and gradFn.
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

    /// <summary>One number format for every value of a tensor, chosen as PyTorch chooses it.</summary>
    private sealed record NumberFormat(bool IntegerValued, bool Scientific)
    {
        public static NumberFormat For(float[] values)
        {
            var finite = values.Where(float.IsFinite).ToArray();
            bool integers = finite.All(v => v == MathF.Round(v));
            var magnitudes = finite.Select(MathF.Abs).Where(v => v != 0).ToArray();
            bool scientific = magnitudes.Length > 0 && !integers &&
                (magnitudes.Max() / magnitudes.Min() > 1000 || magnitudes.Max() > 1e8 || magnitudes.Min() < 1e-4);
            if (integers && magnitudes.Length > 0 && magnitudes.Max() > 1e8) scientific = true;
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
