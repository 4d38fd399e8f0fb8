// The autograd graph behind a tensor as data to draw: one node per tensor (its data and grad) and one per op, as
// micrograd's draw_dot shows them, found by walking GradFn.Inputs back from the tensor. In the root namespace, so
// `using DeepLearnKit.Formatters;` brings every picture a chapter makes; the renderer (GraphSvg) stays in Graphs.
using DeepLearnKit.Formatters.Graphs;

namespace DeepLearnKit.Formatters;

/// <summary>A node of a <see cref="ComputationGraph"/>: a tensor (value) or the op that made one.</summary>
/// <param name="Id">Its index in <see cref="ComputationGraph.Nodes"/>.</param>
/// <param name="Label">The op's name, or the tensor's name (or "leaf"/"value") and shape.</param>
/// <param name="IsOp">True for an op node.</param>
/// <param name="Data">A value node's data: the value of a scalar, else its shape and mean.</param>
/// <param name="Grad">A value node's gradient (same form), or null when none was kept.</param>
/// <param name="Layer">Its distance from the drawn tensor (0) along the graph; larger is further towards the inputs.</param>
/// <param name="NoGradReason">Why a value node shows no gradient: a constant has none ("none (constant)"), an
/// intermediate's is not kept by Backward unless it called <see cref="Tensor.RetainGrad"/> ("not kept"), a leaf's appears
/// after Backward ("none yet"); null when it has one. The picture's header explains the ones it shows.</param>
public sealed record GraphNode(int Id, string Label, bool IsOp, string? Data, string? Grad, int Layer, string? NoGradReason = null);

/// <summary>
/// The computation graph of a tensor: <c>ComputationGraph.Of(loss)</c>. Edges run from an input to the op that read it
/// and from an op to the tensor it produced. Beyond <c>maxNodes</c> nodes (nearest the tensor kept), the
/// rest is collapsed into one "… N more" node.
/// </summary>
public sealed class ComputationGraph
{
    private ComputationGraph(IReadOnlyList<GraphNode> nodes, IReadOnlyList<(int From, int To)> edges, int hiddenNodes)
    {
        Nodes = nodes;
        Edges = edges;
        HiddenNodes = hiddenNodes;
    }

    /// <summary>The nodes drawn.</summary>
    public IReadOnlyList<GraphNode> Nodes { get; }

    /// <summary>Edges as (from, to) node ids, in the direction data flows.</summary>
    public IReadOnlyList<(int From, int To)> Edges { get; }

    /// <summary>How many nodes were collapsed (0 when the whole graph is drawn).</summary>
    public int HiddenNodes { get; }

    /// <summary>The graph that produced <paramref name="tensor"/>, walked breadth first back from it.</summary>
    public static ComputationGraph Of(Tensor tensor, int maxNodes = 50)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (maxNodes < 2) throw new ArgumentOutOfRangeException(nameof(maxNodes), $"ComputationGraph.Of: maxNodes must be at least 2, got {maxNodes}.");
        var nodes = new List<GraphNode>();
        var edges = new List<(int, int)>();
        var ids = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        var queue = new Queue<(Tensor Tensor, int Layer)>();
        int hidden = 0, collapsed = -1;

        int Add(object key, GraphNode node)
        {
            ids[key] = nodes.Count;
            nodes.Add(node with { Id = nodes.Count });
            return nodes.Count - 1;
        }

        int ValueNode(Tensor t, int layer)
        {
            if (ids.TryGetValue(t, out var existing)) return existing;
            string label = t.Name ?? (t.GradFn is null ? (t.RequiresGrad ? "leaf" : "constant") : "value");
            label += " " + Html.Shape(t.Shape);
            int id = Add(t, new GraphNode(0, label, false, Describe(t), t.Grad is { } g ? Describe(g) : null, layer, t.Grad is null ? NoGradReason(t) : null));
            queue.Enqueue((t, layer));
            return id;
        }

        ValueNode(tensor, 0);
        while (queue.Count > 0)
        {
            var (t, layer) = queue.Dequeue();
            if (t.GradFn is not { } fn || ids.ContainsKey(fn)) continue;
            int valueId = ids[t];
            if (nodes.Count + 1 + fn.Inputs.Count > maxNodes)
            {
                hidden += 1 + fn.Inputs.Count(i => !ids.ContainsKey(i));
                if (collapsed < 0) collapsed = Add(new object(), new GraphNode(0, "…", true, null, null, layer + 1));
                edges.Add((collapsed, valueId));
                continue;
            }
            int opId = Add(fn, new GraphNode(0, fn.Name, true, null, null, layer + 1));
            edges.Add((opId, valueId));
            foreach (var input in fn.Inputs) edges.Add((ValueNode(input, layer + 2), opId));
        }
        if (collapsed >= 0) nodes[collapsed] = nodes[collapsed] with { Label = $"… {hidden} more" };
        // A tensor read by several ops sits one layer before the furthest of them (longest path), so every edge
        // points the same way in the drawing.
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var (from, to) in edges)
                if (nodes[from].Layer <= nodes[to].Layer)
                {
                    nodes[from] = nodes[from] with { Layer = nodes[to].Layer + 1 };
                    changed = true;
                }
        }
        return new ComputationGraph(nodes, edges.Distinct().ToList(), hidden);
    }

    /// <summary>Why <paramref name="t"/> has no gradient to show.</summary>
    private static string NoGradReason(Tensor t) =>
        !t.RequiresGrad ? "none (constant)" : t.GradFn is not null ? NotKept : NoneYet;

    /// <summary>What an intermediate value's node says: Backward keeps only leaves' gradients unless RetainGrad() was called.</summary>
    internal const string NotKept = "not kept";

    /// <summary>What a leaf's node says before Backward() has run.</summary>
    internal const string NoneYet = "none yet";

    private static string Describe(Tensor t)
    {
        if (t.NumEl == 1) return Html.Number(t.ToArray()[0]);
        var values = t.ToArray();
        return $"mean {Html.Number(values.Length == 0 ? 0 : values.Average(v => (double)v))}";
    }

    /// <summary>The graph as an SVG picture (see <see cref="GraphSvg.Render"/>), titled <paramref name="title"/> when given.</summary>
    public string ToHtml(string? title = null) => GraphSvg.Render(this, title);

    /// <summary>One line per op: <c>MatMul(leaf [2, 3], leaf [3]) → value [2]</c>.</summary>
    public override string ToString()
    {
        var lines = new List<string> { $"ComputationGraph({Nodes.Count(n => n.IsOp)} ops, {Nodes.Count(n => !n.IsOp)} tensors{(HiddenNodes > 0 ? $", {HiddenNodes} more collapsed" : "")})" };
        foreach (var op in Nodes.Where(n => n.IsOp))
        {
            var inputs = Edges.Where(e => e.To == op.Id).Select(e => Nodes[e.From].Label);
            var outputs = Edges.Where(e => e.From == op.Id).Select(e => Nodes[e.To].Label);
            lines.Add($"  {op.Label}({string.Join(", ", inputs)}) → {string.Join(", ", outputs)}");
        }
        return string.Join("\n", lines);
    }
}
