// Dropout: zero each element with probability p and scale the survivors by 1/(1 − p) (inverted dropout).
namespace DeepLearnKit;

public sealed partial class Tensor
{
    /// <summary>
    /// A mask of <paramref name="shape"/> whose elements are <c>1/(1 − p)</c> with probability 1 − p and 0
    /// otherwise, drawn from <see cref="Rng"/>. Its mean is 1, so <c>x ⊙ mask</c> keeps E[x].
    /// </summary>
    public static Tensor DropoutMask(float p, params int[] shape)
    {
        if (p < 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p), $"DropoutMask: p must be in [0, 1), got {p}.");
        var data = new float[Shapes.Count(Shapes.Validate("DropoutMask", shape))];
        Rng.Uniform(data);
        float keep = 1f / (1f - p);
        for (int i = 0; i < data.Length; i++) data[i] = data[i] >= p ? keep : 0f;
        return FromArray(data, shape);
    }

    /// <summary>Inverted dropout when <paramref name="training"/>: <c>x ⊙ DropoutMask(p)</c>; the identity otherwise.</summary>
    public Tensor Dropout(float p, bool training = true) =>
        !training || p == 0 ? this : this * DropoutMask(p, dims).To(Device);
}
