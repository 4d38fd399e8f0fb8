// Chapter 12's claims, read from the executed chapter: the per-class metrics, the AUC and the ECE agree with their
// second computations, temperature scaling softens the memorising model and lowers its calibration error, saliency
// agrees with finite differences and concentrates on the object, integrated gradients are complete, LIME's top squares
// matter more than its bottom ones, and FGSM stays within ε while accuracy falls as ε grows.
using System.Text.RegularExpressions;

namespace DeepLearnKit.Cli.Tests.Book;

public partial class ChapterBookTests
{
    [Fact]
    public void Chapter_12s_metrics_agree_with_their_loops_and_pair_counts_and_temperature_scaling_calibrates_the_memorising_model()
    {
        string text = ExecutedText("12-evaluation.ipynb");
        var accuracy = Regex.Match(text, @"LeNet-5 test accuracy (0\.\d+) on 10000 images");
        Assert.True(accuracy.Success && Number(accuracy, 1) >= 0.8, $"chapter 12's model: {accuracy.Value}\n{text}");
        Assert.Contains("the loop's counts give the same numbers", text);
        var auc = Regex.Match(text, @"lowest: \S+ (0\.\d+), and counting the 1000×9000 pairs gives (0\.\d+)");
        Assert.True(auc.Success && Number(auc, 1) == Number(auc, 2) && Number(auc, 1) > 0.5, $"AUC vs pairs: {auc.Value}");
        var ece = Regex.Match(text, @"ECE (0\.\d+) \(the loop: (0\.\d+)\)");
        Assert.True(ece.Success && Number(ece, 1) == Number(ece, 2), $"ECE vs the loop: {ece.Value}");

        var memorised = Regex.Match(text, @"60 epochs on 500 images: fitted T = ([0-9.]+); test ECE ([0-9.]+) at T = 1, ([0-9.]+) at T = [0-9.]+; accuracy unchanged: True");
        Assert.True(memorised.Success, "the memorising model's temperature scaling:\n" + text);
        Assert.True(Number(memorised, 1) > 1, $"a memorising model is overconfident, so T > 1: {memorised.Value}");
        Assert.True(Number(memorised, 3) < Number(memorised, 2) / 2, $"temperature scaling at least halves its ECE: {memorised.Value}");
        var overconfident = Regex.Match(text, @"test ECE (0\.\d+) \(the model above: (0\.\d+)\)");
        Assert.True(overconfident.Success && Number(overconfident, 1) > Number(overconfident, 2), $"memorising worsens calibration: {overconfident.Value}");
    }

    [Fact]
    public void Chapter_12s_attributions_pass_their_checks_and_fgsm_lowers_accuracy_monotonically_in_epsilon()
    {
        string text = ExecutedText("12-evaluation.ipynb");
        var gradient = Regex.Match(text, @"largest relative difference (\S+)\n");
        Assert.True(gradient.Success && Number(gradient, 1) <= 0.02, $"saliency vs finite differences: {gradient.Value}");
        var saliency = Regex.Match(text, @"the object covers ([0-9.]+) % of the pixels and holds ([0-9.]+) % of the saliency");
        Assert.True(saliency.Success && Number(saliency, 2) > Number(saliency, 1), $"saliency on the object (black background): {saliency.Value}");
        var completeness = Regex.Match(text, @"completeness holds within ([0-9.]+) % with 32 steps");
        Assert.True(completeness.Success && Number(completeness, 1) <= 5, $"Σ IG = s(x) − s(x'): {completeness.Value}");
        var lime = Regex.Match(text, @"hiding LIME's top squares lowers the probability more than hiding its bottom squares for (\d) of 4 images");
        Assert.True(lime.Success && Number(lime, 1) >= 3, $"LIME's faithfulness: {lime.Value}");

        var attack = Regex.Match(text, @"ε = 0\.05: largest pixel change ([0-9.]+); of the first 1000 test images, (\d+) right before the attack are wrong after it");
        Assert.True(attack.Success && Number(attack, 1) <= 0.05 && Number(attack, 2) >= 4, $"FGSM at ε = 0.05: {attack.Value}");
        var curve = Regex.Match(text, @"accuracy under FGSM: (.*); falling with ε: True");
        Assert.True(curve.Success, "the FGSM sweep:\n" + text);
        var accuracies = Regex.Matches(curve.Groups[1].Value, @"ε [0-9.]+: ([0-9.]+)").Select(m => Number(m, 1)).ToList();
        Assert.Equal(9, accuracies.Count);
        Assert.All(accuracies.Zip(accuracies.Skip(1)), pair => Assert.True(pair.Second <= pair.First, $"accuracy rose with ε: {curve.Value}"));
        Assert.True(accuracies[^1] < accuracies[0] / 2, $"ε = 0.2 at least halves the accuracy: {curve.Value}");
    }
}
