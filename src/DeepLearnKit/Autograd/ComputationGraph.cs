// The autograd graph behind a tensor as data to draw: one node per tensor (its data and grad) and one per op, as
// micrograd's draw_dot shows them, found by walking GradFn.Inputs back from the tensor; or of any values that know
// their inputs and op (a notebook's own scalar autograd). The walk is engine logic, so it lives beside GradFn; the
// formatters draw the result (Formatters/Graphs/GraphSvg.cs).
using System.Globalization;

namespace DeepLearnKit;

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
        return Walk(tensor, t => t.GradFn?.Name, t => t.GradFn?.Inputs ?? [], t =>
        {
            string label = t.Name ?? (t.GradFn is null ? (t.RequiresGrad ? "leaf" : "constant") : "value");
            return new GraphNode(0, label + " " + Shapes.Format(t.Shape), false, Describe(t), t.Grad is { } g ? Describe(g) : null, 0,
                t.Grad is null ? NoGradReason(t) : null);
        }, maxNodes);
    }

    /// <summary>
    /// The graph of any define-by-run values, such as a notebook's own scalar autograd:
    /// <c>ComputationGraph.Of(loss, v =&gt; v.Inputs, v =&gt; v.Op, v =&gt; v.Label, v =&gt; v.Data, v =&gt; v.Grad)</c>.
    /// A value with an <paramref name="op"/> (not null or empty) was computed by that op from its
    /// <paramref name="inputs"/>; one without is a leaf. The walk goes back from <paramref name="output"/> as for a tensor,
    /// a value read twice is one node (compared by reference), and beyond <paramref name="maxNodes"/> the rest collapses.
    /// </summary>
    /// <param name="output">The value to draw the graph of (drawn rightmost).</param>
    /// <param name="inputs">The values a value was computed from, in argument order (empty for a leaf).</param>
    /// <param name="op">The name of the op that computed a value (e.g. "+", "tanh"), or null/empty for a leaf.</param>
    /// <param name="label">A value's name (e.g. "a"), or null for "leaf"/"value".</param>
    /// <param name="data">A value's number.</param>
    /// <param name="grad">A value's gradient, or null when it has none to show.</param>
    /// <param name="maxNodes">The most nodes drawn.</param>
    public static ComputationGraph Of<T>(T output, Func<T, IEnumerable<T>> inputs, Func<T, string?> op, Func<T, string?> label,
        Func<T, double> data, Func<T, double?> grad, int maxNodes = 50) where T : class
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(grad);
        string? OpOf(T v) => string.IsNullOrEmpty(op(v)) ? null : op(v);
        return Walk(output, OpOf, v => OpOf(v) is null ? [] : inputs(v).ToList(), v =>
            new GraphNode(0, label(v) ?? (OpOf(v) is null ? "leaf" : "value"), false, Number(data(v)),
                grad(v) is { } g ? Number(g) : null, 0), maxNodes);
    }

    /// <summary>
    /// Walks back from <paramref name="output"/>: a value with an op gets an op node fed by its inputs' value nodes.
    /// Values are compared by reference, so a value read by several ops is one node.
    /// </summary>
    private static ComputationGraph Walk<T>(T output, Func<T, string?> opOf, Func<T, IReadOnlyList<T>> inputsOf,
        Func<T, GraphNode> describe, int maxNodes) where T : class
    {
        if (maxNodes < 2) throw new ArgumentOutOfRangeException(nameof(maxNodes), $"ComputationGraph.Of: maxNodes must be at least 2, got {maxNodes}.");
        var nodes = new List<GraphNode>();
        var edges = new List<(int, int)>();
        var ids = new Dictionary<T, int>(ReferenceEqualityComparer.Instance);
        var expanded = new HashSet<T>(ReferenceEqualityComparer.Instance);
        var queue = new Queue<(T Value, int Layer)>();
        int hidden = 0, collapsed = -1;

        int Add(GraphNode node)
        {
            nodes.Add(node with { Id = nodes.Count });
            return nodes.Count - 1;
        }

        int ValueNode(T v, int layer)
        {
            if (ids.TryGetValue(v, out var existing)) return existing;
            int id = ids[v] = Add(describe(v) with { Layer = layer });
            queue.Enqueue((v, layer));
            return id;
        }

        ValueNode(output, 0);
        while (queue.Count > 0)
        {
            var (v, layer) = queue.Dequeue();
            if (opOf(v) is not { } name || !expanded.Add(v)) continue;
            var inputs = inputsOf(v);
            int valueId = ids[v];
            if (nodes.Count + 1 + inputs.Count > maxNodes)
            {
                hidden += 1 + inputs.Count(i => !ids.ContainsKey(i));
                if (collapsed < 0) collapsed = Add(new GraphNode(0, "…", true, null, null, layer + 1));
                edges.Add((collapsed, valueId));
                continue;
            }
            int opId = Add(new GraphNode(0, name, true, null, null, layer + 1));
            edges.Add((opId, valueId));
            foreach (var input in inputs) edges.Add((ValueNode(input, layer + 2), opId));
        }
        if (collapsed >= 0) nodes[collapsed] = nodes[collapsed] with { Label = $"… {hidden} more" };
        // A value read by several ops sits one layer before the furthest of them (longest path), so every edge
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
    public const string NotKept = "not kept";

    /// <summary>What a leaf's node says before Backward() has run.</summary>
    public const string NoneYet = "none yet";

    private static string Describe(Tensor t)
    {
        if (t.NumEl == 1) return Number(t.ToArray()[0]);
        var values = t.ToArray();
        return $"mean {Number(values.Length == 0 ? 0 : values.Average(v => (double)v))}";
    }

    /// <summary>A number in 4 significant digits, invariant culture, as the pictures write numbers.</summary>
    private static string Number(double value) => value switch
    {
        double.NaN => "nan",
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString("G4", CultureInfo.InvariantCulture),
    };

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
