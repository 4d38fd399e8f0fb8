// Losses against the formulas written as plain loops in doubles, their stability at large logits,
// their errors, and GradCheck of each with respect to its predictions.
using DeepLearnKit.NN;
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.NN;

public class LossTests
{
    private static readonly float[] Targets4 = [2, 0, 1, 2];

    /// <summary>−log softmax(x)[y] per row, by log-sum-exp in doubles, optionally label-smoothed.</summary>
    private static double[] CrossEntropyByHand(float[] logits, int classes, float[] targets, double smoothing = 0)
    {
        var losses = new double[targets.Length];
        for (int n = 0; n < targets.Length; n++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int c = 0; c < classes; c++) max = Math.Max(max, logits[n * classes + c]);
            for (int c = 0; c < classes; c++) sum += Math.Exp(logits[n * classes + c] - max);
            double logSumExp = max + Math.Log(sum);
            double nll = logSumExp - logits[n * classes + (int)targets[n]];
            double uniform = 0;
            for (int c = 0; c < classes; c++) uniform += (logSumExp - logits[n * classes + c]) / classes;
            losses[n] = (1 - smoothing) * nll + smoothing * uniform;
        }
        return losses;
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    public void CrossEntropy_matches_log_sum_exp_by_hand(double smoothing)
    {
        var logits = Random(1, 4, 3) * 3f;
        var expected = CrossEntropyByHand(logits.ToArray(), 3, Targets4, smoothing);
        var targets = Tensor.FromArray(Targets4);
        Close([4], expected.Select(v => (float)v).ToArray(), Loss.CrossEntropy(logits, targets, Reduction.None, smoothing), rtol: 1e-5);
        Assert.Equal(expected.Average(), Loss.CrossEntropy(logits, targets, labelSmoothing: smoothing).Item(), 5);
        Assert.Equal(expected.Sum(), Loss.CrossEntropy(logits, targets, Reduction.Sum, smoothing).Item(), 4);
    }

    [Fact]
    public void CrossEntropy_is_stable_for_huge_logits()
    {
        var logits = Tensor.FromArray([1000f, 0f, -1000f, 0f, 1000f, 2000f], 2, 3);
        var loss = Loss.CrossEntropy(logits, Tensor.FromArray([0f, 1f]), Reduction.None).ToArray();
        Close([0f, 1000f], loss, atol: 1e-3); // logSumExp(0, 1000, 2000) − 1000
    }

    [Fact]
    public void CrossEntropy_takes_a_class_dim_second_for_more_dims()
    {
        // [N=2, C=3, L=2]: the loss at (n, l) is the cross-entropy of logits[n, :, l].
        var logits = Random(2, 2, 3, 2);
        var targets = Tensor.FromArray([0f, 2f, 1f, 1f], 2, 2);
        var loss = Loss.CrossEntropy(logits, targets, Reduction.None);
        Assert.Equal([2, 2], loss.Shape);
        var rows = logits.Permute(0, 2, 1).Contiguous().Reshape(4, 3); // [N·L, C]
        var expected = CrossEntropyByHand(rows.ToArray(), 3, targets.ToArray());
        Close(expected.Select(v => (float)v).ToArray(), loss.ToArray(), rtol: 1e-5);
    }

    [Fact]
    public void NLL_of_log_softmax_is_cross_entropy()
    {
        var logits = Random(3, 4, 3);
        var targets = Tensor.FromArray(Targets4);
        Close(Loss.CrossEntropy(logits, targets).ToArray(), Loss.NLL(logits.LogSoftmax(1), targets).ToArray());
        var logProbs = logits.LogSoftmax(1).ToArray();
        double byHand = -Enumerable.Range(0, 4).Average(n => logProbs[n * 3 + (int)Targets4[n]]);
        Assert.Equal(byHand, Loss.NLL(logits.LogSoftmax(1), targets).Item(), 5);
    }

    [Fact]
    public void MSE_is_the_mean_of_squared_differences()
    {
        var p = Random(4, 2, 3);
        var y = Random(5, 2, 3);
        double byHand = p.ToArray().Zip(y.ToArray(), (a, b) => (double)(a - b) * (a - b)).Average();
        Assert.Equal(byHand, Loss.MSE(p, y).Item(), 6);
        Assert.Equal(byHand * 6, Loss.MSE(p, y, Reduction.Sum).Item(), 5);
        Assert.Equal([2, 3], Loss.MSE(p, y, Reduction.None).Shape);
    }

    [Fact]
    public void BinaryCrossEntropy_matches_the_formula_and_clamps_log_at_minus_100()
    {
        float[] p = [0.1f, 0.7f, 0.5f, 0.99f, 0f, 1f];
        float[] y = [0f, 1f, 1f, 0f, 1f, 1f];
        var expected = p.Zip(y, (pi, yi) => -(yi * Math.Max(Math.Log(pi), -100) + (1 - yi) * Math.Max(Math.Log(1 - pi), -100)))
            .Select(v => (float)v).ToArray();
        var loss = Loss.BinaryCrossEntropy(Tensor.FromArray(p), Tensor.FromArray(y), Reduction.None);
        Close(expected, loss.ToArray(), rtol: 1e-5);
        Assert.Equal(100f, loss.ToArray()[4]);
        // At p = 0 the clamped loss is flat, and no NaN leaks into the gradient.
        var pt = Tensor.FromArray(p).RequireGrad();
        Loss.BinaryCrossEntropy(pt, Tensor.FromArray(y)).Backward();
        Assert.All(pt.Grad!.ToArray(), g => Assert.True(float.IsFinite(g)));
    }

    [Fact]
    public void BinaryCrossEntropy_refuses_values_outside_0_1()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.BinaryCrossEntropy(Tensor.FromArray([0.5f, 1.5f]), Tensor.FromArray([0f, 1f])));
        Assert.Contains("BinaryCrossEntropy", error.Message);
        Assert.Contains("1.5", error.Message);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_matches_the_sigmoid_formula()
    {
        var x = Random(6, 10) * 4f;
        var y = Between(7, 0, 1, 10);
        var expected = x.ToArray().Zip(y.ToArray(), (xi, yi) =>
        {
            double s = 1 / (1 + Math.Exp(-xi));
            return (float)-(yi * Math.Log(s) + (1 - yi) * Math.Log(1 - s));
        }).ToArray();
        Close(expected, Loss.BinaryCrossEntropyWithLogits(x, y, Reduction.None).ToArray(), rtol: 1e-5, atol: 1e-6);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_is_stable_at_plus_and_minus_100()
    {
        // −log σ(−100) = 100 + log(1 + e⁻¹⁰⁰) ≈ 100; the naive formula gives log 0 = −∞ there.
        var x = Tensor.FromArray([100f, -100f, 100f, -100f]).RequireGrad();
        var y = Tensor.FromArray([1f, 0f, 0f, 1f]);
        var loss = Loss.BinaryCrossEntropyWithLogits(x, y, Reduction.None);
        Close([0f, 0f, 100f, 100f], loss.ToArray(), atol: 1e-4);
        loss.Sum().Backward();
        Close([0f, 0f, 1f, -1f], x.Grad!.ToArray(), atol: 1e-6); // σ(x) − y
    }

    [Fact]
    public void Hinge_is_the_mean_of_max_0_1_minus_y_s()
    {
        float[] s = [2f, 0.3f, -0.5f, -3f, 1f];
        float[] y = [1f, 1f, 1f, -1f, -1f];
        double byHand = s.Zip(y, (si, yi) => Math.Max(0, 1 - (double)yi * si)).Average();
        Assert.Equal(byHand, Loss.Hinge(Tensor.FromArray(s), Tensor.FromArray(y)).Item(), 6);
        Assert.Contains("Hinge: targets must be −1 or +1, got 0", Assert.Throws<ArgumentOutOfRangeException>(
            () => Loss.Hinge(Tensor.FromArray(s), Tensor.FromArray([1f, 0f, 1f, 1f, 1f]))).Message);
    }

    [Fact]
    public void MultiClassHinge_sums_the_margins_of_the_wrong_classes()
    {
        var scores = Random(8, 4, 3) * 2f;
        var values = scores.ToArray();
        double byHand = 0;
        for (int n = 0; n < 4; n++)
        {
            int target = (int)Targets4[n];
            for (int c = 0; c < 3; c++)
                if (c != target) byHand += Math.Max(0, 1 - values[n * 3 + target] + values[n * 3 + c]) / 3;
        }
        Assert.Equal(byHand / 4, Loss.MultiClassHinge(scores, Tensor.FromArray(Targets4)).Item(), 5);
    }

    /// <summary>Smooth L1 with β and Huber with δ per element, written out as PyTorch's docs write them, in doubles.</summary>
    private static double SmoothL1ByHand(double d, double beta) => Math.Abs(d) < beta ? 0.5 * d * d / beta : Math.Abs(d) - 0.5 * beta;

    private static double HuberByHand(double d, double delta) => Math.Abs(d) < delta ? 0.5 * d * d : delta * (Math.Abs(d) - 0.5 * delta);

    [Fact]
    public void L1_smooth_L1_and_Huber_match_their_formulas_on_both_sides_of_the_kink()
    {
        // Differences from −2.2 to 2.2: inside and outside β = δ = 1 and β = 0.5.
        var prediction = Tensor.FromArray([-2.2f, -0.9f, -0.3f, 0, 0.4f, 0.75f, 1.3f, 2.2f], 2, 4);
        var target = Tensor.FromArray([0, 0, 0.1f, 0, 0, 0.25f, 0, 0.5f], 2, 4);
        var p = prediction.ToArray();
        var y = target.ToArray();
        var d = p.Select((v, i) => (double)v - y[i]).ToArray();

        Close([2, 4], d.Select(v => (float)Math.Abs(v)).ToArray(), Loss.L1(prediction, target, Reduction.None));
        Assert.Equal(d.Average(Math.Abs), Loss.L1(prediction, target).Item(), 5);
        Assert.Equal(d.Sum(Math.Abs), Loss.L1(prediction, target, Reduction.Sum).Item(), 5);
        foreach (double beta in new[] { 1.0, 0.5 })
        {
            Close([2, 4], d.Select(v => (float)SmoothL1ByHand(v, beta)).ToArray(), Loss.SmoothL1(prediction, target, Reduction.None, beta));
            Close([2, 4], d.Select(v => (float)HuberByHand(v, beta)).ToArray(), Loss.Huber(prediction, target, Reduction.None, beta));
        }
        Assert.Equal(d.Average(v => SmoothL1ByHand(v, 1)), Loss.SmoothL1(prediction, target).Item(), 5);
        Assert.Equal(d.Average(v => HuberByHand(v, 1)), Loss.Huber(prediction, target).Item(), 5);
        // β = 0 is L1; Huber(δ) = δ·SmoothL1(β = δ).
        Close(Loss.L1(prediction, target, Reduction.None).ToArray(), Loss.SmoothL1(prediction, target, Reduction.None, beta: 0).ToArray());
        Close((0.5f * Loss.SmoothL1(prediction, target, Reduction.None, 0.5)).ToArray(), Loss.Huber(prediction, target, Reduction.None, 0.5).ToArray());
    }

    [Fact]
    public void L1_smooth_L1_and_Huber_gradients_are_the_bounded_slopes_of_their_formulas()
    {
        // ∂/∂ŷ: L1 sign(d) (0 at d = 0, as PyTorch); smooth L1 d/β inside, sign(d) outside; Huber d inside, δ·sign(d) outside.
        float[] d = [-3, -0.5f, 0, 0.25f, 2];
        float[] Grad(Func<Tensor, Tensor> loss)
        {
            var x = Tensor.FromArray(d).RequireGrad();
            loss(x).Backward();
            return x.Grad!.ToArray();
        }
        var zero = Tensor.Zeros(5);
        Close([-1, -1, 0, 1, 1], Grad(x => Loss.L1(x, zero, Reduction.Sum)));
        Close([-1, -0.5f, 0, 0.25f, 1], Grad(x => Loss.SmoothL1(x, zero, Reduction.Sum)));
        Close([-1, -1, 0, 0.5f, 1], Grad(x => Loss.SmoothL1(x, zero, Reduction.Sum, beta: 0.5)));
        Close([-2, -0.5f, 0, 0.25f, 2], Grad(x => Loss.Huber(x, zero, Reduction.Sum, delta: 2)));
        Assert.Contains("SmoothL1: beta", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.SmoothL1(zero, zero, Reduction.Mean, -1)).Message);
        Assert.Contains("Huber: delta", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.Huber(zero, zero, Reduction.Mean, 0)).Message);
        Assert.Contains("L1", Assert.Throws<ArgumentException>(() => Loss.L1(Tensor.Zeros(2), Tensor.Zeros(3))).Message);
    }

    [Fact]
    public void Shape_mismatches_name_the_loss_and_both_shapes()
    {
        var error = Assert.Throws<ArgumentException>(() => Loss.MSE(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)));
        Assert.Contains("MSE", error.Message);
        Assert.Contains("[2, 3]", error.Message);
        Assert.Contains("[3, 2]", error.Message);
        error = Assert.Throws<ArgumentException>(() => Loss.CrossEntropy(Tensor.Zeros(4, 3), Tensor.Zeros(5)));
        Assert.Contains("CrossEntropy", error.Message);
        Assert.Contains("[4, 3]", error.Message);
        Assert.Contains("[5]", error.Message);
        Assert.Contains("BinaryCrossEntropyWithLogits", Assert.Throws<ArgumentException>(
            () => Loss.BinaryCrossEntropyWithLogits(Tensor.Zeros(3), Tensor.Zeros(4))).Message);
    }

    [Theory]
    [InlineData(3f)]
    [InlineData(-1f)]
    [InlineData(0.5f)]
    public void Targets_out_of_range_are_named(float bad)
    {
        var targets = Tensor.FromArray([0f, bad]);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CrossEntropy(Tensor.Zeros(2, 3), targets));
        Assert.Contains($"CrossEntropy: target {bad} is not a class index in [0, 2]", error.Message);
        Assert.Contains("NLL", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.NLL(Tensor.Zeros(2, 3), targets)).Message);
    }

    [Fact]
    public void KLDivergence_is_the_sum_of_q_log_q_over_p_per_example_and_zero_where_q_is_zero()
    {
        // q has an exact zero in row 0, where 0·log 0 counts as 0; p is a softmax of random logits.
        float[] q = [0.5f, 0.5f, 0f, 0.2f, 0.3f, 0.5f];
        var logits = Random(31, 2, 3);
        var logP = logits.LogSoftmax(1).ToArray();
        double expected = 0;
        for (int i = 0; i < q.Length; i++)
            if (q[i] > 0) expected += q[i] * (Math.Log(q[i]) - logP[i]);
        var target = Tensor.FromArray(q, 2, 3);
        Assert.Equal(expected / 2, Loss.KLDivergence(logits.LogSoftmax(1), target, Reduction.BatchMean).Item(), 5);
        Assert.Equal(expected / 6, Loss.KLDivergence(logits.LogSoftmax(1), target).Item(), 5);
        Assert.Equal(expected, Loss.KLDivergence(logits.LogSoftmax(1), target, Reduction.Sum).Item(), 5);
        var logTarget = Tensor.FromArray([0.2f, 0.3f, 0.5f], 1, 3).Log();
        double withLogs = 0;
        for (int i = 0; i < 3; i++) withLogs += new[] { 0.2, 0.3, 0.5 }[i] * (Math.Log(new[] { 0.2, 0.3, 0.5 }[i]) - logP[3 + i]);
        Assert.Equal(withLogs, Loss.KLDivergence(logits.LogSoftmax(1).Narrow(0, 1, 1), logTarget, Reduction.Sum, logTargets: true).Item(), 5);
        // KL(q ‖ q) = 0
        Assert.Equal(0, Loss.KLDivergence(target.Narrow(0, 1, 1).Log(), target.Narrow(0, 1, 1), Reduction.Sum).Item(), 6);
        Assert.True(float.IsNaN(Loss.KLDivergence(Tensor.Zeros(1, 2), Tensor.FromArray([-0.5f, 1.5f], 1, 2)).Item()));
        Assert.Contains("[2, 3]", Assert.Throws<ArgumentException>(() => Loss.KLDivergence(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2))).Message);
    }

    [Fact]
    public void Distillation_is_T_squared_times_the_KL_of_softened_outputs_and_leaves_the_teacher_alone()
    {
        var student = Random(32, 3, 4).RequireGrad();
        var teacher = (Random(33, 3, 4) * 5f).RequireGrad();
        const double T = 2.5;
        var s = student.ToArray();
        var t = teacher.ToArray();
        double expected = 0;
        for (int n = 0; n < 3; n++)
        {
            double zs = 0, zt = 0;
            for (int c = 0; c < 4; c++) { zs += Math.Exp(s[n * 4 + c] / T); zt += Math.Exp(t[n * 4 + c] / T); }
            for (int c = 0; c < 4; c++)
            {
                double q = Math.Exp(t[n * 4 + c] / T) / zt, p = Math.Exp(s[n * 4 + c] / T) / zs;
                expected += q * Math.Log(q / p);
            }
        }
        var loss = Loss.Distillation(student, teacher, T);
        Assert.Equal(T * T * expected / 3, loss.Item(), 5);
        loss.Backward();
        Assert.NotNull(student.Grad);
        Assert.Null(teacher.Grad);
        Assert.Contains("temperature", Assert.Throws<ArgumentOutOfRangeException>(() => Loss.Distillation(student, teacher, 0)).Message);
    }

    public static TheoryData<string> GradCheckedLosses => new(LossesOfPredictions.Keys);

    private static readonly Dictionary<string, Func<Tensor, Tensor>> LossesOfPredictions = new()
    {
        ["MSE"] = p => Loss.MSE(p, Random(11, 4, 3)),
        ["L1"] = p => Loss.L1(p, Random(14, 4, 3), Reduction.Sum),
        ["SmoothL1"] = p => Loss.SmoothL1(p, Random(15, 4, 3), Reduction.None),
        ["SmoothL1 β = 0.7"] = p => Loss.SmoothL1(p, Random(16, 4, 3), Reduction.Sum, beta: 0.7),
        ["Huber δ = 0.8"] = p => Loss.Huber(p, Random(17, 4, 3), Reduction.None, delta: 0.8),
        ["CrossEntropy"] = x => Loss.CrossEntropy(x, Tensor.FromArray(Targets4)),
        ["CrossEntropy smoothed"] = x => Loss.CrossEntropy(x, Tensor.FromArray(Targets4), Reduction.Sum, labelSmoothing: 0.2),
        ["CrossEntropy [N, C, L]"] = x => Loss.CrossEntropy(x.Reshape(2, 3, 2), Tensor.FromArray([0f, 2f, 1f, 1f], 2, 2), Reduction.None),
        ["NLL"] = x => Loss.NLL(x.LogSoftmax(1), Tensor.FromArray(Targets4), Reduction.Sum),
        ["BinaryCrossEntropy"] = p => Loss.BinaryCrossEntropy(p.Sigmoid(), Between(12, 0, 1, 4, 3)),
        ["BinaryCrossEntropyWithLogits"] = x => Loss.BinaryCrossEntropyWithLogits(x, Between(13, 0, 1, 4, 3), Reduction.None),
        ["Hinge"] = s => Loss.Hinge(s, Tensor.FromArray([1f, -1f, -1f, 1f, 1f, -1f, 1f, 1f, -1f, -1f, 1f, -1f], 4, 3)),
        ["MultiClassHinge"] = s => Loss.MultiClassHinge(s, Tensor.FromArray(Targets4)),
        ["KLDivergence"] = x => Loss.KLDivergence(x.LogSoftmax(1), Between(18, 0, 1, 4, 3).Softmax(1), Reduction.BatchMean),
        ["KLDivergence log targets"] = x => Loss.KLDivergence(x.LogSoftmax(1), Random(19, 4, 3).LogSoftmax(1), Reduction.None, logTargets: true),
        ["Distillation T = 3"] = s => Loss.Distillation(s, Random(20, 4, 3) * 4f, temperature: 3),
    };

    [Theory]
    [MemberData(nameof(GradCheckedLosses))]
    public void Loss_gradients_pass_GradCheck(string name)
    {
        // Values 0.15 apart at 0.0873 + 0.15k: no zero, no |s| = 1 and no difference of exactly 1, so neither
        // max(x, 0) nor a hinge margin 1 − y·s or 1 − s_y + s_c has a kink within GradCheck's ε.
        var x = Distinct(21, 0.05f, 4, 3) * 3f + 0.0123f;
        TensorAssert.Passes(GradCheck.Check(LossesOfPredictions[name], x));
    }
}
