// Metrics against examples worked by hand, and AUC against its probabilistic definition.
using DeepLearnKit.Training;

namespace DeepLearnKit.Tests.Training;

public class MetricsTests
{
    // Nine examples of three classes:
    //   true       0 0 0 1 1 2 2 2 2
    //   predicted  0 1 0 1 1 2 0 0 2
    // Counts (rows true, columns predicted):  [2 1 0]   column sums 4 3 2
    //                                          [0 2 0]   row sums    3 2 4
    //                                          [2 0 2]
    // precision = diagonal / column sum = 2/4, 2/3, 2/2;  recall = diagonal / row sum = 2/3, 2/2, 2/4
    // F1 = 2PR/(P+R): class 0: 2·½·⅔/(½+⅔) = 4/7, class 1: 2·⅔·1/(⅔+1) = 4/5, class 2: 2·1·½/(1+½) = 2/3
    // macro P = (½ + ⅔ + 1)/3 = 13/18, macro R = 13/18, macro F1 = (4/7 + 4/5 + 2/3)/3 = 214/315; accuracy 6/9.
    private static readonly float[] Truth = [0, 0, 0, 1, 1, 2, 2, 2, 2];
    private static readonly float[] Predicted = [0, 1, 0, 1, 1, 2, 0, 0, 2];

    /// <summary>Logits [9, 3] whose argmax is <see cref="Predicted"/>.</summary>
    private static Tensor Logits()
    {
        var values = new float[9 * 3];
        for (int i = 0; i < 9; i++)
            for (int c = 0; c < 3; c++) values[i * 3 + c] = c == (int)Predicted[i] ? 2.5f - 0.1f * i : -0.3f * c;
        return Tensor.FromArray(values, 9, 3);
    }

    [Fact]
    public void The_confusion_matrix_of_a_three_class_example_matches_the_hand_computation()
    {
        var m = ConfusionMatrix.Of(Logits(), Tensor.FromArray(Truth), classNames: ["cat", "dog", "owl"]);
        Assert.Equal(new long[,] { { 2, 1, 0 }, { 0, 2, 0 }, { 2, 0, 2 } }, m.Counts);
        Assert.Equal(9, m.Total);
        Assert.Equal([3L, 2L, 4L], m.Support);
        Close([2.0 / 4, 2.0 / 3, 2.0 / 2], m.Precision);
        Close([2.0 / 3, 2.0 / 2, 2.0 / 4], m.Recall);
        Close([4.0 / 7, 4.0 / 5, 2.0 / 3], m.F1);
        Assert.Equal(13.0 / 18, m.MacroPrecision, 12);
        Assert.Equal(13.0 / 18, m.MacroRecall, 12);
        Assert.Equal(214.0 / 315, m.MacroF1, 12);
        Assert.Equal(6.0 / 9, m.Accuracy, 12);
        Assert.Equal(0.5, m.Normalized()[2, 0]);
        Assert.Contains("owl", m.ToString());
    }

    [Fact]
    public void Predicted_ids_and_batches_added_one_by_one_give_the_same_matrix()
    {
        var m = new ConfusionMatrix(3);
        m.Add(Tensor.FromArray(Predicted[..4]), Tensor.FromArray(Truth[..4]));
        m.Add(Tensor.FromArray(Predicted[4..]), Tensor.FromArray(Truth[4..]));
        Assert.Equal(new long[,] { { 2, 1, 0 }, { 0, 2, 0 }, { 2, 0, 2 } }, m.Counts);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Add(Tensor.FromArray([0f, 3f]), Tensor.FromArray([0f, 0f])));
        Assert.Equal(9, m.Total); // the bad batch added nothing
    }

    [Fact]
    public void A_class_never_predicted_has_precision_zero_not_NaN()
    {
        var m = new ConfusionMatrix(2);
        m.Add(0, 0);
        m.Add(1, 0);
        Assert.Equal([0.5, 0.0], m.Precision);
        Assert.Equal(0.0, m.F1[1]);
    }

    [Fact]
    public void Accuracy_reads_logits_by_argmax_or_takes_predicted_ids()
    {
        Assert.Equal(6.0 / 9, Metrics.Accuracy(Logits(), Tensor.FromArray(Truth)), 12);
        Assert.Equal(6.0 / 9, Metrics.Accuracy(Tensor.FromArray(Predicted), Tensor.FromArray(Truth)), 12);
        var e = Assert.Throws<ArgumentException>(() => Metrics.Accuracy(Tensor.Zeros(4, 1), Tensor.Zeros(4)));
        Assert.Contains("one score per example", e.Message);
        Assert.Throws<ArgumentException>(() => Metrics.Accuracy(Tensor.Zeros(4, 3), Tensor.Zeros(5)));
    }

    [Fact]
    public void The_ROC_curve_of_a_small_example_matches_the_hand_computation()
    {
        // scikit-learn's example: scores 0.1 0.4 0.35 0.8 for classes 0 0 1 1. Lowering the threshold through
        // 0.8 (a positive), 0.4 (a negative), 0.35 (a positive), 0.1 (a negative):
        var roc = Metrics.RocCurve([0.1f, 0.4f, 0.35f, 0.8f], [0, 0, 1, 1]);
        Assert.Equal([0, 0, 0.5, 0.5, 1], roc.FalsePositiveRate);
        Assert.Equal([0, 0.5, 0.5, 1, 1], roc.TruePositiveRate);
        Close([double.PositiveInfinity, 0.8, 0.4, 0.35, 0.1], roc.Thresholds, 1e-7);
        Assert.Equal(0.75, roc.Auc, 12);
    }

    [Fact]
    public void AUC_equals_the_probability_that_a_positive_outscores_a_negative()
    {
        // Scores rounded to one decimal, so there are many ties (a tie counts one half).
        var random = new Random(11);
        var scores = Enumerable.Range(0, 200).Select(_ => MathF.Round((float)random.NextDouble(), 1)).ToArray();
        var targets = scores.Select(s => random.NextDouble() < 0.3 + 0.5 * s ? 1f : 0f).ToArray();
        double wins = 0;
        int pairs = 0;
        for (int i = 0; i < scores.Length; i++)
            for (int j = 0; j < scores.Length; j++)
            {
                if (targets[i] != 1 || targets[j] != 0) continue;
                pairs++;
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
            }
        var roc = Metrics.RocCurve(Tensor.FromArray(scores), Tensor.FromArray(targets));
        Assert.Equal(wins / pairs, roc.Auc, 12);
        Assert.Equal(12, roc.Thresholds.Count); // +∞ and the 11 distinct values 0.0 … 1.0
        Assert.Equal(1.0, roc.FalsePositiveRate[^1]);
        Assert.Equal(1.0, roc.TruePositiveRate[^1]);
    }

    [Fact]
    public void ROC_needs_binary_targets_of_both_classes()
    {
        Assert.Throws<ArgumentException>(() => Metrics.RocCurve([0.1f, 0.2f], [1, 1]));
        Assert.Throws<ArgumentException>(() => Metrics.RocCurve([0.1f, 0.2f], [0, 2]));
    }

    [Fact]
    public void Auc_is_the_trapezoid_area()
    {
        Assert.Equal(0.5 * 1 * 2 + 2 * 2, Metrics.Auc([0, 1, 3], [0, 2, 2]), 12);
        Assert.Equal(0.5, Metrics.Auc([1, 0], [1, 0]), 12); // decreasing x
        Assert.Throws<ArgumentException>(() => Metrics.Auc([0, 2, 1], [0, 1, 1]));
    }

    private static void Close(double[] expected, IReadOnlyList<double> actual, double tolerance = 1e-12)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++)
            if (expected[i] != actual[i]) Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void One_vs_rest_AUCs_equal_the_share_of_correctly_ordered_positive_negative_pairs()
    {
        // Random softmax scores for 40 examples of 4 classes (with ties from rounding to tenths), and for each class
        // AUC = P(s_pos > s_neg) + ½ P(s_pos = s_neg), counted over all pairs by a loop.
        var rng = new Random(5);
        var logits = Enumerable.Range(0, 160).Select(_ => (float)rng.NextDouble() * 3).ToArray();
        var scores = Tensor.FromArray(logits, 40, 4).Softmax(1);
        var rounded = Tensor.FromArray(scores.ToArray().Select(v => MathF.Round(v, 1)).ToArray(), 40, 4);
        var targets = Enumerable.Range(0, 40).Select(i => (float)(i % 4)).ToArray();
        var roc = Metrics.RocCurves(rounded, Tensor.FromArray(targets));
        var s = rounded.ToArray();
        var expected = new double[4];
        for (int c = 0; c < 4; c++)
        {
            double wins = 0;
            int pairs = 0;
            for (int i = 0; i < 40; i++)
                for (int j = 0; j < 40; j++)
                    if (targets[i] == c && targets[j] != c)
                    {
                        pairs++;
                        wins += s[i * 4 + c] > s[j * 4 + c] ? 1 : s[i * 4 + c] == s[j * 4 + c] ? 0.5 : 0;
                    }
            expected[c] = wins / pairs;
            Assert.Equal(expected[c], roc.Auc[c], 12);
        }
        Assert.Equal(expected.Average(), roc.MacroAuc, 12);
        Assert.Equal(4, roc.Curves.Count);
    }

    [Fact]
    public void A_class_that_never_occurs_is_named_in_RocCurves_error()
    {
        var error = Assert.Throws<ArgumentException>(() => Metrics.RocCurves(Tensor.Zeros(4, 3), Tensor.FromArray([0f, 1f, 0f, 1f])));
        Assert.Contains("class 2", error.Message);
        Assert.Contains("[4, 3]", Assert.Throws<ArgumentException>(() => Metrics.RocCurves(Tensor.Zeros(4, 3), Tensor.Zeros(5))).Message);
    }

    [Fact]
    public void Calibration_bins_confidences_and_the_ECE_matches_the_hand_computation()
    {
        // Five predictions, 2 classes, 5 bins of width 0.2:
        //   confidence 0.9 (right), 0.95 (wrong) → bin (0.8, 1]: conf 0.925, acc 0.5
        //   confidence 0.6 (right), 0.7 (right)  → bin (0.6, 0.8] holds 0.7; 0.6 is in (0.4, 0.6]
        //   confidence 0.55 (wrong)              → bin (0.4, 0.6] with 0.6: conf 0.575, acc 0.5
        // ECE = 2/5·|0.5 − 0.925| + 1/5·|1 − 0.7| + 2/5·|0.5 − 0.575| = 0.17 + 0.06 + 0.03 = 0.26
        var p = Tensor.FromArray([0.9f, 0.1f, 0.05f, 0.95f, 0.6f, 0.4f, 0.3f, 0.7f, 0.45f, 0.55f], 5, 2);
        var targets = Tensor.FromArray([0f, 0f, 0f, 1f, 0f]);
        var report = Metrics.Calibration(p, targets, bins: 5);
        Assert.Equal(new[] { 0, 0, 2, 1, 2 }, report.Bins.Select(b => b.Count));
        Assert.Equal(0.925, report.Bins[4].MeanConfidence, 6);
        Assert.Equal(0.5, report.Bins[4].Accuracy, 12);
        Assert.Equal(0.575, report.Bins[2].MeanConfidence, 6);
        Assert.Equal(1.0, report.Bins[3].Accuracy, 12);
        Assert.True(double.IsNaN(report.Bins[0].Accuracy));
        Assert.Equal(0.26, report.ExpectedCalibrationError, 6);
        Assert.Equal(0.425, report.MaximumCalibrationError, 6);
    }

    [Fact]
    public void A_model_whose_confidence_is_its_accuracy_has_an_ECE_near_zero()
    {
        // Each example's predicted class has probability q drawn from [0.5, 1] and is right with probability q:
        // calibrated by construction, so the ECE shrinks like 1/√N (here below 0.03 for 20 000 examples).
        var rng = new Random(9);
        int n = 20_000;
        var p = new float[n * 2];
        var t = new float[n];
        for (int i = 0; i < n; i++)
        {
            float q = 0.5f + 0.5f * (float)rng.NextDouble();
            p[2 * i] = q;
            p[2 * i + 1] = 1 - q;
            t[i] = rng.NextDouble() < q ? 0 : 1;
        }
        Assert.InRange(Metrics.Calibration(Tensor.FromArray(p, n, 2), Tensor.FromArray(t)).ExpectedCalibrationError, 0, 0.03);
        // Overconfident: the same predictions, right only half the time.
        for (int i = 0; i < n; i++) t[i] = i % 2;
        Assert.InRange(Metrics.Calibration(Tensor.FromArray(p, n, 2), Tensor.FromArray(t)).ExpectedCalibrationError, 0.2, 0.3);
    }

    [Fact]
    public void Misclassified_lists_each_wrong_example_with_its_true_and_argmax_class_in_order()
    {
        // Rows: argmax 1 (true 1, right), 0 (true 2, wrong), a tie 0/2 → the lowest id 0 (true 2, wrong), 2 (true 2, right).
        var scores = Tensor.FromArray([0.1f, 0.8f, 0.1f, 0.6f, 0.3f, 0.1f, 0.4f, 0.2f, 0.4f, 0f, 0f, 1f], 4, 3);
        var targets = Tensor.FromArray([1f, 2f, 2f, 2f]);
        Assert.Equal([(1, 2, 0), (2, 2, 0)], Metrics.Misclassified(scores, targets));
        Assert.Equal([(0, 1, 0), (3, 2, 1)], Metrics.Misclassified(Tensor.FromArray([0f, 2f, 2f, 1f]), targets));
        Assert.Empty(Metrics.Misclassified(targets, targets));
        Assert.Contains("[4, 3] and [3]", Assert.Throws<ArgumentException>(() => Metrics.Misclassified(scores, targets[..3])).Message);
    }
}
