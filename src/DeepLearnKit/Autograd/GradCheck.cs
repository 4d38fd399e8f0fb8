// Checking autograd against central finite differences: the backprop chapter's way of proving a
// gradient right.
namespace DeepLearnKit;

/// <summary>
/// The outcome of <c>GradCheck.Check</c>: the worst disagreement between autograd and central finite differences, and
/// the test it was held to. The gradients compared are those of <see cref="Of"/>: the function's own value when it
/// returns one number, else <c>L = Σ v ⊙ f</c> with GradCheck's fixed weights v.
/// </summary>
/// <param name="Passed">True when every element satisfies <c>|analytic − numeric| ≤ atol + rtol·|numeric| + floor</c>, where
/// floor (<see cref="GradCheckResult.RoundingFloor"/>) is how far float32 rounding of L can move the numeric value.</param>
/// <param name="MaxAbsError">The largest <c>|analytic − numeric|</c> over all inputs and elements.</param>
/// <param name="WorstInput">Which input holds the worst element.</param>
/// <param name="WorstElement">Its flat (row-major) index.</param>
/// <param name="Analytic">Autograd's value there: ∂L/∂x for that element.</param>
/// <param name="Numeric">The finite-difference value there: <c>(L(x + ε) − L(x − ε)) / 2ε</c>.</param>
public sealed record GradCheckResult(bool Passed, double MaxAbsError, int WorstInput, int WorstElement, double Analytic, double Numeric)
{
    /// <summary>The absolute tolerance of the test.</summary>
    public double Atol { get; init; }

    /// <summary>The tolerance relative to |numeric|.</summary>
    public double Rtol { get; init; }

    /// <summary>What was differentiated: <c>"L = f(x)"</c> for a scalar output, <c>"L = Σ v ⊙ f(x)"</c> otherwise.</summary>
    public string Of { get; init; } = "L = f(x)";

    /// <summary>
    /// How far the numeric value can be off from float32 rounding alone: L is computed in float32, so each evaluation
    /// carries about an ulp of each output, and <c>(L₊ − L₋) / 2ε</c> magnifies that by 1/2ε. It is
    /// <c>4·√(Σₖ (vₖ·ulp(fₖ))²) / 2ε</c> (v = 1 for a scalar L), added to the tolerance; a large L (a sum over many
    /// samples) makes it large, and a mean instead of a sum, or a larger ε, makes it small again.
    /// </summary>
    public double RoundingFloor { get; init; }

    /// <summary>How many elements broke the test (0 when it passed).</summary>
    public int Failures { get; init; }

    /// <summary>How many elements were compared.</summary>
    public int Elements { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"GradCheck {(Passed ? "passed" : "FAILED")} for ∂L/∂x, {Of}: " +
        (Passed ? $"all {Elements} elements" : $"{Failures} of {Elements} elements break") +
        $" |analytic − numeric| ≤ {Atol:G3} + {Rtol:G3}·|numeric| + {RoundingFloor:G2} (float32 rounding of L); worst at input {WorstInput}, element {WorstElement}: " +
        $"analytic {Analytic:G6}, numeric {Numeric:G6} (|difference| {MaxAbsError:G3})";
}

/// <summary>Compares autograd gradients with central finite differences.</summary>
public static class GradCheck
{
    /// <summary>The default absolute tolerance: float32 central differences with ε = 10⁻³ are good to about 10⁻⁴ here.</summary>
    public const double DefaultAtol = 1e-3;

    /// <summary>The default relative tolerance: a gradient 1% off fails for any |∂L/∂x| above 0.1.</summary>
    public const double DefaultRtol = 1e-3;

    /// <summary>
    /// For a function f of <paramref name="inputs"/>, compares ∂L/∂x from <see cref="Tensor.Backward"/> with
    /// <c>(L(x + ε·eᵢ) − L(x − ε·eᵢ)) / 2ε</c> for every element of every input, and passes when every element satisfies
    /// <c>|analytic − numeric| ≤ atol + rtol·|numeric| + floor</c>, floor being how far float32 rounding of L can move the
    /// numeric value (<see cref="GradCheckResult.RoundingFloor"/>). L is f itself when f returns one number (L = w² at w = 3
    /// reports 6 and 6); otherwise <c>L = Σ v ⊙ f(inputs)</c> with fixed, uneven weights v in [0.5, 1.5), so that errors in
    /// different outputs cannot cancel. The sums are taken in float64; ε defaults to 10⁻³ because the tensors are float32.
    /// </summary>
    public static GradCheckResult Check(Func<Tensor[], Tensor> f, Tensor[] inputs,
        double eps = 1e-3, double atol = DefaultAtol, double rtol = DefaultRtol)
    {
        var leaves = inputs.Select(x => x.Detach().Clone().RequireGrad()).ToArray();
        var output = f(leaves);
        var projection = ProjectionFor(output);

        var loss = output.NumEl == 1 ? output.Sum() : (output * Tensor.FromArray(projection, output.Shape, output.Device)).Sum();
        loss.Backward();
        double noise = RoundingNoise(output.ToArray(), projection);
        double maxError = 0, worstAnalytic = 0, worstNumeric = 0;
        int worstInput = -1, worstElement = -1, failures = 0, elements = 0;
        double roundingFloor = 0;
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
                double floor = noise / ((double)plus - minus);
                roundingFloor = Math.Max(roundingFloor, floor);
                elements++;
                if (!(error <= atol + rtol * Math.Abs(numeric) + floor)) failures++;
                if (error >= maxError || double.IsNaN(error))
                {
                    (maxError, worstInput, worstElement, worstAnalytic, worstNumeric) = (error, i, e, analytic[e], numeric);
                }
            }
        }
        return new GradCheckResult(failures == 0, maxError, worstInput, worstElement, worstAnalytic, worstNumeric)
        {
            Atol = atol, Rtol = rtol, Of = output.NumEl == 1 ? "L = f(x)" : "L = Σ v ⊙ f(x)", Failures = failures, Elements = elements,
            RoundingFloor = roundingFloor,
        };
    }

    /// <summary>Shorthand for a function of one input.</summary>
    public static GradCheckResult Check(Func<Tensor, Tensor> f, Tensor input, double eps = 1e-3, double atol = DefaultAtol, double rtol = DefaultRtol) =>
        Check(xs => f(xs[0]), [input], eps, atol, rtol);

    // 4·√Σ(vₖ·ulp(fₖ))²: the rounding of L₊ − L₋ before it is divided by the step (two evaluations, each output rounded
    // to float32 once at least and a few times inside f; independent roundings add like a random walk).
    private static double RoundingNoise(float[] output, float[] projection)
    {
        double sum = 0;
        for (int k = 0; k < output.Length; k++)
        {
            float magnitude = MathF.Abs(output[k]);
            double ulp = float.IsFinite(magnitude) ? (double)MathF.BitIncrement(magnitude) - magnitude : 0;
            sum += (projection[k] * ulp) * (projection[k] * ulp);
        }
        return 4 * Math.Sqrt(sum);
    }

    private static float[] ProjectionFor(Tensor output)
    {
        // One output is differentiated as it is; more are weighted unevenly so that gradient errors cannot cancel out.
        var v = new float[output.NumEl];
        if (v.Length == 1) { v[0] = 1; return v; }
        for (int i = 0; i < v.Length; i++) v[i] = 0.5f + (i * 7919 % 101) / 101f;
        return v;
    }

    private static double Evaluate(Func<Tensor[], Tensor> f, Tensor[] inputs, int which, float[] values, int element, float value, float[] projection)
    {
        var shifted = (float[])values.Clone();
        shifted[element] = value;
        using var _ = Tensor.NoGrad();
        var args = inputs.Select((x, k) => k == which ? Tensor.FromArray(shifted, x.Shape, x.Device) : x.Detach()).ToArray();
        var output = f(args).ToArray();
        double sum = 0;
        for (int k = 0; k < output.Length; k++) sum += (double)output[k] * projection[k];
        return sum;
    }
}
