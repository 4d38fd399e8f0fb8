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
    }
}
