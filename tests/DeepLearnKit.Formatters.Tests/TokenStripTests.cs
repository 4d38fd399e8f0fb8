// The token picture through the registry: each token's visible text and id, one colour per id, the title naming the
// tokenizer and the token count, and no script.
using System.Text.RegularExpressions;
using DeepLearnKit.Text;
using static DeepLearnKit.Formatters.Tests.TestSupport;

namespace DeepLearnKit.Formatters.Tests;

[Collection(StaticStateCollection.Name)]
public sealed class TokenStripTests : IDisposable
{
    public TokenStripTests() => ResetStaticState();

    public void Dispose() => ResetStaticState();

    [Fact]
    public void Gpt2_tokens_show_their_text_and_id_coloured_by_id()
    {
        const string sentence = "Hello world, hello world <tag> 你好";
        var gpt2 = new Gpt2Tokenizer();
        var ids = gpt2.Encode(sentence);
        var strip = new TokenStrip(gpt2, sentence);
        var html = HtmlOf(strip);

        Assert.Contains($"GPT-2 BPE: {ids.Length} tokens for {sentence.Length} characters", html);
        Assert.DoesNotContain("<script", html);
        var boxes = Regex.Matches(html, "<g class=\"dlk-token\" data-id=\"(\\d+)\">.*?fill=\"(#[0-9a-f]{6})\".*?>([^<]*)</text>.*?>(\\d+)</text></g>");
        Assert.Equal(ids, boxes.Select(m => int.Parse(m.Groups[1].Value)));
        Assert.Equal(ids, boxes.Select(m => int.Parse(m.Groups[4].Value)));  // the id written under each token
        // each token's text, encoded for HTML, with its space made visible
        var expectedText = ids.Select(id => gpt2.TokenText(id).Replace(" ", "␣").Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;"));
        Assert.Equal(expectedText, boxes.Select(m => m.Groups[3].Value));
        Assert.Contains("␣world", html);
        Assert.Contains("␣&lt;", html);

        // one colour per id: the same id always has the same colour, different ids different colours
        var colourOf = boxes.GroupBy(m => m.Groups[1].Value).ToDictionary(g => g.Key, g => g.Select(m => m.Groups[2].Value).Distinct().Single());
        Assert.Equal(colourOf.Count, colourOf.Values.Distinct().Count());
        Assert.True(ids.Length > colourOf.Count); // "world" repeats, so the check above met a repeated id

        Assert.StartsWith($"GPT-2 BPE, {ids.Length} tokens: Hello(15496), ␣world(995),", TextOf(strip));
    }

    [Fact]
    public void Char_tokens_and_a_custom_title()
    {
        var chars = new CharTokenizer("ab c\n");
        var html = new TokenStrip(chars, "a b\n").ToHtml("My title");
        Assert.Contains(">My title</text>", html);
        Assert.Equal(["a", "␣", "b", "↵"], Regex.Matches(html, "font-size=\"13\" fill=\"#000\">([^<]*)</text>").Select(m => m.Groups[1].Value));
        Assert.Contains("characters: 4 tokens for 4 characters", new TokenStrip(chars, "a b\n").ToHtml());
    }

    [Fact]
    public void Colours_are_hues_a_golden_angle_apart()
    {
        // id 0: hsl(0°, 65%, 78%): chroma (1 − |2·0.78 − 1|)·0.65 = 0.286, m = 0.78 − 0.143 = 0.637 → (0.923, 0.637, 0.637)·255
        Assert.Equal("#eba2a2", TokenStrip.Colour(0));
        for (int id = 0; id < 1000; id++)
            Assert.NotEqual(TokenStrip.Colour(id), TokenStrip.Colour(id + 1));
        Assert.All(Enumerable.Range(0, 1000).Select(TokenStrip.Colour), c => Assert.Matches("^#[0-9a-f]{6}$", c));
    }
}
