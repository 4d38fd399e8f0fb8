// What a trained classifier's decision depends on (chapter 12): the saliency gradient ∂score/∂input, integrated
// gradients, occlusion maps and the fast-gradient-sign adversarial example, each computed with autograd on the model
// as it is: in eval mode, with its parameters' gradients left alone.
using DeepLearnKit.NN;

namespace DeepLearnKit.Training;

/// <summary>
/// Attributions of a classifier's class scores to its inputs. Every method runs <c>model</c> in eval mode (its mode is
/// restored afterwards) with its parameters' <see cref="Tensor.RequiresGrad"/> turned off for the call, so no parameter
/// gets a gradient and nothing of the model changes. <c>classes</c> holds one class id per example, shape [N].
/// </summary>
public static class Attribution
{
    /// <summary>
    /// The saliency gradient: for each example n, <c>∂sₙ/∂xₙ</c> with <c>sₙ = model(x)[n, cₙ]</c> the score (logit) of its
    /// class cₙ; shaped like <paramref name="inputs"/>. Examples do not interact in eval mode, so one backward pass of
    /// <c>Σₙ sₙ</c> gives every example's gradient at once.
    /// </summary>
    public static Tensor InputGradient(Module model, Tensor inputs, Tensor classes)
    {
        CheckClasses("InputGradient", inputs, classes);
        return Frozen(model, () => ScoreGradient(model, inputs, classes));
    }

    /// <summary>
    /// Integrated gradients (Sundararajan et al., 2017) from a baseline x′ (zeros unless given, shaped like the inputs):
    /// <c>IGᵢ = (xᵢ − x′ᵢ) · (1/m) Σ_{k=1..m} ∂s(x′ + ((k − ½)/m)·(x − x′))/∂xᵢ</c>, the midpoint rule for the path
    /// integral with m = <paramref name="steps"/>. Completeness: <c>Σᵢ IGᵢ ≈ s(x) − s(x′)</c> for each example, closer
    /// as m grows.
    /// </summary>
    public static Tensor IntegratedGradients(Module model, Tensor inputs, Tensor classes, Tensor? baseline = null, int steps = 32)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), $"IntegratedGradients: needs at least one step, got {steps}.");
        baseline ??= Tensor.ZerosLike(inputs);
        if (!Shapes.Equal(baseline.Shape, inputs.Shape))
            throw new ArgumentException($"IntegratedGradients: the baseline has shape {Shapes.Format(baseline.Shape)} but the inputs {Shapes.Format(inputs.Shape)}.");
        CheckClasses("IntegratedGradients", inputs, classes);
        return Frozen(model, () =>
        {
            var path = inputs - baseline;
            var total = Tensor.ZerosLike(inputs);
            for (int k = 1; k <= steps; k++)
                total += ScoreGradient(model, baseline + ((k - 0.5f) / steps) * path, classes);
            return path * total / steps;
        });
    }

    /// <summary>
    /// An occlusion map for images [N, C, H, W] (or [N, H, W]): a <paramref name="window"/>×<paramref name="window"/>
    /// patch set to <paramref name="fill"/> slides over the image by <paramref name="stride"/>, and each pixel of the map
    /// [N, H, W] is the mean drop of the class probability <c>p(cₙ | x) − p(cₙ | x occluded)</c> over the patches that
    /// cover it (0 where none does). Large values mark the pixels the decision needs.
    /// </summary>
    public static Tensor Occlusion(Module model, Tensor inputs, Tensor classes, int window, int stride, float fill = 0)
    {
        if (inputs.Rank is not (3 or 4))
            throw new ArgumentException($"Occlusion: needs images [N, C, H, W] or [N, H, W], got {Shapes.Format(inputs.Shape)}.");
        int n = inputs.Size(0), height = inputs.Size(-2), width = inputs.Size(-1);
        if (window < 1 || stride < 1 || window > height || window > width)
            throw new ArgumentOutOfRangeException(nameof(window), $"Occlusion: window {window} and stride {stride} must be positive and fit a {height}×{width} image.");
        CheckClasses("Occlusion", inputs, classes);
        return Frozen(model, () =>
        {
            using var _ = Tensor.NoGrad();
            var before = model.Call(inputs).Softmax(1).Gather(1, classes.Unsqueeze(1)).Squeeze(1).ToArray();   // [N]
            var masks = new List<float[]>();                                                              // one per patch, [H·W]
            var covered = new int[height * width];
            for (int top = 0; top + window <= height; top += stride)
                for (int left = 0; left + window <= width; left += stride)
                {
                    var patch = new float[height * width];
                    for (int i = top; i < top + window; i++)
                        for (int j = left; j < left + window; j++) { patch[i * width + j] = 1; covered[i * width + j]++; }
                    masks.Add(patch);
                }
            int patches = masks.Count, pixels = height * width;
            // The patches are a batch dimension: each example is occluded by all of them in one forward pass.
            var maskShape = inputs.Rank == 4 ? new[] { patches, 1, height, width } : new[] { patches, height, width };
            var inPatch = Tensor.FromArray(masks.SelectMany(m => m).ToArray(), maskShape).To(inputs.Device);
            var classIds = classes.ToArray();
            var drop = new float[n * pixels];
            for (int e = 0; e < n; e++)
            {
                var image = inputs.Narrow(0, e, 1);                                                       // broadcasts over the patches
                var occluded = image * (1f - inPatch) + fill * inPatch;
                var after = model.Call(occluded).Softmax(1).Select(1, (int)classIds[e]).ToArray();      // [P]
                for (int q = 0; q < patches; q++)
                {
                    float lost = before[e] - after[q];
                    var patch = masks[q];
                    for (int p = 0; p < pixels; p++) drop[e * pixels + p] += lost * patch[p];
                }
            }
            for (int e = 0; e < n; e++)
                for (int p = 0; p < pixels; p++)
                    if (covered[p] > 0) drop[e * pixels + p] /= covered[p];
            return Tensor.FromArray(drop, n, height, width);
        });
    }

    /// <summary>
    /// A LIME-style local surrogate (Ribeiro et al., 2016) for one image [C, H, W] (or [H, W]) and class c: the image is
    /// cut into <paramref name="patch"/>×<paramref name="patch"/> squares (P of them); each of <paramref name="samples"/>
    /// perturbations switches every square off (set to <paramref name="fill"/>) with probability ½, drawn from
    /// <c>new Random(seed)</c>, giving zₛ ∈ {0,1}ᴾ (1 = kept) and yₛ = p(c | xₛ). The surrogate y ≈ b + w·z is the weighted
    /// ridge fit <c>min Σₛ πₛ (yₛ − b − w·zₛ)² + λ‖w‖²</c> with the kernel <c>πₛ = exp(−fₛ²/σ²)</c>, fₛ the fraction of
    /// squares switched off, σ = <paramref name="kernelWidth"/>, λ = <paramref name="ridge"/> (b is not penalised); solved
    /// by the normal equations (ZᵀΠZ + λI′)β = ZᵀΠy. Returns w as a map [H/patch, W/patch] (rows, columns of squares):
    /// wₖ is how much keeping square k raises the class probability. The unperturbed image is always the first sample.
    /// </summary>
    public static Tensor Lime(Module model, Tensor image, int classId, int patch, int samples = 500, double kernelWidth = 0.25,
        double ridge = 1e-3, float fill = 0, int seed = 0)
    {
        if (image.Rank is not (2 or 3))
            throw new ArgumentException($"Lime: needs one image [C, H, W] or [H, W], got {Shapes.Format(image.Shape)}.");
        int height = image.Size(-2), width = image.Size(-1);
        if (patch < 1 || height % patch != 0 || width % patch != 0)
            throw new ArgumentOutOfRangeException(nameof(patch), $"Lime: patch {patch} must be positive and divide the {height}×{width} image.");
        if (samples < 2) throw new ArgumentOutOfRangeException(nameof(samples), $"Lime: needs at least two samples, got {samples}.");
        int rows = height / patch, columns = width / patch, squares = rows * columns;
        var random = new Random(seed);
        var kept = new float[samples * squares];
        for (int s = 0; s < samples; s++)
            for (int k = 0; k < squares; k++) kept[s * squares + k] = s == 0 || random.NextDouble() < 0.5 ? 1 : 0;
        var masks = new float[samples * height * width];                                              // 1 where switched off
        for (int s = 0; s < samples; s++)
            for (int i = 0; i < height; i++)
                for (int j = 0; j < width; j++)
                    masks[(s * height + i) * width + j] = 1 - kept[s * squares + (i / patch) * columns + j / patch];
        var probabilities = Frozen(model, () =>
        {
            using var _ = Tensor.NoGrad();
            var off = Tensor.FromArray(masks, image.Rank == 3 ? new[] { samples, 1, height, width } : new[] { samples, height, width }, image.Device);
            var perturbed = image.Unsqueeze(0) * (1f - off) + fill * off;
            var scores = model.Call(perturbed);
            if (scores.Rank != 2 || classId < 0 || classId >= scores.Size(1))
                throw new ArgumentException($"Lime: class {classId} is not a column of the model's scores {Shapes.Format(scores.Shape)}.");
            return scores.Softmax(1).Select(1, classId);
        }).ToArray();
        // Normal equations over [1, z]: A = ZᵀΠZ + λI′ (I′ without the intercept), c = ZᵀΠy.
        int unknowns = squares + 1;
        var a = new double[unknowns, unknowns];
        var c = new double[unknowns];
        var row = new double[unknowns];
        for (int s = 0; s < samples; s++)
        {
            row[0] = 1;
            int switchedOff = 0;
            for (int k = 0; k < squares; k++) { row[k + 1] = kept[s * squares + k]; switchedOff += kept[s * squares + k] == 0 ? 1 : 0; }
            double fraction = (double)switchedOff / squares, weight = Math.Exp(-fraction * fraction / (kernelWidth * kernelWidth));
            for (int u = 0; u < unknowns; u++)
            {
                c[u] += weight * row[u] * probabilities[s];
                for (int v = 0; v < unknowns; v++) a[u, v] += weight * row[u] * row[v];
            }
        }
        for (int k = 1; k < unknowns; k++) a[k, k] += ridge;
        var solution = SolveSymmetric(a, c);
        return Tensor.FromArray(solution.Skip(1).Select(v => (float)v).ToArray(), rows, columns);
    }

    /// <summary>Solves A·x = b by Gaussian elimination with partial pivoting (A is small and positive definite here).</summary>
    private static double[] SolveSymmetric(double[,] a, double[] b)
    {
        int n = b.Length;
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            for (int k = 0; k < n; k++) (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]);
            (b[col], b[pivot]) = (b[pivot], b[col]);
            for (int r = col + 1; r < n; r++)
            {
                double factor = a[r, col] / a[col, col];
                for (int k = col; k < n; k++) a[r, k] -= factor * a[col, k];
                b[r] -= factor * b[col];
            }
        }
        var x = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double sum = b[r];
            for (int k = r + 1; k < n; k++) sum -= a[r, k] * x[k];
            x[r] = sum / a[r, r];
        }
        return x;
    }

    /// <summary>
    /// The fast gradient sign method (Goodfellow et al., 2015): <c>x′ = clamp(x + ε·sign(∇ₓ CE(model(x), y)), min, max)</c>,
    /// each input moved by ±ε in the direction that raises its cross-entropy loss the fastest, kept in the valid pixel
    /// range [<paramref name="min"/>, <paramref name="max"/>]. <paramref name="targets"/> are the true class ids [N].
    /// </summary>
    public static Tensor Fgsm(Module model, Tensor inputs, Tensor targets, double epsilon, float min = 0, float max = 1)
    {
        if (!(epsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"Fgsm: ε must be non-negative, got {epsilon}.");
        CheckClasses("Fgsm", inputs, targets);
        return Frozen(model, () =>
        {
            var x = inputs.Detach().RequireGrad();
            Loss.CrossEntropy(model.Call(x), targets, Reduction.Sum).Backward();
            using var _ = Tensor.NoGrad();
            return (inputs + (float)epsilon * x.Grad!.Sign()).Clamp(min, max);
        });
    }

    /// <summary>∂(Σₙ model(x)[n, cₙ])/∂x, with the parameters already frozen and the classes already checked.</summary>
    private static Tensor ScoreGradient(Module model, Tensor inputs, Tensor classes)
    {
        var x = inputs.Detach().RequireGrad();
        var scores = model.Call(x);
        if (scores.Rank != 2)
            throw new ArgumentException($"InputGradient: the model must give scores [N, C], got {Shapes.Format(scores.Shape)}.");
        scores.Gather(1, classes.Unsqueeze(1)).Sum().Backward();
        return x.Grad!;
    }

    private static void CheckClasses(string op, Tensor inputs, Tensor classes)
    {
        if (inputs.Rank < 1 || classes.Rank != 1 || classes.Size(0) != inputs.Size(0))
            throw new ArgumentException($"{op}: needs one class id per example: inputs {Shapes.Format(inputs.Shape)}, classes {Shapes.Format(classes.Shape)}.");
    }

    /// <summary>Runs <paramref name="body"/> with the model in eval mode and its parameters not requiring gradients, then restores both.</summary>
    private static Tensor Frozen(Module model, Func<Tensor> body)
    {
        bool training = model.IsTraining;
        var parameters = model.Parameters().ToList();
        var required = parameters.Select(p => p.RequiresGrad).ToList();
        model.Eval();
        foreach (var p in parameters) p.RequiresGrad = false;
        try { return body(); }
        finally
        {
            for (int i = 0; i < parameters.Count; i++) parameters[i].RequiresGrad = required[i];
            model.Train(training);
        }
    }
}
