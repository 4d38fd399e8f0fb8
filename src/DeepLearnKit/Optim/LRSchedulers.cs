// Learning-rate schedules: each sets every parameter group's η from a closed form of the step count,
// as PyTorch's lr_scheduler closed forms (StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, OneCycleLR).
// ReduceLROnPlateau, which reads a metric instead of counting steps, has its own file.
namespace DeepLearnKit.Optim;

/// <summary>
/// Sets each parameter group's learning rate from a closed form of the step count t (PyTorch's <c>last_epoch</c>).
/// Creating a schedule applies t = 0; each <see cref="Step"/> (called after <c>optimizer.Step()</c>) advances t by one.
/// The base rates η₀ are the groups' learning rates when the schedule is created.
/// </summary>
public abstract class LRScheduler
{
    /// <summary>A schedule over <paramref name="optimizer"/>'s groups; applies the rate for t = 0.</summary>
    protected LRScheduler(Optimizer optimizer)
    {
        Optimizer = optimizer;
        BaseLearningRates = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
        // Calls the subclass before its constructor body runs: subclasses keep their settings in primary-constructor
        // parameters and field initializers, which C# sets before this base constructor.
        LastLearningRates = Apply();
    }

    /// <summary>The optimizer whose groups' rates this schedule sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>η₀ of each group.</summary>
    public IReadOnlyList<double> BaseLearningRates { get; }

    /// <summary>t, the number of <see cref="Step"/> calls so far.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>The rates last set, one per group (what a chart of the schedule plots).</summary>
    public IReadOnlyList<double> LastLearningRates { get; private set; }

    /// <summary>Advances t by one and sets each group's rate.</summary>
    public void Step()
    {
        LastEpoch++;
        LastLearningRates = Apply();
    }

    /// <summary>The rate at step <paramref name="t"/> for a group whose base rate is <paramref name="baseLr"/>.</summary>
    public abstract double LearningRateAt(double baseLr, int t);

    private double[] Apply()
    {
        var groups = Optimizer.ParamGroups;
        var rates = new double[groups.Count];
        for (int i = 0; i < rates.Length; i++) groups[i].LearningRate = rates[i] = LearningRateAt(BaseLearningRates[i], LastEpoch);
        return rates;
    }

    private protected static T Check<T>(string name, T value, bool ok, string expected) =>
        ok ? value : throw new ArgumentOutOfRangeException(name, $"{name} must be {expected}, got {value}.");
}

/// <summary>Decays the rate by γ every <c>stepSize</c> steps: <c>η_t = η₀ · γ^⌊t / stepSize⌋</c>.</summary>
public sealed class StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1) : LRScheduler(optimizer)
{
    private readonly int stepSize = Check("StepLR: stepSize", stepSize, stepSize > 0, "positive");

    /// <inheritdoc/>
    public override double LearningRateAt(double baseLr, int t) => baseLr * Math.Pow(gamma, t / stepSize);
}

/// <summary>
/// Decays the rate by γ at each milestone (PyTorch's MultiStepLR): <c>η_t = η₀ · γ^(number of milestones m ≤ t)</c>,
/// i.e. <c>γ^bisect_right(milestones, t)</c>. Milestones are step counts in non-decreasing order; one given twice decays
/// twice there (γ²), as in PyTorch (which also sorts unordered milestones; here they are an error).
/// </summary>
public sealed class MultiStepLR(Optimizer optimizer, IReadOnlyList<int> milestones, double gamma = 0.1) : LRScheduler(optimizer)
{
    private readonly int[] milestones = NonDecreasing(milestones);

    /// <summary>The milestones, in non-decreasing order.</summary>
    public IReadOnlyList<int> Milestones => milestones;

    /// <inheritdoc/>
    public override double LearningRateAt(double baseLr, int t) => baseLr * Math.Pow(gamma, milestones.Count(m => m <= t));

    private static int[] NonDecreasing(IReadOnlyList<int> milestones)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        for (int i = 0; i < milestones.Count; i++)
            if (milestones[i] < 0 || (i > 0 && milestones[i] < milestones[i - 1]))
                throw new ArgumentOutOfRangeException(nameof(milestones),
                    $"MultiStepLR: milestones must be non-negative and in non-decreasing order, got [{string.Join(", ", milestones)}].");
        return [.. milestones];
    }
}

/// <summary>Decays the rate by γ every step (PyTorch's ExponentialLR): <c>η_t = η₀ · γ^t</c>.</summary>
public sealed class ExponentialLR(Optimizer optimizer, double gamma) : LRScheduler(optimizer)
{
    private readonly double gamma = Check("ExponentialLR: gamma", gamma, gamma > 0, "positive");

    /// <inheritdoc/>
    public override double LearningRateAt(double baseLr, int t) => baseLr * Math.Pow(gamma, t);
}

/// <summary>
/// Cosine annealing from η₀ down to η_min over <c>tMax</c> steps:
/// <c>η_t = η_min + (η₀ − η_min) · (1 + cos(π·t / T_max)) / 2</c> (rising again after T_max, as PyTorch's closed form).
/// </summary>
public sealed class CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0) : LRScheduler(optimizer)
{
    private readonly int tMax = Check("CosineAnnealingLR: tMax", tMax, tMax > 0, "positive");

    /// <inheritdoc/>
    public override double LearningRateAt(double baseLr, int t) => etaMin + (baseLr - etaMin) * (1 + Math.Cos(Math.PI * t / tMax)) / 2;
}

/// <summary>
/// Scales the rate by a factor that moves linearly from <c>startFactor</c> to <c>endFactor</c> over <c>totalIters</c> steps,
/// then stays: <c>η_t = η₀ · (s + (e − s) · min(t, T) / T)</c>. A linear warm-up is <c>new LinearLR(opt, 1.0 / T, 1, T)</c>.
/// </summary>
public sealed class LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5)
    : LRScheduler(optimizer)
{
    private readonly double startFactor = Check("LinearLR: startFactor", startFactor, startFactor is > 0 and <= 1, "in (0, 1]");
    private readonly double endFactor = Check("LinearLR: endFactor", endFactor, endFactor is >= 0 and <= 1, "in [0, 1]");
    private readonly int totalIters = Check("LinearLR: totalIters", totalIters, totalIters > 0, "positive");

    /// <inheritdoc/>
    public override double LearningRateAt(double baseLr, int t) =>
        baseLr * (startFactor + (endFactor - startFactor) * Math.Min(t, totalIters) / totalIters);
}

/// <summary>How <see cref="OneCycleLR"/> moves between two rates.</summary>
public enum AnnealStrategy
{
    /// <summary><c>η = η_end + (η_start − η_end) · (1 + cos(π·p)) / 2</c> for progress p ∈ [0, 1].</summary>
    Cosine,

    /// <summary><c>η = η_start + (η_end − η_start) · p</c>.</summary>
    Linear,
}

/// <summary>
/// The 1cycle policy (PyTorch's OneCycleLR, two phases, without momentum cycling): the rate rises from
/// <c>η_init = maxLr / divFactor</c> to <c>maxLr</c> over the first <c>pctStart·totalSteps − 1</c> steps, then falls to
/// <c>η_min = η_init / finalDivFactor</c> at step <c>totalSteps − 1</c>. With phase ends a = pctStart·totalSteps − 1 and
/// b = totalSteps − 1: <c>η_t = anneal(η_init, maxLr, t / a)</c> for t ≤ a, else <c>anneal(maxLr, η_min, (t − a)/(b − a))</c>.
/// The groups' own rates are ignored. Stepping past <c>totalSteps</c> throws.
/// </summary>
public sealed class OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, double pctStart = 0.3,
    AnnealStrategy annealStrategy = AnnealStrategy.Cosine, double divFactor = 25, double finalDivFactor = 1e4)
    : LRScheduler(optimizer)
{
    private readonly int totalSteps = Check("OneCycleLR: totalSteps", totalSteps, totalSteps > 0, "positive");
    private readonly double warmupEnd = Check("OneCycleLR: pctStart·totalSteps − 1", pctStart * totalSteps - 1,
        pctStart * totalSteps - 1 > 0 && pctStart < 1, "in (0, totalSteps − 1)");
    private readonly double initialLr = Check("OneCycleLR: maxLr / divFactor", maxLr / divFactor, maxLr / divFactor > 0, "positive");

    /// <inheritdoc/>
    public override double LearningRateAt(double baseLr, int t)
    {
        if (t > totalSteps)
            throw new InvalidOperationException($"OneCycleLR: stepped {t} times, but the schedule has totalSteps = {totalSteps}.");
        double minLr = initialLr / finalDivFactor, end = totalSteps - 1;
        return t <= warmupEnd
            ? Anneal(initialLr, maxLr, t / warmupEnd)
            : Anneal(maxLr, minLr, (t - warmupEnd) / (end - warmupEnd));
    }

    private double Anneal(double start, double end, double progress) => annealStrategy == AnnealStrategy.Cosine
        ? end + (start - end) * (1 + Math.Cos(Math.PI * progress)) / 2
        : start + (end - start) * progress;
}
