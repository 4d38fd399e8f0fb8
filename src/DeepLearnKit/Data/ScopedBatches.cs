// A training loop's steps with stated lifetimes: each batch, and every tensor made while the loop body
// handles it, is released when the loop moves on to the next batch.
namespace DeepLearnKit.Data;

/// <summary>Batches that each come with their own <see cref="TensorScope"/>.</summary>
public static class ScopedBatches
{
    /// <summary>
    /// The same batches, each fetched inside a new <see cref="TensorScope"/> that stays open while the loop body runs
    /// and is released when the loop asks for the next batch, so the next step reuses its memory. After the loop ends
    /// (or breaks, or throws), the last step's tensors are left to the garbage collector: the final loss and gradients
    /// can still be read. <c>foreach (var (x, y) in loader.Scoped()) { optimizer.ZeroGrad(); … optimizer.Step(); }</c>.
    /// A tensor from an earlier step that is used later must be <see cref="Tensor.Keep"/>-ed during its step.
    /// </summary>
    public static IEnumerable<Batch> Scoped(this IEnumerable<Batch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        return Iterate(batches);
    }

    private static IEnumerable<Batch> Iterate(IEnumerable<Batch> batches)
    {
        TensorScope? previous = null;
        using var e = batches.GetEnumerator();
        try
        {
            while (true)
            {
                previous?.Close();             // the body is done with it; it is released once the next batch is here
                var scope = Tensor.Scope();
                if (!e.MoveNext())
                {
                    scope.Dispose();
                    yield break;
                }
                previous?.Dispose();
                previous = scope;
                yield return e.Current;
            }
        }
        finally
        {
            previous?.Abandon();
        }
    }
}
