// The confusion matrix of a classifier and the per-class precision, recall and F1 read from it.
using System.Globalization;
using System.Text;

namespace DeepLearnKit.Training;

/// <summary>
/// Counts[i, j] = the number of examples of true class i predicted as class j (rows: truth, columns: prediction, as
/// scikit-learn). For class c: precision = Counts[c, c] / Σᵢ Counts[i, c], recall = Counts[c, c] / Σⱼ Counts[c, j],
/// F1 = 2·P·R / (P + R); a ratio with a zero denominator is 0 (scikit-learn's default). Macro averages are plain
/// means over classes. Add batches with <see cref="Add(Tensor, Tensor)"/> to evaluate a whole data set.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[,] counts;

    /// <summary>An empty matrix for <paramref name="numClasses"/> classes, optionally named.</summary>
    public ConfusionMatrix(int numClasses, IReadOnlyList<string>? classNames = null)
    {
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses), $"ConfusionMatrix: needs at least one class, got {numClasses}.");
        if (classNames is not null && classNames.Count != numClasses)
            throw new ArgumentException($"ConfusionMatrix: {classNames.Count} class names for {numClasses} classes.");
        NumClasses = numClasses;
        ClassNames = classNames ?? Enumerable.Range(0, numClasses).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        counts = new long[numClasses, numClasses];
    }

    /// <summary>The matrix of <paramref name="outputs"/> ([N, C] scores, or [N] predicted ids) against class ids <paramref name="targets"/> [N].</summary>
    public static ConfusionMatrix Of(Tensor outputs, Tensor targets, int? numClasses = null, IReadOnlyList<string>? classNames = null)
    {
        int n = numClasses ?? classNames?.Count ?? (outputs.Rank == targets.Rank + 1
            ? outputs.Size(-1)
            : (int)Math.Max(outputs.ToArray().DefaultIfEmpty().Max(), targets.ToArray().DefaultIfEmpty().Max()) + 1);
        var matrix = new ConfusionMatrix(n, classNames);
        matrix.Add(outputs, targets);
        return matrix;
    }

    /// <summary>The number of classes, C.</summary>
    public int NumClasses { get; }

    /// <summary>Each class's name (its index when none were given).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Counts[true, predicted], a copy [C, C].</summary>
    public long[,] Counts => (long[,])counts.Clone();

    /// <summary>The number of examples of true class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => counts[actual, predicted];

    /// <summary>Examples counted.</summary>
    public long Total { get; private set; }

    /// <summary>Adds one example.</summary>
    public void Add(int actual, int predicted)
    {
        if ((uint)actual >= (uint)NumClasses || (uint)predicted >= (uint)NumClasses)
            throw new ArgumentOutOfRangeException(nameof(actual), $"ConfusionMatrix: classes must be in [0, {NumClasses}), got true {actual}, predicted {predicted}.");
        counts[actual, predicted]++;
        Total++;
    }

    /// <summary>Adds a batch: <paramref name="outputs"/> [N, C] scores (argmax is the prediction) or [N] predicted ids, <paramref name="targets"/> [N] class ids.</summary>
    public void Add(Tensor outputs, Tensor targets)
    {
        float[] predicted;
        if (outputs.Rank == targets.Rank + 1)
        {
            using var _ = Tensor.NoGrad();
            predicted = outputs.ArgMax(-1).ToArray();
        }
        else predicted = outputs.ToArray();
        var actual = targets.ToArray();
        if (predicted.Length != actual.Length)
            throw new ArgumentException($"ConfusionMatrix: outputs {Shapes.Format(outputs.Shape)} do not match targets {Shapes.Format(targets.Shape)}.");
        // Check the whole batch first so a bad class id adds nothing.
        for (int i = 0; i < actual.Length; i++)
            if (!IsClass(actual[i]) || !IsClass(predicted[i]))
                throw new ArgumentOutOfRangeException(nameof(targets), $"ConfusionMatrix: example {i} has true class {actual[i]} and prediction {predicted[i]}; classes must be integers in [0, {NumClasses}).");
        for (int i = 0; i < actual.Length; i++) Add((int)actual[i], (int)predicted[i]);
    }

    private bool IsClass(float v) => v >= 0 && v < NumClasses && v == MathF.Floor(v);

    /// <summary>The number of examples of each true class (row sums).</summary>
    public IReadOnlyList<long> Support => Enumerable.Range(0, NumClasses).Select(c => Row(c)).ToArray();

    /// <summary>Share of all examples on the diagonal.</summary>
    public double Accuracy => Ratio(Enumerable.Range(0, NumClasses).Sum(c => counts[c, c]), Total);

    /// <summary>Per class: TP / (TP + FP), the share of predictions of c that are right.</summary>
    public IReadOnlyList<double> Precision => Enumerable.Range(0, NumClasses).Select(c => Ratio(counts[c, c], Column(c))).ToArray();

    /// <summary>Per class: TP / (TP + FN), the share of true c that is found.</summary>
    public IReadOnlyList<double> Recall => Enumerable.Range(0, NumClasses).Select(c => Ratio(counts[c, c], Row(c))).ToArray();

    /// <summary>Per class: the harmonic mean 2PR / (P + R).</summary>
    public IReadOnlyList<double> F1 => Precision.Zip(Recall, (p, r) => p + r == 0 ? 0 : 2 * p * r / (p + r)).ToArray();

    /// <summary>The mean of <see cref="Precision"/> over classes.</summary>
    public double MacroPrecision => Precision.Average();

    /// <summary>The mean of <see cref="Recall"/> over classes.</summary>
    public double MacroRecall => Recall.Average();

    /// <summary>The mean of <see cref="F1"/> over classes (not the F1 of the macro precision and recall).</summary>
    public double MacroF1 => F1.Average();

    /// <summary>Each row divided by its sum (recall on the diagonal), for a heatmap; a row without examples is zeros.</summary>
    public double[,] Normalized()
    {
        var result = new double[NumClasses, NumClasses];
        for (int i = 0; i < NumClasses; i++)
        {
            long row = Row(i);
            for (int j = 0; j < NumClasses; j++) result[i, j] = Ratio(counts[i, j], row);
        }
        return result;
    }

    private long Row(int c)
    {
        long sum = 0;
        for (int j = 0; j < NumClasses; j++) sum += counts[c, j];
        return sum;
    }

    private long Column(int c)
    {
        long sum = 0;
        for (int i = 0; i < NumClasses; i++) sum += counts[i, c];
        return sum;
    }

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;

    /// <summary>The counts as a small text table (rows: truth, columns: prediction) with accuracy and macro F1.</summary>
    public override string ToString()
    {
        int width = Math.Max(ClassNames.Max(n => n.Length), counts.Cast<long>().DefaultIfEmpty().Max().ToString(CultureInfo.InvariantCulture).Length) + 1;
        var text = new StringBuilder($"ConfusionMatrix({NumClasses} classes, {Total} examples, accuracy {Accuracy:0.###}, macro F1 {MacroF1:0.###})\n");
        text.Append(new string(' ', width)).AppendJoin("", ClassNames.Select(n => n.PadLeft(width))).Append('\n');
        for (int i = 0; i < NumClasses; i++)
        {
            text.Append(ClassNames[i].PadLeft(width));
            for (int j = 0; j < NumClasses; j++) text.Append(counts[i, j].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            text.Append('\n');
        }
        return text.ToString().TrimEnd('\n');
    }
}
