// The character-level language model of chapter 07: embed each character, run a recurrent network over the
// sequence, and predict the next character at every step.
// References: Elman 1990 (RNN); Hochreiter & Schmidhuber 1997 (LSTM); Cho et al. 2014 (GRU); Karpathy 2015,
// "The Unreasonable Effectiveness of Recurrent Neural Networks" (char-rnn).
using DeepLearnKit.Data;
using DeepLearnKit.NN;
using DeepLearnKit.Text;

namespace DeepLearnKit.Models;

/// <summary>Which recurrent layer a <see cref="CharLanguageModel"/> uses.</summary>
public enum RecurrentKind
{
    /// <summary>An Elman RNN (tanh).</summary>
    RNN,
    /// <summary>A long short-term memory.</summary>
    LSTM,
    /// <summary>A gated recurrent unit.</summary>
    GRU,
}

/// <summary>
/// A char-level language model, batch first: ids [N, T] → <c>embed</c> [N, T, E] → <c>rnn</c> (RNN, LSTM or GRU)
/// [N, T, H] → <c>head</c> (Linear) → logits [N, T, V], where logits[n, t] scores the character after position t.
/// Train with <c>Loss.CrossEntropy(logits.Reshape(-1, V), targets.Reshape(-1))</c> on
/// <see cref="CharCorpus.Sequences"/>; generate with <see cref="Sample(int[], int, float, int?, int?)"/>.
/// </summary>
public sealed class CharLanguageModel : Module
{
    /// <summary>A model over <paramref name="vocabSize"/> characters.</summary>
    /// <param name="vocabSize">V, the number of distinct characters.</param>
    /// <param name="embedDim">E, the length of each character's vector.</param>
    /// <param name="hiddenSize">H, the recurrent state size.</param>
    /// <param name="numLayers">Stacked recurrent layers.</param>
    /// <param name="kind">RNN, LSTM (default) or GRU.</param>
    /// <param name="dropout">Dropout between stacked recurrent layers, in training mode.</param>
    public CharLanguageModel(int vocabSize, int embedDim = 32, int hiddenSize = 128, int numLayers = 1,
        RecurrentKind kind = RecurrentKind.LSTM, float dropout = 0)
    {
        (VocabSize, Kind) = (vocabSize, kind);
        Embed = RegisterModule("embed", new Embedding(vocabSize, embedDim));
        RNN = RegisterModule<RecurrentLayer>("rnn", kind switch
        {
            RecurrentKind.RNN => new RNN(embedDim, hiddenSize, numLayers, batchFirst: true, dropout: dropout),
            RecurrentKind.LSTM => new LSTM(embedDim, hiddenSize, numLayers, batchFirst: true, dropout: dropout),
            RecurrentKind.GRU => new GRU(embedDim, hiddenSize, numLayers, batchFirst: true, dropout: dropout),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), $"CharLanguageModel: unknown recurrent kind {kind}."),
        });
        Head = RegisterModule("head", new Linear(hiddenSize, vocabSize));
    }

    /// <summary>V.</summary>
    public int VocabSize { get; }

    /// <summary>The recurrent layer's kind.</summary>
    public RecurrentKind Kind { get; }

    /// <summary>The character embedding [V, E].</summary>
    public Embedding Embed { get; }

    /// <summary>The recurrent layer (batch first).</summary>
    public RecurrentLayer RNN { get; }

    /// <summary>The output layer H → V.</summary>
    public Linear Head { get; }

    /// <summary>ids [N, T] → logits [N, T, V], from a zero initial state.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null).Logits;

    /// <summary>
    /// ids [N, T] → logits [N, T, V], starting from <paramref name="state"/> (null: zeros) and returning the state after
    /// the last step: h [L, N, H] and, for an LSTM, c [L, N, H]. Feeding the state back continues the sequence.
    /// </summary>
    public (Tensor Logits, (Tensor H, Tensor? C) State) Forward(Tensor ids, (Tensor H, Tensor? C)? state)
    {
        if (ids.Rank != 2)
            throw new ArgumentException($"CharLanguageModel: expected ids [N, T], got shape {Shapes.Format(ids.Shape)}.");
        var x = Embed.Call(ids); // (N, T, E)
        Tensor output;           // (N, T, H)
        (Tensor H, Tensor? C) next;
        switch (RNN)
        {
            case LSTM lstm:
                var (o, (h, c)) = lstm.Forward(x, state is { } s
                    ? (s.H, s.C ?? throw new ArgumentException("CharLanguageModel: an LSTM's state needs both h and c.", nameof(state)))
                    : null);
                (output, next) = (o, (h, c));
                break;
            case RNN rnn:
                var (ro, rh) = rnn.Forward(x, state?.H);
                (output, next) = (ro, (rh, null));
                break;
            case GRU gru:
                var (go, gh) = gru.Forward(x, state?.H);
                (output, next) = (go, (gh, null));
                break;
            default:
                throw new InvalidOperationException($"CharLanguageModel: unsupported recurrent layer {RNN.GetType().Name}.");
        }
        return (Head.Call(output), next); // (N, T, V)
    }

    /// <summary>
    /// Continues <paramref name="start"/> (at least one id) by <paramref name="length"/> characters, each drawn from
    /// softmax(logits / <paramref name="temperature"/>), restricted to the <paramref name="topK"/> best when given
    /// (temperature 0: greedy), as <see cref="Sampling.FromLogits"/> draws for the tiny GPT. The draws come from a
    /// generator seeded with <paramref name="seed"/> when given (the same seed gives the same text every time, whatever
    /// else used <see cref="Rng"/>), otherwise from <see cref="Rng"/>. Runs in eval mode without gradients, one step at a
    /// time carrying the recurrent state. Returns start followed by the new ids.
    /// </summary>
    public int[] Sample(int[] start, int length, float temperature = 1, int? topK = null, int? seed = null)
    {
        if (start.Length == 0) throw new ArgumentException("CharLanguageModel.Sample: needs at least one start id.", nameof(start));
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), $"CharLanguageModel.Sample: length must be non-negative, got {length}.");
        bool wasTraining = IsTraining;
        Eval();
        try
        {
            using var _ = Tensor.NoGrad();
            var ids = new List<int>(start);
            var device = Head.Weight.Device;
            var input = Tensor.FromArray(start.Select(i => (float)i).ToArray(), 1, start.Length).To(device); // (1, T0)
            (Tensor H, Tensor? C)? state = null;
            var random = Sampling.Generator(seed);
            for (int step = 0; step < length; step++)
            {
                var (logits, next) = Forward(input, state);                    // (1, T, V)
                var last = logits.Select(1, logits.Size(1) - 1).Reshape(VocabSize); // (V)
                int id = Sampling.FromLogits(last.ToArray(), temperature, topK, random);
                ids.Add(id);
                state = next;
                input = Tensor.FromArray([(float)id], 1, 1).To(device);                 // (1, 1)
            }
            return [.. ids];
        }
        finally
        {
            Train(wasTraining);
        }
    }

    /// <summary>Continues the text <paramref name="start"/> by <paramref name="length"/> tokens of <paramref name="tokenizer"/> (e.g. <see cref="CharCorpus.Vocabulary"/>).</summary>
    public string Sample(ITokenizer tokenizer, string start, int length, float temperature = 1, int? topK = null, int? seed = null) =>
        tokenizer.Decode(Sample(tokenizer.Encode(start), length, temperature, topK, seed));
}
