// The outputs of one cell run, appended to while the cell runs and replaced in place by display updates.
namespace DeepLearnKit.Cli.Execution;

/// <summary>
/// A thread-safe, ordered list of a cell's outputs. Consecutive console writes to the same stream merge into one
/// output, as Jupyter shows them; <see cref="Replace"/> redraws a display where it stands.
/// </summary>
public sealed class OutputList
{
    private readonly List<CellOutput> outputs = [];

    /// <summary>Raised after any change, with the list itself (for live progress).</summary>
    public event Action<OutputList>? Changed;

    /// <summary>Appends <paramref name="output"/> and returns its position.</summary>
    public int Add(CellOutput output)
    {
        int index;
        lock (outputs)
        {
            outputs.Add(output);
            index = outputs.Count - 1;
        }
        Changed?.Invoke(this);
        return index;
    }

    /// <summary>Appends console text, merged into the previous output when that is text of the same stream.</summary>
    public void Write(string stream, string text)
    {
        if (text.Length == 0) return;
        lock (outputs)
        {
            if (outputs.Count > 0 && outputs[^1] is StreamOutput last && last.Name == stream)
                outputs[^1] = last with { Text = last.Text + text };
            else
                outputs.Add(new StreamOutput(stream, text));
        }
        Changed?.Invoke(this);
    }

    /// <summary>Replaces the output at <paramref name="index"/> (a display being updated).</summary>
    public void Replace(int index, CellOutput output)
    {
        lock (outputs) outputs[index] = output;
        Changed?.Invoke(this);
    }

    /// <summary>A copy of the outputs as they are now.</summary>
    public IReadOnlyList<CellOutput> Snapshot()
    {
        lock (outputs) return outputs.ToArray();
    }
}
