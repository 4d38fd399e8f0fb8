// Gradient clipping: rescale or cut gradients before the optimizer's step (exploding gradients in RNNs).
namespace DeepLearnKit.Optim;

/// <summary>Gradient clipping, as PyTorch's torch.nn.utils.clip_grad_norm_ and clip_grad_value_ (in place on <c>.Grad</c>).</summary>
public static class GradClip
{
    /// <summary>
    /// Computes the total p-norm of all gradients, <c>‖g‖ = (Σ_params Σᵢ |gᵢ|ᵖ)^(1/p)</c> (max |gᵢ| for p = ∞), and when it
    /// exceeds <paramref name="maxNorm"/> scales every gradient by <c>maxNorm / (‖g‖ + 10⁻⁶)</c>. Parameters without a
    /// gradient are skipped. Returns ‖g‖ before clipping.
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2)
    {
        if (!(maxNorm >= 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), $"ClipGradNorm: maxNorm must be non-negative, got {maxNorm}.");
        if (!(normType > 0)) throw new ArgumentOutOfRangeException(nameof(normType), $"ClipGradNorm: normType must be positive, got {normType}.");
        var grads = parameters.Select(p => p.Grad).OfType<Tensor>().ToList();
        if (grads.Count == 0) return 0;
        using var _ = Tensor.NoGrad();
        double total;
        // One number per parameter, combined on the gradients' device, so only the total crosses to the host.
        if (double.IsPositiveInfinity(normType))
        {
            total = Tensor.Stack(grads.Select(g => g.NumEl == 0 ? Tensor.Scalar(0, g.Device) : g.Abs().Max()).ToArray()).Max().Item();
        }
        else
        {
            var sums = grads.Select(g => (normType == 2 ? g.Square() : g.Abs().Pow((float)normType)).Sum()).ToArray();
            total = Math.Pow(Tensor.Stack(sums).Sum().Item(), 1 / normType);
        }
        double coefficient = maxNorm / (total + 1e-6);
        if (coefficient < 1)
            foreach (var g in grads) g.CopyFrom(g * (float)coefficient);
        return total;
    }

    /// <summary>Clamps every gradient element into <c>[−clipValue, clipValue]</c>.</summary>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, double clipValue)
    {
        if (!(clipValue >= 0)) throw new ArgumentOutOfRangeException(nameof(clipValue), $"ClipGradValue: clipValue must be non-negative, got {clipValue}.");
        using var _ = Tensor.NoGrad();
        foreach (var g in parameters.Select(p => p.Grad).OfType<Tensor>()) g.CopyFrom(g.Clamp(-(float)clipValue, (float)clipValue));
    }
}
