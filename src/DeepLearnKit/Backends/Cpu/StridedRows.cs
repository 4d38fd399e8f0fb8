// Walks strided operands row by row: the elementwise kernels' loop engine. The innermost axis is
// handed to a span kernel (TensorPrimitives when it is unit-stride); the outer axes are counted here.
namespace DeepLearnKit.Backends.Cpu;

/// <summary>
/// One or more operand layouts over a common shape, with adjacent axes merged where every operand
/// allows it, so a contiguous tensor is one long row whatever its rank.
/// </summary>
internal sealed class StridedRows
{
    private readonly int[] outerShape;
    private readonly int[][] outerStrides;
    private readonly int[] offsets;

    public StridedRows(int[] shape, params StridedLayout[] layouts)
    {
        // Drop size-1 axes, then merge axis k into k+1 when, for every operand, stride[k] == stride[k+1]·shape[k+1].
        var dims = new List<int>();
        var strides = layouts.Select(_ => new List<int>()).ToArray();
        for (int k = 0; k < shape.Length; k++)
        {
            if (shape[k] == 1) continue;
            dims.Add(shape[k]);
            for (int o = 0; o < layouts.Length; o++) strides[o].Add(layouts[o].Strides[k]);
        }
        for (int k = dims.Count - 2; k >= 0; k--)
        {
            bool mergeable = true;
            for (int o = 0; o < layouts.Length && mergeable; o++)
                mergeable = strides[o][k] == strides[o][k + 1] * dims[k + 1];
            if (!mergeable) continue;
            dims[k] *= dims[k + 1];
            dims.RemoveAt(k + 1);
            for (int o = 0; o < layouts.Length; o++)
            {
                strides[o][k] = strides[o][k + 1];
                strides[o].RemoveAt(k + 1);
            }
        }
        if (dims.Count == 0)
        {
            dims.Add(1);
            foreach (var s in strides) s.Add(1);
        }

        int last = dims.Count - 1;
        RowLength = dims[last];
        InnerStrides = strides.Select(s => s[last]).ToArray();
        outerShape = dims.Take(last).ToArray();
        outerStrides = strides.Select(s => s.Take(last).ToArray()).ToArray();
        offsets = layouts.Select(l => l.Offset).ToArray();
        RowCount = 1;
        foreach (int d in outerShape) RowCount *= d;
    }

    /// <summary>Elements per row (the merged innermost axis).</summary>
    public int RowLength { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount { get; }

    /// <summary>Each operand's stride along a row.</summary>
    public int[] InnerStrides { get; }

    /// <summary>Where row <paramref name="row"/> starts in operand <paramref name="operand"/>'s storage.</summary>
    public int RowStart(int operand, int row)
    {
        int offset = offsets[operand];
        int[] s = outerStrides[operand];
        for (int k = outerShape.Length - 1; k >= 0 && row > 0; k--)
        {
            int d = outerShape[k];
            offset += row % d * s[k];
            row /= d;
        }
        return offset;
    }

    /// <summary>Runs <paramref name="body"/> for every row, in parallel when the tensor is large.</summary>
    public void ForEachRow(Action<int> body) => CpuParallel.For(RowCount, RowLength, body);
}
