// Cutting a data set into mini-batches, shuffled per epoch from the seeded Rng (PyTorch's DataLoader).
using System.Collections;

namespace DeepLearnKit.Data;

/// <summary>
/// Yields the examples of a data set in mini-batches of <see cref="BatchSize"/>. Each enumeration is one epoch:
/// with <see cref="Shuffle"/> it draws a fresh permutation from <see cref="Rng"/> (so <c>Rng.Seed</c> makes the epochs
/// repeatable), otherwise it goes in index order. Every example appears exactly once per epoch; the last batch is
/// smaller unless <see cref="DropLast"/> drops it.
/// </summary>
/// <example><code>
/// var loader = new DataLoader(FashionMnist.Load(), batchSize: 64, shuffle: true)
/// {
///     Transform = Augment.Compose(Augment.RandomHorizontalFlip(), Augment.RandomCrop(padding: 2)),
/// };
/// foreach (var (x, y) in loader) { /* x: [64, 1, 28, 28], y: [64] */ }
/// </code></example>
public sealed class DataLoader : IReadOnlyCollection<Batch>
{
    /// <summary>Batches <paramref name="dataset"/> by <paramref name="batchSize"/> examples.</summary>
    public DataLoader(IDataset dataset, int batchSize, bool shuffle = false, bool dropLast = false)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"DataLoader: batchSize must be positive, got {batchSize}.");
        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
    }

    /// <summary>The data set being batched.</summary>
    public IDataset Dataset { get; }

    /// <summary>Examples per batch (the last one may hold fewer unless <see cref="DropLast"/>).</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch visits the examples in a fresh random order.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether an incomplete last batch is left out.</summary>
    public bool DropLast { get; }

    /// <summary>Where batches are moved before they are yielded (null: left where the data set keeps them).</summary>
    public Device? Device { get; init; }

    /// <summary>Applied to each batch's inputs after loading, e.g. an <see cref="Augment"/> pipeline (null: none).</summary>
    public Func<Tensor, Tensor>? Transform { get; init; }

    /// <summary>The number of batches per epoch: ⌊N / B⌋ with <see cref="DropLast"/>, else ⌈N / B⌉.</summary>
    public int Count => DropLast ? Dataset.Count / BatchSize : (Dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>One epoch of batches.</summary>
    public IEnumerator<Batch> GetEnumerator()
    {
        int n = Dataset.Count;
        var order = Shuffle ? Rng.Permutation(n) : Enumerable.Range(0, n).ToArray();
        for (int b = 0; b < Count; b++)
        {
            int start = b * BatchSize;
            var indices = new ArraySegment<int>(order, start, Math.Min(BatchSize, n - start));
            var batch = Dataset.GetBatch(indices);
            if (Transform is not null) batch = batch with { Inputs = Transform(batch.Inputs) };
            if (Device is { } device) batch = new Batch(batch.Inputs.To(device), batch.Targets.To(device));
            yield return batch;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() =>
        $"DataLoader({Dataset.Count} examples, batch {BatchSize}, {Count} batches{(Shuffle ? ", shuffled" : "")}{(DropLast ? ", drop last" : "")})";
}
