// A binary classifier on 2-D inputs: p(y = 1 | x) sampled on a grid over the data (drawn as filled contours, the
// boundary p = 0.5 where the colour turns) with the points on top, one colour per class.
using DeepLearnKit.Formatters.Plotly;

namespace DeepLearnKit.Formatters;

/// <summary>
/// p(y = 1 | x) of a classifier over the plane around 2-D points, with the points by class:
/// <c>DecisionBoundary.Of(x =&gt; (x.MatMul(w) + b).Sigmoid(), points, labels, ["class 0", "class 1"])</c>.
/// The grid spans the points' bounding box widened by <c>padding</c> of its size on each side.
/// </summary>
public sealed class DecisionBoundary
{
    /// <summary>Class 0's and class 1's marker colours: the ends of the RdBu scale the probability is drawn in.</summary>
    private static readonly string[] ClassColors = ["#1f4fd8", "#c0141c"];

    private DecisionBoundary(IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<IReadOnlyList<double>> z,
        float[] points, float[] labels, IReadOnlyList<string> classNames)
    {
        X = x;
        Y = y;
        Z = z;
        Points = points;
        Labels = labels;
        ClassNames = classNames;
    }

    /// <summary>The grid's x₁ coordinates.</summary>
    public IReadOnlyList<double> X { get; }

    /// <summary>The grid's x₂ coordinates.</summary>
    public IReadOnlyList<double> Y { get; }

    /// <summary><c>Z[i][j] = p(y = 1 | (X[j], Y[i]))</c>.</summary>
    public IReadOnlyList<IReadOnlyList<double>> Z { get; }

    /// <summary>The points, row-major [N, 2].</summary>
    public IReadOnlyList<float> Points { get; }

    /// <summary>Each point's class, 0 or 1.</summary>
    public IReadOnlyList<float> Labels { get; }

    /// <summary>The names of class 0 and class 1 (legend entries).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>
    /// Evaluates <paramref name="probability"/> (inputs [M, 2] → p(y = 1 | x) as [M] or [M, 1], under NoGrad) on a
    /// <paramref name="resolution"/> × <paramref name="resolution"/> grid around <paramref name="points"/> [N, 2], whose
    /// classes <paramref name="labels"/> [N] are 0 or 1.
    /// </summary>
    public static DecisionBoundary Of(Func<Tensor, Tensor> probability, Tensor points, Tensor labels, IReadOnlyList<string>? classNames = null,
        int resolution = 40, double padding = 0.1)
    {
        ArgumentNullException.ThrowIfNull(probability);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(labels);
        if (points.Rank != 2 || points.Size(1) != 2 || points.Size(0) == 0)
            throw new ArgumentException($"DecisionBoundary.Of: points must be [N, 2] with N > 0, got {Html.Shape(points.Shape)}.", nameof(points));
        if (labels.Rank != 1 || labels.Size(0) != points.Size(0))
            throw new ArgumentException($"DecisionBoundary.Of: labels must be [N] for points {Html.Shape(points.Shape)}, got {Html.Shape(labels.Shape)}.", nameof(labels));
        if (resolution < 2) throw new ArgumentOutOfRangeException(nameof(resolution), $"DecisionBoundary.Of: resolution must be at least 2, got {resolution}.");
        if (!(padding >= 0)) throw new ArgumentOutOfRangeException(nameof(padding), $"DecisionBoundary.Of: padding must be non-negative, got {padding}.");
        classNames ??= ["class 0", "class 1"];
        if (classNames.Count != 2) throw new ArgumentException($"DecisionBoundary.Of: give two class names, got {classNames.Count}.", nameof(classNames));
        var xy = points.ToArray();
        var y = labels.ToArray();
        foreach (float c in y)
            if (c is not (0 or 1)) throw new ArgumentOutOfRangeException(nameof(labels), $"DecisionBoundary.Of: labels must be 0 or 1, got {c}.");

        double[] Axis(int column)
        {
            var values = Enumerable.Range(0, xy.Length / 2).Select(i => (double)xy[2 * i + column]).ToArray();
            double min = values.Min(), max = values.Max(), span = Math.Max(max - min, 1e-6), pad = padding * span;
            return Enumerable.Range(0, resolution).Select(k => min - pad + (span + 2 * pad) * k / (resolution - 1)).ToArray();
        }
        var gx = Axis(0);
        var gy = Axis(1);
        var grid = new float[resolution * resolution * 2];
        for (int i = 0; i < resolution; i++)
            for (int j = 0; j < resolution; j++)
            {
                grid[2 * (i * resolution + j)] = (float)gx[j];
                grid[2 * (i * resolution + j) + 1] = (float)gy[i];
            }
        float[] p;
        using (Tensor.NoGrad()) p = probability(Tensor.FromArray(grid, resolution * resolution, 2).To(points.Device)).ToArray();
        if (p.Length != resolution * resolution)
            throw new ArgumentException($"DecisionBoundary.Of: the probability function gave {p.Length} values for {resolution * resolution} grid points; return [M] or [M, 1].", nameof(probability));
        var z = Enumerable.Range(0, resolution).Select(i => (IReadOnlyList<double>)Enumerable.Range(0, resolution).Select(j => (double)p[i * resolution + j]).ToArray()).ToArray();
        return new DecisionBoundary(gx, gy, z, xy, y, classNames);
    }

    /// <summary>Filled contours of p(y = 1 | x) in RdBu (blue: class 0, red: class 1), then each class's points, outlined in white.</summary>
    /// <param name="title">The chart's title; by default what is shown.</param>
    public Figure Figure(string? title = null)
    {
        var data = new List<Trace> { new Contour { Z = Z, X = X, Y = Y, ColorScale = "RdBu", NContours = 20, Name = "p(y = 1 | x)" } };
        for (int c = 0; c < 2; c++)
        {
            var rows = Enumerable.Range(0, Labels.Count).Where(i => Labels[i] == c).ToArray();
            data.Add(new Scatter
            {
                Name = ClassNames[c], Mode = "markers",
                X = rows.Select(i => (object)(double)Points[2 * i]).ToArray(), Y = rows.Select(i => (double)Points[2 * i + 1]).ToArray(),
                Marker = new Marker(ClassColors[c], 7, Line: new MarkerLine("#ffffff", 1)),
            });
        }
        return new Figure
        {
            Data = data,
            Layout = new Layout
            {
                Title = new Title(title ?? "Decision boundary: p(y = 1 | x) and the points by class"),
                XAxis = new Axis { Title = new Title("x₁") },
                YAxis = new Axis { Title = new Title("x₂") },
                Legend = new Legend("h", 0, -0.25),   // under the plot: the colour bar holds the right
                Height = 480,
            },
        };
    }

    /// <summary>The figure as HTML.</summary>
    public string ToHtml(string? title = null) => Figure(title).ToHtml();

    /// <inheritdoc/>
    public override string ToString()
    {
        int ones = Labels.Count(l => l == 1);
        return $"DecisionBoundary({X.Count}×{Y.Count} grid over [{Html.Number(X[0])}, {Html.Number(X[^1])}] × [{Html.Number(Y[0])}, {Html.Number(Y[^1])}], " +
               $"{Labels.Count - ones} {ClassNames[0]} and {ones} {ClassNames[1]} points)";
    }
}
