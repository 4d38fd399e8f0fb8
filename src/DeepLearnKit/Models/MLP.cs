// The multi-layer perceptron of chapter 04: fully connected layers with a nonlinearity between them, and
// optionally batch norm (Ioffe & Szegedy 2015) and dropout (Srivastava et al. 2014) in each hidden layer.
// Reference: Rumelhart, Hinton & Williams 1986, "Learning representations by back-propagating errors".
using DeepLearnKit.NN;

namespace DeepLearnKit.Models;

/// <summary>
/// A configurable MLP: <c>new MLP(784, [256, 128], 10)</c> is
/// <c>Flatten → Linear(784→256) → ReLU → Linear(256→128) → ReLU → Linear(128→10)</c>.
/// Each hidden layer is <c>Linear → [BatchNorm1d] → activation → [Dropout]</c>; the last layer is a plain Linear
/// (logits, for <c>Loss.CrossEntropy</c>). The input [N, …] is flattened from dim 1, so images
/// [N, 1, 28, 28] go in as they come. Children: <c>layers</c>, a <see cref="Sequential"/>.
/// </summary>
public sealed class MLP : Module
{
    /// <summary>An MLP from <paramref name="inFeatures"/> through <paramref name="hiddenSizes"/> to <paramref name="outFeatures"/>.</summary>
    /// <param name="inFeatures">Features per example after flattening (784 for 28×28 images).</param>
    /// <param name="hiddenSizes">The width of each hidden layer, in order (empty: a linear model).</param>
    /// <param name="outFeatures">Outputs (classes, or 1 for a regression or a discriminator's logit).</param>
    /// <param name="activation">Makes each hidden layer's nonlinearity (default: <c>() =&gt; new ReLU()</c>).</param>
    /// <param name="dropout">Dropout probability after each hidden activation (0: none).</param>
    /// <param name="batchNorm">Whether each hidden Linear is followed by a <see cref="BatchNorm1d"/>.</param>
    public MLP(int inFeatures, int[] hiddenSizes, int outFeatures, Func<Module>? activation = null, float dropout = 0, bool batchNorm = false)
    {
        if (inFeatures < 1 || outFeatures < 1 || hiddenSizes.Any(h => h < 1))
            throw new ArgumentException($"MLP: sizes must be positive, got {inFeatures} → [{string.Join(", ", hiddenSizes)}] → {outFeatures}.");
        activation ??= () => new ReLU();
        (InFeatures, HiddenSizes, OutFeatures) = (inFeatures, (int[])hiddenSizes.Clone(), outFeatures);

        Layers = new Sequential(new Flatten());   // (N, …) -> (N, in)
        int width = inFeatures;
        foreach (int hidden in hiddenSizes)
        {
            Layers.Add(new Linear(width, hidden));   // (N, width) -> (N, hidden)
            if (batchNorm) Layers.Add(new BatchNorm1d(hidden));
            Layers.Add(activation());
            if (dropout > 0) Layers.Add(new Dropout(dropout));
            width = hidden;
        }
        Layers.Add(new Linear(width, outFeatures));  // (N, width) -> (N, out)
        RegisterModule("layers", Layers);
    }

    /// <summary>Features per example after flattening.</summary>
    public int InFeatures { get; }

    /// <summary>The hidden layers' widths.</summary>
    public IReadOnlyList<int> HiddenSizes { get; }

    /// <summary>Outputs per example.</summary>
    public int OutFeatures { get; }

    /// <summary>Flatten, then each layer in order.</summary>
    public Sequential Layers { get; }

    /// <summary>x [N, …] (InFeatures elements per example) → logits [N, OutFeatures].</summary>
    public override Tensor Forward(Tensor input) => Layers.Call(input);
}
