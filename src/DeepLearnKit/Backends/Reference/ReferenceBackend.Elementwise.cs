// The elementwise primitives of the reference backend: each op's formula once, in float64, rounded to float32.
using MathNet.Numerics;

namespace DeepLearnKit.Backends.Reference;

internal sealed partial class ReferenceBackend
{
    public void Unary(UnaryOp op, TensorStorage x, StridedLayout layout, float p, float q, TensorStorage destination)
    {
        float[] src = Data(x), dst = Data(destination);
        int i = 0;
        foreach (var (s, _) in Elements(layout, layout)) dst[i++] = (float)Unary(op, src[s], p, q);
    }

    public void Binary(BinaryOp op, TensorStorage a, StridedLayout aLayout, TensorStorage b, StridedLayout bLayout, TensorStorage destination)
    {
        float[] A = Data(a), B = Data(b), dst = Data(destination);
        int i = 0;
        foreach (var (sa, sb) in Elements(aLayout, bLayout)) dst[i++] = (float)Binary(op, A[sa], B[sb]);
    }

    public void Where(TensorStorage condition, StridedLayout conditionLayout, TensorStorage a, StridedLayout aLayout,
        TensorStorage b, StridedLayout bLayout, TensorStorage destination)
    {
        float[] C = Data(condition), A = Data(a), B = Data(b), dst = Data(destination);
        int i = 0;
        var values = Elements(aLayout, bLayout).GetEnumerator();
        foreach (var (sc, _) in Elements(conditionLayout, conditionLayout))
        {
            values.MoveNext();
            dst[i++] = C[sc] != 0 ? A[values.Current.First] : B[values.Current.Second];
        }
    }

    private static double Unary(UnaryOp op, double x, double p, double q) => op switch
    {
        UnaryOp.Neg => -x,
        UnaryOp.Exp => Math.Exp(x),
        UnaryOp.Log => Math.Log(x),
        UnaryOp.Sqrt => Math.Sqrt(x),
        UnaryOp.Abs => Math.Abs(x),
        UnaryOp.Sign => Math.Sign(x),
        UnaryOp.ReLU => x > 0 ? x : 0,
        UnaryOp.LeakyReLU => x > 0 ? x : p * x,
        UnaryOp.Sigmoid => 1 / (1 + Math.Exp(-x)),
        UnaryOp.Tanh => Math.Tanh(x),
        UnaryOp.GELU => x * 0.5 * (1 + SpecialFunctions.Erf(x / Math.Sqrt(2))),
        UnaryOp.Erf => SpecialFunctions.Erf(x),
        UnaryOp.Floor => Math.Floor(x),
        UnaryOp.Pow => Math.Pow(x, p),
        UnaryOp.Clamp => Math.Min(Math.Max(x, p), q),
        UnaryOp.Affine => p * x + q,
        UnaryOp.ScalarDivide => p / x,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Not a unary primitive."),
    };

    private static double Binary(BinaryOp op, double a, double b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Sub => a - b,
        BinaryOp.Mul => a * b,
        BinaryOp.Div => a / b,
        BinaryOp.Pow => Math.Pow(a, b),
        BinaryOp.Max => Math.Max(a, b),
        BinaryOp.Min => Math.Min(a, b),
        BinaryOp.Eq => a == b ? 1 : 0,
        BinaryOp.Ne => a != b ? 1 : 0,
        BinaryOp.Lt => a < b ? 1 : 0,
        BinaryOp.Le => a <= b ? 1 : 0,
        BinaryOp.Gt => a > b ? 1 : 0,
        BinaryOp.Ge => a >= b ? 1 : 0,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Not a binary primitive."),
    };
}
