// Lowering the learning rate when a monitored value stops improving (PyTorch's ReduceLROnPlateau): unlike the
// closed-form schedules it reads a metric, usually the validation loss, once per epoch.
namespace DeepLearnKit.Optim;

/// <summary>Whether <see cref="ReduceLROnPlateau"/>'s metric improves by going down or up.</summary>
public enum PlateauMode
{
    /// <summary>Smaller is better (a loss).</summary>
    Min,

    /// <summary>Larger is better (an accuracy).</summary>
    Max,
}

/// <summary>How <see cref="ReduceLROnPlateau"/> measures a significant improvement over the best value b.</summary>
public enum ThresholdMode
{
    /// <summary>Relative: better than <c>b·(1 − threshold)</c> (Min) or <c>b·(1 + threshold)</c> (Max).</summary>
    Relative,

    /// <summary>Absolute: better than <c>b − threshold</c> (Min) or <c>b + threshold</c> (Max).</summary>
    Absolute,
}

/// <summary>
/// PyTorch's ReduceLROnPlateau. Each <see cref="Step(double)"/> takes the epoch's metric v and:
/// if v is better than the best b (see <see cref="ThresholdMode"/>) sets b = v and the bad-epoch count to 0, else counts
/// one more bad epoch; during a cooldown (after a reduction) counts the cooldown down and ignores bad epochs; once the
/// bad epochs exceed <c>patience</c>, sets every group's rate to <c>η ← max(η·factor, minLr)</c> (skipped when that
/// changes η by no more than eps), starts a cooldown of <c>cooldown</c> epochs and resets the count.
/// With patience p the rate first drops on the (p + 1)-th epoch in a row without improvement.
/// </summary>
public sealed class ReduceLROnPlateau
{
    private readonly double factor, threshold, minLr, eps;
    private readonly int patience, cooldown;

    /// <summary>Watches a metric for <paramref name="optimizer"/>'s groups; the defaults are PyTorch's.</summary>
    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10,
        double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Relative, int cooldown = 0, double minLr = 0, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!(factor is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(factor), $"ReduceLROnPlateau: factor must be in (0, 1), got {factor}.");
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), $"ReduceLROnPlateau: patience must be ≥ 0, got {patience}.");
        if (cooldown < 0) throw new ArgumentOutOfRangeException(nameof(cooldown), $"ReduceLROnPlateau: cooldown must be ≥ 0, got {cooldown}.");
        if (!(threshold >= 0)) throw new ArgumentOutOfRangeException(nameof(threshold), $"ReduceLROnPlateau: threshold must be ≥ 0, got {threshold}.");
        if (!(minLr >= 0)) throw new ArgumentOutOfRangeException(nameof(minLr), $"ReduceLROnPlateau: minLr must be ≥ 0, got {minLr}.");
        Optimizer = optimizer;
        Mode = mode;
        ThresholdMode = thresholdMode;
        (this.factor, this.patience, this.threshold, this.cooldown, this.minLr, this.eps) = (factor, patience, threshold, cooldown, minLr, eps);
        Best = mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
        LastLearningRates = Rates();
    }

    /// <summary>The optimizer whose groups' rates this lowers.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Whether the metric should go down or up.</summary>
    public PlateauMode Mode { get; }

    /// <summary>How an improvement is measured.</summary>
    public ThresholdMode ThresholdMode { get; }

    /// <summary>The best metric so far (+∞ for Min, −∞ for Max before the first step).</summary>
    public double Best { get; private set; }

    /// <summary>Epochs in a row without a significant improvement (PyTorch's <c>num_bad_epochs</c>).</summary>
    public int BadEpochs { get; private set; }

    /// <summary>Epochs of cooldown left after a reduction.</summary>
    public int CooldownLeft { get; private set; }

    /// <summary>The number of <see cref="Step(double)"/> calls so far.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>Each group's rate after the last step.</summary>
    public IReadOnlyList<double> LastLearningRates { get; private set; }

    /// <summary>Records one epoch's <paramref name="metric"/> and lowers the rates when it has plateaued.</summary>
    public void Step(double metric)
    {
        LastEpoch++;
        if (IsBetter(metric))
        {
            Best = metric;
            BadEpochs = 0;
        }
        else
        {
            BadEpochs++;
        }
        if (CooldownLeft > 0)
        {
            CooldownLeft--;
            BadEpochs = 0; // bad epochs during a cooldown do not count
        }
        if (BadEpochs > patience)
        {
            foreach (var group in Optimizer.ParamGroups)
            {
                double lowered = Math.Max(group.LearningRate * factor, minLr);
                if (group.LearningRate - lowered > eps) group.LearningRate = lowered;
            }
            CooldownLeft = cooldown;
            BadEpochs = 0;
        }
        LastLearningRates = Rates();
    }

    private bool IsBetter(double v) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Relative) => v < Best * (1 - threshold),
        (PlateauMode.Min, ThresholdMode.Absolute) => v < Best - threshold,
        (PlateauMode.Max, ThresholdMode.Relative) => v > Best * (1 + threshold),
        _ => v > Best + threshold,
    };

    private double[] Rates() => Optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
}
