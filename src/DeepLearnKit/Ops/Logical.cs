// Logical ops on masks. DeepLearnKit has one element type (float32), so a mask is a tensor of 1s and 0s, as the
// comparisons (x > 0) make; these ops read any non-zero element as true and give 1 or 0. Not differentiable.
using DeepLearnKit.Backends;

namespace DeepLearnKit;

public sealed partial class Tensor
{
    /// <summary>
    /// PyTorch's <c>logical_and</c>: <c>out = 1 if a ≠ 0 and b ≠ 0 else 0</c>, with broadcasting. No gradient flows.
    /// The operator form is <c>a &amp; b</c>.
    /// </summary>
    public Tensor LogicalAnd(Tensor other) => BinaryKernel("LogicalAnd", BinaryOp.Mul, this != 0f, Truth("LogicalAnd", other));

    /// <summary>
    /// PyTorch's <c>logical_or</c>: <c>out = 1 if a ≠ 0 or b ≠ 0 else 0</c>, with broadcasting. No gradient flows.
    /// The operator form is <c>a | b</c>.
    /// </summary>
    public Tensor LogicalOr(Tensor other) => BinaryKernel("LogicalOr", BinaryOp.Max, this != 0f, Truth("LogicalOr", other));

    /// <summary>
    /// PyTorch's <c>logical_xor</c>: <c>out = 1 if exactly one of a ≠ 0, b ≠ 0 holds else 0</c>, with broadcasting.
    /// No gradient flows. The operator form is <c>a ^ b</c>.
    /// </summary>
    public Tensor LogicalXor(Tensor other) => BinaryKernel("LogicalXor", BinaryOp.Ne, this != 0f, Truth("LogicalXor", other));

    /// <summary>PyTorch's <c>logical_not</c>: <c>out = 1 if x = 0 else 0</c>. No gradient flows. The operator form is <c>!x</c>.</summary>
    public Tensor LogicalNot() => this == 0f;

    /// <summary><c>a &amp; b</c>: <see cref="LogicalAnd"/>.</summary>
    public static Tensor operator &(Tensor a, Tensor b) => a.LogicalAnd(b);

    /// <summary><c>a | b</c>: <see cref="LogicalOr"/>.</summary>
    public static Tensor operator |(Tensor a, Tensor b) => a.LogicalOr(b);

    /// <summary><c>a ^ b</c>: <see cref="LogicalXor"/>.</summary>
    public static Tensor operator ^(Tensor a, Tensor b) => a.LogicalXor(b);

    /// <summary><c>!x</c>: <see cref="LogicalNot"/>.</summary>
    public static Tensor operator !(Tensor x) => x.LogicalNot();

    private Tensor Truth(string op, Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        CheckSameDevice(op, this, other);
        return other != 0f;
    }
}
