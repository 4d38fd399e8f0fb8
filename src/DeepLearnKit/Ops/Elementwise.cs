// Elementwise arithmetic with NumPy broadcasting, each op's backward right below its forward.
// A gradient that was broadcast is summed back to the input's shape (SumTo).
using DeepLearnKit.Backends;

namespace DeepLearnKit;

public sealed partial class Tensor
{
    /// <summary>Runs a binary kernel on broadcast inputs (no autograd).</summary>
    internal static Tensor BinaryKernel(string op, BinaryOp kernel, Tensor a, Tensor b)
    {
        CheckSameDevice(op, a, b);
        int[] shape = Shapes.Broadcast(op, a.dims, b.dims);
        var result = Uninitialized(shape, a.Device, op);
        if (result.NumEl == 0) return result; // nothing to compute; span kernels may reject empty input
        a.Backend.Binary(kernel, a.storage, a.BroadcastLayout(shape), b.storage, b.BroadcastLayout(shape), result.storage);
        return result;
    }

    /// <summary>Runs a unary kernel (no autograd).</summary>
    internal Tensor UnaryKernel(UnaryOp kernel, float p = 0, float q = 0)
    {
        var result = Uninitialized(Shape, Device, kernel.ToString());
        if (NumEl == 0) return result; // nothing to compute; span kernels may reject empty input (TensorPrimitives.Sigmoid does)
        Backend.Unary(kernel, storage, Layout, p, q, result.storage);
        return result;
    }

    internal static void CheckSameDevice(string op, Tensor a, Tensor b)
    {
        if (a.Device != b.Device)
            throw new ArgumentException($"{op}: tensors are on different devices ({a.Device} and {b.Device}); move one with To(device).");
    }

    /// <summary>This tensor read with the given (broadcast) shape: new leading axes and size-1 axes get stride 0.</summary>
    internal StridedLayout BroadcastLayout(int[] shape)
    {
        if (Shapes.Equal(shape, dims)) return Layout;
        var s = new int[shape.Length];
        int lead = shape.Length - dims.Length;
        for (int k = 0; k < dims.Length; k++) s[lead + k] = dims[k] == 1 && shape[lead + k] != 1 ? 0 : strides[k];
        return new StridedLayout(shape, s, offset);
    }

    /// <summary>Sums a broadcast gradient back to <paramref name="shape"/>: the adjoint of broadcasting.</summary>
    internal Tensor SumTo(int[] shape)
    {
        if (Shapes.Equal(shape, dims)) return this;
        int lead = dims.Length - shape.Length;
        var axes = new List<int>();
        for (int k = 0; k < dims.Length; k++)
            if (k < lead || (shape[k - lead] == 1 && dims[k] != 1)) axes.Add(k);
        return Sum(axes.ToArray(), keepDim: true).Reshape(shape);
    }

    /// <summary><c>a + b</c> with broadcasting. ∂/∂a = 1, ∂/∂b = 1.</summary>
    public static Tensor operator +(Tensor a, Tensor b) =>
        Autograd.Record(BinaryKernel("Add", BinaryOp.Add, a, b), "Add", [a, b],
            g => [g.SumTo(a.dims), g.SumTo(b.dims)]);

    /// <summary><c>a − b</c> with broadcasting. ∂/∂a = 1, ∂/∂b = −1.</summary>
    public static Tensor operator -(Tensor a, Tensor b) =>
        Autograd.Record(BinaryKernel("Sub", BinaryOp.Sub, a, b), "Sub", [a, b],
            g => [g.SumTo(a.dims), (-g).SumTo(b.dims)]);

    /// <summary><c>a ⊙ b</c> with broadcasting. ∂/∂a = b, ∂/∂b = a.</summary>
    public static Tensor operator *(Tensor a, Tensor b) =>
        Autograd.Record(BinaryKernel("Mul", BinaryOp.Mul, a, b), "Mul", [a, b],
            g => [a.RequiresGrad ? (g * b).SumTo(a.dims) : null, b.RequiresGrad ? (g * a).SumTo(b.dims) : null]);

    /// <summary><c>a / b</c> with broadcasting. ∂/∂a = 1/b, ∂/∂b = −a/b².</summary>
    public static Tensor operator /(Tensor a, Tensor b) =>
        Autograd.Record(BinaryKernel("Div", BinaryOp.Div, a, b), "Div", [a, b],
            g => [a.RequiresGrad ? (g / b).SumTo(a.dims) : null, b.RequiresGrad ? (-g * a / (b * b)).SumTo(b.dims) : null]);

    /// <summary><c>−x</c>.</summary>
    public static Tensor operator -(Tensor x) =>
        Autograd.Record(x.UnaryKernel(UnaryOp.Neg), "Neg", [x], g => [-g]);

    /// <summary><c>x + s</c>.</summary>
    public static Tensor operator +(Tensor x, float s) => x.Affine(1, s, "AddScalar");

    /// <summary><c>s + x</c>.</summary>
    public static Tensor operator +(float s, Tensor x) => x.Affine(1, s, "AddScalar");

    /// <summary><c>x − s</c>.</summary>
    public static Tensor operator -(Tensor x, float s) => x.Affine(1, -s, "SubScalar");

    /// <summary><c>s − x</c>.</summary>
    public static Tensor operator -(float s, Tensor x) => x.Affine(-1, s, "RSubScalar");

    /// <summary><c>x · s</c>.</summary>
    public static Tensor operator *(Tensor x, float s) => x.Affine(s, 0, "MulScalar");

    /// <summary><c>s · x</c>.</summary>
    public static Tensor operator *(float s, Tensor x) => x.Affine(s, 0, "MulScalar");

    /// <summary><c>x / s</c>.</summary>
    public static Tensor operator /(Tensor x, float s) => x / Scalar(s, x.Device);

    /// <summary><c>s / x</c>. ∂/∂x = −s/x².</summary>
    public static Tensor operator /(float s, Tensor x) =>
        Autograd.Record(x.UnaryKernel(UnaryOp.ScalarDivide, s), "RDivScalar", [x], g => [-s * g / (x * x)]);

    /// <summary><c>p·x + q</c>; ∂/∂x = p.</summary>
    private Tensor Affine(float p, float q, string name) =>
        Autograd.Record(UnaryKernel(UnaryOp.Affine, p, q), name, [this], g => [p == 1 ? g : g * p]);

    /// <summary>
    /// <c>xᵖ</c>. ∂/∂x = p·xᵖ⁻¹, and 0 for p = 0 (x⁰ = 1 everywhere, also at x = 0, where p·xᵖ⁻¹ would be 0·∞), as PyTorch.
    /// </summary>
    public Tensor Pow(float exponent)
    {
        var x = this;
        return Autograd.Record(UnaryKernel(UnaryOp.Pow, exponent), "Pow", [x],
            g => [exponent == 0 ? ZerosLike(g) : g * (exponent * x.Pow(exponent - 1))]);
    }

    /// <summary>
    /// <c>aᵇ</c> elementwise with broadcasting. ∂/∂a = b·aᵇ⁻¹ (0 where b = 0), ∂/∂b = aᵇ·ln a (0 where a = 0 and b ≥ 0,
    /// the limit of aᵇ·ln a, rather than 0·(−∞) = NaN), as PyTorch.
    /// </summary>
    public Tensor Pow(Tensor exponent)
    {
        Tensor a = this, b = exponent;
        var y = BinaryKernel("Pow", BinaryOp.Pow, a, b);
        return Autograd.Record(y, "Pow", [a, b], g =>
        {
            var zero = Scalar(0, g.Device);
            return [a.RequiresGrad ? Where(b == 0f, zero, g * b * a.Pow(b - 1)).SumTo(a.dims) : null,
                    b.RequiresGrad ? Where((a == 0f) * (b >= 0f), zero, g * y * a.Log()).SumTo(b.dims) : null];
        });
    }

    /// <summary><c>eˣ</c>. ∂/∂x = eˣ.</summary>
    public Tensor Exp()
    {
        var y = UnaryKernel(UnaryOp.Exp);
        return Autograd.Record(y, "Exp", [this], g => [g * y]);
    }

    /// <summary><c>ln x</c>. ∂/∂x = 1/x.</summary>
    public Tensor Log()
    {
        var x = this;
        return Autograd.Record(UnaryKernel(UnaryOp.Log), "Log", [x], g => [g / x]);
    }

    /// <summary><c>√x</c>. ∂/∂x = 1/(2√x).</summary>
    public Tensor Sqrt()
    {
        var y = UnaryKernel(UnaryOp.Sqrt);
        return Autograd.Record(y, "Sqrt", [this], g => [g / (2f * y)]);
    }

    /// <summary><c>|x|</c>. ∂/∂x = sign(x).</summary>
    public Tensor Abs()
    {
        var x = this;
        return Autograd.Record(UnaryKernel(UnaryOp.Abs), "Abs", [x], g => [g * x.Sign()]);
    }

    /// <summary><c>sign(x)</c> ∈ {−1, 0, 1}; no gradient flows.</summary>
    public Tensor Sign() => UnaryKernel(UnaryOp.Sign);

    /// <summary><c>⌊x⌋</c>, the largest integer not above x. Its gradient is 0 wherever it exists (as PyTorch's), so none is recorded.</summary>
    public Tensor Floor() => UnaryKernel(UnaryOp.Floor);

    /// <summary>The error function <c>erf x = (2/√π) ∫₀ˣ e^(−t²) dt</c>. ∂/∂x = (2/√π)·e^(−x²).</summary>
    public Tensor Erf()
    {
        var x = this;
        return Autograd.Record(UnaryKernel(UnaryOp.Erf), "Erf", [x], g => [g * (-x * x).Exp() * (2 / MathF.Sqrt(MathF.PI))]);
    }

    /// <summary><c>x²</c>.</summary>
    public Tensor Square() => this * this;

    /// <summary><c>min(max(x, min), max)</c>. ∂/∂x = 1 inside [min, max], 0 outside.</summary>
    public Tensor Clamp(float min = float.NegativeInfinity, float max = float.PositiveInfinity)
    {
        var x = this;
        return Autograd.Record(UnaryKernel(UnaryOp.Clamp, min, max), "Clamp", [x],
            g => [g * ((x >= min) * (x <= max))]);
    }

    /// <summary>Elementwise maximum with broadcasting; on ties the gradient is split evenly (as PyTorch).</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => MaxMin("Maximum", BinaryOp.Max, a, b);

    /// <summary>Elementwise minimum with broadcasting; on ties the gradient is split evenly (as PyTorch).</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => MaxMin("Minimum", BinaryOp.Min, a, b);

    private static Tensor MaxMin(string name, BinaryOp kernel, Tensor a, Tensor b)
    {
        var y = BinaryKernel(name, kernel, a, b);
        return Autograd.Record(y, name, [a, b], g =>
        {
            var aWins = kernel == BinaryOp.Max ? a > b : a < b;
            var share = aWins + 0.5f * (a == b);
            return [(g * share).SumTo(a.dims), (g * (1f - share)).SumTo(b.dims)];
        });
    }

    /// <summary><c>condition ≠ 0 ? a : b</c> elementwise with broadcasting; the gradient goes to the chosen side.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        CheckSameDevice("Where", condition, a);
        CheckSameDevice("Where", a, b);
        int[] shape = Shapes.Broadcast("Where", Shapes.Broadcast("Where", condition.dims, a.dims), b.dims);
        var result = Uninitialized(shape, a.Device);
        a.Backend.Where(condition.storage, condition.BroadcastLayout(shape), a.storage, a.BroadcastLayout(shape),
            b.storage, b.BroadcastLayout(shape), result.storage);
        return Autograd.Record(result, "Where", [a, b], g =>
        {
            var zero = ZerosLike(g);
            return [Where(condition, g, zero).SumTo(a.dims), Where(condition, zero, g).SumTo(b.dims)];
        });
    }

    // Comparisons give 1 or 0 and are not differentiable.

    /// <summary>1 where <c>a == b</c>, else 0.</summary>
    public static Tensor operator ==(Tensor a, Tensor b) => BinaryKernel("Eq", BinaryOp.Eq, a, b);

    /// <summary>1 where <c>a != b</c>, else 0.</summary>
    public static Tensor operator !=(Tensor a, Tensor b) => BinaryKernel("Ne", BinaryOp.Ne, a, b);

    /// <summary>1 where <c>a &lt; b</c>, else 0.</summary>
    public static Tensor operator <(Tensor a, Tensor b) => BinaryKernel("Lt", BinaryOp.Lt, a, b);

    /// <summary>1 where <c>a ≤ b</c>, else 0.</summary>
    public static Tensor operator <=(Tensor a, Tensor b) => BinaryKernel("Le", BinaryOp.Le, a, b);

    /// <summary>1 where <c>a &gt; b</c>, else 0.</summary>
    public static Tensor operator >(Tensor a, Tensor b) => BinaryKernel("Gt", BinaryOp.Gt, a, b);

    /// <summary>1 where <c>a ≥ b</c>, else 0.</summary>
    public static Tensor operator >=(Tensor a, Tensor b) => BinaryKernel("Ge", BinaryOp.Ge, a, b);

    /// <summary>1 where <c>x == s</c>, else 0.</summary>
    public static Tensor operator ==(Tensor x, float s) => x == Scalar(s, x.Device);

    /// <summary>1 where <c>x != s</c>, else 0.</summary>
    public static Tensor operator !=(Tensor x, float s) => x != Scalar(s, x.Device);

    /// <summary>1 where <c>x &lt; s</c>, else 0.</summary>
    public static Tensor operator <(Tensor x, float s) => x < Scalar(s, x.Device);

    /// <summary>1 where <c>x ≤ s</c>, else 0.</summary>
    public static Tensor operator <=(Tensor x, float s) => x <= Scalar(s, x.Device);

    /// <summary>1 where <c>x &gt; s</c>, else 0.</summary>
    public static Tensor operator >(Tensor x, float s) => x > Scalar(s, x.Device);

    /// <summary>1 where <c>x ≥ s</c>, else 0.</summary>
    public static Tensor operator >=(Tensor x, float s) => x >= Scalar(s, x.Device);

    /// <summary>Reference equality (== on tensors compares elements).</summary>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <inheritdoc/>
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}
