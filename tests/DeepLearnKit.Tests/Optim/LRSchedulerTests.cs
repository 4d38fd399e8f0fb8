// Learning-rate schedules against PyTorch's closed forms, written out again here in doubles.
using DeepLearnKit.Optim;

namespace DeepLearnKit.Tests.Optim;

public class LRSchedulerTests
{
    private static SGD TwoGroups() => new(
        [new ParamGroup([Tensor.Ones(1).RequireGrad()], new SGDOptions(0.1)), new ParamGroup([Tensor.Ones(1).RequireGrad()])],
        new SGDOptions(0.02));

    /// <summary>Steps <paramref name="scheduler"/> and checks every group's rate against <paramref name="expected"/>(η₀, t) at t = 0…steps.</summary>
    private static void Follows(LRScheduler scheduler, int steps, Func<double, int, double> expected)
    {
        double[] bases = [.. scheduler.BaseLearningRates];
        for (int t = 0; t <= steps; t++)
        {
            if (t > 0) scheduler.Step();
            Assert.Equal(t, scheduler.LastEpoch);
            for (int g = 0; g < bases.Length; g++)
            {
                double want = expected(bases[g], t);
                Assert.True(Math.Abs(want - scheduler.LastLearningRates[g]) <= 1e-12 * Math.Max(1, Math.Abs(want)),
                    $"step {t}, group {g}: expected {want}, got {scheduler.LastLearningRates[g]}");
                Assert.Equal(scheduler.LastLearningRates[g], scheduler.Optimizer.ParamGroups[g].LearningRate);
            }
        }
    }

    [Fact]
    public void StepLR_multiplies_by_gamma_every_step_size_steps()
    {
        var scheduler = new StepLR(TwoGroups(), stepSize: 3, gamma: 0.5);
        Assert.Equal([0.1, 0.02], scheduler.BaseLearningRates);
        Follows(scheduler, 10, (lr, t) => lr * Math.Pow(0.5, t / 3));
        Assert.Equal(0.1 * 0.125, scheduler.LastLearningRates[0], 12);
    }

    [Fact]
    public void CosineAnnealingLR_follows_half_a_cosine_to_eta_min()
    {
        var scheduler = new CosineAnnealingLR(TwoGroups(), tMax: 8, etaMin: 0.001);
        Follows(scheduler, 8, (lr, t) => 0.001 + (lr - 0.001) * (1 + Math.Cos(Math.PI * t / 8)) / 2);
        Assert.Equal(0.001, scheduler.LastLearningRates[0], 12);
        Assert.Equal(0.001, scheduler.LastLearningRates[1], 12);
    }

    [Fact]
    public void LinearLR_warms_up_linearly_then_holds()
    {
        var scheduler = new LinearLR(TwoGroups(), startFactor: 0.25, endFactor: 1.0, totalIters: 4);
        Follows(scheduler, 7, (lr, t) => lr * (0.25 + 0.75 * Math.Min(t, 4) / 4));
        Assert.Equal(0.1, scheduler.LastLearningRates[0], 12);
    }

    [Fact]
    public void OneCycleLR_rises_to_max_lr_then_anneals_to_the_final_rate()
    {
        const double maxLr = 0.5, div = 25, finalDiv = 1e4;
        const int total = 20;
        var scheduler = new OneCycleLR(TwoGroups(), maxLr, total, pctStart: 0.3, divFactor: div, finalDivFactor: finalDiv);
        double initial = maxLr / div, min = initial / finalDiv, a = 0.3 * total - 1, b = total - 1;
        static double Cos(double start, double end, double pct) => end + (start - end) / 2 * (Math.Cos(Math.PI * pct) + 1);
        Follows(scheduler, total - 1, (_, t) => t <= a ? Cos(initial, maxLr, t / a) : Cos(maxLr, min, (t - a) / (b - a)));
        Assert.Equal(min, scheduler.LastLearningRates[0], 12);
        scheduler.Step(); // t = totalSteps is allowed, as PyTorch's
        Assert.Contains("totalSteps = 20", Assert.Throws<InvalidOperationException>(scheduler.Step).Message);
    }

    [Fact]
    public void OneCycleLR_starts_at_max_lr_over_div_factor_and_peaks_at_max_lr()
    {
        var scheduler = new OneCycleLR(TwoGroups(), maxLr: 1.0, totalSteps: 100, annealStrategy: AnnealStrategy.Linear);
        Assert.Equal(1.0 / 25, scheduler.LastLearningRates[0], 12);
        var rates = new List<double> { scheduler.LastLearningRates[1] };
        for (int t = 1; t < 100; t++)
        {
            scheduler.Step();
            rates.Add(scheduler.LastLearningRates[1]);
        }
        Assert.Equal(1.0, rates.Max(), 12);
        Assert.Equal(29, rates.IndexOf(rates.Max()));
        Assert.Equal(1.0 / 25 / 1e4, rates[^1], 12);
        Assert.Equal(1.0 / 25 + (1 - 1.0 / 25) * 10 / 29, rates[10], 12);
    }

    [Fact]
    public void ExponentialLR_multiplies_by_gamma_every_step()
    {
        var scheduler = new ExponentialLR(TwoGroups(), gamma: 0.9);
        Follows(scheduler, 6, (lr, t) => lr * Math.Pow(0.9, t));
        Assert.Equal(0.1 * 0.531441, scheduler.LastLearningRates[0], 12); // 0.9⁶
    }

    [Fact]
    public void MultiStepLR_multiplies_by_gamma_at_each_milestone()
    {
        var scheduler = new MultiStepLR(TwoGroups(), [2, 5], gamma: 0.1);
        double[] factors = [1, 1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01]; // t = 0…7, by hand
        Follows(scheduler, 7, (lr, t) => lr * factors[t]);
        Assert.Equal([2, 5], scheduler.Milestones);
    }

    [Fact]
    public void ReduceLROnPlateau_lowers_the_rate_after_patience_bad_epochs_then_cools_down()
    {
        var optimizer = new SGD([Tensor.Ones(1).RequireGrad()], learningRate: 1.0);
        var plateau = new ReduceLROnPlateau(optimizer, factor: 0.5, patience: 2, threshold: 0.1, cooldown: 1, minLr: 0.2);
        double[] losses = [10, 9.5, 9.2, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8];
        // By hand (improving means < 0.9·best): 10 is best; 9.5, 9.2 are bad (1, 2); 8 is best; three bad epochs
        // (3 > patience 2) lower 1 → 0.5 at epoch 7; epoch 8 is cooldown, epochs 9–11 are bad → 0.25 at 11; again → 0.2
        // (max with minLr) at 15; at 19 max(0.1, 0.2) = 0.2 changes nothing.
        double[] expected = [1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2, 0.2];
        for (int e = 0; e < losses.Length; e++)
        {
            plateau.Step(losses[e]);
            Assert.True(Math.Abs(expected[e] - optimizer.ParamGroups[0].LearningRate) < 1e-15, $"epoch {e + 1}: expected {expected[e]}, got {optimizer.ParamGroups[0].LearningRate}");
            Assert.Equal(optimizer.ParamGroups[0].LearningRate, plateau.LastLearningRates[0]);
        }
        Assert.Equal(8, plateau.Best);
        Assert.Equal(19, plateau.LastEpoch);
    }

    [Fact]
    public void ReduceLROnPlateau_in_max_mode_with_an_absolute_threshold()
    {
        var optimizer = new SGD([Tensor.Ones(1).RequireGrad()], learningRate: 1.0);
        var plateau = new ReduceLROnPlateau(optimizer, PlateauMode.Max, factor: 0.1, patience: 0, threshold: 0.02, thresholdMode: ThresholdMode.Absolute);
        // By hand (improving means > best + 0.02): 0.5 best, 0.6 best, 0.6 bad → ×0.1, 0.65 best, 0.64 bad → ×0.1.
        double[] accuracies = [0.5, 0.6, 0.6, 0.65, 0.64];
        double[] expected = [1, 1, 0.1, 0.1, 0.01];
        for (int e = 0; e < accuracies.Length; e++)
        {
            plateau.Step(accuracies[e]);
            Assert.Equal(expected[e], optimizer.ParamGroups[0].LearningRate, 12);
        }
        Assert.Equal(0.65, plateau.Best);
    }

    [Fact]
    public void Schedulers_refuse_bad_arguments_naming_the_schedule()
    {
        Assert.Contains("MultiStepLR: milestones", Assert.Throws<ArgumentOutOfRangeException>(() => new MultiStepLR(TwoGroups(), [5, 2])).Message);
        Assert.Contains("ExponentialLR: gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialLR(TwoGroups(), 0)).Message);
        Assert.Contains("ReduceLROnPlateau: factor", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(TwoGroups(), factor: 1)).Message);
        Assert.Contains("StepLR: stepSize", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(TwoGroups(), 0)).Message);
        Assert.Contains("CosineAnnealingLR: tMax", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(TwoGroups(), -1)).Message);
        Assert.Contains("LinearLR: startFactor", Assert.Throws<ArgumentOutOfRangeException>(() => new LinearLR(TwoGroups(), 0)).Message);
        Assert.Contains("OneCycleLR", Assert.Throws<ArgumentOutOfRangeException>(() => new OneCycleLR(TwoGroups(), 1, 3)).Message);
    }

    [Fact]
    public void A_schedule_drives_the_optimizers_step_size()
    {
        var p = Tensor.Zeros(1).RequireGrad();
        var optimizer = new SGD([p], learningRate: 1.0);
        var scheduler = new StepLR(optimizer, stepSize: 1, gamma: 0.5);
        for (int t = 0; t < 3; t++)
        {
            p.Grad = Tensor.Ones(1);
            optimizer.Step();
            scheduler.Step();
        }
        Assert.Equal(-1.75f, p.Item()); // −(1 + 0.5 + 0.25)
    }
}
