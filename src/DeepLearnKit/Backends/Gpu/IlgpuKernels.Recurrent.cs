// ILGPU kernels of the fused LSTM cell: one thread per (batch row, hidden unit) reads that unit's four
// gates, as CpuBackend.Recurrent.cs computes them a row at a time. exp and tanh come from IlgpuMath.
using ILGPU;

namespace DeepLearnKit.Backends.Gpu;

/// <summary>The sizes and input offsets of one LSTM cell launch: gates [Batch, 4·Hidden] at GatesOffset, c [Batch, Hidden] at COffset.</summary>
internal readonly record struct LSTMArgs(int Batch, int Hidden, int GatesOffset, int COffset);

internal static partial class IlgpuKernels
{
    /// <summary>
    /// Thread e = n·H + j: i, f, g, o = σ, σ, tanh, σ of the gates' pre-activations at (n, j); writes them to
    /// <paramref name="activations"/>, c' = f·c + i·g to state[1] and h' = o·tanh c' to state[0].
    /// </summary>
    public static void LSTMCellKernel(Index1D e, ArrayView<float> gates, ArrayView<float> c, ArrayView<float> state,
        ArrayView<float> activations, LSTMArgs args)
    {
        int h = args.Hidden, n = e / h, j = e - n * h;
        int row = n * 4 * h + j;
        int at = args.GatesOffset + row;
        float i = 1f / (1f + IlgpuMath.Exp(-gates[at]));
        float f = 1f / (1f + IlgpuMath.Exp(-gates[at + h]));
        float g = IlgpuMath.Tanh(gates[at + 2 * h]);
        float o = 1f / (1f + IlgpuMath.Exp(-gates[at + 3 * h]));
        activations[row] = i;
        activations[row + h] = f;
        activations[row + 2 * h] = g;
        activations[row + 3 * h] = o;
        float cNext = f * c[args.COffset + e] + i * g;
        state[args.Batch * h + e] = cNext;
        state[e] = o * IlgpuMath.Tanh(cNext);
    }

    /// <summary>Thread e = n·H + j: the cell's backward at (n, j), the formulas of <c>CpuBackend.LSTMCellBackwardRow</c>.</summary>
    public static void LSTMCellBackwardKernel(Index1D e, ArrayView<float> activations, ArrayView<float> c, ArrayView<float> state,
        ArrayView<float> gradState, ArrayView<float> gradGates, ArrayView<float> gradC, LSTMArgs args)
    {
        int h = args.Hidden, n = e / h, j = e - n * h;
        int row = n * 4 * h + j;
        float i = activations[row], f = activations[row + h], g = activations[row + 2 * h], o = activations[row + 3 * h];
        float tanhC = IlgpuMath.Tanh(state[args.Batch * h + e]);
        float dh = gradState[e];
        float delta = gradState[args.Batch * h + e] + dh * o * (1f - tanhC * tanhC);
        gradGates[row] = delta * g * i * (1f - i);
        gradGates[row + h] = delta * c[args.COffset + e] * f * (1f - f);
        gradGates[row + 2 * h] = delta * i * (1f - g * g);
        gradGates[row + 3 * h] = dh * tanhC * o * (1f - o);
        gradC[e] = delta * f;
    }
}
