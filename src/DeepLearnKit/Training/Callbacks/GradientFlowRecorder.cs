// Record how large each parameter's gradient is at every step, to see gradients vanish or explode through the layers.
using DeepLearnKit.NN;

namespace DeepLearnKit.Training;

/// <summary>One parameter's gradient summarised: with g its n elements, mean |g| = Σ|gᵢ|/n, max |g|, ‖g‖₂ = √Σgᵢ².</summary>
/// <param name="Name">The parameter's dotted name (<c>0.weight</c>).</param>
/// <param name="MeanAbs">Σ|gᵢ| / n.</param>
/// <param name="MaxAbs">maxᵢ |gᵢ|.</param>
/// <param name="Norm">√Σ gᵢ², the L2 norm.</param>
public readonly record struct GradientStats(string Name, double MeanAbs, double MaxAbs, double Norm);

/// <summary>The gradients of every parameter that has one, at one step.</summary>
/// <param name="Epoch">The epoch, from 0.</param>
/// <param name="GlobalStep">The step over the whole run, from 0.</param>
/// <param name="Parameters">One entry per parameter with a gradient, in <see cref="Module.NamedParameters"/> order (input side first).</param>
public sealed record GradientFlowStep(int Epoch, int GlobalStep, IReadOnlyList<GradientStats> Parameters)
{
    /// <summary>The model measured, as its <c>ToString()</c> prints it (<c>Sequential(Linear(2→8), Sigmoid, …)</c>); null when unknown.</summary>
    public string? Model { get; init; }

    /// <summary>The statistics of every parameter of <paramref name="model"/> whose <c>Grad</c> is set, now.</summary>
    public static GradientFlowStep Measure(Module model, int epoch = 0, int globalStep = 0)
    {
        var stats = new List<GradientStats>();
        foreach (var (name, p) in model.NamedParameters())
        {
            if (p.Grad is not { } grad) continue;
            var g = grad.ToArray();
            double sumAbs = 0, maxAbs = 0, sumSquares = 0;
            foreach (float v in g)
            {
                double a = Math.Abs((double)v);
                sumAbs += a;
                maxAbs = Math.Max(maxAbs, a);
                sumSquares += a * a;
            }
            stats.Add(new GradientStats(name, g.Length == 0 ? 0 : sumAbs / g.Length, maxAbs, Math.Sqrt(sumSquares)));
        }
        return new GradientFlowStep(epoch, globalStep, stats) { Model = model.ToString() };
    }
}

/// <summary>
/// Records <see cref="GradientFlowStep.Measure"/> after each backward pass and before the optimizer's step (every
/// <paramref name="every"/>-th step), so a chart can show each layer's gradient size over time: shrinking towards the
/// input is the vanishing-gradient problem.
/// </summary>
public sealed class GradientFlowRecorder(int every = 1) : ICallback
{
    private readonly List<GradientFlowStep> steps = [];

    /// <summary>The recorded steps.</summary>
    public IReadOnlyList<GradientFlowStep> Steps => steps;

    /// <summary>The parameter names, in order, from the first recorded step.</summary>
    public IReadOnlyList<string> ParameterNames => steps.Count == 0 ? [] : steps[0].Parameters.Select(p => p.Name).ToArray();

    /// <summary>One parameter's statistic over the recorded steps, e.g. <c>Series("0.weight", s =&gt; s.Norm)</c>.</summary>
    public IReadOnlyList<double> Series(string parameter, Func<GradientStats, double> statistic) =>
        steps.Select(s => s.Parameters.FirstOrDefault(p => p.Name == parameter) is { Name: not null } p ? statistic(p) : double.NaN).ToArray();

    /// <inheritdoc/>
    public void OnTrainBegin(TrainingContext context)
    {
        if (every < 1) throw new ArgumentOutOfRangeException(nameof(every), $"GradientFlowRecorder: every must be at least 1, got {every}.");
        steps.Clear();
    }

    /// <inheritdoc/>
    public void OnAfterBackward(TrainingContext context, StepInfo step)
    {
        if (step.GlobalStep % every == 0) steps.Add(GradientFlowStep.Measure(context.Model, step.Epoch, step.GlobalStep));
    }
}
