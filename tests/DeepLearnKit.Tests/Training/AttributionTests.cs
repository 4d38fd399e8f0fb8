// Attributions against what they must be: a linear model's gradient is its weight row, integrated gradients add up to
// the score difference (completeness), occlusion is zero where the model does not look, FGSM is x + ε·sign of the
// cross-entropy gradient written out for a linear model, and none of them touches the model.
using DeepLearnKit.NN;
using DeepLearnKit.Training;
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Training;

[Collection(SharedRngCollection.Name)]
public class AttributionTests
{
    private static Linear LinearModel(int inputs, int classes)
    {
        Rng.Seed(3);
        return new Linear(inputs, classes);
    }

    [Fact]
    public void The_input_gradient_of_a_linear_model_is_the_weight_row_of_each_examples_class_and_the_model_is_untouched()
    {
        var model = LinearModel(5, 3);
        var x = Random(1, 4, 5);
        float[] classes = [2, 0, 1, 2];
        var gradient = Attribution.InputGradient(model, x, Tensor.FromArray(classes));
        var w = model.Weight.ToArray();
        var expected = new float[20];
        for (int n = 0; n < 4; n++)
            for (int i = 0; i < 5; i++) expected[n * 5 + i] = w[(int)classes[n] * 5 + i];
        Close(expected, gradient.ToArray());
        Assert.All(model.Parameters(), p => { Assert.Null(p.Grad); Assert.True(p.RequiresGrad); });
        Assert.True(model.IsTraining);
    }

    [Fact]
    public void The_input_gradient_of_a_nonlinear_model_matches_central_differences()
    {
        Rng.Seed(4);
        var model = new Sequential(new Linear(3, 8), new Tanh(), new Linear(8, 2));
        var x = Random(2, 2, 3);
        float[] classes = [1, 0];
        var gradient = Attribution.InputGradient(model, x, Tensor.FromArray(classes)).ToArray();
        var values = x.ToArray();
        const float h = 1e-2f;
        for (int n = 0; n < 2; n++)
            for (int i = 0; i < 3; i++)
            {
                float Score(float delta)
                {
                    var moved = (float[])values.Clone();
                    moved[n * 3 + i] += delta;
                    using var _ = Tensor.NoGrad();
                    return model.Call(Tensor.FromArray(moved, 2, 3)).ToArray()[n * 2 + (int)classes[n]];
                }
                Assert.Equal((Score(h) - Score(-h)) / (2 * h), gradient[n * 3 + i], 2);
            }
    }

    [Fact]
    public void Integrated_gradients_are_exact_for_a_linear_model_and_add_up_to_the_score_difference_for_a_nonlinear_one()
    {
        var linear = LinearModel(4, 2);
        var x = Random(5, 3, 4);
        var classes = Tensor.FromArray([1f, 0f, 1f]);
        // Linear: IG = (x − 0) · W[c], whatever the number of steps.
        Close((x * Attribution.InputGradient(linear, x, classes)).ToArray(), Attribution.IntegratedGradients(linear, x, classes, steps: 3).ToArray());

        Rng.Seed(6);
        var model = new Sequential(new Linear(4, 16), new Sigmoid(), new Linear(16, 2));
        var baseline = Random(7, 3, 4) * 0.5f;
        var ig = Attribution.IntegratedGradients(model, x, classes, baseline, steps: 64).Sum(1).ToArray();
        float[] Scores(Tensor input)
        {
            using var _ = Tensor.NoGrad();
            return model.Call(input).Gather(1, classes.Unsqueeze(1)).Squeeze(1).ToArray();
        }
        var sx = Scores(x);
        var sb = Scores(baseline);
        for (int n = 0; n < 3; n++) Assert.Equal(sx[n] - sb[n], ig[n], 3);
    }

    [Fact]
    public void Occlusion_is_zero_where_the_model_never_looks_and_positive_where_it_does()
    {
        // Class 0's score reads only the 2×2 top-left corner of a 6×6 image: occluding it (fill 0) removes the evidence.
        var model = new Sequential(new Flatten(), new Linear(36, 2));
        using (Tensor.NoGrad())
        {
            model.Parameters().ToList().ForEach(p => p.CopyFrom(Tensor.ZerosLike(p)));
            var w = new float[72];
            foreach (int pixel in new[] { 0, 1, 6, 7 }) w[pixel] = 3;
            ((Linear)model[1]).Weight.CopyFrom(Tensor.FromArray(w, 2, 36));
        }
        var image = Tensor.Ones(1, 1, 6, 6);
        var map = Attribution.Occlusion(model, image, Tensor.FromArray([0f]), window: 2, stride: 2).ToArray();
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
                if (i < 2 && j < 2) Assert.Equal(1 / (1 + Math.Exp(-12)) - 0.5, map[i * 6 + j], 5);   // scores (12, 0) → (0, 0)
                else Assert.Equal(0, map[i * 6 + j], 6);
        Assert.Contains("[1, 36]", Assert.Throws<ArgumentException>(() => Attribution.Occlusion(model, Tensor.Ones(1, 36), Tensor.FromArray([0f]), 2, 2)).Message);
    }

    [Fact]
    public void Occlusion_batched_over_patches_equals_occluding_one_patch_at_a_time()
    {
        // Overlapping windows (stride 1 < window 3) on two 2-channel 5×5 images through a nonlinear model: the map is
        // worked here by a loop that occludes one patch per forward pass and averages each pixel's drops by hand.
        Rng.Seed(7);
        var model = new Sequential(new Flatten(), new Linear(50, 8), new Tanh(), new Linear(8, 3));
        var images = Tensor.Rand(2, 2, 5, 5);
        var classes = Tensor.FromArray([2f, 0f]);
        var map = Attribution.Occlusion(model, images, classes, window: 3, stride: 1, fill: 0.5f).ToArray();
        using var _ = Tensor.NoGrad();
        model.Eval();
        var probabilities = model.Call(images).Softmax(1).ToArray();
        var sum = new double[2 * 25];
        var count = new int[25];
        for (int top = 0; top + 3 <= 5; top++)
            for (int left = 0; left + 3 <= 5; left++)
            {
                var occluded = images.ToArray();
                for (int e = 0; e < 2; e++)
                    for (int c = 0; c < 2; c++)
                        for (int i = top; i < top + 3; i++)
                            for (int j = left; j < left + 3; j++) occluded[((e * 2 + c) * 5 + i) * 5 + j] = 0.5f;
                var after = model.Call(Tensor.FromArray(occluded, 2, 2, 5, 5)).Softmax(1).ToArray();
                for (int i = top; i < top + 3; i++)
                    for (int j = left; j < left + 3; j++)
                    {
                        count[i * 5 + j]++;
                        for (int e = 0; e < 2; e++)
                        {
                            int k = (int)classes.ToArray()[e];
                            sum[e * 25 + i * 5 + j] += probabilities[e * 3 + k] - after[e * 3 + k];
                        }
                    }
            }
        for (int e = 0; e < 2; e++)
            for (int p = 0; p < 25; p++) Assert.Equal(sum[e * 25 + p] / count[p], map[e * 25 + p], 5);
    }

    [Fact]
    public void Lime_recovers_the_patch_sums_of_a_nearly_linear_model()
    {
        // Two classes with logits (s, 0), s = w·x tiny: p(0 | x) = σ(s) = ½ + s/4 − O(s³), linear in which squares are kept,
        // so the surrogate's coefficient of square k is (Σ_{i∈k} wᵢxᵢ)/4, worked here by summing each 2×2 square.
        Rng.Seed(8);
        var model = new Sequential(new Flatten(), new Linear(16, 2));
        var w = (Tensor.Rand(2, 16) * 1e-3f).ToArray();
        for (int i = 16; i < 32; i++) w[i] = 0;
        using (Tensor.NoGrad())
        {
            ((Linear)model[1]).Weight.CopyFrom(Tensor.FromArray(w, 2, 16));
            ((Linear)model[1]).Bias!.CopyFrom(Tensor.Zeros(2));
        }
        var image = Tensor.Rand(1, 4, 4);
        var x = image.ToArray();
        var coefficients = Attribution.Lime(model, image, classId: 0, patch: 2, samples: 200, ridge: 1e-12).ToArray();
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 2; c++)
            {
                double patchSum = 0;
                for (int i = 2 * r; i < 2 * r + 2; i++)
                    for (int j = 2 * c; j < 2 * c + 2; j++) patchSum += w[i * 4 + j] * x[i * 4 + j];
                Assert.Equal(patchSum / 4, coefficients[r * 2 + c], 1e-6);
            }
        Assert.Contains("divide", Assert.Throws<ArgumentOutOfRangeException>(() => Attribution.Lime(model, image, 0, patch: 3)).Message);
    }

    [Fact]
    public void Lime_is_the_kernel_weighted_ridge_fit_of_the_seeded_perturbations()
    {
        // Two squares and a nonlinear model: the same seeded draws are replayed here, each pattern's probability computed,
        // and the 3×3 normal equations [b, w₁, w₂] solved by Cramer's rule with the weights exp(−f²/σ²).
        Rng.Seed(9);
        var model = new Sequential(new Flatten(), new Linear(8, 4), new Tanh(), new Linear(4, 2));
        var image = Tensor.Rand(1, 2, 4);
        const int samples = 40; const double sigma = 0.25, ridge = 1e-3;
        var lime = Attribution.Lime(model, image, classId: 1, patch: 2, samples: samples, kernelWidth: sigma, ridge: ridge, seed: 5).ToArray();
        var random = new Random(5);
        var a = new double[3, 3]; var c = new double[3];
        model.Eval();
        using var _ = Tensor.NoGrad();
        for (int s = 0; s < samples; s++)
        {
            var z = new double[] { 1, 0, 0 };
            for (int k = 0; k < 2; k++) z[k + 1] = s == 0 || random.NextDouble() < 0.5 ? 1 : 0;
            var x = image.ToArray();
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 4; j++) if (z[1 + j / 2] == 0) x[i * 4 + j] = 0;
            double y = model.Call(Tensor.FromArray(x, 1, 1, 2, 4)).Softmax(1).ToArray()[1];
            double f = (2 - z[1] - z[2]) / 2, weight = Math.Exp(-f * f / (sigma * sigma));
            for (int u = 0; u < 3; u++) { c[u] += weight * z[u] * y; for (int v = 0; v < 3; v++) a[u, v] += weight * z[u] * z[v]; }
        }
        a[1, 1] += ridge; a[2, 2] += ridge;
        double Det(double[,] m) => m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1]) - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0]) + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]);
        for (int k = 1; k < 3; k++)
        {
            var replaced = (double[,])a.Clone();
            for (int r = 0; r < 3; r++) replaced[r, k] = c[r];
            Assert.Equal(Det(replaced) / Det(a), lime[k - 1], 1e-5);
        }
    }

    [Fact]
    public void Fgsm_moves_each_input_by_epsilon_against_the_cross_entropy_gradient_and_stays_in_range()
    {
        var model = LinearModel(6, 3);
        var x = Between(8, 0.2f, 0.8f, 4, 6);
        float[] y = [0, 2, 1, 1];
        var adversarial = Attribution.Fgsm(model, x, Tensor.FromArray(y), epsilon: 0.1).ToArray();
        // ∇ₓ CE = Wᵀ(softmax(Wx + b) − onehot(y)), written out.
        var w = model.Weight.ToArray();
        float[] p;
        using (Tensor.NoGrad()) p = model.Call(x).Softmax(1).ToArray();
        var xs = x.ToArray();
        for (int n = 0; n < 4; n++)
            for (int i = 0; i < 6; i++)
            {
                double g = 0;
                for (int c = 0; c < 3; c++) g += w[c * 6 + i] * (p[n * 3 + c] - (c == (int)y[n] ? 1 : 0));
                Assert.Equal(Math.Clamp(xs[n * 6 + i] + 0.1 * Math.Sign(g), 0, 1), adversarial[n * 6 + i], 5);
            }
        using (Tensor.NoGrad())
            Assert.True(Loss.CrossEntropy(model.Call(Tensor.FromArray(adversarial, 4, 6)), Tensor.FromArray(y)).Item()
                > Loss.CrossEntropy(model.Call(x), Tensor.FromArray(y)).Item());
        var clamped = Attribution.Fgsm(model, x, Tensor.FromArray(y), epsilon: 5).ToArray();
        Assert.All(clamped, v => Assert.True(v is 0 or 1));
        Assert.All(model.Parameters(), q => Assert.Null(q.Grad));
    }
}
