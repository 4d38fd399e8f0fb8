// What a data set is to the rest of the engine: numbered examples, each an (input, target) pair.
namespace DeepLearnKit.Data;

/// <summary>One example or one batch: inputs X and targets Y (class indices stored as floats, or values).</summary>
/// <param name="Inputs">X, e.g. [N, 1, 28, 28] images.</param>
/// <param name="Targets">Y, e.g. [N] class indices.</param>
public readonly record struct Batch(Tensor Inputs, Tensor Targets)
{
    /// <summary>The number of examples (the first dim of <see cref="Inputs"/>).</summary>
    public int Count => Inputs.Size(0);
}

/// <summary>A finite, indexable set of examples (PyTorch's map-style Dataset).</summary>
public interface IDataset
{
    /// <summary>The number of examples.</summary>
    int Count { get; }

    /// <summary>Example <paramref name="index"/>: an input (no batch dim) and its target.</summary>
    Batch this[int index] { get; }

    /// <summary>
    /// The examples at <paramref name="indices"/> stacked into one batch (inputs [n, …], targets [n, …]).
    /// Implementations over one big tensor override this with a single gather.
    /// </summary>
    Batch GetBatch(IReadOnlyList<int> indices)
    {
        var items = indices.Select(i => this[i]).ToArray();
        return new Batch(Tensor.Stack(items.Select(b => b.Inputs).ToArray()), Tensor.Stack(items.Select(b => b.Targets).ToArray()));
    }
}
