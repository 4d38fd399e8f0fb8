// The seam between text and a model's token ids (chapters 07 and 08): characters or GPT-2's byte-pair encoding behind
// one interface, so a language model, its samples and the token picture do not care which one cut the text.
namespace DeepLearnKit.Text;

/// <summary>
/// Turns text into token ids 0 … <see cref="VocabularySize"/>−1 and back. For every tokenizer here
/// <c>Decode(Encode(text)) == text</c> for any text it can encode.
/// </summary>
public interface ITokenizer
{
    /// <summary>A short name for titles, e.g. <c>characters</c> or <c>GPT-2 BPE</c>.</summary>
    string Name { get; }

    /// <summary>V, the number of token ids.</summary>
    int VocabularySize { get; }

    /// <summary>The ids of <paramref name="text"/>'s tokens, in order.</summary>
    int[] Encode(string text);

    /// <summary>The text of the tokens <paramref name="ids"/>, joined; an id outside 0 … V−1 is an error.</summary>
    string Decode(IEnumerable<int> ids);

    /// <summary>
    /// The text of the one token <paramref name="id"/>. A byte-pair token can hold part of a character's UTF-8 bytes
    /// (an emoji is often two or three GPT-2 tokens); its text then shows U+FFFD for the incomplete bytes.
    /// </summary>
    string TokenText(int id);
}

/// <summary>Helpers shared by every <see cref="ITokenizer"/>.</summary>
public static class TokenizerExtensions
{
    /// <summary>The text of the ids a tensor holds as floats (e.g. a model's samples), in row-major order.</summary>
    public static string Decode(this ITokenizer tokenizer, Tensor ids) => tokenizer.Decode(ids.ToArray().Select(v => (int)v));

    /// <summary>The ids of <paramref name="text"/> as a tensor [1, T] of floats, ready for an embedding or a model.</summary>
    public static Tensor EncodeToTensor(this ITokenizer tokenizer, string text)
    {
        var ids = tokenizer.Encode(text);
        return Tensor.FromArray(ids.Select(i => (float)i).ToArray(), 1, ids.Length);
    }

    /// <summary>Each token of <paramref name="text"/>: its id and its text (<see cref="ITokenizer.TokenText"/>).</summary>
    public static IReadOnlyList<(int Id, string Text)> Tokens(this ITokenizer tokenizer, string text) =>
        tokenizer.Encode(text).Select(id => (id, tokenizer.TokenText(id))).ToArray();
}
