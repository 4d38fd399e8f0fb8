// Every optimizer finds the minimum of a stretched quadratic and of Rosenbrock's valley, with the
// hyper-parameters, start and step count stated in each row (chosen so each run takes well under a second).
using DeepLearnKit.Optim;

namespace DeepLearnKit.Tests.Optim;

public class ConvergenceTests
{
    /// <summary>f(x, y) = (x − 3)² + 10(y + 1)², minimum at (3, −1); ∇f = (2(x − 3), 20(y + 1)).</summary>
    private static double[] QuadraticGradient(double x, double y) => [2 * (x - 3), 20 * (y + 1)];

    /// <summary>f(x, y) = (1 − x)² + 100(y − x²)², minimum at (1, 1); ∇f = (−2(1 − x) − 400x(y − x²), 200(y − x²)).</summary>
    private static double[] RosenbrockGradient(double x, double y) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)];

    private static readonly Dictionary<string, Func<Tensor, Optimizer>> Optimizers = new()
    {
        // Quadratic from (0, 0).
        ["quadratic SGD"] = p => new SGD([p], learningRate: 0.04),
        ["quadratic SGD momentum"] = p => new SGD([p], learningRate: 0.01, momentum: 0.9),
        ["quadratic SGD Nesterov"] = p => new SGD([p], learningRate: 0.01, momentum: 0.9, nesterov: true),
        ["quadratic Adagrad"] = p => new Adagrad([p], learningRate: 1.0),
        ["quadratic RMSprop"] = p => new RMSprop([p], learningRate: 0.01),
        ["quadratic RMSprop centered momentum"] = p => new RMSprop([p], learningRate: 0.01, momentum: 0.5, centered: true),
        ["quadratic Adadelta"] = p => new Adadelta([p]),
        ["quadratic Adam"] = p => new Adam([p], learningRate: 0.1),
        ["quadratic Adam AMSGrad"] = p => new Adam([p], learningRate: 0.1, amsgrad: true),
        ["quadratic AdamW"] = p => new AdamW([p], learningRate: 0.1),
        // Rosenbrock from (−1.2, 1).
        ["Rosenbrock SGD"] = p => new SGD([p], learningRate: 1e-3),
        ["Rosenbrock SGD momentum"] = p => new SGD([p], learningRate: 1e-3, momentum: 0.9),
        ["Rosenbrock SGD Nesterov"] = p => new SGD([p], learningRate: 1e-3, momentum: 0.9, nesterov: true),
        ["Rosenbrock Adagrad"] = p => new Adagrad([p], learningRate: 0.5),
        ["Rosenbrock RMSprop"] = p => new RMSprop([p], learningRate: 1e-3, momentum: 0.9),
        ["Rosenbrock RMSprop centered"] = p => new RMSprop([p], learningRate: 1e-4, momentum: 0.9, centered: true),
        ["Rosenbrock Adadelta"] = p => new Adadelta([p], learningRate: 0.05),
        ["Rosenbrock Adam"] = p => new Adam([p], learningRate: 0.05),
        ["Rosenbrock AdamW"] = p => new AdamW([p], learningRate: 0.05, weightDecay: 1e-3),
    };

    [Theory]
    [InlineData("quadratic SGD", 200, 1e-3)]
    [InlineData("quadratic SGD momentum", 300, 1e-3)]
    [InlineData("quadratic SGD Nesterov", 300, 1e-3)]
    [InlineData("quadratic Adagrad", 500, 1e-3)]
    [InlineData("quadratic RMSprop", 1000, 1e-3)]
    [InlineData("quadratic RMSprop centered momentum", 500, 1e-3)]
    [InlineData("quadratic Adadelta", 2000, 1e-3)]
    [InlineData("quadratic Adam", 1000, 1e-3)]
    [InlineData("quadratic Adam AMSGrad", 1000, 1e-3)]
    // Decoupled decay pulls θ toward 0 by γλθ a step, so AdamW's fixed point sits slightly short of (3, −1).
    [InlineData("quadratic AdamW", 3000, 5e-3)]
    public void Optimizer_reaches_the_quadratics_minimum(string name, int steps, double tolerance) =>
        AssertReaches(Optimizers[name], QuadraticGradient, (0, 0), steps, (3, -1), tolerance);

    [Theory]
    [InlineData("Rosenbrock SGD", 15000, 1e-2)]
    [InlineData("Rosenbrock SGD momentum", 2000, 1e-3)]
    [InlineData("Rosenbrock SGD Nesterov", 2000, 1e-3)]
    [InlineData("Rosenbrock Adagrad", 10000, 1e-2)]
    [InlineData("Rosenbrock RMSprop", 3000, 1e-2)]
    [InlineData("Rosenbrock RMSprop centered", 3000, 1e-2)]
    [InlineData("Rosenbrock Adadelta", 8000, 2e-2)]
    [InlineData("Rosenbrock Adam", 2000, 1e-3)]
    [InlineData("Rosenbrock AdamW", 3000, 1e-2)]
    public void Optimizer_reaches_Rosenbrocks_minimum(string name, int steps, double tolerance) =>
        AssertReaches(Optimizers[name], RosenbrockGradient, (-1.2, 1), steps, (1, 1), tolerance);

    private static void AssertReaches(Func<Tensor, Optimizer> make, Func<double, double, double[]> gradient,
        (double X, double Y) start, int steps, (double X, double Y) minimum, double tolerance)
    {
        var p = Tensor.FromArray([(float)start.X, (float)start.Y]).RequireGrad();
        var optimizer = make(p);
        for (int t = 0; t < steps; t++)
        {
            var xy = p.ToArray();
            p.Grad = Tensor.FromArray(gradient(xy[0], xy[1]).Select(v => (float)v).ToArray());
            optimizer.Step();
        }
        var end = p.ToArray();
        Assert.True(Math.Abs(end[0] - minimum.X) <= tolerance && Math.Abs(end[1] - minimum.Y) <= tolerance,
            $"ended at ({end[0]}, {end[1]}), expected ({minimum.X}, {minimum.Y}) ± {tolerance}");
    }

    [Fact]
    public void Adam_minimises_a_loss_through_backward()
    {
        // The training loop's shape: ZeroGrad, loss, Backward, Step, on f(θ) = Σ w ⊙ (θ − c)².
        var theta = Tensor.Zeros(2).RequireGrad();
        var c = Tensor.FromArray([3f, -1f]);
        var w = Tensor.FromArray([1f, 10f]);
        var optimizer = new Adam([theta], learningRate: 0.1);
        for (int t = 0; t < 1000; t++)
        {
            optimizer.ZeroGrad();
            var loss = (w * (theta - c).Square()).Sum();
            loss.Backward();
            optimizer.Step();
        }
        TensorAssert.Close([3f, -1f], theta.ToArray(), atol: 1e-3);
    }
}
