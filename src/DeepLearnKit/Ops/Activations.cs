// Activation functions and the (numerically stable) softmax family, forward and backward together.
using DeepLearnKit.Backends;

namespace DeepLearnKit;

public sealed partial class Tensor
{
    /// <summary><c>max(x, 0)</c>. ∂/∂x = 1 where x &gt; 0, else 0.</summary>
    public Tensor ReLU()
    {
        var x = this;
        return Autograd.Record(UnaryKernel(UnaryOp.ReLU), "ReLU", [x], g => [BinaryKernel("ReLU", BinaryOp.ReLUGrad, g, x)]);
    }

    /// <summary><c>x if x &gt; 0 else slope·x</c>. ∂/∂x = 1 or slope.</summary>
    public Tensor LeakyReLU(float negativeSlope = 0.01f)
    {
        var x = this;
        return Autograd.Record(UnaryKernel(UnaryOp.LeakyReLU, negativeSlope), "LeakyReLU", [x],
            g => [g * x.UnaryKernel(UnaryOp.LeakyReLUGrad, negativeSlope)]);
    }

    /// <summary><c>σ(x) = 1 / (1 + e⁻ˣ)</c>. ∂/∂x = σ(x)(1 − σ(x)).</summary>
    public Tensor Sigmoid()
    {
        var y = UnaryKernel(UnaryOp.Sigmoid);
        return Autograd.Record(y, "Sigmoid", [this], g => [BinaryKernel("Sigmoid", BinaryOp.SigmoidGrad, g, y)]);
    }

    /// <summary><c>tanh x</c>. ∂/∂x = 1 − tanh²x.</summary>
    public Tensor Tanh()
    {
        var y = UnaryKernel(UnaryOp.Tanh);
        return Autograd.Record(y, "Tanh", [this], g => [BinaryKernel("Tanh", BinaryOp.TanhGrad, g, y)]);
    }

    /// <summary><c>GELU(x) = x·Φ(x)</c> (exact, with erf). ∂/∂x = Φ(x) + x·φ(x).</summary>
    public Tensor GELU()
    {
        var x = this;
        return Autograd.Record(UnaryKernel(UnaryOp.GELU), "GELU", [x], g => [g * x.UnaryKernel(UnaryOp.GELUGrad)]);
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
