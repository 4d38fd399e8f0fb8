// ILGPU kernels for the elementwise primitives (unary, binary, where, strided copy and fill), and the
// StridedIndex that turns a thread's flat output index into element offsets of up to three operands.
// The math of every op is the CPU backend's (ElementwiseKernels.Scalar), with exp, log, pow, tanh
// and erf from IlgpuMath (the PTX backend has none of its own); GELU uses the same erf formula.
using ILGPU;

namespace DeepLearnKit.Backends.Gpu;

/// <summary>One axis of a <see cref="StridedIndex"/>: its size and each operand's stride along it.</summary>
internal readonly record struct StridedAxis(int Size, int Stride0, int Stride1, int Stride2);

/// <summary>Where an element sits: what is left of the flat index, and the offset into each operand.</summary>
internal readonly record struct StridedCursor(int Rest, int Offset0, int Offset1, int Offset2);

/// <summary>
/// The shape and strides of up to three operands of the same shape, passed to a kernel by value.
/// Axes are stored innermost first (<see cref="Axis0"/> varies fastest). The host merges axes that are
/// contiguous in every operand and drops axes of size 1, so most launches have rank 1 or 2; at most
/// <see cref="MaxRank"/> axes remain.
/// </summary>
internal struct StridedIndex
{
    public const int MaxRank = 8;

    public int Rank;
    public int Offset0, Offset1, Offset2;
    public StridedAxis Axis0, Axis1, Axis2, Axis3, Axis4, Axis5, Axis6, Axis7;

    /// <summary>The offsets of element <paramref name="flat"/> (row-major over the shape) in each operand.</summary>
    public readonly StridedCursor Locate(int flat)
    {
        var c = new StridedCursor(flat, Offset0, Offset1, Offset2);
        c = Step(c, Axis0);
        if (Rank == 1) return c;
        c = Step(c, Axis1);
        if (Rank == 2) return c;
        c = Step(c, Axis2);
        if (Rank == 3) return c;
        c = Step(c, Axis3);
        if (Rank == 4) return c;
        c = Step(c, Axis4);
        if (Rank == 5) return c;
        c = Step(c, Axis5);
        if (Rank == 6) return c;
        c = Step(c, Axis6);
        if (Rank == 7) return c;
        return Step(c, Axis7);
    }

    private static StridedCursor Step(StridedCursor c, StridedAxis a)
    {
        int q = c.Rest / a.Size;
        int i = c.Rest - q * a.Size;
        return new StridedCursor(q, c.Offset0 + i * a.Stride0, c.Offset1 + i * a.Stride1, c.Offset2 + i * a.Stride2);
    }

    /// <summary>
    /// Builds the index of <paramref name="shape"/> read through up to three layouts (missing ones get
    /// stride 0), merging axes that are contiguous in all of them.
    /// </summary>
    public static StridedIndex Create(string op, int[] shape, StridedLayout l0, StridedLayout? l1 = null, StridedLayout? l2 = null)
    {
        var axes = new List<StridedAxis>();   // outermost first while merging
        for (int k = 0; k < shape.Length; k++)
        {
            if (shape[k] == 1) continue;
            var axis = new StridedAxis(shape[k], l0.Strides[k], l1?.Strides[k] ?? 0, l2?.Strides[k] ?? 0);
            if (axes.Count > 0)
            {
                var outer = axes[^1];
                if (outer.Stride0 == axis.Stride0 * axis.Size && outer.Stride1 == axis.Stride1 * axis.Size
                    && outer.Stride2 == axis.Stride2 * axis.Size)
                {
                    axes[^1] = axis with { Size = outer.Size * axis.Size };
                    continue;
                }
            }
            axes.Add(axis);
        }
        if (axes.Count == 0) axes.Add(new StridedAxis(1, 0, 0, 0));
        if (axes.Count > MaxRank)
            throw new NotSupportedException(
                $"{op} on the GPU: the layouts of shape [{string.Join(", ", shape)}] leave {axes.Count} axes that cannot be merged; " +
                $"the GPU kernels handle at most {MaxRank}. Call Contiguous() on the input first.");
        axes.Reverse();
        var index = new StridedIndex { Rank = axes.Count, Offset0 = l0.Offset, Offset1 = l1?.Offset ?? 0, Offset2 = l2?.Offset ?? 0 };
        StridedAxis At(int k) => k < axes.Count ? axes[k] : new StridedAxis(1, 0, 0, 0);
        (index.Axis0, index.Axis1, index.Axis2, index.Axis3) = (At(0), At(1), At(2), At(3));
        (index.Axis4, index.Axis5, index.Axis6, index.Axis7) = (At(4), At(5), At(6), At(7));
        return index;
    }
}

/// <summary>The kernels of the ILGPU backend: static methods compiled by ILGPU for each accelerator.</summary>
internal static partial class IlgpuKernels
{
    /// <summary><c>dst[i] = f(x[i]; p, q)</c>, x read through its strides.</summary>
    public static void UnaryKernel(Index1D i, ArrayView<float> x, ArrayView<float> dst, StridedIndex index, UnaryOp op, float p, float q) =>
        dst[i] = Unary(op, x[index.Locate(i).Offset0], p, q);

    /// <summary><c>dst[i] = f(a[i], b[i])</c>; a is operand 0, b operand 1 of the index.</summary>
    public static void BinaryKernel(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> dst, StridedIndex index, BinaryOp op)
    {
        var at = index.Locate(i);
        dst[i] = Binary(op, a[at.Offset0], b[at.Offset1]);
    }

    /// <summary><c>dst[i] = cond[i] ≠ 0 ? a[i] : b[i]</c>.</summary>
    public static void WhereKernel(Index1D i, ArrayView<float> condition, ArrayView<float> a, ArrayView<float> b, ArrayView<float> dst, StridedIndex index)
    {
        var at = index.Locate(i);
        dst[i] = condition[at.Offset0] != 0 ? a[at.Offset1] : b[at.Offset2];
    }

    /// <summary>Strided to strided copy: operand 0 is the source, operand 1 the destination.</summary>
    public static void CopyKernel(Index1D i, ArrayView<float> source, ArrayView<float> destination, StridedIndex index)
    {
        var at = index.Locate(i);
        destination[at.Offset1] = source[at.Offset0];
    }

    /// <summary>Writes a value into the strided elements of operand 0.</summary>
    public static void FillKernel(Index1D i, ArrayView<float> destination, StridedIndex index, float value) =>
        destination[index.Locate(i).Offset0] = value;

    /// <summary>Element i of a counter-based random fill (<see cref="Philox.Draw"/>), the same numbers as every other backend's.</summary>
    public static void RandomKernel(Index1D i, ArrayView<float> destination, RandomDistribution distribution, ulong seed, float p, float q) =>
        destination[i] = Philox.Draw(distribution, seed, i, p, q);

    /// <summary>The unary ops, as <see cref="Cpu.ElementwiseKernels.Scalar(UnaryOp, float, float)"/> and the CPU's span kernels define them.</summary>
    public static float Unary(UnaryOp op, float x, float p, float q)
    {
        switch (op)
        {
            case UnaryOp.Neg: return -x;
            case UnaryOp.Exp: return IlgpuMath.Exp(x);
            case UnaryOp.Log: return IlgpuMath.Log(x);
            case UnaryOp.Sqrt: return MathF.Sqrt(x);
            case UnaryOp.Abs: return MathF.Abs(x);
            case UnaryOp.Sign: return x > 0 ? 1f : x < 0 ? -1f : 0f;
            case UnaryOp.ReLU: return MathF.Max(x, 0f);
            case UnaryOp.LeakyReLU: return x > 0 ? x : p * x;
            case UnaryOp.Sigmoid: return 1f / (1f + IlgpuMath.Exp(-x));
            case UnaryOp.Tanh: return IlgpuMath.Tanh(x);
            case UnaryOp.GELU: return x * IlgpuMath.NormalCdf(x);
            case UnaryOp.Erf: return IlgpuMath.Erf(x);
            case UnaryOp.Floor: return IlgpuMath.Floor(x);
            case UnaryOp.Pow: return IlgpuMath.Pow(x, p);
            case UnaryOp.Clamp: return MathF.Min(MathF.Max(x, p), q);
            case UnaryOp.Affine: return p * x + q;
            case UnaryOp.ScalarDivide: return p / x;
            default: return float.NaN;   // unreachable: the host checks the op
        }
    }

    /// <summary>The binary ops, as <see cref="Cpu.ElementwiseKernels.Scalar(BinaryOp, float, float)"/> defines them.</summary>
    public static float Binary(BinaryOp op, float a, float b)
    {
        switch (op)
        {
            case BinaryOp.Add: return a + b;
            case BinaryOp.Sub: return a - b;
            case BinaryOp.Mul: return a * b;
            case BinaryOp.Div: return a / b;
            case BinaryOp.Pow: return IlgpuMath.Pow(a, b);
            case BinaryOp.Max: return MathF.Max(a, b);
            case BinaryOp.Min: return MathF.Min(a, b);
            case BinaryOp.Eq: return a == b ? 1f : 0f;
            case BinaryOp.Ne: return a != b ? 1f : 0f;
            case BinaryOp.Lt: return a < b ? 1f : 0f;
            case BinaryOp.Le: return a <= b ? 1f : 0f;
            case BinaryOp.Gt: return a > b ? 1f : 0f;
            case BinaryOp.Ge: return a >= b ? 1f : 0f;
            default: return float.NaN;   // unreachable: the host checks the op
        }
    }
}
