// Contract tests of the ILGPU backend at the level of its primitives: every required primitive runs on the
// reference backend (plain loops, the spec), on the CPU backend and on ILGPU's CPU accelerator with the same
// inputs, and both must agree with the reference; the fused kernels, which the reference lacks, are compared
// with the CPU's and with plain loops written here. CUDA tests skip with a reason when ILGPU finds no CUDA device.
using DeepLearnKit.Backends;
using DeepLearnKit.Backends.Cpu;
using System.Reflection;
using DeepLearnKit.Backends.Gpu;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime.Cuda;
using Xunit.Abstractions;

namespace DeepLearnKit.Tests.Backends.Gpu;

/// <summary>A fact that runs only where ILGPU finds a CUDA device, and says so when it skips.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        bool found;
        try
        {
            found = IlgpuBackend.HasCuda;
        }
        catch (Exception e)
        {
            Skip = $"ILGPU could not look for CUDA devices: {e.Message}";
            return;
        }
        if (!found) Skip = "No CUDA accelerator: ILGPU found no CUDA device on this machine (the simulator tests cover the kernels).";
    }
}

public sealed class IlgpuBackendTests(ITestOutputHelper output)
{
    private static readonly IBackend Cpu = CpuBackend.Instance;
    private static readonly IBackend Reference = DeepLearnKit.Backends.Reference.ReferenceBackend.Instance;
    private static readonly IBackend Sim = IlgpuBackend.CpuSimulator;

    [Fact]
    public void HasGpu_says_whether_Device_Gpu_has_a_device_to_run_on()
    {
        // Device.Gpu is created once per process; this asks the same question of a fresh creation.
        InvalidOperationException? refused = null;
        try { IlgpuBackend.CreatePreferred(); }
        catch (InvalidOperationException e) { refused = e; }
        Assert.Equal(Device.HasGpu, refused is null);
        if (refused is not null) Assert.Contains("No GPU found", refused.Message);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static float[] Randoms(int n, int seed, float lo = -2f, float hi = 2f)
    {
        var rng = new Random(seed);
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = lo + (hi - lo) * rng.NextSingle();
        return data;
    }

    private static float[] SmallInts(int n, int seed)
    {
        var rng = new Random(seed);
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = rng.Next(-2, 3);
        return data;
    }

    private static float[] Download(IBackend backend, TensorStorage storage)
    {
        var result = new float[storage.Length];
        backend.Download(storage, result);
        return result;
    }

    /// <summary>Runs <paramref name="op"/> on both backends (it returns the storage to read back) and compares.</summary>
    /// <summary>A required primitive: the simulator's and the CPU's results each agree with the reference backend's.</summary>
    private static void SameOnBoth(string what, Func<IBackend, TensorStorage> op, float rtol = 1e-5f, float atol = 1e-6f)
    {
        var expected = Download(Reference, op(Reference));
        AssertClose(what, expected, Download(Sim, op(Sim)), rtol, atol);
        AssertClose(what + " (CPU)", expected, Download(Cpu, op(Cpu)), rtol, atol);
    }

    /// <summary>A fused kernel (the reference has none): the simulator's result agrees with the CPU's.</summary>
    private static void SameAsCpu(string what, Func<IBackend, TensorStorage> op, float rtol = 1e-5f, float atol = 1e-6f) =>
        AssertClose(what, Download(Cpu, op(Cpu)), Download(Sim, op(Sim)), rtol, atol);

    private static void AssertClose(string what, float[] expected, float[] actual, float rtol = 1e-5f, float atol = 1e-6f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            if (float.IsNaN(e) && float.IsNaN(a)) continue;
            if (float.IsInfinity(e) && e == a) continue;
            Assert.True(MathF.Abs(e - a) <= atol + rtol * MathF.Abs(e),
                $"{what}: element {i} is {a}, expected {e}.");
        }
    }

    private static StridedLayout Layout(int[] shape, int[] strides, int offset = 0) => new(shape, strides, offset);

    // ---- device math ----------------------------------------------------------------------------

    [Fact]
    public void Kernel_math_stays_within_a_few_ulp_of_MathF()
    {
        static void Sweep(string name, Func<float, float> expected, Func<float, float> actual, float lo, float hi, bool logSpaced = false)
        {
            const int steps = 20001;
            double worst = 0;
            float worstX = 0;
            for (int i = 0; i < steps; i++)
            {
                double f = (double)i / (steps - 1);
                float x = logSpaced ? (float)Math.Exp(Math.Log(lo) + f * (Math.Log(hi) - Math.Log(lo))) : (float)(lo + f * (hi - lo));
                float e = expected(x), a = actual(x);
                if (float.IsNaN(e) && float.IsNaN(a) || e == a) continue;
                double err = Math.Abs(e - a) / Math.Max(Math.Abs(e), 1e-30);
                if (err > worst) (worst, worstX) = (err, x);
            }
            Assert.True(worst < 5e-7, $"{name}: relative error {worst:E2} at x = {worstX}");
        }
        Sweep("Exp", MathF.Exp, IlgpuMath.Exp, -103f, 88.7f);
        Sweep("Log", MathF.Log, IlgpuMath.Log, 1e-44f, 3e38f, logSpaced: true);
        Sweep("Tanh", MathF.Tanh, IlgpuMath.Tanh, -12f, 12f);
        Sweep("Pow(x, 2.5)", x => MathF.Pow(x, 2.5f), x => IlgpuMath.Pow(x, 2.5f), 1e-6f, 1e6f, logSpaced: true);
        Sweep("Pow(-1.5, y)", y => MathF.Pow(-1.5f, MathF.Round(y)), y => IlgpuMath.Pow(-1.5f, MathF.Round(y)), -40f, 40f);
        Assert.Equal(0f, IlgpuMath.Exp(-200f));
        Assert.Equal(float.PositiveInfinity, IlgpuMath.Exp(100f));
        Assert.True(float.IsNaN(IlgpuMath.Log(-1f)));
        Assert.Equal(float.NegativeInfinity, IlgpuMath.Log(0f));
        Assert.True(float.IsNaN(IlgpuMath.Pow(-2f, 0.5f)));
        Assert.Equal(1f, IlgpuMath.Pow(0f, 0f));
        Assert.Equal(float.PositiveInfinity, IlgpuMath.Pow(0f, -1f));
    }

    // ---- memory ---------------------------------------------------------------------------------

    [Fact]
    public void Upload_download_round_trips_and_allocate_zero_fills()
    {
        var data = Randoms(37, 1);
        Assert.Equal(data, Download(Sim, Sim.Upload(data)));
        Assert.Equal(new float[19], Download(Sim, Sim.Allocate(19)));
        Assert.Empty(Download(Sim, Sim.Allocate(0)));
        Assert.Equal("ilgpu-cpu (simulator)", Sim.Device.Name);
        Assert.Equal(DeviceKind.Gpu, Sim.Device.Kind);
    }

    [Fact]
    public void A_released_storage_gives_back_its_buffer_and_refuses_further_use()
    {
        var storage = (IlgpuStorage)Sim.Upload([1f, 2f]);
        storage.Release();
        storage.Release();
        Assert.Throws<ObjectDisposedException>(() => Sim.Download(storage, new float[2]));
    }

    [Fact]
    public void Copy_and_fill_write_through_strided_views()
    {
        var src = Randoms(30, 2);
        var dst = Randoms(40, 3);
        // a transposed 3×4 view of src (offset 2) into every other column of a 5×8 destination (offset 1)
        var from = Layout([3, 4], [1, 5], 2);
        var to = Layout([3, 4], [8, 2], 1);
        SameOnBoth("Copy", b =>
        {
            var d = b.Upload(dst);
            b.Copy(b.Upload(src), from, d, to);
            return d;
        });
        // broadcast source (stride 0) into a 3-D strided destination
        SameOnBoth("Copy broadcast", b =>
        {
            var d = b.Upload(dst);
            b.Copy(b.Upload(src), Layout([2, 3, 2], [0, 1, 0], 5), d, Layout([2, 3, 2], [16, 4, 1], 3));
            return d;
        });
        SameOnBoth("Fill", b =>
        {
            var d = b.Upload(dst);
            b.Fill(d, to, 7.5f);
            return d;
        });
    }

    // ---- elementwise ----------------------------------------------------------------------------

    [Fact]
    public void Every_unary_op_matches_the_cpu_on_contiguous_and_transposed_layouts()
    {
        var signed = Randoms(24, 4, -3f, 3f);
        var positive = Randoms(24, 5, 0.1f, 4f);
        var layouts = new[] { StridedLayout.Contiguous([4, 5], 2), Layout([4, 5], [1, 4], 3) };
        foreach (var op in Enum.GetValues<UnaryOp>())
        {
            var data = op is UnaryOp.Log or UnaryOp.Sqrt or UnaryOp.Pow ? positive : signed;
            (float p, float q) = op switch
            {
                UnaryOp.LeakyReLU => (0.1f, 0f),
                UnaryOp.Pow => (2.5f, 0f),
                UnaryOp.Clamp => (-0.5f, 0.7f),
                UnaryOp.Affine => (1.5f, -0.25f),
                UnaryOp.ScalarDivide => (2f, 0f),
                _ => (0f, 0f),
            };
            foreach (var layout in layouts)
            {
                SameOnBoth($"{op} over strides [{string.Join(", ", layout.Strides)}]", b =>
                {
                    var d = b.Allocate(20);
                    b.Unary(op, b.Upload(data), layout, p, q, d);
                    return d;
                }, rtol: 2e-5f);
            }
        }
    }

    [Fact]
    public void Every_binary_op_matches_the_cpu_with_broadcast_and_transposed_operands()
    {
        var cases = new (string Name, StridedLayout A, StridedLayout B)[]
        {
            ("contiguous", StridedLayout.Contiguous([4, 5]), StridedLayout.Contiguous([4, 5], 1)),
            ("transposed a, row-broadcast b", Layout([4, 5], [1, 4], 2), Layout([4, 5], [0, 1], 3)),
            ("column-broadcast a, transposed b", Layout([4, 5], [1, 0]), Layout([4, 5], [1, 4])),
            ("scalar b", StridedLayout.Contiguous([4, 5]), Layout([4, 5], [0, 0], 7)),
            ("3-D with offsets", Layout([2, 2, 5], [1, 10, 2], 1), Layout([2, 2, 5], [5, 0, 1], 0)),
        };
        foreach (var (data, kind) in new[] { (Randoms(24, 6), "floats"), (SmallInts(24, 7), "small ints") })
        {
            var other = kind == "floats" ? Randoms(24, 8, 0.5f, 2f) : SmallInts(24, 9);
            foreach (var op in Enum.GetValues<BinaryOp>())
            {
                foreach (var (name, la, lb) in cases)
                {
                    SameOnBoth($"{op} on {kind}, {name}", b =>
                    {
                        var d = b.Allocate(20);
                        b.Binary(op, b.Upload(data), la, b.Upload(other), lb, d);
                        return d;
                    }, rtol: 2e-5f);
                }
            }
        }
    }

    [Fact]
    public void Where_picks_per_element_through_broadcast_layouts()
    {
        var cond = SmallInts(12, 10).Select(v => v > 0 ? 1f : 0f).ToArray();
        var a = Randoms(20, 11);
        var bData = Randoms(5, 12);
        SameOnBoth("Where", b =>
        {
            var d = b.Allocate(20);
            b.Where(b.Upload(cond), Layout([4, 5], [1, 0], 2), b.Upload(a), Layout([4, 5], [1, 4]),
                b.Upload(bData), Layout([4, 5], [0, 1]), d);
            return d;
        });
    }

    [Fact]
    public void More_than_eight_unmergeable_axes_are_refused_with_a_clear_error()
    {
        int[] shape = Enumerable.Repeat(2, 9).ToArray();
        int[] strides = Enumerable.Range(0, 9).Select(k => 1 << k).ToArray();   // reversed order: nothing merges
        var e = Assert.Throws<NotSupportedException>(() => Sim.Unary(UnaryOp.Neg, Sim.Allocate(512), Layout(shape, strides), 0, 0, Sim.Allocate(512)));
        Assert.Contains("at most 8", e.Message);
        // the same rank merges into one axis when contiguous
        Sim.Unary(UnaryOp.Neg, Sim.Allocate(512), StridedLayout.Contiguous(shape), 0, 0, Sim.Allocate(512));
    }

    // ---- reductions and gathers -----------------------------------------------------------------

    [Theory]
    [InlineData(3, 7, 1)]
    [InlineData(2, 300, 1)]
    [InlineData(1, 1000, 1)]
    [InlineData(3, 5, 4)]
    [InlineData(2, 1, 6)]
    public void Reduce_matches_the_cpu_for_every_op(int outer, int axis, int inner)
    {
        var x = Randoms(outer * axis * inner, 13);
        foreach (var op in Enum.GetValues<ReduceOp>())
        {
            SameOnBoth($"{op} over [{outer}, {axis}, {inner}]", b =>
            {
                var d = b.Allocate(outer * inner);
                b.Reduce(op, b.Upload(x), outer, axis, inner, d);
                return d;
            }, rtol: 1e-5f, atol: 1e-4f);
        }
    }

    [Theory]
    [InlineData(3, 7, 1)]
    [InlineData(2, 5, 3)]
    public void ArgReduce_finds_the_same_first_extreme_as_the_cpu(int outer, int axis, int inner)
    {
        foreach (var x in new[] { Randoms(outer * axis * inner, 14), SmallInts(outer * axis * inner, 15) })
        {
            foreach (bool max in new[] { true, false })
            {
                SameOnBoth($"Arg{(max ? "Max" : "Min")}", b =>
                {
                    var d = b.Allocate(outer * inner);
                    b.ArgReduce(max, b.Upload(x), outer, axis, inner, d);
                    return d;
                }, rtol: 0, atol: 0);
            }
        }
    }

    [Fact]
    public void IndexSelect_and_IndexAdd_match_the_cpu_with_repeated_indices()
    {
        int outer = 2, axis = 5, inner = 3;
        float[] indices = [4, 0, 4, 2, 4, 1];
        var x = Randoms(outer * axis * inner, 16);
        var src = Randoms(outer * indices.Length * inner, 17);
        var dst = Randoms(outer * axis * inner, 18);
        SameOnBoth("IndexSelect", b =>
        {
            var d = b.Allocate(outer * indices.Length * inner);
            b.IndexSelect(b.Upload(x), outer, axis, inner, b.Upload(indices), indices.Length, d);
            return d;
        });
        SameOnBoth("IndexAdd", b =>
        {
            var d = b.Upload(dst);
            b.IndexAdd(b.Upload(src), outer, axis, inner, b.Upload(indices), indices.Length, d);
            return d;
        }, atol: 1e-5f);
    }

    // ---- GEMM -----------------------------------------------------------------------------------

    public static TheoryData<int, int, int> GemmSizes => new()
    {
        { 1, 1, 1 }, { 7, 5, 3 }, { 1, 65, 7 }, { 65, 7, 129 }, { 129, 65, 1 }, { 66, 129, 17 },
    };

    [Theory]
    [MemberData(nameof(GemmSizes))]
    public void MatMul_matches_the_cpu_for_every_transpose_combination(int m, int n, int k)
    {
        foreach (bool transA in new[] { false, true })
        {
            foreach (bool transB in new[] { false, true })
            {
                CheckGemm(m, n, k, transA, transB, batch: 1, shareB: false, accumulate: false);
            }
        }
    }

    [Fact]
    public void Batched_MatMul_honours_offsets_leading_dimensions_shared_operands_and_accumulation()
    {
        CheckGemm(7, 9, 5, transA: false, transB: true, batch: 3, shareB: true, accumulate: true);
        CheckGemm(17, 3, 65, transA: true, transB: false, batch: 2, shareB: false, accumulate: true);
        CheckGemm(4, 4, 4, transA: false, transB: false, batch: 5, shareB: false, accumulate: false);
    }

    private static void CheckGemm(int m, int n, int k, bool transA, bool transB, int batch, bool shareB, bool accumulate)
    {
        // Leading dimensions wider than the rows, and matrices that start past an offset.
        int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = aCols + 2, ldb = bCols + 3, aOffset = 5, bOffset = 1;
        int aBatch = aRows * lda + 1, bBatch = shareB ? 0 : bRows * ldb;
        var a = Randoms(aOffset + batch * aBatch, 19 + m);
        var bData = Randoms(bOffset + Math.Max(1, batch * bBatch) + bRows * ldb, 20 + n);
        var c = Randoms(batch * m * n, 21 + k);
        SameOnBoth($"MatMul m={m} n={n} k={k} transA={transA} transB={transB} batch={batch}", be =>
        {
            var C = be.Upload(c);
            be.MatMul(be.Upload(a), aOffset, aBatch, lda, transA, be.Upload(bData), bOffset, bBatch, ldb, transB,
                C, batch, m, n, k, accumulate);
            return C;
        }, rtol: 1e-4f, atol: 1e-4f);
    }

    // ---- fused recurrent cell --------------------------------------------------------------------

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(4, 32)]
    public void LSTMCell_and_its_backward_match_the_cpu(int batch, int hidden)
    {
        // Inputs start inside larger storages (a time step of a sequence, c as the second half of an (h, c) pair).
        const int gatesOffset = 5, cOffset = 3;
        var gates = Randoms(gatesOffset + batch * 4 * hidden, 40, -4f, 4f);
        var c = Randoms(cOffset + batch * hidden, 41);
        var gradState = Randoms(2 * batch * hidden, 42);
        (TensorStorage State, TensorStorage Activations) Forward(IBackend b)
        {
            var state = b.AllocateUninitialized(2 * batch * hidden);
            var activations = b.AllocateUninitialized(batch * 4 * hidden);
            ((IFusedLSTMCell)b).LSTMCell(b.Upload(gates), gatesOffset, b.Upload(c), cOffset, batch, hidden, state, activations);
            return (state, activations);
        }
        SameAsCpu("LSTMCell state", b => Forward(b).State);
        SameAsCpu("LSTMCell activations", b => Forward(b).Activations);
        (TensorStorage Gates, TensorStorage C) Backward(IBackend b)
        {
            var (state, activations) = Forward(b);
            var gradGates = b.AllocateUninitialized(batch * 4 * hidden);
            var gradC = b.AllocateUninitialized(batch * hidden);
            ((IFusedLSTMCell)b).LSTMCellBackward(activations, b.Upload(c), cOffset, state, b.Upload(gradState), batch, hidden, gradGates, gradC);
            return (gradGates, gradC);
        }
        SameAsCpu("LSTMCellBackward gates", b => Backward(b).Gates, rtol: 1e-5f, atol: 1e-6f);
        SameAsCpu("LSTMCellBackward c", b => Backward(b).C, rtol: 1e-5f, atol: 1e-6f);
    }

    [Fact]
    public void An_LSTM_layer_on_the_simulator_gives_the_cpu_outputs_and_gradients()
    {
        var cpu = new DeepLearnKit.NN.LSTM(3, 4, batchFirst: true);
        var sim = new DeepLearnKit.NN.LSTM(3, 4, batchFirst: true);
        sim.LoadStateDict(cpu.StateDict());
        sim.To(Device.GpuSimulator);
        var x = Tensor.FromArray(Randoms(2 * 5 * 3, 43), 2, 5, 3);
        var (yCpu, _) = cpu.Forward(x, null);
        var (ySim, _) = sim.Forward(x.To(Device.GpuSimulator), null);
        AssertClose("LSTM output", yCpu.ToArray(), ySim.ToArray(), 1e-5f, 1e-6f);
        (yCpu * yCpu).Sum().Backward();
        (ySim * ySim).Sum().Backward();
        foreach (var ((name, p), (_, q)) in cpu.NamedParameters().Zip(sim.NamedParameters()))
            AssertClose($"LSTM {name} gradient", p.Grad!.ToArray(), q.Grad!.ToArray(), 1e-4f, 1e-5f);
    }

    // ---- convolution and pooling: checked against plain loops (the spec) and the CPU when it has them ----

    private static readonly Window2d Conv = new(Channels: 2, Height: 5, Width: 6, KernelH: 3, KernelW: 2,
        StrideH: 2, StrideW: 1, PadH: 1, PadW: 1, DilationH: 1, DilationW: 2);

    private static readonly Window2d Pool = new(Channels: 3, Height: 5, Width: 7, KernelH: 3, KernelW: 3,
        StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, DilationH: 1, DilationW: 1);

    private static IEnumerable<(int Row, int Col, int Channel, int H, int W)> Taps(Window2d w)
    {
        for (int c = 0; c < w.Channels; c++)
            for (int kh = 0; kh < w.KernelH; kh++)
                for (int kw = 0; kw < w.KernelW; kw++)
                    for (int oh = 0; oh < w.OutHeight; oh++)
                        for (int ow = 0; ow < w.OutWidth; ow++)
                            yield return ((c * w.KernelH + kh) * w.KernelW + kw, oh * w.OutWidth + ow, c,
                                oh * w.StrideH - w.PadH + kh * w.DilationH, ow * w.StrideW - w.PadW + kw * w.DilationW);
    }

    /// <summary>Compares with the CPU backend too, unless its convolution kernels are not written yet.</summary>
    private static void AlsoOnCpu(string what, float[] simulator, Func<IBackend, TensorStorage> op, float atol = 1e-5f)
    {
        float[] cpu;
        try
        {
            cpu = Download(Cpu, op(Cpu));
        }
        catch (NotImplementedException)
        {
            return;
        }
        AssertClose(what + " (vs CPU)", cpu, simulator, 1e-5f, atol);
    }

    [Fact]
    public void Im2Col_and_Col2Im_match_the_loop_definition()
    {
        // Images 1 and 2 of 4, so both the offset of the first image and the column blocks of each image count.
        int images = 4, firstImage = 1, imageCount = 2;
        var w = Conv;
        var x = Randoms(images * w.Channels * w.Height * w.Width, 22);
        int rows = w.Channels * w.KernelH * w.KernelW, pixels = w.OutHeight * w.OutWidth, cols = imageCount * pixels;
        int At(int b, int c, int h, int ww) => (((firstImage + b) * w.Channels + c) * w.Height + h) * w.Width + ww;
        bool Inside(int h, int ww) => h >= 0 && h < w.Height && ww >= 0 && ww < w.Width;

        var expected = new float[rows * cols];
        for (int b = 0; b < imageCount; b++)
            foreach (var t in Taps(w)) expected[t.Row * cols + b * pixels + t.Col] = Inside(t.H, t.W) ? x[At(b, t.Channel, t.H, t.W)] : 0f;
        Func<IBackend, TensorStorage> im2col = b =>
        {
            var columns = b.Allocate(rows * cols);
            b.Im2Col(b.Upload(x), firstImage, imageCount, w, columns);
            return columns;
        };
        var actual = Download(Sim, im2col(Sim));
        AssertClose("Im2Col", expected, actual, 0, 0);
        AlsoOnCpu("Im2Col", actual, im2col);

        var columnsData = Randoms(rows * cols, 23);
        var back = (float[])x.Clone();
        for (int b = 0; b < imageCount; b++)
            foreach (var t in Taps(w)) if (Inside(t.H, t.W)) back[At(b, t.Channel, t.H, t.W)] += columnsData[t.Row * cols + b * pixels + t.Col];
        Func<IBackend, TensorStorage> col2im = b =>
        {
            var image2 = b.Upload(x);
            b.Col2Im(b.Upload(columnsData), w, image2, firstImage, imageCount);
            return image2;
        };
        actual = Download(Sim, col2im(Sim));
        AssertClose("Col2Im", back, actual, 1e-5f, 1e-5f);
        AlsoOnCpu("Col2Im", actual, col2im);
    }

    [Fact]
    public void MaxPool2d_and_its_backward_match_the_loop_definition()
    {
        int batch = 2;
        var w = Pool;
        int planes = batch * w.Channels, outPlane = w.OutHeight * w.OutWidth, inPlane = w.Height * w.Width;
        var x = Randoms(planes * inPlane, 24);
        var expected = new float[planes * outPlane];
        var expectedArg = new float[planes * outPlane];
        for (int p = 0; p < planes; p++)
            for (int oh = 0; oh < w.OutHeight; oh++)
                for (int ow = 0; ow < w.OutWidth; ow++)
                {
                    float best = float.NegativeInfinity;
                    int arg = -1;
                    for (int kh = 0; kh < w.KernelH; kh++)
                        for (int kw = 0; kw < w.KernelW; kw++)
                        {
                            int h = oh * w.StrideH - w.PadH + kh, ww = ow * w.StrideW - w.PadW + kw;
                            if (h < 0 || h >= w.Height || ww < 0 || ww >= w.Width) continue;
                            float v = x[p * inPlane + h * w.Width + ww];
                            if (arg < 0 || v > best) (best, arg) = (v, h * w.Width + ww);
                        }
                    expected[p * outPlane + oh * w.OutWidth + ow] = best;
                    expectedArg[p * outPlane + oh * w.OutWidth + ow] = arg;
                }
        var output = Sim.Allocate(planes * outPlane);
        var argmax = Sim.Allocate(planes * outPlane);
        ((IFusedPooling)Sim).MaxPool2d(Sim.Upload(x), batch, w, output, argmax);
        AssertClose("MaxPool2d", expected, Download(Sim, output), 0, 0);
        AssertClose("MaxPool2d argmax", expectedArg, Download(Sim, argmax), 0, 0);
        AlsoOnCpu("MaxPool2d", Download(Sim, output), b =>
        {
            var o = b.Allocate(planes * outPlane);
            ((IFusedPooling)b).MaxPool2d(b.Upload(x), batch, w, o, b.Allocate(planes * outPlane));
            return o;
        });

        var grad = Randoms(planes * outPlane, 25);
        var gradIn = Randoms(planes * inPlane, 26);
        var expectedGrad = (float[])gradIn.Clone();
        for (int i = 0; i < grad.Length; i++) expectedGrad[i / outPlane * inPlane + (int)expectedArg[i]] += grad[i];
        var g = Sim.Upload(gradIn);
        ((IFusedPooling)Sim).MaxPool2dBackward(Sim.Upload(grad), argmax, batch, w, g);
        AssertClose("MaxPool2dBackward", expectedGrad, Download(Sim, g), 1e-5f, 1e-5f);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AvgPool2d_and_its_backward_match_the_loop_definition(bool countPadding)
    {
        int batch = 2;
        var w = Pool;
        int planes = batch * w.Channels, outPlane = w.OutHeight * w.OutWidth, inPlane = w.Height * w.Width;
        var x = Randoms(planes * inPlane, 27);
        var grad = Randoms(planes * outPlane, 28);
        var gradIn = Randoms(planes * inPlane, 29);
        var expected = new float[planes * outPlane];
        var expectedGrad = (float[])gradIn.Clone();
        for (int p = 0; p < planes; p++)
            for (int oh = 0; oh < w.OutHeight; oh++)
                for (int ow = 0; ow < w.OutWidth; ow++)
                {
                    var inside = new List<int>();
                    for (int kh = 0; kh < w.KernelH; kh++)
                        for (int kw = 0; kw < w.KernelW; kw++)
                        {
                            int h = oh * w.StrideH - w.PadH + kh, ww = ow * w.StrideW - w.PadW + kw;
                            if (h >= 0 && h < w.Height && ww >= 0 && ww < w.Width) inside.Add(p * inPlane + h * w.Width + ww);
                        }
                    float divisor = countPadding ? w.KernelH * w.KernelW : inside.Count;
                    int o = p * outPlane + oh * w.OutWidth + ow;
                    expected[o] = inside.Sum(i => x[i]) / divisor;
                    foreach (int i in inside) expectedGrad[i] += grad[o] / divisor;
                }
        Func<IBackend, TensorStorage> forward = b =>
        {
            var o = b.Allocate(planes * outPlane);
            ((IFusedPooling)b).AvgPool2d(b.Upload(x), batch, w, countPadding, o);
            return o;
        };
        Func<IBackend, TensorStorage> backward = b =>
        {
            var gi = b.Upload(gradIn);
            ((IFusedPooling)b).AvgPool2dBackward(b.Upload(grad), batch, w, countPadding, gi);
            return gi;
        };
        var actual = Download(Sim, forward(Sim));
        AssertClose("AvgPool2d", expected, actual, 1e-5f, 1e-6f);
        AlsoOnCpu("AvgPool2d", actual, forward);
        actual = Download(Sim, backward(Sim));
        AssertClose("AvgPool2dBackward", expectedGrad, actual, 1e-5f, 1e-5f);
        AlsoOnCpu("AvgPool2dBackward", actual, backward);
    }

    // ---- devices --------------------------------------------------------------------------------

    [Fact]
    public void Device_Gpu_is_a_gpu_or_says_what_ilgpu_found()
    {
        try
        {
            var gpu = Device.Gpu;
            Assert.Equal(DeviceKind.Gpu, gpu.Kind);
            output.WriteLine($"Device.Gpu is {gpu.Name}");
        }
        catch (InvalidOperationException e)
        {
            output.WriteLine(e.Message);
            Assert.Contains("found", e.Message);
            Assert.Contains("CPU", e.Message);
            Assert.Contains("Device.Cpu", e.Message);
            Assert.Contains("Device.GpuSimulator", e.Message);
        }
    }

    [Fact]
    public void Every_kernel_compiles_to_PTX_without_a_GPU()
    {
        // ILGPU's PTX backend runs without a device: this catches, on any machine, a kernel that would
        // only fail on CUDA (a math function the PTX backend lacks, an unsupported construct).
        using var context = Context.Create(b => b.Cuda());
        using var ptx = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_90),
            CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, nvvmAPI: null);
        var kernels = typeof(IlgpuKernels).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name.EndsWith("Kernel", StringComparison.Ordinal)).ToList();
        Assert.True(kernels.Count >= 17, $"found only {kernels.Count} kernels");
        foreach (var kernel in kernels)
        {
            var entry = kernel.GetParameters()[0].ParameterType == typeof(Index1D)
                ? EntryPointDescription.FromImplicitlyGroupedKernel(kernel)
                : EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
            try
            {
                var compiled = (PTXCompiledKernel)ptx.Compile(entry, new ILGPU.Runtime.KernelSpecialization());
                Assert.DoesNotContain(".approx", compiled.PTXAssembly.ToString());
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"{kernel.Name} does not compile for CUDA: {e.InnerException?.Message ?? e.Message}");
            }
        }
    }

    [CudaFact]
    public void Cuda_backend_matches_the_cpu()
    {
        var cuda = Device.Gpu.Backend;
        Assert.StartsWith("cuda (", cuda.Device.Name);
        var a = Randoms(129 * 65, 30);
        var b = Randoms(65 * 66, 31);
        float[] Gemm(IBackend be)
        {
            var c = be.Allocate(129 * 66);
            be.MatMul(be.Upload(a), 0, 0, 65, false, be.Upload(b), 0, 0, 66, false, c, 1, 129, 66, 65, false);
            var d = be.Allocate(129 * 66);
            be.Unary(UnaryOp.GELU, c, StridedLayout.Contiguous([129, 66]), 0, 0, d);
            return Download(be, d);
        }
        AssertClose("CUDA GEMM + GELU", Gemm(Cpu), Gemm(cuda), 1e-4f, 1e-4f);
    }

    // ---- tensors --------------------------------------------------------------------------------

    [Fact]
    public void Tensor_ops_on_the_simulator_give_the_cpu_results()
    {
        var x = Tensor.Randn(3, 4);
        var y = Tensor.Randn(4);
        var w = Tensor.Randn(4, 5);
        var gx = x.To(Device.GpuSimulator);
        var gy = y.To(Device.GpuSimulator);
        var gw = w.To(Device.GpuSimulator);
        Assert.Equal(Device.GpuSimulator, gx.Device);

        AssertClose("x + y", (x + y).ToArray(), (gx + gy).ToArray());
        AssertClose("x * y", (x * y).ToArray(), (gx * gy).ToArray());
        AssertClose("Exp", x.Exp().ToArray(), gx.Exp().ToArray(), 2e-5f);
        AssertClose("Sum", x.Sum().ToArray(), gx.Sum().ToArray(), 1e-5f, 1e-5f);
        AssertClose("MatMul", x.MatMul(w).ToArray(), gx.MatMul(gw).ToArray(), 1e-5f, 1e-5f);
        AssertClose("back to the CPU", x.ToArray(), gx.To(Device.Cpu).ToArray(), 0, 0);
    }
}
