// In-place elementwise updates, as PyTorch's mul_, add_, addcmul_, addcdiv_, sqrt_ and maximum's in-place form:
// the result is written into the tensor's own memory, so an optimizer step over a large parameter allocates
// no parameter-sized result per op. Not recorded for autograd: they refuse a tensor that requires grad while
// recording is on (use them inside Tensor.NoGrad(), as an optimizer's Step does).
using DeepLearnKit.Backends;

namespace DeepLearnKit;

public sealed partial class Tensor
{
    /// <summary><c>this ← s·this</c>, in place (PyTorch's <c>mul_(s)</c>).</summary>
    public Tensor MulInPlace(float s) => AssignUnary(UnaryOp.Affine, this, s);

    /// <summary><c>this ← this ⊙ other</c>, other broadcast to this shape, in place (PyTorch's <c>mul_(other)</c>).</summary>
    public Tensor MulInPlace(Tensor other) => AssignBinary(BinaryOp.Mul, this, other);

    /// <summary><c>this ← this + s</c>, in place (PyTorch's <c>add_(s)</c>).</summary>
    public Tensor AddInPlace(float s) => AssignUnary(UnaryOp.Affine, this, 1, s);

    /// <summary><c>this ← this + α·other</c>, other broadcast to this shape, in place (PyTorch's <c>add_(other, alpha=α)</c>).</summary>
    public Tensor AddInPlace(Tensor other, float alpha = 1) =>
        alpha == 1 ? AssignBinary(BinaryOp.Add, this, other) : AddTemporary(Scaled(other, alpha));

    /// <summary><c>this ← this + value·a ⊙ b</c>, in place (PyTorch's <c>addcmul_(a, b, value=value)</c>).</summary>
    public Tensor AddProductInPlace(Tensor a, Tensor b, float value = 1) =>
        AddTemporary(Scaled(BinaryKernel("AddProductInPlace", BinaryOp.Mul, a, b), value));

    /// <summary><c>this ← this + value·a / b</c>, in place (PyTorch's <c>addcdiv_(a, b, value=value)</c>).</summary>
    public Tensor AddQuotientInPlace(Tensor a, Tensor b, float value = 1) =>
        AddTemporary(Scaled(BinaryKernel("AddQuotientInPlace", BinaryOp.Div, a, b), value));

    /// <summary><c>this ← √this</c>, in place (PyTorch's <c>sqrt_()</c>).</summary>
    public Tensor SqrtInPlace() => AssignUnary(UnaryOp.Sqrt, this);

    /// <summary><c>this ← max(this, other)</c> elementwise, other broadcast to this shape, in place.</summary>
    public Tensor MaximumInPlace(Tensor other) => AssignBinary(BinaryOp.Max, this, other);

    /// <summary><c>α·x</c>, as a new temporary (no autograd).</summary>
    private static Tensor Scaled(Tensor x, float alpha) => x.UnaryKernel(UnaryOp.Affine, alpha);

    /// <summary>Adds a temporary made by this file into this tensor and gives its memory back at once.</summary>
    private Tensor AddTemporary(Tensor temporary)
    {
        AssignBinary(BinaryOp.Add, this, temporary);
        temporary.storage.Release();
        return this;
    }

    /// <summary><c>this ← op(a, b)</c> elementwise (a and b broadcast to this shape). Kernels allow a or b to be this.</summary>
    internal Tensor AssignBinary(BinaryOp op, Tensor a, Tensor b)
    {
        CheckAssignable(op.ToString(), a, b);
        var target = Target();
        Backend.Binary(op, a.storage, a.BroadcastLayout(dims), b.storage, b.BroadcastLayout(dims), target.storage);
        return WriteThrough(target);
    }

    /// <summary><c>this ← f(x; p, q)</c> elementwise (x has this shape). The kernel allows x to be this.</summary>
    internal Tensor AssignUnary(UnaryOp op, Tensor x, float p = 0, float q = 0)
    {
        CheckAssignable(op.ToString(), x, x);
        if (!Shapes.Equal(x.dims, dims))
            throw new ArgumentException($"{op}: source shape {Shapes.Format(x.dims)} differs from {Shapes.Format(dims)}.");
        var target = Target();
        Backend.Unary(op, x.storage, x.Layout, p, q, target.storage);
        return WriteThrough(target);
    }

    /// <summary>Where an in-place result is computed: this tensor's own memory, or beside it when it is a strided view.</summary>
    private Tensor Target() => OwnsContiguousStorage ? this : Uninitialized(Shape, Device);

    /// <summary>Writes a result computed beside a view through the view's strides, and gives that memory back.</summary>
    private Tensor WriteThrough(Tensor target)
    {
        if (ReferenceEquals(target, this)) return this;
        Backend.Copy(target.storage, target.Layout, storage, Layout);
        target.storage.Release();
        return this;
    }

    private void CheckAssignable(string op, Tensor a, Tensor b)
    {
        CheckInPlace(op);
        CheckSameDevice(op, this, a);
        CheckSameDevice(op, this, b);
        for (int k = 0; k < Rank; k++)
            if (strides[k] == 0 && dims[k] > 1)
                throw new InvalidOperationException($"{op}: an in-place write to an expanded view (shape {Shapes.Format(dims)}, stride 0 on dim {k}) would write one element many times; Clone() it first.");
        if (!Shapes.Equal(Shapes.Broadcast(op, Shapes.Broadcast(op, a.dims, b.dims), dims), dims))
            throw new ArgumentException($"{op}: shapes {Shapes.Format(a.dims)} and {Shapes.Format(b.dims)} do not fit {Shapes.Format(dims)}.");
    }
}
