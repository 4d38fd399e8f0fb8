// What RNN, LSTM and GRU share: PyTorch's per-layer parameters (weight_ih_l0, …), the time-major/batch-first
// plumbing, and the loop over layers and time steps. Each subclass supplies only its cell's step.
namespace DeepLearnKit.NN;

/// <summary>
/// A stack of <see cref="NumLayers"/> recurrent layers unrolled over time, as PyTorch's <c>nn.RNNBase</c>.
/// Input x is [T, N, InputSize], or [N, T, InputSize] with <see cref="BatchFirst"/>, or unbatched [T, InputSize].
/// Layer l reads the outputs h_t of layer l − 1 (the input for l = 0), after dropout with probability
/// <see cref="Dropout"/> in training mode (not after the last layer). The output is the top layer's h_t for
/// every t, [T, N, H] (or [N, T, H]); the final state h_n is every layer's h_T, [NumLayers, N, H], whatever
/// <see cref="BatchFirst"/> says, as in PyTorch.
/// Parameters are named <c>weight_ih_l{k}</c> [G·H, in], <c>weight_hh_l{k}</c> [G·H, H], <c>bias_ih_l{k}</c>,
/// <c>bias_hh_l{k}</c> [G·H] for G gates (1, 4, 3), drawn from U(−1/√H, 1/√H), so state dicts carry over.
/// With <see cref="Bidirectional"/>, as PyTorch's <c>bidirectional=True</c>, each layer also runs a second set
/// (<c>weight_ih_l{k}_reverse</c>, …) from t = T − 1 down to 0; the layer's output at t is [forward h_t ; backward h_t]
/// (2H features), which layer k + 1 reads (W_ih [G·H, 2H]); h_n is [L·2, N, H] in PyTorch's order
/// (l0 forward, l0 reverse, l1 forward, …), the backward state being its h at t = 0.
/// </summary>
public abstract class RecurrentLayer : Module
{
    private readonly Tensor[] weightsIh, weightsHh;
    private readonly Tensor?[] biasesIh, biasesHh;

    private protected RecurrentLayer(string name, int gates, int inputSize, int hiddenSize, int numLayers, bool bias, bool batchFirst, float dropout, bool bidirectional, bool returnSequences)
    {
        if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0)
            throw new ArgumentException($"{name}: inputSize, hiddenSize and numLayers must be positive, got {inputSize}, {hiddenSize}, {numLayers}.");
        if (dropout < 0 || dropout >= 1)
            throw new ArgumentOutOfRangeException(nameof(dropout), $"{name}: dropout must be in [0, 1), got {dropout}.");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        BatchFirst = batchFirst;
        Dropout = dropout;
        Bidirectional = bidirectional;
        ReturnSequences = returnSequences;
        int runs = numLayers * Directions; // one parameter set per layer and direction, in PyTorch's order
        weightsIh = new Tensor[runs];
        weightsHh = new Tensor[runs];
        biasesIh = new Tensor?[runs];
        biasesHh = new Tensor?[runs];
        double k = 1 / Math.Sqrt(hiddenSize);
        for (int r = 0; r < runs; r++)
        {
            int l = r / Directions;
            string suffix = $"l{l}" + (r % Directions == 1 ? "_reverse" : "");
            int layerInput = l == 0 ? inputSize : Directions * hiddenSize;
            weightsIh[r] = RegisterParameter($"weight_ih_{suffix}", Init.Uniform([gates * hiddenSize, layerInput], -k, k));
            weightsHh[r] = RegisterParameter($"weight_hh_{suffix}", Init.Uniform([gates * hiddenSize, hiddenSize], -k, k));
            if (!bias) continue;
            biasesIh[r] = RegisterParameter($"bias_ih_{suffix}", Init.Uniform([gates * hiddenSize], -k, k));
            biasesHh[r] = RegisterParameter($"bias_hh_{suffix}", Init.Uniform([gates * hiddenSize], -k, k));
        }
    }

    /// <summary>True when each layer also runs backward in time (PyTorch's <c>bidirectional=True</c>).</summary>
    public bool Bidirectional { get; }

    /// <summary>
    /// True (the default, PyTorch's behaviour): the output is every step's, [T, N, D·H]. False (Keras'
    /// <c>return_sequences=False</c>): only the last step's, [N, D·H] — the top layer's forward h at t = T − 1 and,
    /// when bidirectional, its backward h at t = 0 (the backward direction's final state), as Keras' Bidirectional.
    /// </summary>
    public bool ReturnSequences { get; }

    /// <summary>1, or 2 when <see cref="Bidirectional"/>: the output has Directions·H features per step.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Features per time step of the input.</summary>
    public int InputSize { get; }

    /// <summary>Hidden size H (features per time step of the output).</summary>
    public int HiddenSize { get; }

    /// <summary>Stacked layers L.</summary>
    public int NumLayers { get; }

    /// <summary>True when input and output are [N, T, …] instead of PyTorch's default [T, N, …].</summary>
    public bool BatchFirst { get; }

    /// <summary>Dropout probability on each layer's output except the last, in training mode.</summary>
    public float Dropout { get; }

    /// <summary>Layer <paramref name="layer"/>'s W_ih (<c>weight_ih_l{layer}</c>, or <c>…_reverse</c> when <paramref name="reverse"/>).</summary>
    public Tensor WeightIh(int layer, bool reverse = false) => weightsIh[RunIndex(layer, reverse)];

    /// <summary>Layer <paramref name="layer"/>'s W_hh (<c>weight_hh_l{layer}</c>, or <c>…_reverse</c> when <paramref name="reverse"/>).</summary>
    public Tensor WeightHh(int layer, bool reverse = false) => weightsHh[RunIndex(layer, reverse)];

    /// <summary>Layer <paramref name="layer"/>'s b_ih (<c>bias_ih_l{layer}</c>, or <c>…_reverse</c>), or null without biases.</summary>
    public Tensor? BiasIh(int layer, bool reverse = false) => biasesIh[RunIndex(layer, reverse)];

    /// <summary>Layer <paramref name="layer"/>'s b_hh (<c>bias_hh_l{layer}</c>, or <c>…_reverse</c>), or null without biases.</summary>
    public Tensor? BiasHh(int layer, bool reverse = false) => biasesHh[RunIndex(layer, reverse)];

    private int RunIndex(int layer, bool reverse)
    {
        if (reverse && !Bidirectional)
            throw new ArgumentException($"{GetType().Name}: the layer is not bidirectional, so it has no reverse parameters.", nameof(reverse));
        return layer * Directions + (reverse ? 1 : 0);
    }

    /// <summary>The output sequence only (zero initial state), so the layer fits in a <see cref="Sequential"/>.</summary>
    public override Tensor Forward(Tensor input) => Run(input, null, null).Output;

    /// <summary>True for LSTM, whose state is (h, c).</summary>
    private protected virtual bool HasCellState => false;

    /// <summary>
    /// True when a step's pre-activations are <c>gi + h·W_hhᵀ + b_hh</c> (RNN, LSTM; not GRU, whose reset gate
    /// multiplies part of <c>h·W_hhᵀ + b_hh</c>): then b_hh joins b_ih in the projection of all steps at once and
    /// W_hh gets its gradient in one GEMM over all steps (<see cref="WithHiddenWeight"/>).
    /// </summary>
    private protected virtual bool AddsHiddenProjection => false;

    /// <summary>
    /// One time step of one layer: the next (h, c) from <c>gi = x_t·W_ihᵀ + b_ih</c> [N, G·H] and (h, c); c is null except
    /// for LSTM. When <see cref="AddsHiddenProjection"/>, gi already holds b_hh, biasHh is null and weightHh is detached.
    /// </summary>
    private protected abstract (Tensor H, Tensor? C) Step(Tensor gi, Tensor h, Tensor? c, Tensor weightHh, Tensor? biasHh);

    /// <summary>
    /// Runs every layer over every time step. <paramref name="h0"/> and <paramref name="c0"/> are [L, N, H]
    /// ([L, H] for an unbatched input), [L·2, N, H] when bidirectional; null means zeros. Returns the output and h_n, c_n.
    /// </summary>
    private protected (Tensor Output, Tensor HN, Tensor? CN) Run(Tensor input, Tensor? h0, Tensor? c0)
    {
        string name = GetType().Name;
        if (input.Rank is not (2 or 3) || input.Size(-1) != InputSize)
            throw new ArgumentException($"{name}: expected an input {(BatchFirst ? "[N, T, " : "[T, N, ")}{InputSize}] or [T, {InputSize}], got {Shapes.Format(input.Shape)}.");
        bool unbatched = input.Rank == 2;
        var x = unbatched ? input.Unsqueeze(1) : input; // (T, N, in), or (N, T, in) with batchFirst
        int timeDim = BatchFirst && !unbatched ? 1 : 0;
        int steps = x.Size(timeDim), batch = x.Size(1 - timeDim);
        if (steps == 0) throw new ArgumentException($"{name}: the input {Shapes.Format(input.Shape)} has no time steps.");
        var h0s = InitialState(name, "h0", h0, batch, unbatched, x.Device);
        var c0s = HasCellState ? InitialState(name, "c0", c0, batch, unbatched, x.Device) : null;

        int runs = NumLayers * Directions;
        var hN = new Tensor[runs];
        var cN = new Tensor?[runs];
        var outputs = new Tensor[steps]; // the layer's output at each t, (N, D·H)
        var directionOutputs = new Tensor[Directions][];
        Tensor[]? below = null; // layer l − 1's outputs (after dropout), each (N, D·H)
        for (int r = 0; r < runs; r++)
        {
            int l = r / Directions;
            bool reverse = r % Directions == 1;
            var h = h0s.Select(0, r); // (N, H)
            var c = c0s?.Select(0, r);
            var runOutputs = directionOutputs[r % Directions] = new Tensor[steps];
            // The speed trick: the input's share of every gate for all T steps in one GEMM. Layer 0 reads the input
            // in the caller's layout (no transposed copy); the layers above read the stacked h_t of the one below.
            var (layerInput, stepDim) = below is null ? (x, timeDim) : (Tensor.Stack(below, dim: 0), 0); // (T, N, in) or (N, T, in)
            var (weightHh, biasHh) = (weightsHh[r], biasesHh[r]);
            var hPrev = AddsHiddenProjection ? new Tensor[steps] : null; // h_(t−1) of each step, for W_hh's gradient
            Tensor gi; // (T, N, G·H) or (N, T, G·H)
            if (AddsHiddenProjection)
            {
                var bias = biasesIh[r] is { } bIh && biasHh is not null ? bIh + biasHh : null; // b_ih + b_hh, added once
                gi = WithHiddenWeight(CellInput.Project(layerInput, weightsIh[r], bias), weightHh, hPrev!, stepDim);
                (weightHh, biasHh) = (weightHh.Detach(), null); // the steps differentiate h·W_hhᵀ with respect to h only
            }
            else
            {
                gi = CellInput.Project(layerInput, weightsIh[r], biasesIh[r]);
            }
            for (int i = 0; i < steps; i++)
            {
                int t = reverse ? steps - 1 - i : i; // the backward direction reads t = T − 1 first
                if (hPrev is not null) hPrev[t] = h;
                (h, c) = Step(gi.Select(stepDim, t), h, c, weightHh, biasHh); // gi's step t: (N, G·H), a view
                runOutputs[t] = h;
            }
            hN[r] = h;
            cN[r] = c;
            if (r % Directions != Directions - 1) continue; // the layer's other direction is still to run
            for (int t = 0; t < steps; t++)
                outputs[t] = Bidirectional ? Tensor.Cat([directionOutputs[0][t], directionOutputs[1][t]], dim: -1) : runOutputs[t];
            if (l < NumLayers - 1) below = outputs.Select(o => o.Dropout(Dropout, IsTraining)).ToArray();
        }

        // The top layer's h_t stacked straight into the caller's layout, so the output is contiguous.
        var output = ReturnSequences
            ? Tensor.Stack(outputs, dim: BatchFirst && !unbatched ? 1 : 0) // (T, N, D·H) or (N, T, D·H)
            : Bidirectional ? Tensor.Cat([directionOutputs[0][steps - 1], directionOutputs[1][0]], dim: -1) : outputs[steps - 1]; // (N, D·H)
        var hStack = Tensor.Stack(hN, dim: 0); // (L·D, N, H)
        var cStack = c0s is null ? null : Tensor.Stack(cN.Select(s => s!).ToArray(), dim: 0); // (L·D, N, H)
        return unbatched
            ? (output.Squeeze(ReturnSequences ? 1 : 0), hStack.Squeeze(1), cStack?.Squeeze(1))
            : (output, hStack, cStack);
    }

    /// <summary>
    /// <paramref name="gi"/> itself, recorded as an op of (gi, W_hh) whose backward, given G = ∂L/∂gi for every step
    /// (each step's pre-activations are gi's slice plus <c>h_(t−1)·W_hhᵀ</c>, so G is also ∂L/∂ of them), passes G on
    /// and gives W_hh its gradient over all steps in one GEMM with K = T·N:
    /// <code>
    /// ∂L/∂W_hh = Σ_t G_tᵀ·h_(t−1)
    /// </code>
    /// so the steps multiply by a detached W_hh and none computes or accumulates a [G·H, H] weight gradient of its
    /// own. <paramref name="hPrev"/> is filled by the loop before the backward reads it.
    /// </summary>
    private static Tensor WithHiddenWeight(Tensor gi, Tensor weightHh, Tensor[] hPrev, int stepDim) =>
        Autograd.Record(gi.Detach(), "RecurrentHiddenWeight", [gi, weightHh], g =>
        {
            var rows = g.Reshape(-1, g.Size(-1)); // (T·N, G·H), rows in gi's order
            var gradW = weightHh.RequiresGrad
                ? rows.T.MatMul(Tensor.Stack(hPrev, dim: stepDim).Reshape(-1, weightHh.Size(1))) // (G·H, T·N)·(T·N, H)
                : null;
            return [g, gradW];
        });

    /// <summary>The given state as [L, N, H] (checked), or zeros.</summary>
    private Tensor InitialState(string name, string what, Tensor? state, int batch, bool unbatched, Device device)
    {
        int runs = NumLayers * Directions;
        if (state is null) return Tensor.Zeros([runs, batch, HiddenSize], device);
        int[] expected = unbatched ? [runs, HiddenSize] : [runs, batch, HiddenSize];
        if (!Shapes.Equal(state.Shape, expected))
            throw new ArgumentException($"{name}: expected {what} of shape {Shapes.Format(expected)} (layers·directions, batch, hidden), got {Shapes.Format(state.Shape)}.");
        return unbatched ? state.Unsqueeze(1) : state;
    }

    /// <inheritdoc/>
    protected override string ExtraRepr =>
        $"{InputSize}→{HiddenSize}" + (NumLayers > 1 ? $", numLayers={NumLayers}" : "") + (BiasIh(0) is null ? ", bias: false" : "")
        + (Bidirectional ? ", bidirectional" : "") + (ReturnSequences ? "" : ", last step only") + (BatchFirst ? ", batchFirst" : "") + (Dropout > 0 ? $", dropout={Dropout}" : "");
}
