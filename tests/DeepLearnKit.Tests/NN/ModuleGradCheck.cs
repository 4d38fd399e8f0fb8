// Finite-difference checks of a module's gradients: w.r.t. its input through GradCheck.Check, and w.r.t. its
// own parameter tensors (which GradCheck cannot substitute) by nudging each element in place.
using DeepLearnKit.NN;

namespace DeepLearnKit.Tests.NN;

internal static class ModuleGradCheck
{
    /// <summary>
    /// Asserts that the gradients of <c>L = Σ v ⊙ module(x)</c> w.r.t. x and every parameter agree with
    /// <c>(L(θ + ε) − L(θ − ε)) / 2ε</c> within <c>atol + rtol·|numeric|</c>, GradCheck's test. Without
    /// <paramref name="checkInput"/> only the parameters are checked (an embedding's ids have no gradient).
    /// </summary>
    public static void Passes(Module module, Tensor x, double eps = 1e-3, double atol = GradCheck.DefaultAtol, double rtol = GradCheck.DefaultRtol, bool checkInput = true)
    {
        if (checkInput) TensorAssert.Passes(GradCheck.Check(t => module.Call(t), x, eps, atol, rtol));

        module.ZeroGrad();
        var input = x.Detach();
        var output = module.Call(input);
        var v = Projection((int)output.NumEl);
        (output * Tensor.FromArray(v, output.Shape)).Sum().Backward();
        foreach (var (name, p) in module.NamedParameters())
        {
            Assert.True(p.Grad is not null, $"{name} got no gradient.");
            var analytic = p.Grad!.ToArray();
            var values = p.ToArray();
            for (int e = 0; e < values.Length; e++)
            {
                float plus = (float)(values[e] + eps), minus = (float)(values[e] - eps);
                double numeric = (Loss(module, input, p, values, e, plus, v) - Loss(module, input, p, values, e, minus, v)) / ((double)plus - minus);
                if (Math.Abs(analytic[e] - numeric) > atol + rtol * Math.Abs(numeric))
                    Assert.Fail($"{module.GetType().Name}.{name}[{e}]: analytic {analytic[e]:G6}, numeric {numeric:G6}.");
            }
            using (Tensor.NoGrad()) p.CopyFrom(Tensor.FromArray(values, p.Shape));
        }
    }

    private static double Loss(Module module, Tensor input, Tensor parameter, float[] values, int element, float value, float[] v)
    {
        var shifted = (float[])values.Clone();
        shifted[element] = value;
        using var _ = Tensor.NoGrad();
        parameter.CopyFrom(Tensor.FromArray(shifted, parameter.Shape));
        var y = module.Call(input).ToArray();
        double sum = 0;
        for (int i = 0; i < y.Length; i++) sum += (double)v[i] * y[i];
        return sum;
    }

    /// <summary>A fixed, uneven weighting so that errors in different outputs cannot cancel.</summary>
    private static float[] Projection(int n) => Enumerable.Range(0, n).Select(i => 0.5f + i * 7919 % 101 / 101f).ToArray();
}
