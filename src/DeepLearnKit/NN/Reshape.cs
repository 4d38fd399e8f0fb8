// Keras' Reshape(target_shape): reshapes each sample and keeps the batch dimension.
namespace DeepLearnKit.NN;

/// <summary>
/// Reshapes each sample, as Keras' <c>Reshape(target_shape)</c>: an input [N, d₁, …] becomes [N, <see cref="TargetShape"/>…],
/// with the same elements in the same (row-major) order. One entry of the target may be −1: it is worked out so that
/// the product of the target equals d₁·d₂·…; an input whose per-sample element count does not fit is an error naming
/// Reshape, the input shape and the target.
/// </summary>
public sealed class Reshape : Module
{
    /// <summary>A reshape of each sample to <paramref name="targetShape"/> (positive sizes, at most one −1).</summary>
    public Reshape(params int[] targetShape)
    {
        if (targetShape.Length == 0 || targetShape.Any(d => d == 0 || d < -1) || targetShape.Count(d => d == -1) > 1)
            throw new ArgumentException($"Reshape: the target shape must be positive sizes with at most one −1, got {Shapes.Format(targetShape)}.", nameof(targetShape));
        TargetShape = (int[])targetShape.Clone();
    }

    /// <summary>The shape of each sample after the reshape (one entry may be −1).</summary>
    public IReadOnlyList<int> TargetShape { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (input.Rank == 0)
            throw new ArgumentException($"Reshape: expected an input with a batch dimension, got a scalar for target {Shapes.Format([.. TargetShape])}.");
        long perSample = 1;
        for (int d = 1; d < input.Rank; d++) perSample *= input.Size(d);
        long known = TargetShape.Where(d => d != -1).Aggregate(1L, (a, d) => a * d);
        bool fits = TargetShape.Contains(-1) ? known > 0 && perSample % known == 0 : known == perSample;
        if (!fits)
            throw new ArgumentException($"Reshape: an input {Shapes.Format(input.Shape)} has {perSample} elements per sample, which do not fit the target shape {Shapes.Format([.. TargetShape])}.");
        return input.Reshape([input.Size(0), .. TargetShape.Select(d => d == -1 ? (int)(perSample / known) : d)]);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr => Shapes.Format([.. TargetShape]);
}
