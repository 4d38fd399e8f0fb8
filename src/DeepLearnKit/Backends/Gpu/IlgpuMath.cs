// Float math for the ILGPU kernels, built from +, −, ×, ÷ and bit casts only. ILGPU 1.5's PTX backend
// has no exp, log or pow of its own (they need the ILGPU.Algorithms package or a CUDA SDK's libdevice),
// and its tanh is a hardware approximation good to about 3 digits; these stay within about 2 ulp of
// .NET's MathF on every accelerator, so the simulator tests check the code that runs on CUDA.
using ILGPU;

namespace DeepLearnKit.Backends.Gpu;

/// <summary>exp, log, pow, tanh and erf for kernels (Cephes-style range reduction plus polynomials).</summary>
internal static class IlgpuMath
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;          // ln 2 split so that n·Ln2Hi is exact
    private const float Ln2Lo = -2.12194440e-4f;

    /// <summary><c>⌊x⌋</c> by truncation, corrected for negative non-integers; |x| ≥ 2²³ is already an integer.</summary>
    public static float Floor(float x)
    {
        if (!(MathF.Abs(x) < 8388608f)) return x;   // also NaN and ±∞
        float t = (int)x;
        return t > x ? t - 1f : t;
    }

    /// <summary><c>eˣ</c>: x = n·ln 2 + r with |r| ≤ ½ ln 2, e^r by a degree-7 polynomial, then scaled by 2ⁿ.</summary>
    public static float Exp(float x)
    {
        if (float.IsNaN(x)) return x;
        if (x > 88.7228394f) return float.PositiveInfinity;
        if (x < -103.972084f) return 0f;
        float t = x * Log2E;
        int n = (int)(t + (t >= 0 ? 0.5f : -0.5f));
        float r = x - n * Ln2Hi - n * Ln2Lo;
        float p = 1.9875691500e-4f;
        p = p * r + 1.3981999507e-3f;
        p = p * r + 8.3334519073e-3f;
        p = p * r + 4.1665795894e-2f;
        p = p * r + 1.6666665459e-1f;
        p = p * r + 5.0000001201e-1f;
        p = p * r * r + r + 1f;
        // 2ⁿ in two halves keeps each factor a normal float down to the subnormal results.
        int half = n / 2;
        return p * Pow2(half) * Pow2(n - half);
    }

    /// <summary><c>ln x</c>: x = m·2ᵉ with m in [√½, √2), ln m = 2·atanh(s), s = (m − 1)/(m + 1).</summary>
    public static float Log(float x)
    {
        if (float.IsNaN(x) || x < 0f) return float.NaN;
        if (x == 0f) return float.NegativeInfinity;
        if (float.IsPositiveInfinity(x)) return x;
        int e = 0;
        if (x < 1.17549435e-38f)
        {
            x *= 8388608f;   // 2²³: bring a subnormal into the normal range
            e = -23;
        }
        uint bits = Interop.FloatAsInt(x);
        e += (int)((bits >> 23) & 0xFF) - 127;
        float m = Interop.IntAsFloat((bits & 0x007FFFFFu) | 0x3F800000u);   // in [1, 2)
        if (m > 1.41421356f)
        {
            m *= 0.5f;
            e++;
        }
        float s = (m - 1f) / (m + 1f);
        float z = s * s;
        float series = z * (1f / 3f + z * (1f / 5f + z * (1f / 7f + z * (1f / 9f))));
        float lnM = 2f * s + 2f * s * series;
        return e * Ln2Hi + (lnM + e * Ln2Lo);
    }

    /// <summary>
    /// <c>xʸ = e^(y·ln x)</c> with MathF.Pow's special cases (negative bases need an integer exponent).
    /// y·ln x is formed in double: in float its rounding alone would cost |y·ln x| ulp.
    /// </summary>
    public static float Pow(float x, float y)
    {
        if (y == 0f || x == 1f) return 1f;
        if (float.IsNaN(x) || float.IsNaN(y)) return float.NaN;
        float ax = MathF.Abs(x);
        bool odd = false;
        if (x < 0f && MathF.Abs(y) < 16777216f)   // beyond 2²⁴ every float is an even integer
        {
            int yi = (int)y;
            if (yi != y) return float.NaN;
            odd = (yi & 1) != 0;
        }
        float r = ax == 0f ? (y > 0f ? 0f : float.PositiveInfinity)
            : float.IsPositiveInfinity(ax) ? (y > 0f ? float.PositiveInfinity : 0f)
            : ExpDouble(y * LogDouble(ax));
        return odd ? -r : r;
    }

    /// <summary>ln x for a positive finite float, in double (error far below a float ulp).</summary>
    private static double LogDouble(float x)
    {
        int e = 0;
        if (x < 1.17549435e-38f)
        {
            x *= 8388608f;
            e = -23;
        }
        uint bits = Interop.FloatAsInt(x);
        e += (int)((bits >> 23) & 0xFF) - 127;
        double m = Interop.IntAsFloat((bits & 0x007FFFFFu) | 0x3F800000u);
        if (m > 1.4142135623730951)
        {
            m *= 0.5;
            e++;
        }
        double s = (m - 1) / (m + 1), z = s * s;
        double series = z * (1.0 / 3 + z * (1.0 / 5 + z * (1.0 / 7 + z * (1.0 / 9 + z * (1.0 / 11 + z * (1.0 / 13 + z / 15))))));
        return 2 * s * (1 + series) + e * 0.6931471805599453;
    }

    /// <summary>e^v rounded to float, computed in double (Taylor series after reduction by ln 2).</summary>
    private static float ExpDouble(double v)
    {
        if (v > 88.7228394) return float.PositiveInfinity;
        if (v < -103.972084) return 0f;
        double t = v * 1.4426950408889634;
        int n = (int)(t + (t >= 0 ? 0.5 : -0.5));
        double r = v - n * 0.6931471805599453;
        double p = 1 + r * (1 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720
            + r * (1.0 / 5040 + r * (1.0 / 40320 + r * (1.0 / 362880 + r / 3628800)))))))));
        return (float)(p * Interop.IntAsFloat((ulong)(n + 1023) << 52));
    }

    /// <summary><c>tanh x</c>: an odd polynomial near 0, <c>1 − 2/(e²ˣ + 1)</c> beyond.</summary>
    public static float Tanh(float x)
    {
        float ax = MathF.Abs(x);
        if (ax < 0.625f)
        {
            float z = x * x;
            float p = -5.70498872745e-3f;
            p = p * z + 2.06390887954e-2f;
            p = p * z - 5.37397155531e-2f;
            p = p * z + 1.33314422036e-1f;
            p = p * z - 3.33332819422e-1f;
            return p * z * x + x;
        }
        float t = ax > 10f ? 1f : 1f - 2f / (Exp(2f * ax) + 1f);
        return x < 0 ? -t : t;
    }

    /// <summary>erf by Abramowitz &amp; Stegun 7.1.26, the CPU backend's formula (ElementwiseKernels.Erf).</summary>
    public static float Erf(float x)
    {
        float sign = x < 0 ? -1f : 1f;
        float ax = MathF.Abs(x);
        float t = 1f / (1f + 0.3275911f * ax);
        float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
        return sign * (1f - poly * Exp(-ax * ax));
    }

    /// <summary>Φ(x) = ½(1 + erf(x/√2)).</summary>
    public static float NormalCdf(float x) => 0.5f * (1f + Erf(x * 0.70710678f));

    /// <summary>2ⁿ for n in [−126, 127], built from its exponent bits.</summary>
    private static float Pow2(int n) => Interop.IntAsFloat((uint)(n + 127) << 23);
}
