// Figures of a GAN's training: the two losses and the discriminator's verdicts per step (GanHistory), and a
// one-dimensional generator's distribution at several steps drawn over the data's (DistributionSnapshots).
using DeepLearnKit.Formatters.Plotly;
using DeepLearnKit.Training;

namespace DeepLearnKit.Formatters.Pictures;

/// <summary>Charts of GAN training: <see cref="GanHistory"/> and <see cref="DistributionSnapshots"/>.</summary>
public static class GanCharts
{
    /// <summary>How many bins <see cref="Distributions"/> splits the common range into.</summary>
    public const int Bins = 40;

    /// <summary>
    /// L_D and L_G per step (left) with their values at the equilibrium D = ½ dashed, and the batch means of D(x) and
    /// D(G(z)) per step (right) with ½ dashed.
    /// </summary>
    /// <param name="history">The run.</param>
    /// <param name="title">The chart's title; by default what was trained and for how many steps.</param>
    public static Figure Losses(GanHistory history, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Steps == 0) throw new ArgumentException("GanCharts.Losses: the history has no steps yet; record one with AddStep first.", nameof(history));
        var steps = Enumerable.Range(1, history.Steps).Select(s => (object)s).ToArray();
        object[] ends = [1, history.Steps];
        string[] c = StaticFigureSvg.Colors;
        return new Figure
        {
            Data =
            [
                new Scatter { Name = "L_D (discriminator)", Mode = "lines", X = steps, Y = history.DiscriminatorLoss.ToArray(), Line = new Line(c[0], 1.5) },
                new Scatter { Name = "L_G (generator)", Mode = "lines", X = steps, Y = history.GeneratorLoss.ToArray(), Line = new Line(c[1], 1.5) },
                new Scatter { Name = "L_D at D = ½: 2 ln 2", Mode = "lines", X = ends, Y = [GanHistory.EquilibriumDiscriminatorLoss, GanHistory.EquilibriumDiscriminatorLoss], Line = new Line(c[0], 1, "dash") },
                new Scatter { Name = "L_G at D = ½: ln 2", Mode = "lines", X = ends, Y = [GanHistory.EquilibriumGeneratorLoss, GanHistory.EquilibriumGeneratorLoss], Line = new Line(c[1], 1, "dash") },
                new Scatter { Name = "mean D(x), real", Mode = "lines", X = steps, Y = history.RealScore.ToArray(), Line = new Line(c[2], 1.5), XAxis = "x2", YAxis = "y2" },
                new Scatter { Name = "mean D(G(z)), generated", Mode = "lines", X = steps, Y = history.FakeScore.ToArray(), Line = new Line(c[3], 1.5), XAxis = "x2", YAxis = "y2" },
                new Scatter { Name = "D = ½", Mode = "lines", X = ends, Y = [0.5, 0.5], Line = new Line("#7f7f7f", 1, "dash"), XAxis = "x2", YAxis = "y2" },
            ],
            Layout = new Layout
            {
                Title = new Title(title ?? $"{(history.Description is { } d ? Html.Short(d, 40) : "GAN training")}: losses and D's outputs, {history.Steps} steps"),
                XAxis = new Axis { Title = new Title("step"), Domain = [0, 0.45] },
                YAxis = new Axis { Title = new Title("loss") },
                XAxis2 = new Axis { Title = new Title("step"), Domain = [0.55, 1], Anchor = "y2" },
                YAxis2 = new Axis { Title = new Title("D's probability of real"), Anchor = "x2" },
                Height = 400,
            },
        };
    }

    /// <summary>
    /// The density of the data's samples (black, dashed) and of the model's at each recorded step (one colour per step),
    /// each a histogram of <see cref="Bins"/> equal bins over the range of all the samples, drawn as a line through the
    /// bins' centres at height <c>count / (N · bin width)</c>, so every curve has area 1 and curves of different N compare.
    /// </summary>
    /// <param name="snapshots">The samples.</param>
    /// <param name="title">The chart's title; by default what is sampled and at which steps.</param>
    public static Figure Distributions(DistributionSnapshots snapshots, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        var all = snapshots.Snapshots.SelectMany(s => s.Samples).Concat(snapshots.Real).ToArray();
        double low = all.Min(), high = all.Max();
        if (high - low < 1e-6) (low, high) = (low - 0.5, high + 0.5);
        double width = (high - low) / Bins;
        var centres = Enumerable.Range(0, Bins).Select(b => (object)(low + (b + 0.5) * width)).ToArray();
        var data = new List<Trace> { Density("data", snapshots.Real, "#000000", "dash", 2.5) };
        for (int k = 0; k < snapshots.Snapshots.Count; k++)
        {
            var (step, samples) = snapshots.Snapshots[k];
            data.Add(Density($"generated, step {step}", samples, StaticFigureSvg.Colors[k % StaticFigureSvg.Colors.Length], null, 1.5));
        }
        string steps = snapshots.Snapshots.Count == 0 ? "" : " vs generated, steps " + Html.Short(string.Join(", ", snapshots.Snapshots.Select(s => s.Step)), 30);
        return new Figure
        {
            Data = data,
            Layout = new Layout
            {
                Title = new Title(title ?? $"Data{(snapshots.Description is { } d ? " " + Html.Short(d, 24) : "")} (dashed){steps}"),
                XAxis = new Axis { Title = new Title("x") },
                YAxis = new Axis { Title = new Title("density (histogram, area 1)") },
                Height = 400,
            },
        };

        Scatter Density(string name, IReadOnlyList<float> samples, string color, string? dash, double lineWidth)
        {
            var counts = new double[Bins];
            foreach (float v in samples) counts[Math.Clamp((int)((v - low) / width), 0, Bins - 1)]++;
            return new Scatter
            {
                Name = name, Mode = "lines", X = centres, Y = counts.Select(n => n / (samples.Count * width)).ToArray(),
                Line = new Line(color, lineWidth, dash),
            };
        }
    }
}
