// The workloads of the PyTorch comparison, C# side. Each one is a function that sets up its
// inputs and returns a Prepared (one timed call + the result it reached); torch_bench.py has a
// function of the same name doing the same work. To add a workload: one function here, one in
// torch_bench.py, one line in compare.py's WORKLOADS.
using DeepLearnKit.Backends.Cpu;
using DeepLearnKit.NN;
using DeepLearnKit.Quantization;

namespace DeepLearnKit.Benchmarks;

/// <summary>
/// A workload ready to time: <paramref name="Run"/> is one call, <paramref name="Result"/> what the
/// last call reached (a checksum or a loss, to show both sides computed the same thing).
/// <paramref name="Flops"/> (floating-point operations per call) turns times into GFLOP/s,
/// <paramref name="Ops"/> (ops per call) into microseconds per op; 0 when not meaningful. <paramref name="Detail"/>
/// (optional, untimed) describes the result in words for the table, e.g. a training run's loss and test accuracy.
/// </summary>
internal sealed record Prepared(Action Run, Func<double> Result, double Flops = 0, int Ops = 0, string? Note = null,
    Func<string>? Detail = null);

internal static class Workloads
{
    /// <summary>Workload families; a name "family-N" passes N (a size) to the function.</summary>
    private static readonly Dictionary<string, Func<int, Prepared>> Families = new()
    {
        ["fma-peak"] = _ => FmaPeak.Prepare(CpuParallel.MaxThreads),
        ["sgemm"] = MatMul,
        ["sgemm-scoped"] = ScopedMatMul,
        ["gemm-raw"] = RawSgemm,
        ["linear"] = n => LinearLayer(n, quantized: false),
        ["int8-linear"] = n => LinearLayer(n, quantized: true),
        ["add-nograd"] = _ => TinyAdds(requiresGrad: false),
        ["add-autograd"] = _ => TinyAdds(requiresGrad: true),
        // Training (Training.cs): one call trains a fresh model; "lstm-N" / "dcgan-N" take N steps.
        ["mlp-epoch"] = _ => TrainingWorkloads.MLPEpoch(),
        ["lenet-epoch"] = _ => TrainingWorkloads.LeNetEpoch(),
        ["lstm"] = TrainingWorkloads.LSTM,
        ["dcgan"] = TrainingWorkloads.DCGAN,
    };

    public static IEnumerable<string> Names => Families.Keys.Select(k => k is "sgemm" or "sgemm-scoped" or "gemm-raw" or "linear" or "int8-linear" or "lstm" or "dcgan" ? k + "-N" : k);

    public static Prepared Prepare(string name)
    {
        if (Families.TryGetValue(name, out var plain)) return plain(0);
        int dash = name.LastIndexOf('-');
        if (dash > 0 && int.TryParse(name[(dash + 1)..], out int n) && n > 0 && Families.TryGetValue(name[..dash], out var sized))
            return sized(n);
        throw new ArgumentException($"Unknown workload '{name}'; known: {string.Join(", ", Names)}.");
    }

    /// <summary>
    /// n×n matrices of small multiples of 1/8 (the same formula as torch_bench.py). Every product
    /// and partial sum is exact in float32 for n ≤ 4096, so C — and its checksum — is the same
    /// whatever the summation order: equal checksums mean both sides computed the same product.
    /// </summary>
    private static (float[] A, float[] B) GemmInputs(int n)
    {
        var a = new float[n * n];
        var b = new float[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                a[i * n + j] = ((i * 7 + j * 3) % 11 - 3) / 8f;
                b[i * n + j] = ((i * 5 + j * 2) % 13 - 4) / 8f;
            }
        return (a, b);
    }

    private static double Checksum(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values) sum += v;
        return sum;
    }

    /// <summary><c>Σ C[i,j]·((i + 2j) mod 7 + 1)</c>, exact in double, so both sides must agree exactly.</summary>
    private static double GemmChecksum(ReadOnlySpan<float> c, int n)
    {
        double sum = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                sum += c[i * n + j] * (double)((i + 2 * j) % 7 + 1);
        return sum;
    }

    /// <summary>C = A·B through the public <see cref="Tensor.MatMul(Tensor, Tensor)"/>, result allocated per call as a user gets it.</summary>
    private static Prepared MatMul(int n)
    {
        var (a, b) = GemmInputs(n);
        var ta = Tensor.FromArray(a, n, n);
        var tb = Tensor.FromArray(b, n, n);
        Tensor? c = null;
        return new(() => c = Tensor.MatMul(ta, tb), () => GemmChecksum(c!.ToArray(), n), Flops: 2.0 * n * n * n);
    }

    /// <summary>
    /// C = A·B through the public MatMul inside one <see cref="Tensor.Scope"/> per call, as the products of a training
    /// step are (Fit and <c>loader.Scoped()</c> open one per batch): each call's output reuses the last one's memory.
    /// </summary>
    private static Prepared ScopedMatMul(int n)
    {
        var (a, b) = GemmInputs(n);
        var ta = Tensor.FromArray(a, n, n);
        var tb = Tensor.FromArray(b, n, n);
        return new(() =>
        {
            using var scope = Tensor.Scope();
            Tensor.MatMul(ta, tb);
        }, () => GemmChecksum(Tensor.MatMul(ta, tb).ToArray(), n), Flops: 2.0 * n * n * n);
    }

    /// <summary>C = A·B through the internal kernel <see cref="Gemm.Sgemm(bool, bool, int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>, into a reused buffer: the Tensor layer's overhead is what MatMul adds to this.</summary>
    private static Prepared RawSgemm(int n)
    {
        var (a, b) = GemmInputs(n);
        var c = new float[n * n];
        return new(() => Gemm.Sgemm(false, false, n, n, n, a, n, b, n, 0f, c, n), () => GemmChecksum(c, n), Flops: 2.0 * n * n * n);
    }

    /// <summary>
    /// 10,000 additions of two 16-element tensors per call: the fixed cost of one op (dispatch,
    /// allocation, and with <paramref name="requiresGrad"/> recording a graph node).
    /// </summary>
    private static Prepared TinyAdds(bool requiresGrad)
    {
        const int Count = 10_000;
        var x = Tensor.FromArray(Enumerable.Range(0, 16).Select(i => i / 8f).ToArray(), 16).RequireGrad(requiresGrad);
        var y = Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (16 - i) / 4f).ToArray(), 16).RequireGrad(requiresGrad);
        Tensor? z = null;
        return new(() =>
        {
            for (int i = 0; i < Count; i++) z = x + y;
        }, () => z!.GradFn is null == requiresGrad ? double.NegativeInfinity : Checksum(z.ToArray()), Ops: Count);
    }

    /// <summary>
    /// y = x·Wᵀ for x [n, n] and a bias-free Linear(n, n) whose W is B of <see cref="GemmInputs"/>, without gradients:
    /// in float32, or with <paramref name="quantized"/> as <see cref="QuantizedLinear"/> (W int8 with one scale for the
    /// whole tensor, as PyTorch's quantize_dynamic defaults to; x quantized per row on every call, int32 sums). The
    /// detail gives the quantized output's largest error relative to max |y| of the float layer.
    /// </summary>
    private static Prepared LinearLayer(int n, bool quantized)
    {
        var (a, b) = GemmInputs(n);
        var x = Tensor.FromArray(a, n, n);
        var linear = new Linear(n, n, bias: false);
        using (Tensor.NoGrad()) linear.Weight.CopyFrom(Tensor.FromArray(b, n, n));
        Module layer = quantized ? new QuantizedLinear(linear, QuantizationGranularity.PerTensor) : linear;
        Tensor? y = null;
        string Detail()
        {
            using var _ = Tensor.NoGrad();
            var exact = linear.Call(x).ToArray();
            var got = layer.Call(x).ToArray();
            double largest = exact.Max(v => Math.Abs((double)v)), error = exact.Zip(got, (e, g) => Math.Abs((double)e - g)).Max();
            return $"max error / max |y| = {error / largest:g3}";
        }
        return new(() => { using (Tensor.NoGrad()) y = layer.Call(x); }, () => GemmChecksum(y!.ToArray(), n),
            Flops: 2.0 * n * n * n, Detail: Detail);
    }
}
