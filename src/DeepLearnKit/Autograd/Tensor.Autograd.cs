// The Tensor's autograd surface: RequiresGrad, Grad, GradFn, Backward, Detach, NoGrad.
namespace DeepLearnKit;

public sealed partial class Tensor
{
    private bool requiresGrad;
    private bool retainsGrad;

    /// <summary>
    /// Whether gradients are tracked for this tensor. Set it on a leaf (a parameter or an input);
    /// results of ops on tracked tensors get it automatically.
    /// </summary>
    public bool RequiresGrad
    {
        get => requiresGrad;
        set
        {
            if (GradFn is not null && !value)
                throw new InvalidOperationException($"RequiresGrad: cannot turn off gradients of a tensor computed by {GradFn.Name}; use Detach().");
            requiresGrad = value;
        }
    }

    /// <summary>
    /// ∂L/∂this after <see cref="Backward"/>, accumulated over calls; null before. Made in the <see cref="TensorScope"/>
    /// the backward pass ran in, it lives as long as that scope: one step of your loop (accumulate over several batches
    /// inside one scope, or <see cref="Keep"/> it). After <c>Fit</c>, the last step's gradients are still there.
    /// </summary>
    public Tensor? Grad { get; set; }

    /// <summary>The op that produced this tensor (null for a leaf or when gradients were off).</summary>
    public GradFn? GradFn { get; private set; }

    /// <summary>True for a tensor that no recorded op produced (an input or a parameter).</summary>
    public bool IsLeaf => GradFn is null;

    internal void SetGradFn(GradFn fn)
    {
        GradFn = fn;
        requiresGrad = true;
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor, for chaining: <c>Tensor.Randn(3).RequireGrad()</c>.</summary>
    public Tensor RequireGrad(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }

    /// <summary>Keeps <see cref="Grad"/> for this non-leaf tensor too (leaves always keep theirs), so a graph picture can show it.</summary>
    public Tensor RetainGrad()
    {
        retainsGrad = true;
        return this;
    }

    /// <summary>The same values, cut out of the graph: no gradient flows through the result.</summary>
    public Tensor Detach() => new(storage, dims, strides, offset);

    /// <summary>Sets <see cref="Grad"/> to null.</summary>
    public void ZeroGrad() => Grad = null;

    /// <summary>
    /// Turns off recording until disposed: <c>using (Tensor.NoGrad()) { … }</c>. Use it for evaluation and
    /// for parameter updates. The scope follows the code that opened it across <c>await</c>, and tasks started inside
    /// it inherit it; no other work ever sees it (PyTorch's <c>no_grad</c> is per thread, which async code outgrows).
    /// </summary>
    public static IDisposable NoGrad() => Autograd.Disable();

    /// <summary>True unless inside a <see cref="NoGrad"/> scope.</summary>
    public static bool IsGradEnabled => Autograd.IsEnabled;

    /// <summary>
    /// Back-propagates from this tensor: for every tensor x in its graph with <see cref="RequiresGrad"/>,
    /// adds ∂L/∂x to x.Grad, where L = this (a one-element tensor) or, for a non-scalar, L = Σ gradient ⊙ this.
    /// The graph's saved values are freed afterwards unless <paramref name="retainGraph"/>.
    /// </summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false)
    {
        if (!RequiresGrad)
            throw new InvalidOperationException("Backward: this tensor does not require grad; set RequiresGrad on its inputs before computing it.");
        if (gradient is null)
        {
            if (NumEl != 1)
                throw new InvalidOperationException($"Backward: a tensor of shape {Shapes.Format(dims)} is not a scalar; pass a gradient of the same shape.");
            gradient = OnesLike(this);
        }
        else if (!Shapes.Equal(gradient.dims, dims))
        {
            throw new ArgumentException($"Backward: the gradient has shape {Shapes.Format(gradient.dims)} but the tensor has shape {Shapes.Format(dims)}.");
        }

        using var _ = NoGrad();
        var pending = new PendingGradients(this, gradient.Detach());
        var order = TopologicalOrder(this);
        for (int i = order.Count - 1; i >= 0; i--)          // from this tensor back towards the leaves
        {
            var node = order[i];
            if (pending.Take(node) is not { } g) continue;  // no gradient reached it
            if (node.IsLeaf || node.retainsGrad) node.Grad = node.Grad is null ? (g.IsContiguous ? g.Clone() : g.Contiguous()) : node.Grad + g;
            if (node.GradFn is not { } fn) continue;
            if (fn.AccumulateInto is { } accumulate)
            {
                if (fn.Inputs[0].RequiresGrad) pending.AccumulateInto(fn.Inputs[0], g, accumulate);
            }
            else
            {
                var inputGrads = fn.Apply(g);                   // the chain rule: ∂L/∂input from ∂L/∂output
                for (int k = 0; k < fn.Inputs.Count; k++)
                    if (fn.Inputs[k].RequiresGrad && inputGrads[k] is { } inputGrad) pending.Add(fn, fn.Inputs[k], inputGrad);
            }
            if (!retainGraph) fn.Release();
        }
    }

    /// <summary>
    /// The gradients on their way back during one <see cref="Backward"/>: ∂L/∂t for each tensor t some of whose consumers
    /// have sent theirs, summed as they arrive. Summing allocates once per tensor: the first sum is a buffer only this pass
    /// holds ("owned"), and later gradients (an RNN's weight gets one per time step) are added into it in place. A
    /// gradient an op handed on unchanged (Add's backward passes it to both inputs) is shared, so it is never added into.
    /// </summary>
    private sealed class PendingGradients
    {
        private readonly Dictionary<Tensor, Tensor> grads = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<Tensor> owned = new(ReferenceEqualityComparer.Instance);

        public PendingGradients(Tensor root, Tensor gradient) => grads[root] = gradient;

        /// <summary>∂L/∂node, complete once every consumer of node has been processed, or null when none reached it.</summary>
        public Tensor? Take(Tensor node)
        {
            if (!grads.Remove(node, out var g)) return null;
            owned.Remove(g);   // it may now be handed on unchanged, so it is no longer private to one tensor
            return g;
        }

        /// <summary>Adds an op's gradient for one of its inputs.</summary>
        public void Add(GradFn op, Tensor input, Tensor gradient)
        {
            if (!Shapes.Equal(gradient.dims, input.dims))
                throw new InvalidOperationException($"Backward: {op.Name} returned a gradient of shape {Shapes.Format(gradient.dims)} for an input of shape {Shapes.Format(input.dims)}.");
            if (!grads.TryGetValue(input, out var sum)) grads[input] = gradient;
            else if (owned.Contains(sum)) sum.AssignBinary(Backends.BinaryOp.Add, sum, gradient);
            else
            {
                var buffer = sum + gradient;
                owned.Add(buffer);
                grads[input] = buffer;
            }
        }

        /// <summary>Lets a slice's backward add its gradient into the input's buffer in place (one this pass owns).</summary>
        public void AccumulateInto(Tensor input, Tensor gradient, Action<Tensor, Tensor> accumulate)
        {
            if (!grads.TryGetValue(input, out var buffer) || !owned.Contains(buffer))
            {
                buffer = buffer is null ? ZerosLike(input) : buffer.Clone();
                owned.Add(buffer);
                grads[input] = buffer;
            }
            accumulate(gradient, buffer);
        }
    }

    /// <summary>The graph's tensors, each after all of its inputs (iterative DFS: RNN graphs are deep).</summary>
    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor Node, int NextInput)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            var inputs = node.GradFn?.Inputs;
            if (inputs is not null && next < inputs.Count)
            {
                stack.Push((node, next + 1));
                var input = inputs[next];
                if (input.RequiresGrad && visited.Add(input)) stack.Push((input, 0));
                continue;
            }
            order.Add(node);
        }
        return order;
    }
}
