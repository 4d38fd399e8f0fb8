// The losses of the regression and classification chapters, each written as a composition of tensor ops
// (so autograd derives its gradient): MSE, L1, smooth L1 and Huber, cross-entropy from log-softmax + gather, NLL,
// binary cross-entropy on probabilities and on logits, and the hinge losses.
namespace DeepLearnKit.NN;

/// <summary>How a loss combines the per-element losses ℓᵢ (PyTorch's <c>reduction</c>).</summary>
public enum Reduction
{
    /// <summary><c>(1/n) Σᵢ ℓᵢ</c>, a scalar.</summary>
    Mean,

    /// <summary><c>Σᵢ ℓᵢ</c>, a scalar.</summary>
    Sum,

    /// <summary>The per-element losses ℓ, unreduced.</summary>
    None,

    /// <summary>
    /// <c>(1/N) Σᵢ ℓᵢ</c> with N the size of the first (batch) dim: for <see cref="Loss.KLDivergence"/> this is the KL
    /// divergence per example, the mathematically meaningful mean (PyTorch's <c>"batchmean"</c>).
    /// </summary>
    BatchMean,
}

/// <summary>
/// Loss functions, as PyTorch's <c>torch.nn.functional</c> ones. Each returns the per-element loss ℓ reduced by
/// <see cref="Reduction"/> (mean by default). Class indices are integers stored as floats.
/// </summary>
public static class Loss
{
    /// <summary>Mean squared error: <c>ℓᵢ = (ŷᵢ − yᵢ)²</c>; prediction and target have the same shape.</summary>
    public static Tensor MSE(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean)
    {
        SameShape("MSE", prediction, target);
        return Reduce((prediction - target).Square(), reduction);
    }

    /// <summary>
    /// Mean absolute error (PyTorch's L1Loss): <c>ℓᵢ = |ŷᵢ − yᵢ|</c>; prediction and target have the same shape.
    /// <c>∂ℓᵢ/∂ŷᵢ = sign(ŷᵢ − yᵢ)</c>, 0 where they are equal (as PyTorch).
    /// </summary>
    public static Tensor L1(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean)
    {
        SameShape("L1", prediction, target);
        return Reduce((prediction - target).Abs(), reduction);
    }

    /// <summary>
    /// Smooth L1 (PyTorch's SmoothL1Loss): with dᵢ = ŷᵢ − yᵢ, <c>ℓᵢ = 0.5·dᵢ²/β if |dᵢ| &lt; β, else |dᵢ| − 0.5·β</c>:
    /// quadratic near 0, linear (slope 1) beyond β, so an outlier pulls with a bounded gradient
    /// <c>∂ℓᵢ/∂ŷᵢ = dᵢ/β if |dᵢ| &lt; β, else sign(dᵢ)</c>. β = 0 is <see cref="L1(Tensor, Tensor, Reduction)"/>.
    /// </summary>
    public static Tensor SmoothL1(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1)
    {
        if (!(beta >= 0)) throw new ArgumentOutOfRangeException(nameof(beta), $"SmoothL1: beta must be ≥ 0, got {beta}.");
        SameShape("SmoothL1", prediction, target);
        if (beta == 0) return L1(prediction, target, reduction);
        return Reduce(HuberTerms(prediction - target, (float)beta, quadraticScale: 0.5f / (float)beta, linearSlope: 1), reduction);
    }

    /// <summary>
    /// Huber loss (PyTorch's HuberLoss): with dᵢ = ŷᵢ − yᵢ, <c>ℓᵢ = 0.5·dᵢ² if |dᵢ| &lt; δ, else δ·(|dᵢ| − 0.5·δ)</c>;
    /// <c>∂ℓᵢ/∂ŷᵢ = dᵢ if |dᵢ| &lt; δ, else δ·sign(dᵢ)</c>. Huber with δ is δ times <see cref="SmoothL1(Tensor, Tensor, Reduction, double)"/> with β = δ.
    /// </summary>
    public static Tensor Huber(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean, double delta = 1)
    {
        if (!(delta > 0)) throw new ArgumentOutOfRangeException(nameof(delta), $"Huber: delta must be > 0, got {delta}.");
        SameShape("Huber", prediction, target);
        return Reduce(HuberTerms(prediction - target, (float)delta, quadraticScale: 0.5f, linearSlope: (float)delta), reduction);
    }

    /// <summary>
    /// <c>a·d² if |d| &lt; t, else s·(|d| − t/2)</c>: the quadratic-then-linear shape shared by smooth L1 (a = 1/2t, s = 1) and
    /// Huber (a = 1/2, s = t). Where picks one branch per element, so each element's gradient is that branch's.
    /// </summary>
    private static Tensor HuberTerms(Tensor d, float t, float quadraticScale, float linearSlope)
    {
        var magnitude = d.Abs();
        var quadratic = quadraticScale * d.Square();
        var linear = linearSlope * (magnitude - 0.5f * t);
        return Tensor.Where(magnitude < t, quadratic, linear);
    }

    /// <summary>
    /// Cross-entropy of class scores: <c>ℓₙ = −log softmax(xₙ)[yₙ] = logΣ_c e^(xₙ,c) − xₙ,yₙ</c>, for logits
    /// [N, C] (or [N, C, d…], a class dim second) and targets [N] (or [N, d…]) of class indices. With label smoothing
    /// ε the target is the mixture (1 − ε)·onehot(y) + ε/C: <c>ℓₙ = (1 − ε)·(−log pₙ,yₙ) + (ε/C)·Σ_c (−log pₙ,c)</c>.
    /// Computed from log-softmax, so large logits do not overflow.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean, double labelSmoothing = 0)
    {
        if (labelSmoothing is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"CrossEntropy: label smoothing must be in [0, 1], got {labelSmoothing}.");
        CheckClassTargets("CrossEntropy", logits, targets);
        var logProbs = logits.LogSoftmax(1);
        var nll = -PickClass(logProbs, targets);
        if (labelSmoothing == 0) return Reduce(nll, reduction);
        var uniform = -logProbs.Mean(1); // (1/C) Σ_c −log p_c, shape [N, d…]
        return Reduce((float)(1 - labelSmoothing) * nll + (float)labelSmoothing * uniform, reduction);
    }

    /// <summary>
    /// Negative log-likelihood of log-probabilities (e.g. a LogSoftmax output): <c>ℓₙ = −log pₙ,yₙ</c>, shapes as
    /// <see cref="CrossEntropy(Tensor, Tensor, Reduction, double)"/>. <c>CrossEntropy(x, y) = NLL(x.LogSoftmax(1), y)</c>.
    /// </summary>
    public static Tensor NLL(Tensor logProbs, Tensor targets, Reduction reduction = Reduction.Mean)
    {
        CheckClassTargets("NLL", logProbs, targets);
        return Reduce(-PickClass(logProbs, targets), reduction);
    }

    /// <summary>
    /// Binary cross-entropy of probabilities p ∈ [0, 1]: <c>ℓᵢ = −(yᵢ·log pᵢ + (1 − yᵢ)·log(1 − pᵢ))</c>, each log
    /// clamped at −100 as PyTorch does (so p = 0 or 1 gives a finite loss; there its gradient is 0, where PyTorch's is
    /// <c>(p − y) / max(p(1 − p), 10⁻¹²)</c>, ±10¹² for a wrong saturated prediction).
    /// Prefer <see cref="BinaryCrossEntropyWithLogits(Tensor, Tensor, Reduction)"/> after a sigmoid: it is stable.
    /// Targets have the probabilities' shape, or one dim fewer when the last dim is 1 (see <see cref="BinaryTargets"/>).
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor probabilities, Tensor targets, Reduction reduction = Reduction.Mean)
    {
        targets = BinaryTargets("BinaryCrossEntropy", probabilities, targets);
        Tensor.CheckValues(probabilities, p => (p >= 0f) * (p <= 1f) == 0f, p => p >= 0 && p <= 1,   // NaN fails both comparisons
            nameof(probabilities), p => $"BinaryCrossEntropy: probabilities must lie in [0, 1], got {p}.");
        var loss = -(targets * ClampedLog(probabilities) + (1f - targets) * ClampedLog(1f - probabilities));
        return Reduce(loss, reduction);
    }

    /// <summary>
    /// Binary cross-entropy of logits x (the sigmoid is inside): <c>ℓᵢ = −(yᵢ·log σ(xᵢ) + (1 − yᵢ)·log(1 − σ(xᵢ)))</c>,
    /// computed as <c>max(xᵢ, 0) − xᵢ·yᵢ + log(1 + e^−|xᵢ|)</c>, which never overflows. ∂ℓ/∂x = σ(x) − y.
    /// Targets have the logits' shape, or one dim fewer when the last dim is 1 (see <see cref="BinaryTargets"/>).
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean)
    {
        targets = BinaryTargets("BinaryCrossEntropyWithLogits", logits, targets);
        var zero = Tensor.Scalar(0, logits.Device);
        var loss = Tensor.Maximum(logits, zero) - logits * targets + ((-logits.Abs()).Exp() + 1f).Log();
        return Reduce(loss, reduction);
    }

    /// <summary>
    /// The Kullback–Leibler divergence of a target distribution q from the model's, PyTorch's <c>kl_div</c>:
    /// <paramref name="logProbs"/> holds log pᵢ (e.g. a LogSoftmax output) and <paramref name="targets"/> qᵢ (or log qᵢ when
    /// <paramref name="logTargets"/>), same shape; <c>ℓᵢ = qᵢ·(log qᵢ − log pᵢ)</c>, with ℓᵢ = 0 where qᵢ = 0 (0·log 0 = 0).
    /// Summed over a distribution's classes, <c>KL(q ‖ p) = Σᵢ qᵢ log(qᵢ / pᵢ) ≥ 0</c>, zero only when p = q; use
    /// <see cref="Reduction.BatchMean"/> for the divergence per example (<see cref="Reduction.Mean"/> also divides by the
    /// number of classes, as PyTorch's default does). ∂ℓᵢ/∂log pᵢ = −qᵢ. Targets are not checked on the host: a negative
    /// or NaN qᵢ makes the loss NaN.
    /// </summary>
    public static Tensor KLDivergence(Tensor logProbs, Tensor targets, Reduction reduction = Reduction.Mean, bool logTargets = false)
    {
        SameShape("KLDivergence", logProbs, targets);
        Tensor loss;
        if (logTargets) loss = targets.Exp() * (targets - logProbs);
        else
        {
            // log 1 = 0 where q = 0; a negative or NaN q keeps its value, whose log is NaN, so the loss shows it as NaN
            // without copying the targets to the host.
            var one = Tensor.Scalar(1, targets.Device);
            var safeLogTargets = Tensor.Where(targets > 0f, targets, Tensor.Where(targets >= 0f, one, targets)).Log();
            loss = targets * (safeLogTargets - logProbs);
        }
        return Reduce(loss, reduction);
    }

    /// <summary>
    /// Knowledge distillation's soft loss (Hinton et al., 2015): the student learns the teacher's softened outputs,
    /// <c>T² · KL(softmax(t/T) ‖ softmax(s/T))</c> per example (batch mean), for student logits s and teacher logits t of
    /// shape [N, C] and temperature T &gt; 0. The T² keeps its gradient's scale independent of T. The teacher's logits
    /// are detached: only the student learns.
    /// </summary>
    public static Tensor Distillation(Tensor studentLogits, Tensor teacherLogits, double temperature)
    {
        if (!(temperature > 0))
            throw new ArgumentOutOfRangeException(nameof(temperature), $"Distillation: temperature must be positive, got {temperature}.");
        SameShape("Distillation", studentLogits, teacherLogits);
        float t = (float)temperature;
        var softTargets = (teacherLogits.Detach() / t).Softmax(-1);
        return t * t * KLDivergence((studentLogits / t).LogSoftmax(-1), softTargets, Reduction.BatchMean);
    }

    /// <summary>Hinge loss of scores s with targets y ∈ {−1, +1} (same shape): <c>ℓᵢ = max(0, 1 − yᵢ·sᵢ)</c>.</summary>
    public static Tensor Hinge(Tensor scores, Tensor targets, Reduction reduction = Reduction.Mean)
    {
        SameShape("Hinge", scores, targets);
        Tensor.CheckValues(targets, y => y.Abs() != 1f, y => y is 1 or -1, nameof(targets), y => $"Hinge: targets must be −1 or +1, got {y}.");
        var zero = Tensor.Scalar(0, scores.Device);
        return Reduce(Tensor.Maximum(zero, 1f - targets * scores), reduction);
    }

    /// <summary>
    /// Multi-class hinge (PyTorch's MultiMarginLoss, margin 1) of scores [N, C] and class targets [N]:
    /// <c>ℓₙ = (1/C) Σ_{c≠yₙ} max(0, 1 − sₙ,yₙ + sₙ,c)</c>.
    /// </summary>
    public static Tensor MultiClassHinge(Tensor scores, Tensor targets, Reduction reduction = Reduction.Mean)
    {
        if (scores.Rank != 2)
            throw new ArgumentException($"MultiClassHinge: scores must be [N, C], got shape {Shapes.Format(scores.Shape)}.");
        CheckClassTargets("MultiClassHinge", scores, targets);
        var zero = Tensor.Scalar(0, scores.Device);
        var correct = scores.Gather(1, targets.Unsqueeze(1)); // [N, 1]
        var margins = Tensor.Maximum(zero, 1f - correct + scores); // [N, C]; the c = y term is exactly 1
        return Reduce((margins.Sum(1) - 1f) / (float)scores.Size(1), reduction);
    }

    // Two-argument forms with the mean reduction, so a loss can be passed as it is: model.Fit(data, Loss.CrossEntropy, …).

    /// <summary><see cref="MSE(Tensor, Tensor, Reduction)"/> averaged over elements.</summary>
    public static Tensor MSE(Tensor prediction, Tensor target) => MSE(prediction, target, Reduction.Mean);

    /// <summary><see cref="L1(Tensor, Tensor, Reduction)"/> averaged over elements.</summary>
    public static Tensor L1(Tensor prediction, Tensor target) => L1(prediction, target, Reduction.Mean);

    /// <summary><see cref="SmoothL1(Tensor, Tensor, Reduction, double)"/> with β = 1, averaged over elements.</summary>
    public static Tensor SmoothL1(Tensor prediction, Tensor target) => SmoothL1(prediction, target, Reduction.Mean);

    /// <summary><see cref="Huber(Tensor, Tensor, Reduction, double)"/> with δ = 1, averaged over elements.</summary>
    public static Tensor Huber(Tensor prediction, Tensor target) => Huber(prediction, target, Reduction.Mean);

    /// <summary><see cref="CrossEntropy(Tensor, Tensor, Reduction, double)"/> averaged over the batch, without label smoothing.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets) => CrossEntropy(logits, targets, Reduction.Mean);

    /// <summary><see cref="NLL(Tensor, Tensor, Reduction)"/> averaged over the batch.</summary>
    public static Tensor NLL(Tensor logProbs, Tensor targets) => NLL(logProbs, targets, Reduction.Mean);

    /// <summary><see cref="BinaryCrossEntropy(Tensor, Tensor, Reduction)"/> averaged over elements.</summary>
    public static Tensor BinaryCrossEntropy(Tensor probabilities, Tensor targets) => BinaryCrossEntropy(probabilities, targets, Reduction.Mean);

    /// <summary><see cref="BinaryCrossEntropyWithLogits(Tensor, Tensor, Reduction)"/> averaged over elements.</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor targets) => BinaryCrossEntropyWithLogits(logits, targets, Reduction.Mean);

    /// <summary>Applies <paramref name="reduction"/> to per-element losses.</summary>
    public static Tensor Reduce(Tensor loss, Reduction reduction) => reduction switch
    {
        Reduction.Mean => loss.Mean(),
        Reduction.Sum => loss.Sum(),
        Reduction.None => loss,
        Reduction.BatchMean => loss.Sum() / (loss.Rank == 0 ? 1f : loss.Size(0)),
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), $"Loss: unknown reduction {reduction}."),
    };

    /// <summary>
    /// The rule for binary targets (Keras'): targets of <paramref name="predictions"/>' shape are used as they are; targets
    /// [d…] for predictions [d…, 1] (one sigmoid output per example, targets [N] for outputs [N, 1]) are read as
    /// <c>targets.Unsqueeze(-1)</c>, so the loss has the predictions' shape; any other shape is an error naming both.
    /// </summary>
    public static Tensor BinaryTargets(string op, Tensor predictions, Tensor targets)
    {
        if (Shapes.Equal(predictions.Shape, targets.Shape)) return targets;
        if (predictions.Rank == targets.Rank + 1 && predictions.Size(-1) == 1 && Shapes.Equal(predictions.Shape[..^1], targets.Shape))
            return targets.Unsqueeze(-1);
        throw new ArgumentException($"{op}: the input has shape {Shapes.Format(predictions.Shape)} but the target has shape {Shapes.Format(targets.Shape)}; " +
            "they must be equal, or the target may drop a last dim of size 1 ([N] for [N, 1]).");
    }

    /// <summary>xₙ,yₙ,… from x [N, C, d…] and y [N, d…]: one gather along the class dim.</summary>
    private static Tensor PickClass(Tensor x, Tensor targets) => x.Gather(1, targets.Unsqueeze(1)).Squeeze(1);

    /// <summary><c>max(log p, −100)</c> without evaluating log 0 inside the graph (whose gradient would be 0/0).</summary>
    private static Tensor ClampedLog(Tensor p)
    {
        var positive = p > 0f;
        var safe = Tensor.Where(positive, p, Tensor.Scalar(1, p.Device));
        return Tensor.Where(positive, safe.Log(), Tensor.Scalar(-100, p.Device)).Clamp(min: -100);
    }

    private static void SameShape(string loss, Tensor prediction, Tensor target)
    {
        if (!Shapes.Equal(prediction.Shape, target.Shape))
            throw new ArgumentException($"{loss}: the input has shape {Shapes.Format(prediction.Shape)} but the target has shape {Shapes.Format(target.Shape)}; they must be equal.");
    }

    private static void CheckClassTargets(string loss, Tensor scores, Tensor targets)
    {
        var expected = scores.Rank >= 2 ? scores.Shape.Where((_, k) => k != 1).ToArray() : null;
        if (expected is null || !Shapes.Equal(expected, targets.Shape))
            throw new ArgumentException($"{loss}: input of shape {Shapes.Format(scores.Shape)} (expected [N, C] or [N, C, d…]) needs targets of shape " +
                $"{(expected is null ? "[N]" : Shapes.Format(expected))}, got {Shapes.Format(targets.Shape)}.");
        int classes = scores.Size(1);
        Tensor.CheckIndexValues(targets, classes, nameof(targets), y => $"{loss}: target {y} is not a class index in [0, {classes - 1}].");
    }
}
