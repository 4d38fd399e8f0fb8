// A data set held in two tensors whose first dimension counts the examples (PyTorch's TensorDataset).
namespace DeepLearnKit.Data;

/// <summary>
/// Examples stored as rows of two tensors: example i is <c>(Inputs[i], Targets[i])</c>. A batch is one
/// <see cref="Tensor.IndexSelect"/> per tensor along dim 0, so loading a batch costs one gather, not n stacks.
/// </summary>
public sealed class TensorDataset : IDataset
{
    /// <summary>Wraps <paramref name="inputs"/> [N, …] and <paramref name="targets"/> [N, …]; their first sizes must agree.</summary>
    public TensorDataset(Tensor inputs, Tensor targets)
    {
        if (inputs.Rank == 0 || targets.Rank == 0)
            throw new ArgumentException(
                $"TensorDataset: inputs {Shapes.Format(inputs.Shape)} and targets {Shapes.Format(targets.Shape)} need a first dimension that counts the examples.");
        if (inputs.Size(0) != targets.Size(0))
            throw new ArgumentException(
                $"TensorDataset: inputs {Shapes.Format(inputs.Shape)} hold {inputs.Size(0)} examples but targets {Shapes.Format(targets.Shape)} hold {targets.Size(0)}.");
        Inputs = inputs;
        Targets = targets;
    }

    /// <summary>All inputs, [N, …].</summary>
    public Tensor Inputs { get; }

    /// <summary>All targets, [N, …] (class indices stored as floats, or values).</summary>
    public Tensor Targets { get; }

    /// <inheritdoc/>
    public int Count => Inputs.Size(0);

    /// <summary>Example <paramref name="index"/> as views <c>(Inputs[index], Targets[index])</c>.</summary>
    public Batch this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(index), $"TensorDataset: index {index} is out of range for {Count} examples.");
            return new Batch(Inputs[index], Targets[index]);
        }
    }

    /// <summary>The examples at <paramref name="indices"/>: <c>(Inputs.IndexSelect(0, idx), Targets.IndexSelect(0, idx))</c>.</summary>
    public Batch GetBatch(IReadOnlyList<int> indices)
    {
        var idx = new float[indices.Count];
        for (int i = 0; i < idx.Length; i++) idx[i] = indices[i];
        var index = Tensor.FromArray(idx, idx.Length);
        return new Batch(Inputs.IndexSelect(0, index.To(Inputs.Device)), Targets.IndexSelect(0, index.To(Targets.Device)));
    }

    /// <inheritdoc/>
    public override string ToString() => $"TensorDataset({Count} examples, inputs {Shapes.Format(Inputs.Shape)}, targets {Shapes.Format(Targets.Shape)})";
}
