// Checking autograd against central finite differences: the backprop chapter's way of proving a
// gradient right.
namespace DeepLearnKit;

/// <summary>The outcome of <c>GradCheck.Check</c>: the worst disagreement between autograd and finite differences.</summary>
/// <param name="Passed">True when every element satisfies <c>|analytic − numeric| ≤ atol + rtol·|numeric|</c>.</param>
/// <param name="MaxAbsError">The largest <c>|analytic − numeric|</c> over all inputs and elements.</param>
/// <param name="WorstInput">Which input holds the worst element.</param>
/// <param name="WorstElement">Its flat (row-major) index.</param>
/// <param name="Analytic">Autograd's value there.</param>
/// <param name="Numeric">The finite-difference value there.</param>
public sealed record GradCheckResult(bool Passed, double MaxAbsError, int WorstInput, int WorstElement, double Analytic, double Numeric)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"GradCheck {(Passed ? "passed" : "FAILED")}: worst |analytic − numeric| = {MaxAbsError:G3} at input {WorstInput}, element {WorstElement} (analytic {Analytic:G6}, numeric {Numeric:G6})";
}

/// <summary>Compares autograd gradients with central finite differences.</summary>
public static class GradCheck
{
    /// <summary>
    /// For a function f of <paramref name="inputs"/>, compares ∂L/∂x from <see cref="Tensor.Backward"/> with
    /// <c>(L(x + ε·eᵢ) − L(x − ε·eᵢ)) / 2ε</c> for every element of every input, where
    /// <c>L = Σ v ⊙ f(inputs)</c> with a fixed random projection v (so non-scalar outputs are covered too).
    /// The sums are taken in float64; ε defaults to 10⁻³ because the tensors are float32.
    /// </summary>
    public static GradCheckResult Check(Func<Tensor[], Tensor> f, Tensor[] inputs,
        double eps = 1e-3, double atol = 1e-2, double rtol = 1e-2)
    {
        var leaves = inputs.Select(x => x.Detach().Clone().RequireGrad()).ToArray();
        var output = f(leaves);
        var projection = ProjectionFor(output);

        var loss = (output * Tensor.FromArray(projection, output.Shape).To(output.Device)).Sum();
        loss.Backward();
        double maxError = 0, worstAnalytic = 0, worstNumeric = 0;
        int worstInput = -1, worstElement = -1;
        bool passed = true;
        for (int i = 0; i < leaves.Length; i++)
        {
            var analytic = leaves[i].Grad?.ToArray() ?? new float[leaves[i].NumEl];
            var values = inputs[i].ToArray();
            for (int e = 0; e < values.Length; e++)
            {
                // Divide by the step float32 really took, not by 2ε: v ± ε is rounded when stored.
                float plus = (float)(values[e] + eps), minus = (float)(values[e] - eps);
                double numeric = (Evaluate(f, inputs, i, values, e, plus, projection) - Evaluate(f, inputs, i, values, e, minus, projection))
                    / ((double)plus - minus);
                double error = Math.Abs(analytic[e] - numeric);
                if (error > atol + rtol * Math.Abs(numeric)) passed = false;
                if (error >= maxError)
                {
                    (maxError, worstInput, worstElement, worstAnalytic, worstNumeric) = (error, i, e, analytic[e], numeric);
                }
            }
        }
        return new GradCheckResult(passed, maxError, worstInput, worstElement, worstAnalytic, worstNumeric);
    }

    /// <summary>Shorthand for a function of one input.</summary>
    public static GradCheckResult Check(Func<Tensor, Tensor> f, Tensor input, double eps = 1e-3, double atol = 1e-2, double rtol = 1e-2) =>
        Check(xs => f(xs[0]), [input], eps, atol, rtol);

    private static float[] ProjectionFor(Tensor output)
    {
        // A fixed, non-symmetric weighting so that gradient errors cannot cancel out.
        var v = new float[output.NumEl];
        for (int i = 0; i < v.Length; i++) v[i] = 0.5f + (i * 7919 % 101) / 101f;
        return v;
    }

    private static double Evaluate(Func<Tensor[], Tensor> f, Tensor[] inputs, int which, float[] values, int element, float value, float[] projection)
    {
        var shifted = (float[])values.Clone();
        shifted[element] = value;
        using var _ = Tensor.NoGrad();
        var args = inputs.Select((x, k) => k == which ? Tensor.FromArray(shifted, x.Shape).To(x.Device) : x.Detach()).ToArray();
        var output = f(args).ToArray();
        double sum = 0;
        for (int k = 0; k < output.Length; k++) sum += (double)output[k] * projection[k];
        return sum;
    }
}
