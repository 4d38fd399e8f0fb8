// An optimizer's path on a two-parameter loss: the points it visits, step by step (chapter 5 draws them over the loss
// surface with Formatters' Trajectories).
namespace DeepLearnKit.Optim;

/// <summary>One optimizer's path: the points (x, y) it visited, first to last.</summary>
/// <param name="Name">The legend entry, e.g. <c>SGD momentum 0.9</c>.</param>
/// <param name="X">x of each point.</param>
/// <param name="Y">y of each point.</param>
public sealed record Trajectory(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    /// <summary>
    /// Runs <paramref name="optimizer"/> for <paramref name="steps"/> steps on <paramref name="point"/> (a [2] parameter
    /// the optimizer updates) minimising <paramref name="loss"/>(point), and records the point before each step and after the last.
    /// </summary>
    public static Trajectory Record(string name, Optimizer optimizer, Tensor point, Func<Tensor, Tensor> loss, int steps)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(loss);
        if (point.NumEl != 2) throw new ArgumentException($"Trajectory.Record: the point must have 2 elements (x, y), got shape {Shapes.Format(point.Shape)}.", nameof(point));
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), $"Trajectory.Record: steps must be at least 1, got {steps}.");
        var xs = new List<double>();
        var ys = new List<double>();
        void Mark()
        {
            var p = point.ToArray();
            xs.Add(p[0]);
            ys.Add(p[1]);
        }
        for (int i = 0; i < steps; i++)
        {
            Mark();
            optimizer.ZeroGrad();
            loss(point).Backward();
            optimizer.Step();
        }
        Mark();
        return new Trajectory(name, xs, ys);
    }
}
