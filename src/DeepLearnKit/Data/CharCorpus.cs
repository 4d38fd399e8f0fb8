// A character-level corpus for chapter 07's language model: text from a word list, its alphabet (char ↔ id),
// next-character training windows, and the unigram entropy a model has to beat.
namespace DeepLearnKit.Data;

/// <summary>The alphabet of a corpus: each distinct character gets an id 0 … V−1, in ordinal order.</summary>
public sealed class Vocabulary
{
    private readonly char[] chars;
    private readonly Dictionary<char, int> ids;

    /// <summary>The vocabulary of the distinct characters in <paramref name="text"/>.</summary>
    public Vocabulary(IEnumerable<char> text)
    {
        chars = text.Distinct().Order().ToArray();
        ids = chars.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
    }

    /// <summary>V, the number of distinct characters.</summary>
    public int Size => chars.Length;

    /// <summary>The characters, indexed by id.</summary>
    public IReadOnlyList<char> Chars => chars;

    /// <summary>The ids of <paramref name="text"/>'s characters; a character outside the vocabulary is an error.</summary>
    public int[] Encode(string text)
    {
        var result = new int[text.Length];
        for (int i = 0; i < text.Length; i++)
            result[i] = ids.TryGetValue(text[i], out int id) ? id
                : throw new ArgumentException($"Vocabulary.Encode: character '{text[i]}' (U+{(int)text[i]:X4}) at position {i} is not in the vocabulary of {Size}.");
        return result;
    }

    /// <summary>The text whose characters have <paramref name="ids"/>.</summary>
    public string Decode(IEnumerable<int> ids) => new(ids.Select(id => (uint)id < (uint)chars.Length ? chars[id]
        : throw new ArgumentOutOfRangeException(nameof(ids), $"Vocabulary.Decode: id {id} is outside 0 … {Size - 1}.")).ToArray());

    /// <summary>The text whose ids a tensor holds as floats (e.g. a model's samples), in row-major order.</summary>
    public string Decode(Tensor ids) => Decode(ids.ToArray().Select(v => (int)v));

    /// <inheritdoc/>
    public override string ToString() => $"Vocabulary({Size}: {new string(chars).Replace("\n", "\\n")})";
}

/// <summary>
/// A text for a character-level language model: words joined, each ended by <c>'\n'</c> (so the model learns where
/// words stop), with its <see cref="Vocabulary"/> and the ids of its characters.
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
        Vocabulary = new Vocabulary(Text);
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

    /// <summary>The alphabet of <see cref="Text"/>.</summary>
    public Vocabulary Vocabulary { get; }

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
        var counts = new long[Vocabulary.Size];
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
    public override string ToString() => $"CharCorpus({WordCount} words, {Text.Length} characters, vocabulary {Vocabulary.Size})";
}
