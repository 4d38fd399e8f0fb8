// A node of the autograd graph: which op made a tensor, from which inputs, and how to send a
// gradient back to them. The graph is plain data, so a formatter can draw it.
namespace DeepLearnKit;

/// <summary>
/// The op that produced a tensor, recorded while gradients are enabled. <see cref="Inputs"/> are the
/// tensors it read; its backward function maps ∂L/∂output to ∂L/∂input for each input.
/// </summary>
public sealed class GradFn
{
    private Func<Tensor, Tensor?[]>? backward;

    internal GradFn(string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        Name = name;
        Inputs = inputs;
        this.backward = backward;
    }

    /// <summary>
    /// For a single-input op whose gradient touches only part of its input (a slice): adds ∂L/∂output into
    /// the input's gradient buffer in place. <see cref="Tensor.Backward"/> prefers it to the backward function.
    /// </summary>
    internal Action<Tensor, Tensor>? AccumulateInto { get; private set; }

    internal void SetAccumulateInto(Action<Tensor, Tensor> accumulate) => AccumulateInto = accumulate;

    /// <summary>The op's name, e.g. <c>MatMul</c> or <c>Sigmoid</c>.</summary>
    public string Name { get; }

    /// <summary>The tensors the op read, in argument order.</summary>
    public IReadOnlyList<Tensor> Inputs { get; }

    /// <summary>False once a backward pass without <c>retainGraph</c> has freed what the op saved.</summary>
    public bool IsAvailable => backward is not null;

    internal Tensor?[] Apply(Tensor gradOutput) => backward is { } f
        ? f(gradOutput)
        : throw new InvalidOperationException(
            $"Backward: the graph through {Name} was already freed by an earlier Backward(). Call Backward(retainGraph: true) the first time to go through it twice.");

    /// <summary>Drops the saved tensors (the closure) after a backward pass.</summary>
    internal void Release()
    {
        backward = null;
        AccumulateInto = null;
    }

    /// <inheritdoc/>
    public override string ToString() => $"<{Name}Backward>";
}
