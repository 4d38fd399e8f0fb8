// Leslie Smith's learning-rate range test ("Cyclical Learning Rates for Training Neural Networks", 2017, §3.3), as
// popularised by fastai: train briefly while the learning rate rises exponentially, and read a good rate off the curve.
using DeepLearnKit.Data;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;

namespace DeepLearnKit.Training;

/// <summary>The range test's curve: learning rates tried and the (smoothed) loss at each.</summary>
/// <param name="LearningRates">ηᵢ, rising exponentially.</param>
/// <param name="Losses">The smoothed loss after the step at ηᵢ.</param>
/// <param name="RawLosses">The batch loss at ηᵢ.</param>
/// <param name="SuggestedLearningRate">η where the smoothed loss falls fastest (steepest negative slope against log η).</param>
/// <param name="Diverged">True when the test stopped because the loss exceeded the divergence factor times its best.</param>
public sealed record LRFinderResult(IReadOnlyList<double> LearningRates, IReadOnlyList<double> Losses, IReadOnlyList<double> RawLosses,
    double SuggestedLearningRate, bool Diverged)
{
    /// <summary><c>LRFinderResult(87 steps, suggested η 3.2e-02, diverged)</c>.</summary>
    public override string ToString() =>
        $"LRFinderResult({LearningRates.Count} steps, suggested η {SuggestedLearningRate:0.0e+00}{(Diverged ? ", diverged" : "")})";
}

/// <summary>
/// The LR range test: for i = 0 … steps−1, set η = minLr·(maxLr/minLr)^(i/(steps−1)) on every parameter group, take one
/// training step, and record the loss smoothed as <c>a ← β·a + (1−β)·Lᵢ</c>, <c>L̂ᵢ = a / (1 − β^(i+1))</c>. It stops
/// early when L̂ᵢ &gt; divergeFactor·minⱼ L̂ⱼ (or is not finite). Afterwards the model's parameters and buffers, its
/// train/eval mode, and the optimizer's options and state are restored exactly, so the test leaves no trace.
/// </summary>
public static class LRFinder
{
    /// <summary>Runs the range test on <paramref name="data"/> (restarted when it runs out) and returns the curve.</summary>
    public static LRFinderResult Run(Module model, IEnumerable<Batch> data, Func<Tensor, Tensor, Tensor> loss, Optimizer optimizer,
        double minLr = 1e-7, double maxLr = 10, int steps = 100, double smoothing = 0.98, double divergeFactor = 4)
    {
        if (!(minLr > 0) || !(maxLr > minLr)) throw new ArgumentException($"LRFinder: need 0 < minLr < maxLr, got {minLr} and {maxLr}.");
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), $"LRFinder: needs at least 2 steps, got {steps}.");
        if (smoothing is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(smoothing), $"LRFinder: smoothing β must be in [0, 1), got {smoothing}.");

        var snapshot = new TrainingSnapshot(model, optimizer);
        var rates = new List<double>();
        var smoothed = new List<double>();
        var raw = new List<double>();
        bool diverged = false;
        try
        {
            using var batches = Cycle(data).GetEnumerator();
            double average = 0, best = double.PositiveInfinity;
            for (int i = 0; i < steps; i++)
            {
                double lr = minLr * Math.Pow(maxLr / minLr, (double)i / (steps - 1));
                foreach (var g in optimizer.ParamGroups) g.LearningRate = lr;
                batches.MoveNext();
                var batch = batches.Current;

                double value;
                using (Tensor.Scope())
                {
                    model.Train();
                    optimizer.ZeroGrad();
                    var l = loss(model.Call(batch.Inputs), batch.Targets);
                    value = l.Item();
                    l.Backward();
                    optimizer.Step();
                }

                average = smoothing * average + (1 - smoothing) * value;
                double s = average / (1 - Math.Pow(smoothing, i + 1));
                rates.Add(lr);
                raw.Add(value);
                smoothed.Add(s);
                best = Math.Min(best, s);
                if (!double.IsFinite(s) || s > divergeFactor * best)
                {
                    diverged = true;
                    break;
                }
            }
        }
        finally
        {
            snapshot.Restore();
        }
        return new LRFinderResult(rates, smoothed, raw, Suggest(rates, smoothed), diverged);
    }

    // The steepest descent of L̂ against log η, by central differences (rates are log-spaced, so index steps are equal).
    private static double Suggest(List<double> rates, List<double> losses)
    {
        if (rates.Count < 3) return rates[0];
        int bestIndex = 1;
        double steepest = double.PositiveInfinity;
        for (int i = 1; i < rates.Count - 1; i++)
        {
            double slope = losses[i + 1] - losses[i - 1];
            if (double.IsFinite(slope) && slope < steepest)
            {
                steepest = slope;
                bestIndex = i;
            }
        }
        return rates[bestIndex];
    }

    private static IEnumerable<Batch> Cycle(IEnumerable<Batch> data)
    {
        while (true)
        {
            bool any = false;
            foreach (var b in data)
            {
                any = true;
                yield return b;
            }
            if (!any) throw new ArgumentException("LRFinder: the data yielded no batches.", nameof(data));
        }
    }
}
