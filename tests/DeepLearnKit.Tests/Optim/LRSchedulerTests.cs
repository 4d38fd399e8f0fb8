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
    public void Schedulers_refuse_bad_arguments_naming_the_schedule()
    {
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
