// A character-level corpus for chapter 07's language model: text from a word list, its alphabet (a CharTokenizer),
// next-character training windows, and the unigram entropy a model has to beat.
using DeepLearnKit.Text;

namespace DeepLearnKit.Data;

/// <summary>
/// A text for a character-level language model: words joined, each ended by <c>'\n'</c> (so the model learns where
/// words stop), with its <see cref="CharTokenizer"/> and the ids of its characters.
/// </summary>
public sealed class CharCorpus
{
    /// <summary>The word list of the Debian package <c>wamerican</c>.</summary>
    public const string DefaultWordList = "/usr/share/dict/words";

    /// <summary>A corpus of <paramref name="words"/>, each followed by <c>'\n'</c>.</summary>
    public CharCorpus(IEnumerable<string> words)
    {
        var list = words.ToList();
        WordCount = list.Count;
        Text = string.Concat(list.Select(w => w + "\n"));
        Vocabulary = new CharTokenizer(Text);
        Ids = Vocabulary.Encode(Text);
    }

    /// <summary>
    /// The words of a word list (one per line; default <c>/usr/share/dict/words</c>), lower-cased, keeping only words
    /// made of the letters a–z (no possessives, no accents), so the vocabulary is 26 letters and <c>'\n'</c>.
    /// </summary>
    public static CharCorpus FromFile(string? path = null, bool lowercase = true)
    {
        path ??= DefaultWordList;
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"CharCorpus: word list '{path}' does not exist" + (path == DefaultWordList ? " (install the Debian package wamerican)." : "."), path);
        return new CharCorpus(File.ReadLines(path)
            .Select(w => lowercase ? w.Trim().ToLowerInvariant() : w.Trim())
            .Where(w => w.Length > 0 && w.All(c => c is >= 'a' and <= 'z' || !lowercase && c is >= 'A' and <= 'Z')));
    }

    /// <summary>The corpus text.</summary>
    public string Text { get; }

    /// <summary>The number of words.</summary>
    public int WordCount { get; }

    /// <summary>The alphabet of <see cref="Text"/>: a <see cref="CharTokenizer"/> that gives <see cref="Ids"/>.</summary>
    public CharTokenizer Vocabulary { get; }

    /// <summary>The id of each character of <see cref="Text"/>.</summary>
    public int[] Ids { get; }

    /// <summary>
    /// Next-character windows: window j starts at <c>s = j·stride</c> (default stride T, no overlap) and holds inputs
    /// <c>ids[s … s+T−1]</c> and targets <c>ids[s+1 … s+T]</c>, both [N, T] ids stored as floats.
    /// </summary>
    public TensorDataset Sequences(int length, int? stride = null)
    {
        int step = stride ?? length;
        if (length < 1 || step < 1)
            throw new ArgumentOutOfRangeException(nameof(length), $"CharCorpus.Sequences: length and stride must be positive, got {length} and {step}.");
        if (Ids.Length < length + 1)
            throw new ArgumentException($"CharCorpus.Sequences: the corpus has {Ids.Length} characters, too few for one window of {length} + 1.");
        int n = (Ids.Length - length - 1) / step + 1;
        var x = new float[n * length];
        var y = new float[n * length];
        for (int j = 0; j < n; j++)
            for (int t = 0; t < length; t++)
            {
                x[j * length + t] = Ids[j * step + t];
                y[j * length + t] = Ids[j * step + t + 1];
            }
        return new TensorDataset(Tensor.FromArray(x, n, length), Tensor.FromArray(y, n, length));
    }

    /// <summary>
    /// The unigram entropy <c>H = −Σ_c p(c) ln p(c)</c> in nats, p(c) the frequency of c in the text: the cross-entropy
    /// loss of the best model that ignores context. A language model whose loss is not below it has learnt nothing.
    /// </summary>
    public double UnigramEntropy()
    {
        var counts = new long[Vocabulary.VocabularySize];
        foreach (int id in Ids) counts[id]++;
        double h = 0;
        foreach (long c in counts)
            if (c > 0)
            {
                double p = (double)c / Ids.Length;
                h -= p * Math.Log(p);
            }
        return h;
    }

    /// <inheritdoc/>
    public override string ToString() => $"CharCorpus({WordCount} words, {Text.Length} characters, vocabulary {Vocabulary.VocabularySize})";
}
