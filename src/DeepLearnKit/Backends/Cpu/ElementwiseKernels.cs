// Contiguous span kernels for the elementwise ops: TensorPrimitives where it has the function,
// a plain loop otherwise. The strided driver in CpuBackend.Elementwise.cs feeds them rows.
using System.Numerics;
using System.Numerics.Tensors;

namespace DeepLearnKit.Backends.Cpu;

/// <summary>Span kernels, one switch per arity, so each op is defined in exactly one place.</summary>
internal static class ElementwiseKernels
{
    public static void Unary(UnaryOp op, ReadOnlySpan<float> x, Span<float> d, float p, float q)
    {
        switch (op)
        {
            case UnaryOp.Neg: TensorPrimitives.Negate(x, d); break;
            case UnaryOp.Exp: TensorPrimitives.Exp(x, d); break;
            case UnaryOp.Log: TensorPrimitives.Log(x, d); break;
            case UnaryOp.Sqrt: TensorPrimitives.Sqrt(x, d); break;
            case UnaryOp.Abs: TensorPrimitives.Abs(x, d); break;
            case UnaryOp.Sigmoid: TensorPrimitives.Sigmoid(x, d); break;
            case UnaryOp.Tanh: TanhKernel.Tanh(x, d); break;
            case UnaryOp.ReLU: TensorPrimitives.Max(x, 0f, d); break;
            case UnaryOp.Pow: TensorPrimitives.Pow(x, p, d); break;
            case UnaryOp.Affine:
                TensorPrimitives.Multiply(x, p, d);
                if (q != 0) TensorPrimitives.Add(d, q, d);
                break;
            case UnaryOp.Clamp:
                TensorPrimitives.Max(x, p, d);
                TensorPrimitives.Min(d, q, d);
                break;
            case UnaryOp.ScalarDivide: TensorPrimitives.Divide(p, x, d); break;
            case UnaryOp.LeakyReLU or UnaryOp.LeakyReLUGrad: LeakyReLU(op, x, d, p); break;
            default:
                for (int i = 0; i < x.Length; i++) d[i] = Scalar(op, x[i], p);
                break;
        }
    }

    /// <summary>Leaky ReLU (<c>x or p·x</c>) and its derivative (<c>1 or p</c>), vectorised.</summary>
    private static void LeakyReLU(UnaryOp op, ReadOnlySpan<float> x, Span<float> d, float p)
    {
        int i = 0, width = Vector<float>.Count;
        var slope = new Vector<float>(p);
        for (; i <= d.Length - width; i += width)
        {
            var v = new Vector<float>(x[i..]);
            var positive = Vector.GreaterThan(v, Vector<float>.Zero);
            var r = op == UnaryOp.LeakyReLU
                ? Vector.ConditionalSelect(positive, v, v * slope)
                : Vector.ConditionalSelect(positive, Vector<float>.One, slope);
            r.CopyTo(d[i..]);
        }
        for (; i < d.Length; i++) d[i] = Scalar(op, x[i], p);
    }

    /// <summary>The scalar definition of every unary op; the GPU kernels and the tests follow it.</summary>
    public static float Scalar(UnaryOp op, float x, float p) => op switch
    {
        UnaryOp.Sign => x > 0 ? 1f : x < 0 ? -1f : 0f,
        UnaryOp.LeakyReLU => x > 0 ? x : p * x,
        UnaryOp.LeakyReLUGrad => x > 0 ? 1f : p,
        UnaryOp.GELU => x * NormalCdf(x),
        UnaryOp.GELUGrad => NormalCdf(x) + x * MathF.Exp(-0.5f * x * x) * 0.3989422804f,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "No scalar form for this op."),
    };

    /// <summary>Φ(x) = ½(1 + erf(x/√2)).</summary>
    public static float NormalCdf(float x) => 0.5f * (1f + Erf(x * 0.70710678f));

    /// <summary>erf(x) by Abramowitz &amp; Stegun 7.1.26 (absolute error below 1.5·10⁻⁷, below float32 resolution near 1).</summary>
    public static float Erf(float x)
    {
        float sign = x < 0 ? -1f : 1f;
        float ax = MathF.Abs(x);
        float t = 1f / (1f + 0.3275911f * ax);
        float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
        return sign * (1f - poly * MathF.Exp(-ax * ax));
    }

    public static void Binary(BinaryOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, d); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, d); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(a, b, d); break;
            case BinaryOp.Div: TensorPrimitives.Divide(a, b, d); break;
            case BinaryOp.Pow: TensorPrimitives.Pow(a, b, d); break;
            case BinaryOp.Max: TensorPrimitives.Max(a, b, d); break;
            case BinaryOp.Min: TensorPrimitives.Min(a, b, d); break;
            case BinaryOp.ReLUGrad or BinaryOp.SigmoidGrad or BinaryOp.TanhGrad: ActivationGrad(op, a, b, d); break;
            default:
                for (int i = 0; i < d.Length; i++) d[i] = Scalar(op, a[i], b[i]);
                break;
        }
    }

    /// <summary>The activations' backward ops (gradient a, saved input or output b) in one pass, vectorised.</summary>
    private static void ActivationGrad(BinaryOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d)
    {
        int i = 0, width = Vector<float>.Count;
        var one = Vector<float>.One;
        for (; i <= d.Length - width; i += width)
        {
            var g = new Vector<float>(a[i..]);
            var y = new Vector<float>(b[i..]);
            var r = op switch
            {
                BinaryOp.ReLUGrad => Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<float>.Zero), g, Vector<float>.Zero),
                BinaryOp.SigmoidGrad => g * y * (one - y),
                _ => g * (one - y * y),
            };
            r.CopyTo(d[i..]);
        }
        for (; i < d.Length; i++) d[i] = Scalar(op, a[i], b[i]);
    }

    /// <summary><c>d[i] = f(a[i], b)</c>.</summary>
    public static void BinaryScalarRight(BinaryOp op, ReadOnlySpan<float> a, float b, Span<float> d)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, d); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, d); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(a, b, d); break;
            case BinaryOp.Div: TensorPrimitives.Divide(a, b, d); break;
            case BinaryOp.Pow: TensorPrimitives.Pow(a, b, d); break;
            case BinaryOp.Max: TensorPrimitives.Max(a, b, d); break;
            case BinaryOp.Min: TensorPrimitives.Min(a, b, d); break;
            default:
                for (int i = 0; i < d.Length; i++) d[i] = Scalar(op, a[i], b);
                break;
        }
    }

    /// <summary><c>d[i] = f(a, b[i])</c>.</summary>
    public static void BinaryScalarLeft(BinaryOp op, float a, ReadOnlySpan<float> b, Span<float> d)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(b, a, d); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, d); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(b, a, d); break;
            case BinaryOp.Div: TensorPrimitives.Divide(a, b, d); break;
            case BinaryOp.Max: TensorPrimitives.Max(b, a, d); break;
            case BinaryOp.Min: TensorPrimitives.Min(b, a, d); break;
            default:
                for (int i = 0; i < d.Length; i++) d[i] = Scalar(op, a, b[i]);
                break;
        }
    }

    /// <summary>The scalar definition of every binary op.</summary>
    public static float Scalar(BinaryOp op, float a, float b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Sub => a - b,
        BinaryOp.Mul => a * b,
        BinaryOp.Div => a / b,
        BinaryOp.Pow => MathF.Pow(a, b),
        BinaryOp.Max => MathF.Max(a, b),
        BinaryOp.Min => MathF.Min(a, b),
        BinaryOp.Eq => a == b ? 1f : 0f,
        BinaryOp.Ne => a != b ? 1f : 0f,
        BinaryOp.Lt => a < b ? 1f : 0f,
        BinaryOp.Le => a <= b ? 1f : 0f,
        BinaryOp.Gt => a > b ? 1f : 0f,
        BinaryOp.Ge => a >= b ? 1f : 0f,
        BinaryOp.ReLUGrad => b > 0 ? a : 0f,
        BinaryOp.SigmoidGrad => a * b * (1f - b),
        BinaryOp.TanhGrad => a * (1f - b * b),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };
}
