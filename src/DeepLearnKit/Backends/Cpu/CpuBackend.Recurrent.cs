// The fused LSTM cell on the CPU: the forward is TensorPrimitives over each batch row's four gates, the
// backward one Vector<float> pass per row. tanh is the Tanh op's own kernel (TanhKernel), so tanh 0 = 0 and the
// cell agrees bit for bit with the composition it replaces. An LSTM runs the cell once per time step on small [N, 4H] blocks,
// so what matters is doing it in one pass instead of a dozen ops with their temporaries.
using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace DeepLearnKit.Backends.Cpu;

internal sealed partial class CpuBackend
{
    // About how many multiply-adds one element of a gate costs (the transcendentals dominate); sets when
    // the batch rows are worth spreading over threads.
    private const int LSTMWorkPerElement = 16;

    public void LSTMCell(TensorStorage gates, int gatesOffset, TensorStorage c, int cOffset, int batch, int hidden,
        TensorStorage state, TensorStorage activations)
    {
        float[] pre = Data(gates), cPrev = Data(c), hc = Data(state), act = Data(activations);
        int h = hidden, g4 = 4 * hidden;
        CpuParallel.For(batch, (long)LSTMWorkPerElement * g4, n =>
        {
            var a = act.AsSpan(n * g4, g4);
            var p = pre.AsSpan(gatesOffset + n * g4, g4);
            TensorPrimitives.Sigmoid(p[..(2 * h)], a[..(2 * h)]);          // i, f
            TanhKernel.Tanh(p.Slice(2 * h, h), a.Slice(2 * h, h));         // g
            TensorPrimitives.Sigmoid(p[(3 * h)..], a[(3 * h)..]);          // o
            var hNext = hc.AsSpan(n * h, h);
            var cNext = hc.AsSpan((batch + n) * h, h);
            TensorPrimitives.Multiply(a[..h], a.Slice(2 * h, h), cNext);                               // i⊙g
            TensorPrimitives.FusedMultiplyAdd(a.Slice(h, h), cPrev.AsSpan(cOffset + n * h, h), cNext, cNext); // c' = f⊙c + i⊙g
            TanhKernel.Tanh(cNext, hNext);
            TensorPrimitives.Multiply(a[(3 * h)..], hNext, hNext);                                     // h' = o⊙tanh(c')
        });
    }

    public void LSTMCellBackward(TensorStorage activations, TensorStorage c, int cOffset, TensorStorage state, TensorStorage gradState,
        int batch, int hidden, TensorStorage gradGates, TensorStorage gradC)
    {
        float[] act = Data(activations), cPrev = Data(c), hc = Data(state), dhc = Data(gradState), dGates = Data(gradGates), dC = Data(gradC);
        int h = hidden, g4 = 4 * hidden;
        CpuParallel.For(batch, (long)LSTMWorkPerElement * g4, n =>
        {
            float[] tanhC = ArrayPool<float>.Shared.Rent(h);
            try
            {
                TanhKernel.Tanh(hc.AsSpan((batch + n) * h, h), tanhC.AsSpan(0, h));
                LSTMCellBackwardRow(act.AsSpan(n * g4, g4), cPrev.AsSpan(cOffset + n * h, h), tanhC.AsSpan(0, h),
                    dhc.AsSpan(n * h, h), dhc.AsSpan((batch + n) * h, h), dGates.AsSpan(n * g4, g4), dC.AsSpan(n * h, h));
            }
            finally
            {
                ArrayPool<float>.Shared.Return(tanhC);
            }
        });
    }

    /// <summary>
    /// One batch row of the cell's backward, from a = (i, f, g, o) after their nonlinearities, c, tanh c', ∂L/∂h', ∂L/∂c':
    /// <code>
    /// δc      = ∂L/∂c' + ∂L/∂h' ⊙ o ⊙ (1 − tanh²c')
    /// ∂L/∂a_i = δc ⊙ g ⊙ i(1 − i)        ∂L/∂a_f = δc ⊙ c ⊙ f(1 − f)
    /// ∂L/∂a_g = δc ⊙ i ⊙ (1 − g²)        ∂L/∂a_o = ∂L/∂h' ⊙ tanh c' ⊙ o(1 − o)
    /// ∂L/∂c   = δc ⊙ f
    /// </code>
    /// Vectors of <see cref="Vector{T}.Count"/> elements, then the same formulas one element at a time for the rest.
    /// </summary>
    private static void LSTMCellBackwardRow(ReadOnlySpan<float> a, ReadOnlySpan<float> c, ReadOnlySpan<float> tanhC,
        ReadOnlySpan<float> dh, ReadOnlySpan<float> dcNext, Span<float> dGates, Span<float> dC)
    {
        int h = c.Length, j = 0;
        ReadOnlySpan<float> i = a[..h], f = a.Slice(h, h), g = a.Slice(2 * h, h), o = a[(3 * h)..];
        Span<float> di = dGates[..h], df = dGates.Slice(h, h), dg = dGates.Slice(2 * h, h), dO = dGates[(3 * h)..];
        var one = Vector<float>.One;
        for (; j <= h - Vector<float>.Count; j += Vector<float>.Count)
        {
            var vi = new Vector<float>(i[j..]);
            var vf = new Vector<float>(f[j..]);
            var vg = new Vector<float>(g[j..]);
            var vo = new Vector<float>(o[j..]);
            var vt = new Vector<float>(tanhC[j..]);
            var vdh = new Vector<float>(dh[j..]);
            var delta = new Vector<float>(dcNext[j..]) + vdh * vo * (one - vt * vt);
            (delta * vg * vi * (one - vi)).CopyTo(di[j..]);
            (delta * new Vector<float>(c[j..]) * vf * (one - vf)).CopyTo(df[j..]);
            (delta * vi * (one - vg * vg)).CopyTo(dg[j..]);
            (vdh * vt * vo * (one - vo)).CopyTo(dO[j..]);
            (delta * vf).CopyTo(dC[j..]);
        }
        for (; j < h; j++)
        {
            float delta = dcNext[j] + dh[j] * o[j] * (1 - tanhC[j] * tanhC[j]);
            di[j] = delta * g[j] * i[j] * (1 - i[j]);
            df[j] = delta * c[j] * f[j] * (1 - f[j]);
            dg[j] = delta * i[j] * (1 - g[j] * g[j]);
            dO[j] = dh[j] * tanhC[j] * o[j] * (1 - o[j]);
            dC[j] = delta * f[j];
        }
    }
}
