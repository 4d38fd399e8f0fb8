// Measures of a classifier as data: accuracy, the ROC curve and the area under a curve.
// (ConfusionMatrix, with precision, recall and F1, has its own file.)
namespace DeepLearnKit.Training;

/// <summary>A receiver operating characteristic: for each threshold t (descending), the rates of scores ≥ t among negatives and positives.</summary>
/// <param name="FalsePositiveRate">FPR = FP / N at each threshold, from 0 up to 1.</param>
/// <param name="TruePositiveRate">TPR = TP / P at each threshold, from 0 up to 1.</param>
/// <param name="Thresholds">The thresholds: +∞ first (nothing predicted positive), then each distinct score, descending.</param>
public sealed record RocCurve(IReadOnlyList<double> FalsePositiveRate, IReadOnlyList<double> TruePositiveRate, IReadOnlyList<double> Thresholds)
{
    /// <summary>The area under the curve (trapezoid rule), which equals P(score of a positive &gt; score of a negative) + ½ P(tie).</summary>
    public double Auc => Metrics.Auc(FalsePositiveRate, TruePositiveRate);

    /// <summary><c>RocCurve(12 points, AUC 0.934)</c>.</summary>
    public override string ToString() => $"RocCurve({Thresholds.Count} points, AUC {Auc:0.###})";
}

/// <summary>Classification metrics computed from outputs and targets.</summary>
public static class Metrics
{
    /// <summary>
    /// The share of examples classified correctly. <paramref name="outputs"/> are scores [N, C] (logits or probabilities;
    /// the prediction is argmax over the last dim) or predicted class ids shaped like <paramref name="targets"/>, the
    /// class ids [N].
    /// </summary>
    public static double Accuracy(Tensor outputs, Tensor targets)
    {
        float[] predictions;
        if (outputs.Rank == targets.Rank + 1 && outputs.Shape[..^1].SequenceEqual(targets.Shape))
        {
            if (outputs.Size(-1) < 2)
                throw new ArgumentException($"Accuracy: outputs of shape {Shapes.Format(outputs.Shape)} have one score per example; pass predicted classes instead (e.g. (logits > 0)).");
            using var _ = Tensor.NoGrad();
            predictions = outputs.ArgMax(-1).ToArray();
        }
        else if (outputs.Shape.SequenceEqual(targets.Shape))
        {
            predictions = outputs.ToArray();
        }
        else
        {
            throw new ArgumentException($"Accuracy: expected outputs [N, C] or [N] for targets [N], got outputs {Shapes.Format(outputs.Shape)} and targets {Shapes.Format(targets.Shape)}.");
        }
        var expected = targets.ToArray();
        if (expected.Length == 0) throw new ArgumentException("Accuracy: got no examples.");
        int correct = 0;
        for (int i = 0; i < expected.Length; i++)
            if (predictions[i] == expected[i]) correct++;
        return (double)correct / expected.Length;
    }

    /// <summary>
    /// Keras' <c>binary_accuracy</c>: the share of examples whose thresholded output matches a 0/1 target,
    /// <c>mean(1[ŷᵢ &gt; threshold] = yᵢ)</c>. <paramref name="outputs"/> are probabilities (after a sigmoid; use threshold 0 for
    /// logits) of <paramref name="targets"/>' shape, or [N, 1] for targets [N] (<see cref="NN.Loss.BinaryTargets"/>'s rule).
    /// </summary>
    public static double BinaryAccuracy(Tensor outputs, Tensor targets, double threshold = 0.5)
    {
        var expected = NN.Loss.BinaryTargets("BinaryAccuracy", outputs, targets).ToArray();
        var scores = outputs.ToArray();
        if (expected.Length == 0) throw new ArgumentException("BinaryAccuracy: got no examples.");
        int correct = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] is not (0 or 1))
                throw new ArgumentException($"BinaryAccuracy: targets must be 0 or 1, got {expected[i]} at index {i}.");
            if ((scores[i] > threshold ? 1 : 0) == expected[i]) correct++;
        }
        return (double)correct / expected.Length;
    }

    /// <summary>The ROC curve of <paramref name="scores"/> (higher means more positive) against binary <paramref name="targets"/> (0 or 1).</summary>
    public static RocCurve RocCurve(Tensor scores, Tensor targets) => RocCurve(scores.ToArray(), targets.ToArray());

    /// <summary>The ROC curve of <paramref name="scores"/> (higher means more positive) against binary <paramref name="targets"/> (0 or 1).</summary>
    public static RocCurve RocCurve(IReadOnlyList<float> scores, IReadOnlyList<float> targets)
    {
        if (scores.Count != targets.Count)
            throw new ArgumentException($"RocCurve: {scores.Count} scores but {targets.Count} targets.");
        int positives = 0, negatives = 0;
        for (int i = 0; i < targets.Count; i++)
        {
            if (targets[i] == 1) positives++;
            else if (targets[i] == 0) negatives++;
            else throw new ArgumentException($"RocCurve: targets must be 0 or 1, got {targets[i]} at index {i}.");
            if (float.IsNaN(scores[i])) throw new ArgumentException($"RocCurve: score {i} is NaN.");
        }
        if (positives == 0 || negatives == 0)
            throw new ArgumentException($"RocCurve: needs both classes, got {positives} positives and {negatives} negatives.");

        // Lower the threshold one distinct score at a time; tied scores enter together (a diagonal segment).
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        var thresholds = new List<double> { double.PositiveInfinity };
        int tp = 0, fp = 0;
        for (int k = 0; k < order.Length; k++)
        {
            if (targets[order[k]] == 1) tp++;
            else fp++;
            if (k + 1 < order.Length && scores[order[k + 1]] == scores[order[k]]) continue;
            fpr.Add((double)fp / negatives);
            tpr.Add((double)tp / positives);
            thresholds.Add(scores[order[k]]);
        }
        return new RocCurve(fpr, tpr, thresholds);
    }

    /// <summary>The area under the polyline (x[i], y[i]) by the trapezoid rule, <c>Σ (x[i] − x[i−1])·(y[i] + y[i−1])/2</c>; x must be monotonic.</summary>
    public static double Auc(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count || x.Count < 2)
            throw new ArgumentException($"Auc: needs at least two points and as many x as y, got {x.Count} x and {y.Count} y.");
        bool increasing = true, decreasing = true;
        for (int i = 1; i < x.Count; i++)
        {
            increasing &= x[i] >= x[i - 1];
            decreasing &= x[i] <= x[i - 1];
        }
        if (!increasing && !decreasing) throw new ArgumentException("Auc: x is neither increasing nor decreasing.");
        double area = 0;
        for (int i = 1; i < x.Count; i++) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        return increasing ? area : -area;
    }
}
