// The counter-based random generator every backend's RandomFill uses (Salmon et al., "Parallel random numbers:
// as easy as 1, 2, 3", SC 2011). Draw i is a pure function of (key, i), so a GPU thread computes its own element
// with no shared state, and the CPU, the reference backend and the GPU produce the same numbers for one seed.
// Only integer arithmetic and float operations that ILGPU compiles, so the GPU kernels call these methods as they are.
namespace DeepLearnKit.Backends;

/// <summary>Philox4x32-10: ten rounds of two 32×32→64-bit multiplications mixing a 128-bit counter under a 64-bit key.</summary>
internal static class Philox
{
    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57;   // the round multipliers
    private const uint W0 = 0x9E3779B9, W1 = 0xBB67AE85;   // the key schedule's Weyl increments (golden ratio, √3 − 1)

    /// <summary>The four 32-bit words of the block for counter (c0, c1, c2, c3) under key (k0, k1).</summary>
    public static (uint, uint, uint, uint) Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < 10; round++)
        {
            ulong p0 = (ulong)M0 * c0, p1 = (ulong)M1 * c2;
            uint hi0 = (uint)(p0 >> 32), lo0 = (uint)p0, hi1 = (uint)(p1 >> 32), lo1 = (uint)p1;
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0);
            k0 += W0;
            k1 += W1;
        }
        return (c0, c1, c2, c3);
    }

    /// <summary>Draw <paramref name="index"/> of U[0, 1) under <paramref name="seed"/>: the top 24 bits of word 0 of block (index, 0, 0, 0), times 2⁻²⁴.</summary>
    public static float Uniform(ulong seed, int index)
    {
        var (w0, _, _, _) = Block((uint)index, 0, 0, 0, (uint)seed, (uint)(seed >> 32));
        return (w0 >> 8) * (1f / 16777216f);
    }

    /// <summary>
    /// Draw <paramref name="index"/> of N(0, 1) under <paramref name="seed"/>, by inverting the normal CDF:
    /// <c>z = √2·erf⁻¹(2u − 1)</c> with u = (k + ½)·2⁻²³ from the top 23 bits k of word 0: k + ½ is exact in a float,
    /// so u is never 0 or 1 and |z| stays below 5.3.
    /// </summary>
    public static float Normal(ulong seed, int index)
    {
        var (w0, _, _, _) = Block((uint)index, 0, 0, 0, (uint)seed, (uint)(seed >> 32));
        float u = ((w0 >> 9) + 0.5f) * (1f / 8388608f);
        return 1.41421356f * InverseErf(2f * u - 1f);
    }

    /// <summary>erf⁻¹(x) for |x| &lt; 1, Giles' single-precision approximation ("Approximating the erfinv function", 2010), relative error below 4·10⁻⁷ on the range used here.</summary>
    private static float InverseErf(float x)
    {
        float w = -Gpu.IlgpuMath.Log((1f - x) * (1f + x));
        float p;
        if (w < 5f)
        {
            w -= 2.5f;
            p = 2.81022636e-08f;
            p = 3.43273939e-07f + p * w;
            p = -3.5233877e-06f + p * w;
            p = -4.39150654e-06f + p * w;
            p = 0.00021858087f + p * w;
            p = -0.00125372503f + p * w;
            p = -0.00417768164f + p * w;
            p = 0.246640727f + p * w;
            p = 1.50140941f + p * w;
        }
        else
        {
            w = MathF.Sqrt(w) - 3f;
            p = -0.000200214257f;
            p = 0.000100950558f + p * w;
            p = 0.00134934322f + p * w;
            p = -0.00367342844f + p * w;
            p = 0.00573950773f + p * w;
            p = -0.0076224613f + p * w;
            p = 0.00943887047f + p * w;
            p = 1.00167406f + p * w;
            p = 2.83297682f + p * w;
        }
        return p * x;
    }

    /// <summary>Element <paramref name="index"/> of <see cref="IBackend.RandomFill"/>: <c>p + (q − p)·u</c> or <c>p + q·z</c>.</summary>
    public static float Draw(RandomDistribution distribution, ulong seed, int index, float p, float q) =>
        distribution == RandomDistribution.Uniform ? p + (q - p) * Uniform(seed, index) : p + q * Normal(seed, index);
}
