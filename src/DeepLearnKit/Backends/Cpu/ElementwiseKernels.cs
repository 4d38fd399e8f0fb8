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
            case UnaryOp.LeakyReLU: LeakyReLU(x, d, p); break;
            case UnaryOp.Floor: TensorPrimitives.Floor(x, d); break;
            default:
                for (int i = 0; i < x.Length; i++) d[i] = Scalar(op, x[i], p);
                break;
        }
    }

    /// <summary>Leaky ReLU, <c>x or p·x</c>, vectorised.</summary>
    private static void LeakyReLU(ReadOnlySpan<float> x, Span<float> d, float p)
    {
        int i = 0, width = Vector<float>.Count;
        var slope = new Vector<float>(p);
        for (; i <= d.Length - width; i += width)
        {
            var v = new Vector<float>(x[i..]);
            var positive = Vector.GreaterThan(v, Vector<float>.Zero);
            Vector.ConditionalSelect(positive, v, v * slope).CopyTo(d[i..]);
        }
        for (; i < d.Length; i++) d[i] = Scalar(UnaryOp.LeakyReLU, x[i], p);
    }

    /// <summary>The scalar definition of every unary op; the GPU kernels and the tests follow it.</summary>
    public static float Scalar(UnaryOp op, float x, float p) => op switch
    {
        UnaryOp.Sign => x > 0 ? 1f : x < 0 ? -1f : 0f,
        UnaryOp.LeakyReLU => x > 0 ? x : p * x,
        UnaryOp.GELU => x * NormalCdf(x),
        UnaryOp.Erf => Erf(x),
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
            default:
                for (int i = 0; i < d.Length; i++) d[i] = Scalar(op, a[i], b[i]);
                break;
        }
    }

    /// <summary>
    /// The fused activation backward (<see cref="IFusedActivationGradients"/>): <c>d[i] = g[i]·f′(saved[i])</c>, vectorised
    /// where the derivative is a few arithmetic operations; GELU's, with erf, runs the scalar form.
    /// </summary>
    public static void ActivationGradient(ActivationGradient kind, float slope, ReadOnlySpan<float> g, ReadOnlySpan<float> saved, Span<float> d)
    {
        int i = 0, width = Vector<float>.Count;
        if (kind != Backends.ActivationGradient.GELU)
        {
            var one = Vector<float>.One;
            var slopes = new Vector<float>(slope);
            for (; i <= d.Length - width; i += width)
            {
                var gv = new Vector<float>(g[i..]);
                var s = new Vector<float>(saved[i..]);
                var r = kind switch
                {
                    Backends.ActivationGradient.ReLU => Vector.ConditionalSelect(Vector.GreaterThan(s, Vector<float>.Zero), gv, Vector<float>.Zero),
                    Backends.ActivationGradient.LeakyReLU => Vector.ConditionalSelect(Vector.GreaterThan(s, Vector<float>.Zero), gv, gv * slopes),
                    Backends.ActivationGradient.Sigmoid => gv * s * (one - s),
                    _ => gv * (one - s * s),
                };
                r.CopyTo(d[i..]);
            }
        }
        for (; i < d.Length; i++) d[i] = ActivationGradient(kind, slope, g[i], saved[i]);
    }

    /// <summary>The scalar form of <see cref="ActivationGradient(Backends.ActivationGradient, float, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static float ActivationGradient(ActivationGradient kind, float slope, float g, float saved) => kind switch
    {
        Backends.ActivationGradient.ReLU => saved > 0 ? g : 0f,
        Backends.ActivationGradient.LeakyReLU => saved > 0 ? g : g * slope,
        Backends.ActivationGradient.Sigmoid => g * saved * (1f - saved),
        Backends.ActivationGradient.Tanh => g * (1f - saved * saved),
        _ => g * (NormalCdf(saved) + saved * MathF.Exp(-0.5f * saved * saved) * 0.3989422804f),
    };

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
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };
}
