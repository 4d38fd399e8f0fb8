// Dropout: zero each element with probability p and scale the survivors by 1/(1 − p) (inverted dropout).
namespace DeepLearnKit;

public sealed partial class Tensor
{
    /// <summary>A dropout mask on the CPU: see <see cref="DropoutMask(float, int[], Device)"/>.</summary>
    public static Tensor DropoutMask(float p, params int[] shape) => DropoutMask(p, shape, Device.Cpu);

    /// <summary>
    /// A mask of <paramref name="shape"/> whose elements are <c>1/(1 − p)</c> with probability 1 − p and 0
    /// otherwise: <c>(u ≥ p)/(1 − p)</c> for u from <see cref="Rand(int[], Device)"/>, made on <paramref name="device"/>.
    /// Its mean is 1, so <c>x ⊙ mask</c> keeps E[x].
    /// </summary>
    public static Tensor DropoutMask(float p, int[] shape, Device device)
    {
        if (p < 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p), $"DropoutMask: p must be in [0, 1), got {p}.");
        using var _ = NoGrad();
        return (Rand(shape, device) >= p) * (1f / (1f - p));
    }

    /// <summary>Inverted dropout when <paramref name="training"/>: <c>x ⊙ DropoutMask(p)</c>, the mask made on x's device; the identity otherwise.</summary>
    public Tensor Dropout(float p, bool training = true) =>
        !training || p == 0 ? this : this * DropoutMask(p, dims, Device);
}
