// Kernels a backend MAY offer beside the required primitives of IBackend. Each one computes exactly what a
// composition written once in Ops/ computes (that composition is the spec, and what a backend without the
// kernel runs); a fused kernel only saves the temporaries and passes between. The device op suite
// (tests/DeepLearnKit.Tests/Devices) checks every fused kernel against the reference backend, which has none.
namespace DeepLearnKit.Backends;

/// <summary>The activation derivatives a backend may fuse with the product by the incoming gradient.</summary>
internal enum ActivationGradient
{
    /// <summary><c>g·[x &gt; 0]</c>, from the input x</summary>
    ReLU,
    /// <summary><c>g·(x &gt; 0 ? 1 : slope)</c>, from the input x</summary>
    LeakyReLU,
    /// <summary><c>g·y·(1 − y)</c>, from the output y = σ(x)</summary>
    Sigmoid,
    /// <summary><c>g·(1 − y²)</c>, from the output y = tanh x</summary>
    Tanh,
    /// <summary><c>g·(Φ(x) + x·φ(x))</c>, from the input x</summary>
    GELU,
}

/// <summary>One pass for an activation's backward: <c>dst[i] = g[i]·f′(saved[i])</c> (see <see cref="ActivationGradient"/>).</summary>
internal interface IFusedActivationGradients
{
    /// <summary>Both layouts have the output's shape; <paramref name="saved"/> is x or y as the kind says.</summary>
    void ActivationGradient(ActivationGradient kind, float slope, TensorStorage g, StridedLayout gLayout,
        TensorStorage saved, StridedLayout savedLayout, TensorStorage destination);
}

/// <summary>Pooling windows in one pass each way, instead of im2col, a reduction and col2im (Ops/Pooling.cs).</summary>
internal interface IFusedPooling
{
    /// <summary>
    /// Max pooling of a contiguous [N, C, H, W] input (w.Channels = C): writes [N, C, OH, OW] maxima and the
    /// flat index (h·W + w) of each (first) maximum within its plane, as floats. Padding never wins.
    /// </summary>
    void MaxPool2d(TensorStorage x, int batch, Window2d w, TensorStorage output, TensorStorage argmax);

    /// <summary>Adds each output gradient to the input position recorded in <paramref name="argmax"/> (accumulates into gradInput).</summary>
    void MaxPool2dBackward(TensorStorage gradOutput, TensorStorage argmax, int batch, Window2d w, TensorStorage gradInput);

    /// <summary>Average pooling: each output is the mean of its window; padded taps count when <paramref name="countPadding"/>.</summary>
    void AvgPool2d(TensorStorage x, int batch, Window2d w, bool countPadding, TensorStorage output);

    /// <summary>The adjoint of <see cref="AvgPool2d"/> (accumulates into gradInput).</summary>
    void AvgPool2dBackward(TensorStorage gradOutput, int batch, Window2d w, bool countPadding, TensorStorage gradInput);
}

/// <summary>One LSTM time step in one kernel each way, instead of the dozen ops of its equations (Ops/Recurrent.cs).</summary>
internal interface IFusedLSTMCell
{
    /// <summary>
    /// Reads the gate pre-activations, a contiguous [N, 4H] block at <paramref name="gatesOffset"/> (gates i, f, g, o,
    /// each H wide), and c, a contiguous [N, H] block at <paramref name="cOffset"/>. Writes <paramref name="state"/>
    /// [2, N, H] = (h', c') and <paramref name="activations"/> [N, 4H] = (σ(i), σ(f), tanh(g), σ(o)), which the
    /// backward reads: <c>c' = σ(f)⊙c + σ(i)⊙tanh(g)</c>, <c>h' = σ(o)⊙tanh(c')</c>.
    /// </summary>
    void LSTMCell(TensorStorage gates, int gatesOffset, TensorStorage c, int cOffset, int batch, int hidden,
        TensorStorage state, TensorStorage activations);

    /// <summary>
    /// The adjoint of <see cref="LSTMCell"/>: from its <paramref name="activations"/>, c (the [N, H] block at
    /// <paramref name="cOffset"/>), its <paramref name="state"/> and <paramref name="gradState"/> [2, N, H] = (∂L/∂h', ∂L/∂c'),
    /// writes <paramref name="gradGates"/> [N, 4H] (∂L/∂ of the pre-activations) and <paramref name="gradC"/> [N, H].
    /// </summary>
    void LSTMCellBackward(TensorStorage activations, TensorStorage c, int cOffset, TensorStorage state, TensorStorage gradState,
        int batch, int hidden, TensorStorage gradGates, TensorStorage gradC);
}

/// <summary>
/// Scheduling, which stays below the seam: how a backend runs independent pieces of one op (the parts of a
/// convolution's batch). A backend without it runs them one after another, as a GPU's single stream does anyway.
/// </summary>
internal interface IConcurrentParts
{
    /// <summary>
    /// Runs <paramref name="work"/>(worker, firstPart, endPart) so that the ranges cover [0, parts) once, each worker
    /// taking a contiguous run. The backend picks the number of workers from the parts and their size
    /// (<paramref name="workPerPart"/> multiply-adds each); a worker index lets the caller keep per-worker scratch.
    /// </summary>
    void ForEachPart(int parts, long workPerPart, Action<int, int, int> work);
}
