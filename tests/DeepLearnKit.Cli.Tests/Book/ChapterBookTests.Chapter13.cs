// Chapter 13's claims, read from the executed chapter: magnitude pruning keeps the rule (every pruned |w| at most every
// kept one) and its masks through Adam steps, accuracy against sparsity bends as the text says and fine-tuning at 80 %
// stays within 1 point of dense; every int8 weight is within s/2 of its value, the int8 model within 0.5 points of
// float32 at about a quarter of the file size, reloaded exactly; the distillation verdicts (one seed, five seeds) match their
// numbers, and the distilled student's test cross-entropy is lower while the one on labels alone begins to overfit.
using System.Globalization;
using System.Text.RegularExpressions;

namespace DeepLearnKit.Cli.Tests.Book;

public partial class ChapterBookTests
{
    [Fact]
    public void Chapter_13s_pruned_model_keeps_its_masks_and_at_80_percent_with_fine_tuning_stays_within_1_point_of_dense()
    {
        string text = ExecutedText("13-compression.ipynb");
        var rule = Regex.Match(text, @"PruningMasks\(3 parameters, sparsity 0\.800\): largest pruned \|w\| (\S+) ≤ smallest kept \|w\| (\S+): True");
        Assert.True(rule.Success && Number(rule, 1) <= Number(rule, 2), "chapter 13 checks the magnitude rule:\n" + text);
        var masks = Regex.Match(text, @"after (\d+) Adam steps, masked weights that are not zero: 0 of (\d+)");
        Assert.True(masks.Success && Number(masks, 1) > 0 && Number(masks, 2) > 0.79 * 234752, "the masks stay applied through the fine-tune:\n" + text);
        var first = Regex.Match(text, @"layers\.1\.weight\s+200704 weights,\s+\d+ pruned \((\S+) %\)");
        var last = Regex.Match(text, @"layers\.5\.weight\s+1280 weights,\s+\d+ pruned \((\S+) %\)");
        Assert.True(first.Success && last.Success && Number(first, 1) > Number(last, 1), "global pruning takes more of the first layer than of the last:\n" + text);

        var rows = Regex.Matches(text, @"sparsity (\d\.\d\d): global (0\.\d+), per layer (0\.\d+), global \+ fine-tuned (0\.\d+)");
        Assert.Equal(["0.00", "0.50", "0.70", "0.80", "0.90", "0.95"], rows.Select(r => r.Groups[1].Value));
        var at = rows.ToDictionary(r => r.Groups[1].Value, r => (Global: Number(r, 2), PerLayer: Number(r, 3), Tuned: Number(r, 4)));
        double dense = at["0.00"].Global;
        Assert.True(at["0.50"].Global >= dense - 0.01, $"half the weights pruned: {at["0.50"]} against dense {dense}");
        Assert.True(at["0.80"].Global <= dense - 0.05, $"the text says pruning 80 % alone costs many points: {at["0.80"]}");
        Assert.True(at["0.80"].Tuned >= dense - 0.01 && at["0.80"].Tuned >= at["0.00"].Tuned - 0.01, $"80 % + fine-tune within 1 point of dense {dense}: {at["0.80"]}");
        Assert.All(new[] { "0.80", "0.90", "0.95" }, p => Assert.True(at[p].Global > at[p].PerLayer, $"global beats per layer at {p}: {at[p]}"));
        Assert.True(at["0.90"].Tuned > at["0.90"].Global + 0.1, $"fine-tuning recovers the 90 % model: {at["0.90"]}");
        Assert.Contains("pruned to 80 % and fine-tuned, the MLP is within 1 point of dense", text);
        var denseLine = Regex.Match(text, @"dense MLP 784-256-128-10 after 2 epochs: test accuracy (0\.\d+), 235146 parameters");
        Assert.True(denseLine.Success && Number(denseLine, 1) >= 0.84 && Number(denseLine, 1) == dense, "the trained MLP:\n" + text);
    }

    [Fact]
    public void Chapter_13s_int8_weights_are_within_half_a_scale_and_the_int8_model_within_half_a_point_of_float32_at_a_quarter_of_the_size()
    {
        string text = ExecutedText("13-compression.ipynb");
        Assert.Matches(@"layers\.1\.weight: s = \S+ \(library \S+\); q by hand equals the library's: True", text);
        var layers = Regex.Matches(text, @"(layers\.\d\.weight)\s+(\d\.\d+E-\d+)\s+(\d\.\d+E-\d+)\s+(\d\.\d+)\n");
        Assert.Equal(["layers.1.weight", "layers.3.weight", "layers.5.weight"], layers.Select(l => l.Groups[1].Value));
        Assert.All(layers, l => Assert.True(Number(l, 3) < Number(l, 2) && Number(l, 4) <= 1.0001, $"per channel beats per tensor and |w − ŵ| ≤ s/2: {l.Value}"));
        Assert.Contains("every weight is within s/2 of its int8 value, per tensor and per channel: True", text);

        Assert.Contains("kept float32: none", text);
        var accuracy = Regex.Match(text, @"test accuracy: float32 (0\.\d+), int8 per channel (0\.\d+), int8 per tensor (0\.\d+)");
        Assert.True(accuracy.Success && Math.Abs(Number(accuracy, 2) - Number(accuracy, 1)) <= 0.005, $"int8 within 0.5 points of float32: {accuracy.Value}\n{text}");
        Assert.Contains("int8 is within 0.5 points of float32", text);

        var sizes = Regex.Match(text, @"float32 file ([\d,]+) bytes, int8 file ([\d,]+) bytes: \S+× smaller; the reloaded int8 model's outputs differ by 0\n");
        Assert.True(sizes.Success, "chapter 13 prints both file sizes and the exact reload:\n" + text);
        double Bytes(int group) => double.Parse(sizes.Groups[group].Value.Replace(",", ""), CultureInfo.InvariantCulture);
        // 4 bytes per parameter against 1 per weight + 4 per bias and per scale (plus each file's header).
        Assert.InRange(Bytes(1), 4 * 235146, 4 * 235146 + 4096);
        Assert.InRange(Bytes(2), 234752 + 4 * 2 * 394, 234752 + 4 * 2 * 394 + 4096);
        Assert.Matches(@"layers\.1\.weight\s+I8\s+\[256, 784\]", text);
        Assert.Matches(@"float32 \S+ ms, int8 \S+ ms \(int8 takes \S+× the float32 time\)", text);   // measured, not asserted
    }

    [Fact]
    public void Chapter_13s_distillation_verdicts_follow_its_accuracies_and_the_distilled_student_has_the_lower_test_cross_entropy()
    {
        string text = ExecutedText("13-compression.ipynb");
        var runs = Regex.Match(text, @"student 784-32-10 on 1000 labelled images, 30 epochs: labels alone (0\.\d+), distilled \(T = 4, α = 0\.9\) (0\.\d+)");
        Assert.True(runs.Success, "chapter 13 prints both students' test accuracies:\n" + text);
        double labels = Number(runs, 1), distilled = Number(runs, 2);
        Assert.True(labels >= 0.7 && distilled >= 0.7, $"both students learned: {runs.Value}");
        var verdict = Regex.Match(text, @"distillation (wins by|does not win: labels alone are ahead by) (0\.\d+)");
        Assert.True(verdict.Success, "chapter 13 says which student won:\n" + text);
        Assert.Equal(distilled > labels ? "wins by" : "does not win: labels alone are ahead by", verdict.Groups[1].Value);
        Assert.Equal(Math.Abs(distilled - labels), Number(verdict, 2), 0.00015);   // both printed to 4 decimals
        var seeds = Regex.Match(text, @"distilled minus labels alone, seeds 2-6: ((?:[+-]0\.\d+(?:, )?){5}) \(mean ([+-]0\.\d+)\)");
        Assert.True(seeds.Success, "chapter 13 repeats the pair over five seeds:\n" + text);
        var differences = seeds.Groups[1].Value.Split(", ").Select(d => double.Parse(d, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Math.Round(distilled - labels, 4), differences[0], 0.00015);
        Assert.Equal(differences.Average(), Number(seeds, 2), 0.0002);
        Assert.Contains(differences.All(d => d > 0) ? "distillation wins on every seed"
            : $"distillation does not win reliably here: it is ahead on {differences.Count(d => d > 0)} of 5 seeds", text);
        var crossEntropy = Regex.Match(text, @"test cross-entropy \(seed 2\): labels alone (\d\.\d+), distilled (\d\.\d+)");
        Assert.True(crossEntropy.Success && Number(crossEntropy, 2) < Number(crossEntropy, 1), "the distilled student's test cross-entropy is lower:\n" + text);
        var overfit = Regex.Match(text, @"labels alone: test cross-entropy lowest (\d\.\d+) after epoch (\d+), (\d\.\d+) after epoch 30 \(overfitting: True\)");
        Assert.True(overfit.Success && Number(overfit, 3) > Number(overfit, 1) + 0.01 && Number(overfit, 3) == Number(crossEntropy, 1),
            "the student on labels alone has begun to overfit:\n" + text);
        var soft = Regex.Matches(text, @"\(a shirt\), T = (\d): Shirt (0\.\d+)");
        Assert.True(soft.Count == 2 && Number(soft[1], 2) < Number(soft[0], 2), "the temperature softens the teacher's outputs:\n" + text);
    }
}
