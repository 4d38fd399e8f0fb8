// Measures of a classifier as data: accuracy, ROC curves (binary and one-vs-rest), the area under a curve and calibration.
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

/// <summary>
/// One-vs-rest ROC curves of a C-class classifier: curve c scores class c's probability (or logit) against
/// "is class c". <see cref="MacroAuc"/> is the plain mean of the per-class AUCs (scikit-learn's
/// <c>roc_auc_score(multi_class="ovr", average="macro")</c>).
/// </summary>
/// <param name="Curves">The curve of each class, in class order.</param>
/// <param name="ClassNames">The classes' names, in class order, or null (then the pictures number them).</param>
public sealed record MulticlassRoc(IReadOnlyList<RocCurve> Curves, IReadOnlyList<string>? ClassNames = null)
{
    /// <summary>Class <paramref name="c"/>'s name, or its number when the classes have no names.</summary>
    public string ClassName(int c) => ClassNames is { } names && c < names.Count ? names[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Each class's area under its one-vs-rest curve.</summary>
    public IReadOnlyList<double> Auc => Curves.Select(c => c.Auc).ToArray();

    /// <summary>The mean of <see cref="Auc"/> over classes.</summary>
    public double MacroAuc => Auc.Average();

    /// <summary><c>MulticlassRoc(10 classes, macro AUC 0.981)</c>.</summary>
    public override string ToString() => $"MulticlassRoc({Curves.Count} classes, macro AUC {MacroAuc:0.###})";
}

/// <summary>The predictions whose confidence fell in (<paramref name="Lower"/>, <paramref name="Upper"/>] (the first bin also holds 0).</summary>
/// <param name="Lower">The bin's lower edge.</param>
/// <param name="Upper">The bin's upper edge.</param>
/// <param name="Count">How many predictions fell in it.</param>
/// <param name="MeanConfidence">Their mean confidence (the predicted class's probability); NaN for an empty bin.</param>
/// <param name="Accuracy">The share of them that were right; NaN for an empty bin.</param>
public sealed record CalibrationBin(double Lower, double Upper, int Count, double MeanConfidence, double Accuracy);

/// <summary>
/// How well a classifier's confidence matches its accuracy: the reliability diagram's bins and the expected calibration
/// error <c>ECE = Σ_b (n_b / N)·|acc_b − conf_b|</c> (Guo et al., 2017), 0 for a perfectly calibrated model.
/// </summary>
/// <param name="Bins">Equal-width confidence bins over [0, 1], in order.</param>
public sealed record CalibrationReport(IReadOnlyList<CalibrationBin> Bins)
{
    /// <summary>The number of predictions binned.</summary>
    public int Count => Bins.Sum(b => b.Count);

    /// <summary><c>ECE = Σ_b (n_b / N)·|acc_b − conf_b|</c> over the non-empty bins.</summary>
    public double ExpectedCalibrationError =>
        Bins.Where(b => b.Count > 0).Sum(b => (double)b.Count / Count * Math.Abs(b.Accuracy - b.MeanConfidence));

    /// <summary>The largest gap <c>|acc_b − conf_b|</c> of a non-empty bin (the maximum calibration error).</summary>
    public double MaximumCalibrationError => Bins.Where(b => b.Count > 0).Max(b => Math.Abs(b.Accuracy - b.MeanConfidence));

    /// <summary><c>CalibrationReport(10 bins, 1000 predictions, ECE 0.042)</c>.</summary>
    public override string ToString() => $"CalibrationReport({Bins.Count} bins, {Count} predictions, ECE {ExpectedCalibrationError:0.###})";
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

    /// <summary>
    /// The examples a classifier got wrong, in order: each n with predicted class ≠ <c>targets[n]</c>, where the prediction
    /// is the argmax of <paramref name="outputs"/>[n] ([N, C] scores; the lowest id among ties) or <paramref name="outputs"/>[n]
    /// itself ([N] predicted ids).
    /// </summary>
    public static IReadOnlyList<(int Index, int Actual, int Predicted)> Misclassified(Tensor outputs, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Rank != 1 || outputs.Rank is not (1 or 2) || outputs.Size(0) != targets.Size(0))
            throw new ArgumentException($"Misclassified: needs outputs [N, C] or predicted ids [N] and class ids [N], got {Shapes.Format(outputs.Shape)} and {Shapes.Format(targets.Shape)}.");
        float[] predicted;
        using (Tensor.NoGrad()) predicted = outputs.Rank == 2 ? outputs.ArgMax(-1).ToArray() : outputs.ToArray();
        var actual = targets.ToArray();
        return Enumerable.Range(0, actual.Length).Where(n => predicted[n] != actual[n]).Select(n => (n, (int)actual[n], (int)predicted[n])).ToArray();
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

    /// <summary>
    /// One-vs-rest ROC curves of <paramref name="scores"/> [N, C] (probabilities or logits; higher means more likely)
    /// against class ids <paramref name="targets"/> [N]: curve c is <see cref="RocCurve(Tensor, Tensor)"/> of column c
    /// against <c>targets == c</c>. Every class must occur, and not be the only one. <paramref name="classNames"/>, when
    /// given, names the C classes in the pictures.
    /// </summary>
    public static MulticlassRoc RocCurves(Tensor scores, Tensor targets, IReadOnlyList<string>? classNames = null)
    {
        var (n, classes, ids) = ClassScores("RocCurves", scores, targets);
        if (classNames is not null && classNames.Count != classes)
            throw new ArgumentException($"RocCurves: {classNames.Count} class names for {classes} classes.", nameof(classNames));
        var values = scores.ToArray();
        var curves = new RocCurve[classes];
        var column = new float[n];
        var isClass = new float[n];
        for (int c = 0; c < classes; c++)
        {
            for (int i = 0; i < n; i++)
            {
                column[i] = values[i * classes + c];
                isClass[i] = ids[i] == c ? 1 : 0;
            }
            try { curves[c] = RocCurve(column, isClass); }
            catch (ArgumentException e) { throw new ArgumentException($"RocCurves: class {c}: {e.Message}", e); }
        }
        return new MulticlassRoc(curves, classNames);
    }

    /// <summary>
    /// The calibration of <paramref name="probabilities"/> [N, C] (each row a distribution, e.g. a softmax) against class ids
    /// <paramref name="targets"/> [N]: each prediction's confidence is its largest probability, binned into
    /// <paramref name="bins"/> equal-width bins (lower, upper], and each bin's accuracy is the share whose argmax (the lowest
    /// id among ties) is the target. See <see cref="CalibrationReport"/> for the error measures.
    /// </summary>
    public static CalibrationReport Calibration(Tensor probabilities, Tensor targets, int bins = 10)
    {
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), $"Calibration: needs at least one bin, got {bins}.");
        var (n, classes, ids) = ClassScores("Calibration", probabilities, targets);
        var p = probabilities.ToArray();
        var count = new int[bins];
        var confidence = new double[bins];
        var right = new int[bins];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int c = 0; c < classes; c++)
            {
                float v = p[i * classes + c];
                if (!(v >= 0 && v <= 1))
                    throw new ArgumentOutOfRangeException(nameof(probabilities), $"Calibration: probabilities must lie in [0, 1], got {v} at [{i}, {c}].");
                if (v > p[i * classes + best]) best = c;
            }
            float top = p[i * classes + best];
            int b = Math.Clamp((int)Math.Ceiling(top * bins) - 1, 0, bins - 1);
            count[b]++;
            confidence[b] += top;
            if (best == ids[i]) right[b]++;
        }
        return new CalibrationReport(Enumerable.Range(0, bins).Select(b => new CalibrationBin(
            (double)b / bins, (double)(b + 1) / bins, count[b],
            count[b] == 0 ? double.NaN : confidence[b] / count[b],
            count[b] == 0 ? double.NaN : (double)right[b] / count[b])).ToArray());
    }

    /// <summary>Checks scores [N, C] against class ids [N] and returns N, C and the ids.</summary>
    private static (int N, int Classes, int[] Ids) ClassScores(string op, Tensor scores, Tensor targets)
    {
        if (scores.Rank != 2 || targets.Rank != 1 || targets.Size(0) != scores.Size(0))
            throw new ArgumentException($"{op}: needs scores [N, C] and class ids [N], got {Shapes.Format(scores.Shape)} and {Shapes.Format(targets.Shape)}.");
        int n = scores.Size(0), classes = scores.Size(1);
        var ids = new int[n];
        var t = targets.ToArray();
        for (int i = 0; i < n; i++)
        {
            if (t[i] != MathF.Floor(t[i]) || t[i] < 0 || t[i] >= classes)
                throw new ArgumentOutOfRangeException(nameof(targets), $"{op}: target {t[i]} at index {i} is not a class index in [0, {classes - 1}].");
            ids[i] = (int)t[i];
        }
        return (n, classes, ids);
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
