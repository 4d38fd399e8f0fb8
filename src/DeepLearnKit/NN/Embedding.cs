// The lookup table that turns token ids into vectors (char-RNN, tiny GPT).
namespace DeepLearnKit.NN;

/// <summary>
/// A table of <see cref="NumEmbeddings"/> learnable vectors of length <see cref="EmbeddingDim"/>, as PyTorch's
/// <c>nn.Embedding</c>: <c>y[…, :] = W[id[…], :]</c>. Ids are integers stored as floats, of any shape; the output
/// has that shape plus [EmbeddingDim]. It equals a one-hot row times W, so the gradient of W's row i is the sum
/// of the output gradients at every position whose id is i (repeated ids accumulate).
/// W [NumEmbeddings, EmbeddingDim] starts as N(0, 1), as PyTorch's.
/// </summary>
public sealed class Embedding : Module
{
    /// <summary>A table of <paramref name="numEmbeddings"/> vectors of length <paramref name="embeddingDim"/>.</summary>
    public Embedding(int numEmbeddings, int embeddingDim)
    {
        if (numEmbeddings < 1 || embeddingDim < 1)
            throw new ArgumentOutOfRangeException(nameof(numEmbeddings), $"Embedding: sizes must be positive, got {numEmbeddings} embeddings of dim {embeddingDim}.");
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        Weight = RegisterParameter("weight", Init.Normal([numEmbeddings, embeddingDim]));
    }

    /// <summary>The vocabulary size: valid ids are 0 … NumEmbeddings − 1.</summary>
    public int NumEmbeddings { get; }

    /// <summary>The length of each vector.</summary>
    public int EmbeddingDim { get; }

    /// <summary>W, [NumEmbeddings, EmbeddingDim].</summary>
    public Tensor Weight { get; }

    /// <summary>Looks up the rows of <paramref name="input"/>'s ids: [shape] → [shape…, EmbeddingDim].</summary>
    public override Tensor Forward(Tensor input)
    {
        var ids = input.Detach().Reshape(-1);                     // [n]: ids carry no gradient
        Tensor.CheckIndexValues(ids, NumEmbeddings, nameof(input), id =>
            $"Embedding: id {id} is not an integer in [0, {NumEmbeddings - 1}] (input of shape {Shapes.Format(input.Shape)}, a table of {NumEmbeddings} embeddings).");
        var rows = Weight.SelectAlong(0, ids.To(Weight.Device).Packed());   // [n, dim], the ids checked above
        return rows.Reshape([.. input.Shape, EmbeddingDim]);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr => $"{NumEmbeddings}, {EmbeddingDim}";
}
