// Two steps of every optimizer on a 3-element parameter with fixed gradients, against the update
// rule worked by hand in plain double loops (the formula in each optimizer's XML doc).
using DeepLearnKit.Optim;
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Optim;

public class OptimizerStepTests
{
    private static readonly double[] Start = [0.5, -1.2, 2.0];

    // The second gradient's last element is tiny, so AMSGrad's max(vᵐᵃˣ, v) keeps the first step's v there.
    private static readonly double[][] Grads = [[0.3, -0.7, 1.1], [-0.2, 0.4, 0.001]];

    /// <summary>The parameter after each of two steps of the optimizer <paramref name="make"/> builds.</summary>
    private static float[][] Run(Func<Tensor, Optimizer> make)
    {
        var p = Tensor.FromArray(Start.Select(v => (float)v).ToArray()).RequireGrad();
        var optimizer = make(p);
        var after = new float[Grads.Length][];
        for (int k = 0; k < Grads.Length; k++)
        {
            p.Grad = Tensor.FromArray(Grads[k].Select(v => (float)v).ToArray());
            optimizer.Step();
            after[k] = p.ToArray();
        }
        return after;
    }

    /// <summary>Applies <paramref name="update"/>(θ, g, t, element) elementwise for each step; returns θ after each step.</summary>
    private static float[][] Reference(Func<double, double, int, int, double> update)
    {
        var theta = (double[])Start.Clone();
        var after = new float[Grads.Length][];
        for (int k = 0; k < Grads.Length; k++)
        {
            for (int i = 0; i < theta.Length; i++) theta[i] = update(theta[i], Grads[k][i], k + 1, i);
            after[k] = theta.Select(v => (float)v).ToArray();
        }
        return after;
    }

    private static void Matches(float[][] expected, float[][] actual)
    {
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.NotEqual(Start.Select(v => (float)v), actual[k]);
            Close(expected[k], actual[k], atol: 1e-6, rtol: 2e-6);
        }
    }

    [Theory]
    [InlineData(0.1, 0.0, 0.0, 0.0, false)]
    [InlineData(0.1, 0.9, 0.0, 0.0, false)]
    [InlineData(0.1, 0.9, 0.3, 0.0, false)]
    [InlineData(0.1, 0.9, 0.0, 0.0, true)]
    [InlineData(0.1, 0.0, 0.0, 0.05, false)]
    [InlineData(0.05, 0.8, 0.0, 0.05, true)]
    public void SGD_steps_match_the_hand_update(double lr, double momentum, double dampening, double weightDecay, bool nesterov)
    {
        var v = new double[3];
        var expected = Reference((theta, grad, t, i) =>
        {
            double g = grad + weightDecay * theta;
            if (momentum != 0)
            {
                v[i] = t == 1 ? g : momentum * v[i] + (1 - dampening) * g;
                g = nesterov ? g + momentum * v[i] : v[i];
            }
            return theta - lr * g;
        });
        Matches(expected, Run(p => new SGD([p], lr, momentum, dampening, weightDecay, nesterov)));
    }

    [Theory]
    [InlineData(0.1, 0.0, 0.0, 0.0)]
    [InlineData(0.5, 0.1, 0.05, 0.1)]
    public void Adagrad_steps_match_the_hand_update(double lr, double lrDecay, double weightDecay, double initialAccumulator)
    {
        var sum = Enumerable.Repeat(initialAccumulator, 3).ToArray();
        var expected = Reference((theta, grad, t, i) =>
        {
            double clr = lr / (1 + (t - 1) * lrDecay);
            double g = grad + weightDecay * theta;
            sum[i] += g * g;
            return theta - clr * g / (Math.Sqrt(sum[i]) + 1e-10);
        });
        Matches(expected, Run(p => new Adagrad([p], lr, lrDecay, weightDecay, initialAccumulatorValue: initialAccumulator)));
    }

    [Theory]
    [InlineData(0.01, 0.99, 0.0, 0.0, false)]
    [InlineData(0.01, 0.9, 0.1, 0.0, true)]
    [InlineData(0.02, 0.9, 0.0, 0.7, false)]
    [InlineData(0.02, 0.8, 0.05, 0.7, true)]
    public void RMSprop_steps_match_the_hand_update(double lr, double alpha, double weightDecay, double momentum, bool centered)
    {
        double[] v = new double[3], gAve = new double[3], b = new double[3];
        var expected = Reference((theta, grad, t, i) =>
        {
            double g = grad + weightDecay * theta;
            v[i] = alpha * v[i] + (1 - alpha) * g * g;
            double vTilde = v[i];
            if (centered)
            {
                gAve[i] = alpha * gAve[i] + (1 - alpha) * g;
                vTilde -= gAve[i] * gAve[i];
            }
            if (momentum > 0)
            {
                b[i] = momentum * b[i] + g / (Math.Sqrt(vTilde) + 1e-8);
                return theta - lr * b[i];
            }
            return theta - lr * g / (Math.Sqrt(vTilde) + 1e-8);
        });
        Matches(expected, Run(p => new RMSprop([p], lr, alpha, weightDecay: weightDecay, momentum: momentum, centered: centered)));
    }

    [Theory]
    [InlineData(1.0, 0.9, 1e-6, 0.0)]
    [InlineData(5.0, 0.5, 1e-3, 0.1)]
    public void Adadelta_steps_match_the_hand_update(double lr, double rho, double eps, double weightDecay)
    {
        double[] v = new double[3], u = new double[3];
        var expected = Reference((theta, grad, t, i) =>
        {
            double g = grad + weightDecay * theta;
            v[i] = rho * v[i] + (1 - rho) * g * g;
            double delta = Math.Sqrt(u[i] + eps) / Math.Sqrt(v[i] + eps) * g;
            u[i] = rho * u[i] + (1 - rho) * delta * delta;
            return theta - lr * delta;
        });
        Matches(expected, Run(p => new Adadelta([p], lr, rho, eps, weightDecay)));
    }

    /// <summary>Adam's update in doubles; <paramref name="decoupled"/> makes it AdamW's.</summary>
    private static float[][] AdamReference(double lr, double beta1, double beta2, double eps, double weightDecay, bool amsgrad, bool decoupled)
    {
        double[] m = new double[3], v = new double[3], vMax = new double[3];
        return Reference((theta, grad, t, i) =>
        {
            double g = grad;
            if (decoupled) theta -= lr * weightDecay * theta;
            else g += weightDecay * theta;
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            double mHat = m[i] / (1 - Math.Pow(beta1, t));
            vMax[i] = Math.Max(vMax[i], v[i]);
            double vHat = (amsgrad ? vMax[i] : v[i]) / (1 - Math.Pow(beta2, t));
            return theta - lr * mHat / (Math.Sqrt(vHat) + eps);
        });
    }

    [Theory]
    [InlineData(1e-3, 0.9, 0.999, 1e-8, 0.0, false)]
    [InlineData(0.1, 0.8, 0.5, 1e-3, 0.0, false)]
    [InlineData(0.1, 0.8, 0.5, 1e-3, 0.0, true)]
    [InlineData(0.1, 0.9, 0.99, 1e-8, 0.2, true)]
    public void Adam_steps_match_the_hand_update(double lr, double beta1, double beta2, double eps, double weightDecay, bool amsgrad)
    {
        var expected = AdamReference(lr, beta1, beta2, eps, weightDecay, amsgrad, decoupled: false);
        Matches(expected, Run(p => new Adam([p], lr, (beta1, beta2), eps, weightDecay, amsgrad)));
    }

    [Fact]
    public void AMSGrad_differs_from_Adam_when_the_second_moment_falls()
    {
        // Guards the test data above: without a falling v the AMSGrad cases would not test the max.
        var adam = AdamReference(0.1, 0.8, 0.5, 1e-3, 0, amsgrad: false, decoupled: false);
        var ams = AdamReference(0.1, 0.8, 0.5, 1e-3, 0, amsgrad: true, decoupled: false);
        Assert.True(Math.Abs(adam[1][2] - ams[1][2]) > 1e-3);
    }

    [Theory]
    [InlineData(1e-3, 0.9, 0.999, 1e-8, 0.01, false)]
    [InlineData(0.1, 0.8, 0.5, 1e-3, 0.5, false)]
    [InlineData(0.1, 0.8, 0.5, 1e-3, 0.5, true)]
    public void AdamW_steps_match_the_hand_update(double lr, double beta1, double beta2, double eps, double weightDecay, bool amsgrad)
    {
        var expected = AdamReference(lr, beta1, beta2, eps, weightDecay, amsgrad, decoupled: true);
        Matches(expected, Run(p => new AdamW([p], lr, (beta1, beta2), eps, weightDecay, amsgrad)));
    }

    [Fact]
    public void AdamW_decays_the_weights_even_with_a_zero_gradient()
    {
        var p = Tensor.FromArray([1f, -2f]).RequireGrad();
        var optimizer = new AdamW([p], learningRate: 0.1, weightDecay: 0.5);
        p.Grad = Tensor.Zeros(2);
        optimizer.Step();
        Close([0.95f, -1.9f], p.ToArray());
        // Adam's L2 decay goes through the moments instead: its first step has size γ whatever λ is.
        var q = Tensor.FromArray([1f, -2f]).RequireGrad();
        var adam = new Adam([q], learningRate: 0.1, weightDecay: 0.5);
        q.Grad = Tensor.Zeros(2);
        adam.Step();
        Close([0.9f, -1.9f], q.ToArray(), atol: 1e-6);
    }

    [Fact]
    public void Defaults_are_PyTorchs()
    {
        var p = Tensor.Zeros(1).RequireGrad();
        Assert.Equal(new AdagradOptions(0.01, 0, 0, 1e-10, 0), new Adagrad([p]).Defaults);
        Assert.Equal(new RMSpropOptions(0.01, 0.99, 1e-8, 0, 0, false), new RMSprop([p]).Defaults);
        Assert.Equal(new AdadeltaOptions(1.0, 0.9, 1e-6, 0), new Adadelta([p]).Defaults);
        Assert.Equal(new AdamOptions(1e-3, 0.9, 0.999, 1e-8, 0, false), new Adam([p]).Defaults);
        Assert.Equal(new AdamWOptions(1e-3, 0.9, 0.999, 1e-8, 0.01, false), new AdamW([p]).Defaults);
    }

    [Fact]
    public void Bad_hyper_parameters_are_refused_with_the_optimizers_name()
    {
        var p = Tensor.Zeros(1).RequireGrad();
        Assert.Contains("Adam: betas", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], betas: (1.0, 0.999))).Message);
        Assert.Contains("RMSprop: alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new RMSprop([p], alpha: 1.5)).Message);
        Assert.Contains("Adagrad: learning rate", Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad([p], -1)).Message);
        Assert.Contains("Adadelta: rho", Assert.Throws<ArgumentOutOfRangeException>(() => new Adadelta([p], rho: -0.1)).Message);
    }
}
