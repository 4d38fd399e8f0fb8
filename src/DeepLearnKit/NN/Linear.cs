// The fully connected layer.
namespace DeepLearnKit.NN;

/// <summary>
/// <c>y = x·Wᵀ + b</c> for x [..., InFeatures], W [OutFeatures, InFeatures], b [OutFeatures]; initialised as
/// PyTorch's (U[−1/√in, 1/√in]).
/// </summary>
public sealed class Linear : Module
{
    /// <summary>A layer from <paramref name="inFeatures"/> to <paramref name="outFeatures"/>, with a bias unless told otherwise.</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Init.DefaultWeight([outFeatures, inFeatures]));
        Bias = bias ? RegisterParameter("bias", Init.DefaultBias(outFeatures, inFeatures)) : null;
    }

    /// <summary>Input size.</summary>
    public int InFeatures { get; }

    /// <summary>Output size.</summary>
    public int OutFeatures { get; }

    /// <summary>W, [OutFeatures, InFeatures].</summary>
    public Tensor Weight { get; }

    /// <summary>b, [OutFeatures], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (input.Rank == 0 || input.Size(-1) != InFeatures)
            throw new ArgumentException($"Linear: expected an input with last dimension {InFeatures}, got shape [{string.Join(", ", input.Shape)}].");
        return Bias is null ? input.MatMul(Weight.T) : Tensor.AddMatMul(Bias, input, Weight.T); // x·Wᵀ + b in one GEMM
    }

    /// <inheritdoc/>
    protected override string ExtraRepr => $"{InFeatures}→{OutFeatures}" + (Bias is null ? ", bias: false" : "");
}
