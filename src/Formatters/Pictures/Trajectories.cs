// Optimizer paths on a 2-D loss surface: the surface sampled on a grid (drawn as contours) and each optimizer's
// sequence of points (a Trajectory, recorded by the engine, drawn as a path), so a chapter can show momentum overshoot
// and Adam's steady steps.
using DeepLearnKit.Formatters.Plotly;
using DeepLearnKit.Optim;

namespace DeepLearnKit.Formatters;

/// <summary>
/// A loss surface f(x, y) sampled on a <c>resolution × resolution</c> grid over [xMin, xMax] × [yMin, yMax], with the
/// paths of optimizers on it: <c>Trajectories.On((x, y) =&gt; x*x + 10*y*y, -2, 2, -1, 1).Add(sgdPath).Add(adamPath)</c>.
/// </summary>
public sealed class Trajectories
{
    private readonly List<Trajectory> paths = [];

    private Trajectories(IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<IReadOnlyList<double>> z)
    {
        X = x;
        Y = y;
        Z = z;
    }

    /// <summary>The grid's x coordinates.</summary>
    public IReadOnlyList<double> X { get; }

    /// <summary>The grid's y coordinates.</summary>
    public IReadOnlyList<double> Y { get; }

    /// <summary>Z[i][j] = f(X[j], Y[i]).</summary>
    public IReadOnlyList<IReadOnlyList<double>> Z { get; }

    /// <summary>The paths added.</summary>
    public IReadOnlyList<Trajectory> Paths => paths;

    /// <summary>Samples <paramref name="loss"/> on the grid.</summary>
    public static Trajectories On(Func<double, double, double> loss, double xMin, double xMax, double yMin, double yMax, int resolution = 60)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (!(xMax > xMin) || !(yMax > yMin)) throw new ArgumentException($"Trajectories.On: need xMin < xMax and yMin < yMax, got [{xMin}, {xMax}] × [{yMin}, {yMax}].");
        if (resolution < 2) throw new ArgumentOutOfRangeException(nameof(resolution), $"Trajectories.On: resolution must be at least 2, got {resolution}.");
        var x = Enumerable.Range(0, resolution).Select(i => xMin + (xMax - xMin) * i / (resolution - 1)).ToArray();
        var y = Enumerable.Range(0, resolution).Select(i => yMin + (yMax - yMin) * i / (resolution - 1)).ToArray();
        var z = y.Select(yi => (IReadOnlyList<double>)x.Select(xj => loss(xj, yi)).ToArray()).ToArray();
        return new Trajectories(x, y, z);
    }

    /// <summary>Adds a path; returns this surface, so calls chain.</summary>
    public Trajectories Add(Trajectory path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.X.Count != path.Y.Count || path.X.Count == 0)
            throw new ArgumentException($"Trajectories.Add: path '{path.Name}' needs as many x as y values, at least one; got {path.X.Count} and {path.Y.Count}.", nameof(path));
        paths.Add(path);
        return this;
    }

    /// <summary>Contours of the surface, and each path as lines with markers, start and end on top.</summary>
    /// <param name="title">The chart's title; by default the optimizers drawn.</param>
    public Figure Figure(string? title = null)
    {
        var data = new List<Trace> { new Contour { Z = Z, X = X, Y = Y, ColorScale = "Viridis", NContours = 30, ShowScale = false, Name = "loss" } };
        data.AddRange(paths.Select((p, k) => (Trace)new Scatter
        {
            Name = p.Name, Mode = "lines+markers", X = p.X.Cast<object>().ToArray(), Y = p.Y.ToArray(),
            Line = new Line(StaticFigureSvg.Colors[(k + 1) % StaticFigureSvg.Colors.Length], 2), Marker = new Marker(Size: 4),
        }));
        return new Figure
        {
            Data = data,
            Layout = new Layout
            {
                Title = new Title(title ?? (paths.Count == 0 ? "Loss surface" : "Optimizer trajectories: " + Html.Short(string.Join(", ", paths.Select(p => p.Name)), 80))),
                XAxis = new Axis { Title = new Title("x") },
                YAxis = new Axis { Title = new Title("y") },
                Height = 460,
            },
        };
    }

    /// <summary>The figure as HTML.</summary>
    public string ToHtml(string? title = null) => Figure(title).ToHtml();

    /// <inheritdoc/>
    public override string ToString() =>
        $"Trajectories({X.Count}×{Y.Count} grid, {string.Join(", ", paths.Select(p => $"{p.Name}: {p.X.Count} points, ends at ({Html.Number(p.X[^1])}, {Html.Number(p.Y[^1])})"))})";
}
