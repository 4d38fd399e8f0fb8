// Keras' Dense layer: a fully connected layer and its activation in one, whose input size may be left for the first
// call to tell (Keras builds a layer on its first input). The math is Linear's; the initialisation is Keras'.
namespace DeepLearnKit.NN;

/// <summary>The activation a <see cref="Dense"/> layer applies (Keras' <c>activation=</c> names, PyTorch's spelling).</summary>
public enum Activation
{
    /// <summary>None (Keras' <c>None</c> / <c>'linear'</c>): <c>f(z) = z</c>.</summary>
    None,

    /// <summary><c>max(z, 0)</c>, as the <see cref="NN.ReLU"/> module.</summary>
    ReLU,

    /// <summary><c>1 / (1 + e⁻ᶻ)</c>, as the <see cref="NN.Sigmoid"/> module.</summary>
    Sigmoid,

    /// <summary><c>tanh z</c>, as the <see cref="NN.Tanh"/> module.</summary>
    Tanh,

    /// <summary>Softmax over the last dim, as <c>new Softmax(-1)</c>.</summary>
    Softmax,

    /// <summary><c>z·Φ(z)</c>, as the <see cref="NN.GELU"/> module.</summary>
    GELU,
}

/// <summary>
/// Keras' <c>Dense(units, activation)</c>: <c>y = f(x·Wᵀ + b)</c> for x [..., InFeatures], W [Units, InFeatures],
/// b [Units] — a <see cref="Linear"/> layer followed by the activation f. Initialised as Keras does: W ~ Glorot uniform
/// U[−√(6/(in + units)), √(6/(in + units))], b = 0 (a Linear layer uses PyTorch's U[−1/√in, 1/√in] for both). Without
/// <c>inFeatures</c> the parameters are created on the first call, from the input's last dim (drawing W from
/// <see cref="Rng"/> then), so <c>Parameters()</c> is empty until then; <see cref="Module.Build"/> makes that call.
/// Parameters are named <c>weight</c> and <c>bias</c>, as Linear's, so state dicts carry over.
/// </summary>
public sealed class Dense : Module
{
    /// <summary>A layer of <paramref name="units"/> outputs; <paramref name="inFeatures"/> null: learnt from the first input.</summary>
    public Dense(int units, Activation activation = Activation.None, int? inFeatures = null, bool bias = true)
    {
        if (units < 1) throw new ArgumentOutOfRangeException(nameof(units), $"Dense: units must be positive, got {units}.");
        if (inFeatures is < 1) throw new ArgumentOutOfRangeException(nameof(inFeatures), $"Dense: inFeatures must be positive, got {inFeatures}.");
        Units = units;
        Activation = activation;
        HasBias = bias;
        if (inFeatures is { } n) Build(n);
    }

    /// <summary>Output size.</summary>
    public int Units { get; }

    /// <summary>The activation f.</summary>
    public Activation Activation { get; }

    /// <summary>Whether the layer adds a bias.</summary>
    public bool HasBias { get; }

    /// <summary>Input size, or null before the first call.</summary>
    public int? InFeatures { get; private set; }

    /// <summary>W, [Units, InFeatures], or null before the first call.</summary>
    public Tensor? Weight { get; private set; }

    /// <summary>b, [Units], or null (no bias, or before the first call).</summary>
    public Tensor? Bias { get; private set; }

    /// <summary>True once the parameters exist.</summary>
    public bool IsBuilt => InFeatures is not null;

    private void Build(int inFeatures)
    {
        InFeatures = inFeatures;
        Weight = RegisterParameter("weight", Init.XavierUniform([Units, inFeatures]));
        Bias = HasBias ? RegisterParameter("bias", Tensor.Zeros(Units)) : null;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (input.Rank == 0)
            throw new ArgumentException($"Dense: expected an input [..., features], got a scalar.");
        if (!IsBuilt)
        {
            Build(input.Size(-1));
            Weight!.MoveStorageTo(input.Device);
            Bias?.MoveStorageTo(input.Device);
        }
        if (input.Size(-1) != InFeatures)
            throw new ArgumentException($"Dense: expected an input with last dimension {InFeatures}, got shape {Shapes.Format(input.Shape)}.");
        var z = Bias is null ? input.MatMul(Weight!.T) : Tensor.AddMatMul(Bias, input, Weight!.T); // x·Wᵀ + b in one GEMM
        return Activation switch
        {
            Activation.None => z,
            Activation.ReLU => z.ReLU(),
            Activation.Sigmoid => z.Sigmoid(),
            Activation.Tanh => z.Tanh(),
            Activation.Softmax => z.Softmax(-1),
            Activation.GELU => z.GELU(),
            _ => throw new ArgumentOutOfRangeException(nameof(Activation), $"Dense: unknown activation {Activation}."),
        };
    }

    /// <inheritdoc/>
    protected override string ExtraRepr =>
        $"{(InFeatures is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?")}→{Units}" +
        (Activation == Activation.None ? "" : $", {Activation}") + (HasBias ? "" : ", bias: false");
}
