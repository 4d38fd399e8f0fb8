// The seam between the tensor API and the devices: the short list of primitive kernels that every
// device must implement. Ops (src/DeepLearnKit/Ops) are written once above it, as compositions of these
// primitives; a backend may add fused kernels beside them (FusedKernels.cs), never instead of them.
// Backends/Reference holds the plain-loop implementation that is the specification of each primitive.
namespace DeepLearnKit.Backends;

/// <summary>Elementwise functions of one input, <c>dst[i] = f(x[i])</c>; <c>p</c>, <c>q</c> are the op's scalar parameters.</summary>
internal enum UnaryOp
{
    /// <summary><c>−x</c></summary>
    Neg,
    /// <summary><c>eˣ</c></summary>
    Exp,
    /// <summary><c>ln x</c></summary>
    Log,
    /// <summary><c>√x</c></summary>
    Sqrt,
    /// <summary><c>|x|</c></summary>
    Abs,
    /// <summary><c>sign(x)</c> ∈ {−1, 0, 1}</summary>
    Sign,
    /// <summary><c>max(x, 0)</c></summary>
    ReLU,
    /// <summary><c>x if x &gt; 0 else p·x</c></summary>
    LeakyReLU,
    /// <summary><c>1 / (1 + e⁻ˣ)</c></summary>
    Sigmoid,
    /// <summary><c>tanh x</c></summary>
    Tanh,
    /// <summary><c>x·Φ(x)</c>, Φ the standard normal CDF (exact GELU, as PyTorch's default)</summary>
    GELU,
    /// <summary><c>erf x = (2/√π) ∫₀ˣ e^(−t²) dt</c></summary>
    Erf,
    /// <summary><c>⌊x⌋</c></summary>
    Floor,
    /// <summary><c>xᵖ</c></summary>
    Pow,
    /// <summary><c>min(max(x, p), q)</c></summary>
    Clamp,
    /// <summary><c>p·x + q</c> (scalar add, subtract, multiply in one kernel)</summary>
    Affine,
    /// <summary><c>p / x</c></summary>
    ScalarDivide,
}

/// <summary>Elementwise functions of two inputs of the same (already broadcast) shape, <c>dst[i] = f(a[i], b[i])</c>. Comparisons give 1 or 0.</summary>
internal enum BinaryOp
{
    /// <summary><c>a + b</c></summary>
    Add,
    /// <summary><c>a − b</c></summary>
    Sub,
    /// <summary><c>a · b</c></summary>
    Mul,
    /// <summary><c>a / b</c></summary>
    Div,
    /// <summary><c>aᵇ</c></summary>
    Pow,
    /// <summary><c>max(a, b)</c></summary>
    Max,
    /// <summary><c>min(a, b)</c></summary>
    Min,
    /// <summary><c>a == b</c></summary>
    Eq,
    /// <summary><c>a != b</c></summary>
    Ne,
    /// <summary><c>a &lt; b</c></summary>
    Lt,
    /// <summary><c>a ≤ b</c></summary>
    Le,
    /// <summary><c>a &gt; b</c></summary>
    Gt,
    /// <summary><c>a ≥ b</c></summary>
    Ge,
}

/// <summary>Reductions along one axis.</summary>
internal enum ReduceOp
{
    /// <summary><c>Σ x</c></summary>
    Sum,
    /// <summary><c>max x</c></summary>
    Max,
    /// <summary><c>min x</c></summary>
    Min,
}

/// <summary>What <see cref="IBackend.RandomFill"/> draws, with its two parameters p and q.</summary>
internal enum RandomDistribution
{
    /// <summary><c>p + (q − p)·u</c>, u uniform on [0, 1): U[p, q)</summary>
    Uniform,
    /// <summary><c>p + q·z</c>, z standard normal: N(p, q²)</summary>
    Normal,
}

/// <summary>
/// Where a tensor's elements sit in its storage: element (i₀, i₁, …) is at
/// <c>Offset + Σ iₖ·Strides[k]</c>. A stride of 0 repeats an element (broadcasting).
/// </summary>
internal readonly record struct StridedLayout(int[] Shape, int[] Strides, int Offset)
{
    /// <summary>
    /// The number of elements, <c>Π Shape[k]</c>, which kernels loop over in an int: a broadcast layout of more
    /// elements than that is refused, not wrapped around.
    /// </summary>
    public int Count
    {
        get
        {
            long n = Shapes.Count(Shape);
            if (n > int.MaxValue)
                throw new ArgumentException($"A kernel cannot visit the {n} elements of a layout of shape {Shapes.Format(Shape)} (at most {int.MaxValue}).");
            return (int)n;
        }
    }

    /// <summary>True when the elements are stored row-major without gaps.</summary>
    public bool IsContiguous
    {
        get
        {
            int expected = 1;
            for (int k = Shape.Length - 1; k >= 0; k--)
            {
                if (Shape[k] != 1 && Strides[k] != expected) return false;
                expected *= Shape[k];
            }
            return true;
        }
    }

    /// <summary>The row-major layout of <paramref name="shape"/> starting at <paramref name="offset"/>.</summary>
    public static StridedLayout Contiguous(int[] shape, int offset = 0) => new(shape, ContiguousStrides(shape), offset);

    /// <summary>Row-major strides: the last axis has stride 1.</summary>
    public static int[] ContiguousStrides(int[] shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int k = shape.Length - 1; k >= 0; k--)
        {
            strides[k] = s;
            s *= shape[k];
        }
        return strides;
    }
}

/// <summary>The geometry of a 2-D convolution or pooling window over NCHW images.</summary>
/// <param name="Channels">Input channels C (per group for a convolution's im2col).</param>
/// <param name="Height">Input height H.</param>
/// <param name="Width">Input width W.</param>
/// <param name="KernelH">Window height.</param>
/// <param name="KernelW">Window width.</param>
/// <param name="StrideH">Vertical step.</param>
/// <param name="StrideW">Horizontal step.</param>
/// <param name="PadH">Zero rows added above and below.</param>
/// <param name="PadW">Zero columns added left and right.</param>
/// <param name="DilationH">Vertical spacing of window taps.</param>
/// <param name="DilationW">Horizontal spacing of window taps.</param>
internal readonly record struct Window2d(int Channels, int Height, int Width, int KernelH, int KernelW,
    int StrideH, int StrideW, int PadH, int PadW, int DilationH, int DilationW)
{
    /// <summary><c>OH = ⌊(H + 2·padH − dilH·(kH − 1) − 1) / strideH⌋ + 1</c></summary>
    public int OutHeight => (Height + 2 * PadH - DilationH * (KernelH - 1) - 1) / StrideH + 1;

    /// <summary><c>OW = ⌊(W + 2·padW − dilW·(kW − 1) − 1) / strideW⌋ + 1</c></summary>
    public int OutWidth => (Width + 2 * PadW - DilationW * (KernelW - 1) - 1) / StrideW + 1;
}

/// <summary>
/// The primitive kernels every device implements: memory and copies (Allocate … Fill), elementwise
/// functions of one, two and three inputs (Unary, Binary, Where), reductions (Reduce, ArgReduce), MatMul,
/// im2col and its adjoint, gather and scatter along an axis (IndexSelect, IndexAdd) and a counter-based
/// random fill. Inputs are read through a <see cref="StridedLayout"/> (so views need no copy); outputs are
/// contiguous and fully overwritten unless the method says it accumulates. Every storage passed in belongs
/// to this backend. Everything else (pooling, activation gradients, the LSTM cell, convolution's batching)
/// is composed from these in Ops/, unless the backend also offers a fused kernel from FusedKernels.cs.
/// </summary>
internal interface IBackend
{
    /// <summary>The device this backend runs on.</summary>
    Device Device { get; }

    /// <summary>A zero-filled storage of <paramref name="length"/> floats.</summary>
    TensorStorage Allocate(int length);

    /// <summary>
    /// A storage of <paramref name="length"/> floats whose contents are undefined: for the output of a kernel
    /// that overwrites every element. Skipping the zero fill matters for large outputs (a fresh, zeroed
    /// 4 MB array costs more than a 512×512 GEMM's worth of arithmetic).
    /// </summary>
    TensorStorage AllocateUninitialized(int length);

    /// <summary>A storage holding a copy of <paramref name="data"/>.</summary>
    TensorStorage Upload(ReadOnlySpan<float> data);

    /// <summary>Copies the whole storage into <paramref name="destination"/> (its length is the storage's).</summary>
    void Download(TensorStorage source, Span<float> destination);

    /// <summary>Copies element by element from one strided layout to another of the same shape (writes through views; the destination layout has no stride-0 axis).</summary>
    void Copy(TensorStorage source, StridedLayout sourceLayout, TensorStorage destination, StridedLayout destinationLayout);

    /// <summary>Writes <paramref name="value"/> into the strided elements of <paramref name="destination"/>.</summary>
    void Fill(TensorStorage destination, StridedLayout layout, float value);

    /// <summary><c>dst[i] = f(x[i]; p, q)</c>.</summary>
    void Unary(UnaryOp op, TensorStorage x, StridedLayout layout, float p, float q, TensorStorage destination);

    /// <summary><c>dst[i] = f(a[i], b[i])</c>; both layouts have the output's shape (broadcast dims have stride 0).</summary>
    void Binary(BinaryOp op, TensorStorage a, StridedLayout aLayout, TensorStorage b, StridedLayout bLayout, TensorStorage destination);

    /// <summary><c>dst[i] = cond[i] ≠ 0 ? a[i] : b[i]</c>; all layouts have the output's shape.</summary>
    void Where(TensorStorage condition, StridedLayout conditionLayout, TensorStorage a, StridedLayout aLayout,
        TensorStorage b, StridedLayout bLayout, TensorStorage destination);

    /// <summary>
    /// Reduces the middle axis of a contiguous [outer, axis, inner] block that starts at element 0:
    /// <c>dst[o, i] = op over a of x[o, a, i]</c>.
    /// </summary>
    void Reduce(ReduceOp op, TensorStorage x, int outer, int axis, int inner, TensorStorage destination);

    /// <summary>Like <see cref="Reduce"/>, writing the (first) index of the max (or min) as a float.</summary>
    void ArgReduce(bool max, TensorStorage x, int outer, int axis, int inner, TensorStorage destination);

    /// <summary>
    /// Batched SGEMM: for each b &lt; batch, <c>C_b = op(A_b)·op(B_b) (+ C_b when accumulate)</c>, where
    /// A_b starts at <c>aOffset + b·aBatchStride</c> (row-major, leading dimension lda; a batch stride of 0
    /// shares one matrix), likewise B_b, and C_b is the contiguous m×n block b of <paramref name="c"/>.
    /// </summary>
    void MatMul(TensorStorage a, int aOffset, int aBatchStride, int lda, bool transA,
        TensorStorage b, int bOffset, int bBatchStride, int ldb, bool transB,
        TensorStorage c, int batch, int m, int n, int k, bool accumulate);

    /// <summary>
    /// Unfolds images [firstImage, firstImage + imageCount) of a contiguous [N, w.Channels, H, W] input into columns
    /// [w.Channels·kH·kW, imageCount·OH·OW] (zero padding): row (c·kH + i)·kW + j, column b·OH·OW + oh·OW + ow holds
    /// <c>x[firstImage + b, c, oh·sH − pH + i·dH, ow·sW − pW + j·dW]</c>, so one GEMM serves the whole batch.
    /// </summary>
    void Im2Col(TensorStorage x, int firstImage, int imageCount, Window2d w, TensorStorage columns);

    /// <summary>The adjoint of <see cref="Im2Col"/>: adds the columns back into images [firstImage, firstImage + imageCount) of <paramref name="x"/> (accumulates).</summary>
    void Col2Im(TensorStorage columns, Window2d w, TensorStorage x, int firstImage, int imageCount);

    /// <summary>
    /// For a contiguous [outer, axis, inner] source: <c>dst[o, j, i] = x[o, index[j], i]</c> for j &lt; indexCount
    /// (indices stored as floats, checked by the caller to lie in [0, axis)).
    /// </summary>
    void IndexSelect(TensorStorage x, int outer, int axis, int inner, TensorStorage indices, int indexCount, TensorStorage destination);

    /// <summary>The adjoint of <see cref="IndexSelect"/>: <c>dst[o, index[j], i] += src[o, j, i]</c> (repeated indices add up).</summary>
    void IndexAdd(TensorStorage source, int outer, int axis, int inner, TensorStorage indices, int indexCount, TensorStorage destination);

    /// <summary>
    /// Fills the whole of <paramref name="destination"/> with draws of <paramref name="distribution"/>. Element i
    /// is a function of (<paramref name="seed"/>, i) alone: <see cref="Philox.Uniform"/> or <see cref="Philox.Normal"/>
    /// of the Philox4x32-10 block of counter i under key <paramref name="seed"/>. So every device draws the same
    /// numbers for the same seed, and no device needs a generator's state.
    /// </summary>
    void RandomFill(TensorStorage destination, RandomDistribution distribution, ulong seed, float p, float q);
}

/// <summary>
/// A block of float32 memory owned by one backend. Its lifetime is stated, not guessed: a storage made inside a
/// <see cref="TensorScope"/> is released when that scope ends (unless <see cref="Tensor.Keep"/> took it out), an op
/// releases its own temporaries when it is done with them, and any other storage lives as long as the garbage
/// collector sees a reference to it. After <see cref="Release"/> the memory belongs to someone else, and every
/// access throws <see cref="ReleasedError"/>.
/// </summary>
internal abstract class TensorStorage
{
    private TensorScope? scope;
    private int released;

    private protected TensorStorage()
    {
        scope = TensorScope.Current;
        scope?.Adopt(this);
    }

    /// <summary>Number of floats.</summary>
    public abstract int Length { get; }

    /// <summary>The backend whose kernels can read and write this storage.</summary>
    public abstract IBackend Backend { get; }

    /// <summary>True once <see cref="Release"/> ran: the memory is gone.</summary>
    public bool IsReleased => Volatile.Read(ref released) != 0;

    /// <summary>The scope that will release this storage when it ends, or null.</summary>
    internal TensorScope? Scope => Volatile.Read(ref scope);

    /// <summary>Takes this storage out of its scope: from now on only the garbage collector ends its life.</summary>
    internal void Unscope() => Volatile.Write(ref scope, null);

    /// <summary>
    /// Gives the memory back now (to the CPU array pool, or to the device). Only for a storage nobody will read again:
    /// its scope's end, or an op's own temporary. Releasing twice is a no-op.
    /// </summary>
    internal void Release()
    {
        if (Interlocked.Exchange(ref released, 1) == 0) FreeMemory();
    }

    /// <summary>Hands the memory back; called once, by <see cref="Release"/>.</summary>
    private protected abstract void FreeMemory();

    /// <summary>The error for reading or writing a storage after <see cref="Release"/>.</summary>
    private protected static ObjectDisposedException ReleasedError() => new(nameof(Tensor),
        "This tensor's memory was given back when the Tensor.Scope() it was made in ended (Fit and Evaluate open one per " +
        "batch; a gradient lives as long as the scope its Backward ran in). To use a tensor after its scope, call Keep() on it inside the scope, or copy out what you need (Item, ToArray) before the scope ends.");
}
