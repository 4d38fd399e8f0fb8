using System.Text.RegularExpressions;

namespace DeepLearnKit.Cli.Tests.Book;

public sealed partial class ChapterBookTests
{
    [Fact]
    public void Chapter_08s_attention_by_hand_matches_the_library_and_its_masks_block_every_weight_they_should()
    {
        string text = ExecutedText("08-attention.ipynb");
        foreach (var what in new[] { "attention by hand vs ScaledDotProductAttention", "multi-head by hand vs MultiHeadAttention" })
        {
            var gap = Regex.Match(text, Regex.Escape(what) + @": max \|difference\| = ([0-9.E+-]+)");
            Assert.True(gap.Success, $"chapter 08 prints {what}:\n" + text);
            Assert.True(Number(gap, 1) <= 1e-5, gap.Value);
        }
        Assert.Contains("causal mask: largest weight above the diagonal = 0", text);
        Assert.Contains("padding mask: largest weight on a padding position = 0", text);
    }

    [Fact]
    public void Chapter_08s_tiny_GPT_learns_below_the_uniform_loss_and_its_samples_extend_the_prompt()
    {
        string text = ExecutedText("08-attention.ipynb");
        var loss = Regex.Match(text, @"loss: ([0-9.]+) over the first 10 steps, ([0-9.]+) over the last 10 \(ln V = ([0-9.]+)\)");
        Assert.True(loss.Success, "chapter 08 prints its GPT's loss:\n" + text);
        Assert.True(Number(loss, 2) < Number(loss, 1) - 0.5, $"the loss falls by more than 0.5: {loss.Value}");
        Assert.True(Number(loss, 2) < Number(loss, 3) - 1, $"the final loss is well below ln V: {loss.Value}");
        foreach (var name in new[] { "greedy", "temperature 0.8", "temperature 1.5", "top-k 5" })
            Assert.Matches(@"(?m)^" + Regex.Escape(name) + @"\s*\| This License .{60}$", text);

        // The same seed twice, with other Rng use in between: the same text, and not a trivial one.
        var runs = Enumerable.Range(1, 2).Select(run => Regex.Match(text, @"(?m)^seed 1, run " + run + @"\s*\| (This License .{60})$")).ToArray();
        Assert.All(runs, r => Assert.True(r.Success, "chapter 08 prints the seed-1 sample twice:\n" + text));
        Assert.Equal(runs[0].Groups[1].Value, runs[1].Groups[1].Value);
        Assert.True(runs[0].Groups[1].Value[13..].Distinct().Count() >= 8, $"the sample is not one repeated character: {runs[0].Value}");
    }

    [Fact]
    public void Chapter_08s_tokens_GPT2_BPE_is_shorter_on_English_longer_on_Chinese_50257_tokens_and_round_trips()
    {
        string text = ExecutedText("08-attention.ipynb");
        var english = Regex.Match(text, @"This License applies to any program\.: 36 characters → 36 character tokens, (\d+) GPT-2 tokens");
        var chinese = Regex.Match(text, @"今天天气很好，我们去公园散步。: 15 characters → 15 character tokens, (\d+) GPT-2 tokens");
        Assert.True(english.Success && chinese.Success, "chapter 08 prints both sentences' token counts:\n" + text);
        Assert.Equal(7, Number(english, 1));   // This|␣License|␣applies|␣to|␣any|␣program|.
        Assert.Equal(28, Number(chinese, 1));  // the text's "15 → 28"
        var vocabulary = Regex.Match(text, @"vocabulary: 50257 GPT-2 tokens vs (\d+) characters in the GPL");
        Assert.True(vocabulary.Success, text);
        Assert.Contains($"characters, vocabulary of {vocabulary.Groups[1].Value} characters", text); // the same GPL vocabulary the GPT trains on
        var parameters = Regex.Match(text, @"parameters: (\d+) in a GPT-2 token embedding at E = 48, (\d+) in the whole tiny GPT");
        Assert.True(parameters.Success, text);
        Assert.Equal(50257 * 48, Number(parameters, 1));
        Assert.True(Number(parameters, 1) > 24 * Number(parameters, 2), $"\"dozens of times the whole tiny GPT\": {parameters.Value}");
        Assert.Contains("round trip: Decode(Encode(\"This License applies to any program.\")) == the sentence: True", text);
        Assert.Contains("round trip: Decode(Encode(\"今天天气很好，我们去公园散步。\")) == the sentence: True", text);
        Assert.Contains("GPT-2 BPE, 7 tokens: This(1212), ␣License(13789)", text);
    }
}
