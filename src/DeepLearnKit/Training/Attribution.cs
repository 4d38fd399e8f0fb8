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
