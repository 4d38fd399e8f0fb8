// An LSTM's gates, cell and hidden state at every step of one sequence, recorded by running the cell step by step from
// its own weights. Data only; the formatters draw it as heatmaps.
using DeepLearnKit.NN;

namespace DeepLearnKit.Training;

/// <summary>
/// What an LSTM computed at each step t = 1 … T of one sequence x_1 … x_T (zero initial state), unit by unit:
/// <code>
/// i_t = σ(W_ii x_t + b_ii + W_hi h_(t−1) + b_hi)     f_t = σ(W_if x_t + b_if + W_hf h_(t−1) + b_hf)
/// g_t = tanh(W_ig x_t + b_ig + W_hg h_(t−1) + b_hg)  o_t = σ(W_io x_t + b_io + W_ho h_(t−1) + b_ho)
/// c_t = f_t ⊙ c_(t−1) + i_t ⊙ g_t                   h_t = o_t ⊙ tanh(c_t)
/// </code>
/// Each of <see cref="Input"/>, <see cref="Forget"/>, <see cref="Candidate"/>, <see cref="Output"/>, <see cref="Cell"/>
/// and <see cref="Hidden"/> is [T, H]: row t − 1 is step t, column j is unit j.
/// </summary>
public sealed class LstmGateRecord
{
    private LstmGateRecord(string description, IReadOnlyList<string> stepLabels, float[][,] values)
    {
        Description = description;
        StepLabels = stepLabels;
        (Input, Forget, Candidate, Output, Cell, Hidden) = (values[0], values[1], values[2], values[3], values[4], values[5]);
    }

    /// <summary>What was run, e.g. <c>the char-LM's LSTM over "unbelievably"</c>; the picture's default title names it.</summary>
    public string Description { get; }

    /// <summary>One label per step (e.g. the character read), drawn under the time axis.</summary>
    public IReadOnlyList<string> StepLabels { get; }

    /// <summary>The input gate i_t, [T, H].</summary>
    public float[,] Input { get; }

    /// <summary>The forget gate f_t, [T, H].</summary>
    public float[,] Forget { get; }

    /// <summary>The candidate cell g_t, [T, H].</summary>
    public float[,] Candidate { get; }

    /// <summary>The output gate o_t, [T, H].</summary>
    public float[,] Output { get; }

    /// <summary>The cell state c_t, [T, H].</summary>
    public float[,] Cell { get; }

    /// <summary>The hidden state h_t, [T, H].</summary>
    public float[,] Hidden { get; }

    /// <summary>Steps T.</summary>
    public int Steps => Input.GetLength(0);

    /// <summary>Hidden units H.</summary>
    public int Units => Input.GetLength(1);

    /// <summary>The six quantities in drawing order, with their names and symbols.</summary>
    public IReadOnlyList<(string Name, string Symbol, float[,] Values)> Quantities =>
    [
        ("input gate", "i", Input), ("forget gate", "f", Forget), ("candidate", "g", Candidate),
        ("output gate", "o", Output), ("cell state", "c", Cell), ("hidden state", "h", Hidden),
    ];

    /// <summary>
    /// Runs <paramref name="cell"/> over <paramref name="sequence"/> [T, InputSize] from a zero state and records every
    /// step; <paramref name="stepLabels"/> has one label per step.
    /// </summary>
    public static LstmGateRecord Record(LSTMCell cell, Tensor sequence, IReadOnlyList<string> stepLabels, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return Record(cell.WeightIh, cell.WeightHh, cell.BiasIh, cell.BiasHh, sequence, stepLabels, description ?? $"LSTMCell({cell.InputSize}→{cell.HiddenSize})");
    }

    /// <summary>
    /// Runs layer <paramref name="layer"/> of <paramref name="lstm"/> (only layer 0 reads <paramref name="sequence"/>
    /// itself, so only 0 is accepted) over <paramref name="sequence"/> [T, InputSize] from a zero state.
    /// </summary>
    public static LstmGateRecord Record(LSTM lstm, Tensor sequence, IReadOnlyList<string> stepLabels, string? description = null, int layer = 0)
    {
        ArgumentNullException.ThrowIfNull(lstm);
        if (layer != 0)
            throw new ArgumentException($"LstmGateRecord.Record: layer {layer} reads the outputs of layer {layer - 1}, not the sequence; record layer 0.");
        return Record(lstm.WeightIh(0), lstm.WeightHh(0), lstm.BiasIh(0), lstm.BiasHh(0), sequence, stepLabels, description ?? "LSTM layer 0");
    }

    private static LstmGateRecord Record(Tensor weightIh, Tensor weightHh, Tensor? biasIh, Tensor? biasHh, Tensor sequence, IReadOnlyList<string> stepLabels, string description)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        ArgumentNullException.ThrowIfNull(stepLabels);
        int hidden = weightHh.Shape[1], inputSize = weightIh.Shape[1];
        if (sequence.Shape.Length != 2 || sequence.Shape[1] != inputSize)
            throw new ArgumentException($"LstmGateRecord.Record: the sequence must be [T, {inputSize}], got [{string.Join(", ", sequence.Shape)}].");
        int steps = sequence.Shape[0];
        if (stepLabels.Count != steps)
            throw new ArgumentException($"LstmGateRecord.Record: {stepLabels.Count} step labels for a sequence of {steps} steps.");
        var values = Enumerable.Range(0, 6).Select(_ => new float[steps, hidden]).ToArray();
        using (Tensor.NoGrad())
        {
            var h = Tensor.Zeros(1, hidden);
            var c = Tensor.Zeros(1, hidden);
            for (int t = 0; t < steps; t++)
            {
                var a = sequence.Narrow(0, t, 1).MatMul(weightIh.T) + h.MatMul(weightHh.T);   // [1, 4H]
                if (biasIh is not null) a += biasIh;
                if (biasHh is not null) a += biasHh;
                var parts = a.Chunk(4, dim: 1);
                Tensor i = parts[0].Sigmoid(), f = parts[1].Sigmoid(), g = parts[2].Tanh(), o = parts[3].Sigmoid();
                c = f * c + i * g;
                h = o * c.Tanh();
                Tensor[] row = [i, f, g, o, c, h];
                for (int k = 0; k < 6; k++)
                {
                    var data = row[k].ToArray();
                    for (int j = 0; j < hidden; j++) values[k][t, j] = data[j];
                }
            }
        }
        return new LstmGateRecord(description, stepLabels.ToArray(), values);
    }

    /// <summary><c>LstmGateRecord(the char-LM's LSTM, 14 steps × 64 units)</c>.</summary>
    public override string ToString() => $"LstmGateRecord({Description}, {Steps} steps × {Units} units)";
}
