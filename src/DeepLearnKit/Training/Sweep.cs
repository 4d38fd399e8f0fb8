// A quantity measured at several values of one setting: accuracy against FGSM's ε (chapter 12), against the share
// of weights pruned (chapter 13). The formatters draw it as one line per series over the setting.
namespace DeepLearnKit.Training;

/// <summary>One measured series of a <see cref="Sweep"/>: <c>Values[i]</c> was measured at the sweep's <c>Settings[i]</c>.</summary>
/// <param name="Name">What was measured (the legend entry), e.g. "after pruning" or "fine-tuned".</param>
/// <param name="Values">One value per setting.</param>
public sealed record SweepSeries(string Name, IReadOnlyList<double> Values);

/// <summary>
/// A quantity (<paramref name="Measure"/>) measured at each value of a setting (<paramref name="Setting"/>), one or more
/// series over the same settings: the data of an "accuracy against ε" or "accuracy against sparsity" curve.
/// </summary>
/// <param name="Title">What was swept, on which model and data (the chart's title).</param>
/// <param name="Setting">The setting's name and unit (the x axis), e.g. "ε (pixel scale 0–1)".</param>
/// <param name="Measure">The measured quantity (the y axis), e.g. "test accuracy".</param>
/// <param name="Settings">The setting's values, in the order measured.</param>
/// <param name="Series">The measured series, each with one value per setting.</param>
public sealed record Sweep(string Title, string Setting, string Measure, IReadOnlyList<double> Settings, IReadOnlyList<SweepSeries> Series)
{
    /// <summary>Checks that there is at least one setting and one series, and that every series has one value per setting.</summary>
    public IReadOnlyList<SweepSeries> Series { get; } = Checked(Settings, Series);

    /// <summary>The values of the series named <paramref name="name"/>.</summary>
    public IReadOnlyList<double> this[string name] =>
        Series.FirstOrDefault(s => s.Name == name)?.Values
        ?? throw new KeyNotFoundException($"Sweep '{Title}' has no series '{name}'; it has {string.Join(", ", Series.Select(s => $"'{s.Name}'"))}.");

    /// <summary>A table: the setting's values in the first column, one column per series.</summary>
    public override string ToString()
    {
        var lines = new List<string> { $"{Title}", $"{Setting,14} " + string.Join(" ", Series.Select(s => $"{s.Name,14}")) };
        for (int i = 0; i < Settings.Count; i++)
            lines.Add($"{Settings[i],14:0.####} " + string.Join(" ", Series.Select(s => $"{s.Values[i],14:0.####}")));
        return string.Join('\n', lines);
    }

    private static IReadOnlyList<SweepSeries> Checked(IReadOnlyList<double> settings, IReadOnlyList<SweepSeries> series)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(series);
        if (settings.Count == 0) throw new ArgumentException("Sweep: no settings were measured.", nameof(settings));
        if (series.Count == 0) throw new ArgumentException("Sweep: no series were measured.", nameof(series));
        foreach (var s in series)
            if (s.Values.Count != settings.Count)
                throw new ArgumentException($"Sweep: series '{s.Name}' has {s.Values.Count} values for {settings.Count} settings.", nameof(series));
        return series;
    }
}
