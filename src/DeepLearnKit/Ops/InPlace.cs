// In-place elementwise updates for optimizers: the result is written into a tensor's own storage, so
// a step over a large parameter allocates nothing per op. Not recorded for autograd.
using DeepLearnKit.Backends;

namespace DeepLearnKit;

public sealed partial class Tensor
{
    /// <summary><c>this ← op(a, b)</c> elementwise (a and b broadcast to this shape). Kernels allow a or b to be this.</summary>
    internal Tensor AssignBinary(BinaryOp op, Tensor a, Tensor b)
    {
        CheckAssignable("AssignBinary", a, b);
        Backend.Binary(op, a.storage, a.BroadcastLayout(dims), b.storage, b.BroadcastLayout(dims), storage);
        return this;
    }

    /// <summary><c>this ← f(x; p, q)</c> elementwise (x has this shape). The kernel allows x to be this.</summary>
    internal Tensor AssignUnary(UnaryOp op, Tensor x, float p = 0, float q = 0)
    {
        CheckAssignable("AssignUnary", x, x);
        if (!Shapes.Equal(x.dims, dims))
            throw new ArgumentException($"AssignUnary: source shape {Shapes.Format(x.dims)} differs from {Shapes.Format(dims)}.");
        Backend.Unary(op, x.storage, x.Layout, p, q, storage);
        return this;
    }

    private void CheckAssignable(string op, Tensor a, Tensor b)
    {
        CheckInPlace(op);
        if (!OwnsContiguousStorage)
            throw new InvalidOperationException($"{op}: the destination must own its contiguous storage (shape {Shapes.Format(dims)}).");
        CheckSameDevice(op, this, a);
        CheckSameDevice(op, this, b);
        if (!Shapes.Equal(Shapes.Broadcast(op, Shapes.Broadcast(op, a.dims, b.dims), dims), dims))
            throw new ArgumentException($"{op}: shapes {Shapes.Format(a.dims)} and {Shapes.Format(b.dims)} do not fit {Shapes.Format(dims)}.");
    }
}
