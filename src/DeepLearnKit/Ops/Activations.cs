// Activation functions and the (numerically stable) softmax family, forward and backward together. Each
// backward is written as its formula (g * y * (1 - y)); a backend with a fused kernel for it computes the same
// product in one pass instead (FusedGradient), and the device op suite checks that the two agree.
using DeepLearnKit.Backends;

namespace DeepLearnKit;

public sealed partial class Tensor
{
    /// <summary><c>max(x, 0)</c>. ∂/∂x = 1 where x &gt; 0, else 0.</summary>
    public Tensor ReLU()
    {
        var x = this;
        return Autograd.Record(UnaryKernel(UnaryOp.ReLU), "ReLU", [x],
            g => [FusedGradient(ActivationGradient.ReLU, g, x) ?? g * (x > 0)]);
    }

    /// <summary><c>x if x &gt; 0 else slope·x</c>. ∂/∂x = 1 or slope.</summary>
    public Tensor LeakyReLU(float negativeSlope = 0.01f)
    {
        var x = this;
        return Autograd.Record(UnaryKernel(UnaryOp.LeakyReLU, negativeSlope), "LeakyReLU", [x],
            g => [FusedGradient(ActivationGradient.LeakyReLU, g, x, negativeSlope) ?? Where(x > 0, g, negativeSlope * g)]);
    }

    /// <summary><c>σ(x) = 1 / (1 + e⁻ˣ)</c>. ∂/∂x = σ(x)(1 − σ(x)).</summary>
    public Tensor Sigmoid()
    {
        var y = UnaryKernel(UnaryOp.Sigmoid);
        return Autograd.Record(y, "Sigmoid", [this], g => [FusedGradient(ActivationGradient.Sigmoid, g, y) ?? g * y * (1 - y)]);
    }

    /// <summary><c>tanh x</c>. ∂/∂x = 1 − tanh²x.</summary>
    public Tensor Tanh()
    {
        var y = UnaryKernel(UnaryOp.Tanh);
        return Autograd.Record(y, "Tanh", [this], g => [FusedGradient(ActivationGradient.Tanh, g, y) ?? g * (1 - y * y)]);
    }

    /// <summary><c>GELU(x) = x·Φ(x)</c> (exact, with erf). ∂/∂x = Φ(x) + x·φ(x), Φ the standard normal CDF and φ its density.</summary>
    public Tensor GELU()
    {
        var x = this;
        return Autograd.Record(UnaryKernel(UnaryOp.GELU), "GELU", [x], g =>
        {
            if (FusedGradient(ActivationGradient.GELU, g, x) is { } fused) return [fused];
            var cdf = 0.5f * (1 + (x * (1 / MathF.Sqrt(2))).Erf());
            var density = (-0.5f * x * x).Exp() * (1 / MathF.Sqrt(2 * MathF.PI));
            return [g * (cdf + x * density)];
        });
    }

    /// <summary>
    /// <c>g·f′(saved)</c> in one pass when the backend has a fused kernel for it (<see cref="IFusedActivationGradients"/>),
    /// else null, and the caller's formula computes the same product from ordinary ops.
    /// </summary>
    private static Tensor? FusedGradient(ActivationGradient kind, Tensor g, Tensor saved, float slope = 0)
    {
        if (g.Backend is not IFusedActivationGradients fused || g.NumEl == 0 || !Shapes.Equal(g.dims, saved.dims)) return null;
        var result = Uninitialized(g.Shape, g.Device, kind.ToString());
        fused.ActivationGradient(kind, slope, g.storage, g.Layout, saved.storage, saved.Layout, result.storage);
        return result;
    }

    /// <summary>
    /// <c>softmax(x)ᵢ = e^(xᵢ − m) / Σⱼ e^(xⱼ − m)</c> along <paramref name="dim"/>, with m = max x (so no overflow).
    /// Backward: <c>∂L/∂x = y ⊙ (g − Σ g ⊙ y)</c>.
    /// </summary>
    public Tensor Softmax(int dim = -1)
    {
        Shapes.NormalizeDim("Softmax", dim, Rank);
        Tensor y;
        using (NoGrad())
        {
            if (NumEl == 0) y = Empty(Shape, Device); // an empty dim has no max to subtract
            else
            {
                var e = (this - Max(dim, keepDim: true)).Exp();
                y = e / e.Sum(dim, keepDim: true);
            }
        }
        return Autograd.Record(y, "Softmax", [this], g => [y * (g - (g * y).Sum(dim, keepDim: true))]);
    }

    /// <summary>
    /// <c>log softmax(x)ᵢ = xᵢ − logΣⱼ e^(xⱼ)</c> along <paramref name="dim"/>, computed stably.
    /// Backward: <c>∂L/∂x = g − softmax(x)·Σ g</c>.
    /// </summary>
    public Tensor LogSoftmax(int dim = -1)
    {
        Shapes.NormalizeDim("LogSoftmax", dim, Rank);
        Tensor y;
        using (NoGrad()) y = this - LogSumExp(dim, keepDim: true);
        return Autograd.Record(y, "LogSoftmax", [this], g => [g - y.Exp() * g.Sum(dim, keepDim: true)]);
    }
}
