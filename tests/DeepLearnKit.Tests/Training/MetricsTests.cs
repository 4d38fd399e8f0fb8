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
}
