// The two tokenizers: Unicode round trips, the character ids against a loop over the text's code points, GPT-2's ids
// of known sentences (from OpenAI's tiktoken, encoding "gpt2") and its vocabulary size, and the errors.
using System.Text;
using DeepLearnKit.Text;

namespace DeepLearnKit.Tests.Text;

public class TokenizerTests
{
    private const string Mixed = "Hello, wörld! 你好，世界 😀👍🏽 café naïve — ¿qué? 🇫🇷\n\tend";

    [Fact]
    public void Char_ids_are_the_ranks_of_the_code_points_among_the_distinct_ones()
    {
        var tokenizer = new CharTokenizer(Mixed);

        // The expected ids, worked with a loop over UTF-16 units: a surrogate pair is one code point.
        var codePoints = new List<int>();
        for (int i = 0; i < Mixed.Length; i++)
        {
            if (char.IsHighSurrogate(Mixed[i]))
            {
                codePoints.Add(char.ConvertToUtf32(Mixed[i], Mixed[i + 1]));
                i++;
            }
            else codePoints.Add(Mixed[i]);
        }
        var distinct = new SortedSet<int>(codePoints).ToList();
        var expected = codePoints.Select(c => distinct.IndexOf(c)).ToArray();

        Assert.Equal(distinct.Count, tokenizer.VocabularySize);
        Assert.Equal(expected, tokenizer.Encode(Mixed));
        Assert.Equal(distinct.Select(char.ConvertFromUtf32), tokenizer.Tokens);
        Assert.Equal("😀", tokenizer.TokenText(distinct.IndexOf(0x1F600))); // outside the BMP: one token, not two halves
    }

    [Fact]
    public void Char_tokenizer_round_trips_unicode_text()
    {
        var tokenizer = new CharTokenizer(Mixed);
        Assert.Equal(Mixed, tokenizer.Decode(tokenizer.Encode(Mixed)));
        Assert.Equal("你好 😀", tokenizer.Decode(tokenizer.Encode("你好 😀")));
        Assert.Equal("wörld", tokenizer.Decode(tokenizer.EncodeToTensor("wörld")));
        Assert.Equal([1, 5], tokenizer.EncodeToTensor("wörld").Shape);
    }

    [Fact]
    public void Char_tokenizer_errors_name_the_character_and_the_id()
    {
        var tokenizer = new CharTokenizer("abc");
        var unknown = Assert.Throws<ArgumentException>(() => tokenizer.Encode("ab😀"));
        Assert.Contains("'😀'", unknown.Message);
        Assert.Contains("U+1F600", unknown.Message);
        Assert.Contains("position 2", unknown.Message);

        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([0, 3]));
        Assert.Contains("id 3 is outside 0 … 2", outside.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.TokenText(-1));

        var lone = Assert.Throws<ArgumentException>(() => new CharTokenizer("a\uD83Db"));
        Assert.Contains("U+D83D at index 1", lone.Message);
    }

    [Fact]
    public void Gpt2_gives_the_ids_of_openai_gpt2()
    {
        var gpt2 = new Gpt2Tokenizer();
        Assert.Equal(50257, gpt2.VocabularySize);
        // tiktoken.get_encoding("gpt2").encode(...)
        Assert.Equal([15496, 995], gpt2.Encode("Hello world"));
        Assert.Equal([464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13],
            gpt2.Encode("The quick brown fox jumps over the lazy dog."));
        Assert.Equal("Hello", gpt2.TokenText(15496));
        Assert.Equal(" world", gpt2.TokenText(995)); // the space belongs to the token after it
        Assert.Equal("<|endoftext|>", gpt2.TokenText(Gpt2Tokenizer.EndOfText));
    }

    [Fact]
    public void Gpt2_round_trips_unicode_text_through_bytes()
    {
        var gpt2 = new Gpt2Tokenizer();
        var ids = gpt2.Encode(Mixed);
        Assert.All(ids, id => Assert.InRange(id, 0, gpt2.VocabularySize - 1));
        Assert.Equal(Mixed, gpt2.Decode(ids));
        // A character GPT-2 never merged is spelt in bytes: 😀 is 4 UTF-8 bytes, at most 4 tokens, more than 1 here.
        var emoji = gpt2.Encode("😀");
        Assert.InRange(emoji.Length, 2, Encoding.UTF8.GetByteCount("😀"));
        Assert.Equal("😀", gpt2.Decode(emoji));
    }

    [Fact]
    public void Gpt2_rejects_ids_outside_its_vocabulary()
    {
        var gpt2 = new Gpt2Tokenizer();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => gpt2.Decode([15496, 50257]));
        Assert.Contains("id 50257 is outside 0 … 50256", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => gpt2.TokenText(-1));
    }
}
