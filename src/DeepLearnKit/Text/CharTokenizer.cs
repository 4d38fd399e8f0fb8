using System.Text;

namespace DeepLearnKit.Text;

/// <summary>
/// One token per character, where a character is a Unicode scalar value (<see cref="Rune"/>), so Chinese, accents and
/// emoji outside the Basic Multilingual Plane are one token each and round-trip. The ids are 0 … V−1 over the distinct
/// characters of the text it is built from, in increasing code point order.
/// </summary>
public sealed class CharTokenizer : ITokenizer
{
    private readonly string[] tokens;
    private readonly Dictionary<int, int> ids; // code point → id

    /// <summary>The tokenizer of the distinct characters in <paramref name="text"/>.</summary>
    public CharTokenizer(string text)
    {
        var runes = Runes(text, nameof(CharTokenizer)).Select(r => r.Value).Distinct().Order().ToArray();
        tokens = runes.Select(v => new Rune(v).ToString()).ToArray();
        ids = runes.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
    }

    /// <inheritdoc/>
    public string Name => "characters";

    /// <inheritdoc/>
    public int VocabularySize => tokens.Length;

    /// <summary>The characters (each a string of one or two UTF-16 units), indexed by id.</summary>
    public IReadOnlyList<string> Tokens => tokens;

    /// <summary>The id of each character of <paramref name="text"/>; a character outside the vocabulary is an error naming it.</summary>
    public int[] Encode(string text)
    {
        var result = new List<int>(text.Length);
        int position = 0;
        foreach (var rune in Runes(text, "CharTokenizer.Encode"))
        {
            result.Add(ids.TryGetValue(rune.Value, out int id) ? id
                : throw new ArgumentException(
                    $"CharTokenizer.Encode: character '{rune}' (U+{rune.Value:X4}) at position {position} is not in the vocabulary of {VocabularySize}.", nameof(text)));
            position++;
        }
        return [.. result];
    }

    /// <inheritdoc/>
    public string Decode(IEnumerable<int> ids)
    {
        var text = new StringBuilder();
        foreach (int id in ids) text.Append(TokenText(id));
        return text.ToString();
    }

    /// <inheritdoc/>
    public string TokenText(int id) => (uint)id < (uint)tokens.Length ? tokens[id]
        : throw new ArgumentOutOfRangeException(nameof(id), $"CharTokenizer: id {id} is outside 0 … {VocabularySize - 1}.");

    /// <inheritdoc/>
    public override string ToString() =>
        $"CharTokenizer({VocabularySize}: {string.Concat(tokens).Replace("\n", "\\n").Replace("\t", "\\t")})";

    // A lone surrogate is not a character: say where it is instead of letting it become U+FFFD silently.
    private static IEnumerable<Rune> Runes(string text, string caller)
    {
        int index = 0;
        while (index < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out int used) != System.Buffers.OperationStatus.Done)
                throw new ArgumentException($"{caller}: the text has a lone UTF-16 surrogate U+{(int)text[index]:X4} at index {index}.", nameof(text));
            yield return rune;
            index += used;
        }
    }
}
