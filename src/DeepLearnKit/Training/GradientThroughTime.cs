// The gradient norm ‖∂L/∂h_t‖ at every step of an unrolled recurrent network, one series per network. Data only; the
// formatters draw it as a log-scale line chart.
using System.Globalization;

namespace DeepLearnKit.Training;

/// <summary>
/// For each network, <c>‖∂L/∂h_t‖ = √(Σ_j (∂L/∂h_t,j)²)</c> for t = 1 … T, the norm of the loss's gradient with
/// respect to the hidden state at step t (read, e.g., from <c>h_t.RetainGrad()</c> after <c>Backward</c>). A norm
/// that falls geometrically towards t = 1 vanishes; one that grows explodes.
/// </summary>
public sealed class GradientThroughTime
{
    private readonly List<(string Network, double[] Norms)> series = [];

    /// <summary>What was measured, e.g. <c>L = Σ h_T over 60 random steps</c>; the picture's title names it.</summary>
    public string? Description { get; set; }

    /// <summary>Each network's name and its norms, index t − 1 for step t.</summary>
    public IReadOnlyList<(string Network, double[] Norms)> Series => series;

    /// <summary>Adds one network's norms (index t − 1 is step t), all finite and positive so a log axis can show them.</summary>
    public GradientThroughTime Add(string network, IReadOnlyList<double> norms)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(norms);
        if (norms.Count == 0)
            throw new ArgumentException($"GradientThroughTime.Add: no norms for {network}.");
        for (int t = 0; t < norms.Count; t++)
            if (!double.IsFinite(norms[t]) || norms[t] <= 0)
                throw new ArgumentException($"GradientThroughTime.Add: {network}'s ‖∂L/∂h_{t + 1}‖ is {norms[t]}; a log axis needs finite positive norms.");
        series.Add((network, norms.ToArray()));
        return this;
    }

    /// <summary>‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ of a network: below 1 the gradient vanishes towards the start, above 1 it explodes.</summary>
    public double FirstOverLast(string network)
    {
        var norms = series.FirstOrDefault(s => s.Network == network).Norms
            ?? throw new ArgumentException($"GradientThroughTime.FirstOverLast: no network named {network}; have {string.Join(", ", series.Select(s => s.Network))}.");
        return norms[0] / norms[^1];
    }

    /// <summary><c>GradientThroughTime(‖∂L/∂h_1‖ / ‖∂L/∂h_T‖: tanh RNN 3.1E-05, LSTM 0.02)</c>.</summary>
    public override string ToString() =>
        "GradientThroughTime(‖∂L/∂h_1‖ / ‖∂L/∂h_T‖: " + string.Join(", ", series.Select(s => $"{s.Network} {(s.Norms[0] / s.Norms[^1]).ToString("G3", CultureInfo.InvariantCulture)}")) + ")";
}
