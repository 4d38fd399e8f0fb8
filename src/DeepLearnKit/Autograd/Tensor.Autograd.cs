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

    /// <summary>∂L/∂this after <see cref="Backward"/>, accumulated over calls; null before.</summary>
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
        var order = TopologicalOrder(this);
        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance) { [this] = gradient.Detach() };
        var owned = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var node = order[i];
            if (!grads.Remove(node, out var g)) continue;
            // g may now be handed on unchanged (Add's backward passes it to both inputs), so it is no
            // longer a private buffer that a slice may add into in place.
            owned.Remove(g);
            if (node.GradFn is null || node.retainsGrad)
                node.Grad = node.Grad is null ? (g.IsContiguous ? g.Clone() : g.Contiguous()) : node.Grad + g;
            if (node.GradFn is not { } fn) continue;

            if (fn.AccumulateInto is { } accumulate)
            {
                var input = fn.Inputs[0];
                if (input.RequiresGrad)
                {
                    // Add in place only into a buffer this pass made: another gradient may be shared.
                    if (!grads.TryGetValue(input, out var buffer) || !owned.Contains(buffer))
                    {
                        buffer = buffer is null ? ZerosLike(input) : buffer.Clone();
                        owned.Add(buffer);
                        grads[input] = buffer;
                    }
                    accumulate(g, buffer);
                }
                if (!retainGraph) fn.Release();
                continue;
            }

            var inputGrads = fn.Apply(g);
            for (int k = 0; k < fn.Inputs.Count; k++)
            {
                var input = fn.Inputs[k];
                if (!input.RequiresGrad || inputGrads[k] is not { } ig) continue;
                if (!Shapes.Equal(ig.dims, input.dims))
                    throw new InvalidOperationException($"Backward: {fn.Name} returned a gradient of shape {Shapes.Format(ig.dims)} for an input of shape {Shapes.Format(input.dims)}.");
                if (!grads.TryGetValue(input, out var acc)) grads[input] = ig;
                else if (owned.Contains(acc)) acc.AssignBinary(Backends.BinaryOp.Add, acc, ig);
                else
                {
                    // The first sum is a new buffer that only this pass holds: later gradients (an RNN's weight
                    // gets one per time step) are added into it in place instead of allocating a sum each time.
                    var sum = acc + ig;
                    owned.Add(sum);
                    grads[input] = sum;
                }
            }
            if (!retainGraph) fn.Release();
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
