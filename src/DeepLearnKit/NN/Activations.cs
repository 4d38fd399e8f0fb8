// Activation functions as modules, for Sequential.
namespace DeepLearnKit.NN;

/// <summary><c>max(x, 0)</c>.</summary>
public sealed class ReLU : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.ReLU();
}

/// <summary><c>x if x &gt; 0 else slope·x</c>.</summary>
public sealed class LeakyReLU(float negativeSlope = 0.01f) : Module
{
    /// <summary>The slope for negative inputs.</summary>
    public float NegativeSlope { get; } = negativeSlope;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.LeakyReLU(NegativeSlope);

    /// <inheritdoc/>
    protected override string ExtraRepr => $"{NegativeSlope}";
}

/// <summary><c>1 / (1 + e⁻ˣ)</c>.</summary>
public sealed class Sigmoid : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}

/// <summary><c>tanh x</c>.</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Tanh();
}

/// <summary><c>x·Φ(x)</c>.</summary>
public sealed class GELU : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.GELU();
}

/// <summary>Softmax along <see cref="Dim"/>.</summary>
public sealed class Softmax(int dim = -1) : Module
{
    /// <summary>The dim that sums to 1.</summary>
    public int Dim { get; } = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Softmax(Dim);
}

/// <summary>Log-softmax along <see cref="Dim"/>.</summary>
public sealed class LogSoftmax(int dim = -1) : Module
{
    /// <summary>The dim normalised over.</summary>
    public int Dim { get; } = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.LogSoftmax(Dim);
}

/// <summary>Merges dims StartDim..EndDim (default: all but the batch dim).</summary>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module
{
    /// <summary>First merged dim.</summary>
    public int StartDim { get; } = startDim;

    /// <summary>Last merged dim.</summary>
    public int EndDim { get; } = endDim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Flatten(StartDim, EndDim);
}

/// <summary>Inverted dropout with probability P in training mode; the identity in evaluation mode.</summary>
public sealed class Dropout : Module
{
    /// <summary>Dropout with drop probability <paramref name="p"/> ∈ [0, 1).</summary>
    public Dropout(float p = 0.5f)
    {
        if (p < 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: p must be in [0, 1), got {p}.");
        P = p;
    }

    /// <summary>The probability of zeroing an element.</summary>
    public float P { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Dropout(P, IsTraining);

    /// <inheritdoc/>
    protected override string ExtraRepr => $"p={P}";
}
