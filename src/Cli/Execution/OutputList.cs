// The outputs of one cell run, appended to while the cell runs and replaced in place by display updates.
using System.Text;

namespace DeepLearnKit.Cli.Execution;

/// <summary>
/// A thread-safe, ordered list of a cell's outputs. Consecutive console writes to the same stream merge into one
/// output, as Jupyter shows them; <see cref="Replace"/> redraws a display where it stands. Console text is appended to
/// a buffer (linear in what the cell writes) and kept up to <see cref="MaxConsoleCharacters"/> per cell; beyond that
/// it is dropped, and a note in the outputs says where and how much.
/// </summary>
public sealed class OutputList(int maxConsoleCharacters = OutputList.DefaultMaxConsoleCharacters)
{
    /// <summary>The console text a cell keeps by default: a million characters, more than a notebook shows readably.</summary>
    public const int DefaultMaxConsoleCharacters = 1_000_000;

    private readonly List<CellOutput> outputs = [];
    private StringBuilder? openText;  // the text of outputs[^1] while console writes still go to it
    private long consoleCharacters, droppedCharacters;
    private int truncatedAt = -1;     // where the note about dropped text goes, once some is dropped

    /// <summary>The most console characters this cell keeps.</summary>
    public int MaxConsoleCharacters { get; } = maxConsoleCharacters;

    /// <summary>Raised after any change, with the list itself (for live progress).</summary>
    public event Action<OutputList>? Changed;

    /// <summary>Appends <paramref name="output"/> and returns its position.</summary>
    public int Add(CellOutput output)
    {
        int index;
        lock (outputs)
        {
            CloseText();
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
            long room = MaxConsoleCharacters - consoleCharacters;
            if (room < text.Length)
            {
                droppedCharacters += text.Length - Math.Max(room, 0);
                text = room > 0 ? text[..(int)room] : "";
            }
            if (text.Length > 0)
            {
                consoleCharacters += text.Length;
                if (outputs.Count == 0 || outputs[^1] is not StreamOutput last || last.Name != stream)
                {
                    CloseText();
                    outputs.Add(new StreamOutput(stream, ""));
                }
                openText ??= new StringBuilder(((StreamOutput)outputs[^1]).Text);
                openText.Append(text);
            }
            if (droppedCharacters > 0 && truncatedAt < 0)
            {
                CloseText();
                truncatedAt = outputs.Count;
            }
        }
        Changed?.Invoke(this);
    }

    /// <summary>Replaces the output at <paramref name="index"/> (a display being updated).</summary>
    public void Replace(int index, CellOutput output)
    {
        lock (outputs)
        {
            if (index == outputs.Count - 1) CloseText();
            outputs[index] = output;
        }
        Changed?.Invoke(this);
    }

    /// <summary>A copy of the outputs as they are now, with the note on dropped console text where it was cut.</summary>
    public IReadOnlyList<CellOutput> Snapshot()
    {
        lock (outputs)
        {
            var copy = outputs.ToList();
            if (openText is not null) copy[^1] = ((StreamOutput)copy[^1]) with { Text = openText.ToString() };
            if (truncatedAt >= 0)
                copy.Insert(truncatedAt, new StreamOutput("stderr",
                    $"\n[dlk: console output truncated: this cell kept its first {MaxConsoleCharacters:N0} characters and dropped {droppedCharacters:N0} more.]\n"));
            return copy;
        }
    }

    /// <summary>Turns the text being appended to into the last output's text; later writes start a new output.</summary>
    private void CloseText()
    {
        if (openText is null) return;
        outputs[^1] = ((StreamOutput)outputs[^1]) with { Text = openText.ToString() };
        openText = null;
    }
}
