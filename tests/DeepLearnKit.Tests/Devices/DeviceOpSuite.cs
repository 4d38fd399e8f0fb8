// The device op suite: every case of the shared op table (OpCases) run on a device and on the reference
// backend, forward values and every input's gradient compared; the reference itself is held to finite
// differences. One derived class per device; CUDA runs all cases in one fact that is skipped without a GPU.
using DeepLearnKit.Tests.Backends.Gpu;
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Devices;

/// <summary>What one run of a case produced: where its output lives, its shape and values, and each input's gradient.</summary>
internal sealed record CaseRun(Device OutputDevice, int[] Shape, float[] Output, Device?[] GradientDevices, float[]?[] Gradients);

/// <summary>Runs op cases on a device and compares them with the reference backend.</summary>
internal static class DeviceComparison
{
    /// <summary>Absolute tolerance: float32 results of the same formula summed in a different order.</summary>
    public const double Atol = 1e-4;

    /// <summary>Tolerance relative to the reference value.</summary>
    public const double Rtol = 1e-4;

    private const int WeightSeed = 4242;

    /// <summary>
    /// Runs <paramref name="c"/> on <paramref name="device"/> with fresh leaves requiring grad, then the backward of
    /// <c>Σ w ⊙ output</c> (output.Backward(w)) with fixed uneven weights w in [0.5, 1.5), so a gradient sent to the
    /// wrong element shows.
    /// </summary>
    public static CaseRun Run(OpCase c, Device device)
    {
        var leaves = c.Inputs.Select(x => Tensor.FromArray(x.ToArray(), x.Shape).To(device).RequireGrad()).ToArray();
        var output = c.F(leaves);
        output.Backward(Tensor.FromArray(Values((int)output.NumEl, WeightSeed, 0.5f, 1.5f), output.Shape).To(output.Device));
        return new CaseRun(output.Device, output.Shape, output.ToArray(),
            leaves.Select(x => x.Grad?.Device).ToArray(), leaves.Select(x => x.Grad?.ToArray()).ToArray());
    }

    /// <summary>One line per case of <see cref="OpCases"/> that differs on <paramref name="device"/> from the reference (or throws there).</summary>
    public static List<string> EveryCaseMismatch(Device device)
    {
        var failures = new List<string>();
        foreach (var (name, c) in OpCases.All)
        {
            try
            {
                var problems = Mismatches(c, device);
                if (problems.Count > 0) failures.Add($"{name}: {string.Join("; ", problems)}");
            }
            catch (Exception e)
            {
                failures.Add($"{name}: threw {e.GetType().Name}: {e.Message}");
            }
        }
        return failures;
    }

    /// <summary>Every way <paramref name="c"/> on <paramref name="device"/> differs from it on the reference; empty when they agree.</summary>
    public static List<string> Mismatches(OpCase c, Device device) => Mismatches(c, c, device);

    /// <summary>
    /// Every way <paramref name="onDevice"/> run on <paramref name="device"/> differs from <paramref name="onReference"/>
    /// run on the reference: the device of the output and gradients, the output shape, the values, each gradient.
    /// </summary>
    public static List<string> Mismatches(OpCase onDevice, OpCase onReference, Device device)
    {
        var expected = Run(onReference, Device.Reference);
        var actual = Run(onDevice, device);
        var problems = new List<string>();
        if (actual.OutputDevice != device) problems.Add($"output is on {actual.OutputDevice}, not {device}");
        if (!SameShape(expected.Shape, actual.Shape))
        {
            problems.Add($"output shape {Show(actual.Shape)}, reference {Show(expected.Shape)}");
            return problems;
        }
        if (Difference(expected.Output, actual.Output) is { } forward) problems.Add($"forward: {forward}");
        for (int i = 0; i < expected.Gradients.Length; i++)
        {
            var (e, a) = (expected.Gradients[i], actual.Gradients[i]);
            if (e is null && a is null) continue;
            if (e is null || a is null)
            {
                problems.Add($"gradient of input {i}: {(a is null ? "missing on the device" : "missing on the reference")}");
                continue;
            }
            if (actual.GradientDevices[i] != device) problems.Add($"gradient of input {i} is on {actual.GradientDevices[i]}, not {device}");
            if (Difference(e, a) is { } backward) problems.Add($"gradient of input {i}: {backward}");
        }
        return problems;
    }

    /// <summary>
    /// Null when every element satisfies <c>|actual − expected| ≤ atol + rtol·|expected|</c> (NaN matching NaN); otherwise how
    /// many elements break it and the worst one.
    /// </summary>
    public static string? Difference(float[] expected, float[] actual, double atol = Atol, double rtol = Rtol)
    {
        if (expected.Length != actual.Length) return $"{actual.Length} elements, reference {expected.Length}";
        int failures = 0, worst = -1;
        double worstError = -1;
        for (int k = 0; k < expected.Length; k++)
        {
            double e = expected[k], a = actual[k];
            if (e == a || (double.IsNaN(e) && double.IsNaN(a))) continue;
            double error = Math.Abs(a - e);
            if (error <= atol + rtol * Math.Abs(e)) continue;
            failures++;
            if (!(error <= worstError)) (worstError, worst) = (error, k);
        }
        return failures == 0 ? null :
            $"{failures} of {expected.Length} elements break |diff| ≤ {atol:G2} + {rtol:G2}·|reference|; worst at element {worst}: " +
            $"reference {expected[worst]:G9}, device {actual[worst]:G9} (|diff| {worstError:G3})";
    }

    private static bool SameShape(int[] a, int[] b) => a.AsSpan().SequenceEqual(b);

    private static string Show(int[] shape) => "[" + string.Join(",", shape) + "]";
}

/// <summary>
/// The contract every device meets: each case of <see cref="OpCases"/> gives the reference's forward values and input
/// gradients. Derive once per device.
/// </summary>
public abstract class DeviceOpSuite
{
    /// <summary>The device under test.</summary>
    protected abstract Device Device { get; }

    /// <summary>Every case name of <see cref="OpCases"/>.</summary>
    public static TheoryData<string> CaseNames => OpCases.Names;

    [Theory]
    [MemberData(nameof(CaseNames), MemberType = typeof(DeviceOpSuite))]
    public void Forward_and_gradients_are_right(string name) => CheckCase(OpCases.All[name]);

    /// <summary>Holds one case to the contract; by default, agreement with the reference device.</summary>
    private protected virtual void CheckCase(OpCase c)
    {
        var problems = DeviceComparison.Mismatches(c, Device);
        Assert.True(problems.Count == 0, $"On {Device}: " + string.Join("; ", problems));
    }

    [Fact]
    public void A_forward_value_a_part_in_a_thousand_off_is_caught()
    {
        var input = Between(1, -1, 1, 3, 4);
        var right = new OpCase(xs => xs[0].Exp(), [input]);
        var wrong = new OpCase(xs => xs[0].Exp() * 1.001f, [input]);
        var problems = DeviceComparison.Mismatches(wrong, right, Device);
        Assert.Contains(problems, p => p.StartsWith("forward:", StringComparison.Ordinal));
        Assert.Empty(DeviceComparison.Mismatches(right, right, Device));
    }

    [Fact]
    public void A_gradient_one_hundredth_off_with_the_right_forward_is_caught()
    {
        var input = Between(2, -1, 1, 3, 4);
        var right = new OpCase(xs => xs[0].Exp(), [input]);
        var wrong = new OpCase(xs => xs[0].Exp() + 0.01f * (xs[0] - xs[0].Detach()), [input]);
        var problems = DeviceComparison.Mismatches(wrong, right, Device);
        Assert.Equal("gradient of input 0", Assert.Single(problems).Split(':')[0]);
    }

    [Fact]
    public void A_gradient_sent_to_the_wrong_elements_is_caught()
    {
        // The forward is x itself; the backward routes each output's weight to the transposed position.
        var input = Between(3, -1, 1, 3, 4);
        var right = new OpCase(xs => xs[0] * 1f, [input]);
        var wrong = new OpCase(xs =>
        {
            var scrambled = xs[0].T.Contiguous().Reshape(3, 4);
            return xs[0].Detach() + (scrambled - scrambled.Detach());
        }, [input]);
        var problems = DeviceComparison.Mismatches(wrong, right, Device);
        Assert.Equal("gradient of input 0", Assert.Single(problems).Split(':')[0]);
    }

    [Fact]
    public void A_gradient_given_to_the_wrong_input_is_caught()
    {
        Tensor[] inputs = [Between(4, -1, 1, 2, 3), Between(5, -1, 1, 2, 3)];
        var right = new OpCase(xs => 2f * xs[0] + 3f * xs[1], inputs);
        var wrong = new OpCase(xs =>
        {
            var swapped = 3f * xs[0] + 2f * xs[1];
            return (2f * xs[0] + 3f * xs[1]).Detach() + (swapped - swapped.Detach());
        }, inputs);
        var problems = DeviceComparison.Mismatches(wrong, right, Device);
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void A_case_that_computes_on_another_device_is_caught()
    {
        var elsewhere = Device == Device.Cpu ? Device.Reference : Device.Cpu;
        var input = Between(6, -1, 1, 3, 4);
        var right = new OpCase(xs => xs[0].Exp(), [input]);
        var moved = new OpCase(xs => xs[0].To(elsewhere).Exp(), [input]);
        var problems = DeviceComparison.Mismatches(moved, right, Device);
        Assert.Contains(problems, p => p.StartsWith("output is on", StringComparison.Ordinal));
    }
}

/// <summary>The reference backend, held to central finite differences instead of to itself.</summary>
public sealed class ReferenceDeviceOps : DeviceOpSuite
{
    protected override Device Device => Device.Reference;

    private protected override void CheckCase(OpCase c)
    {
        var inputs = c.Inputs.Select(x => x.To(Device.Reference)).ToArray();
        Assert.Equal(Device.Reference, c.F(inputs).Device);
        Passes(GradCheck.Check(c.F, inputs, atol: 1e-3, rtol: 1e-3));
    }
}

/// <summary>The SIMD CPU backend (fused activation gradients, pooling and LSTM cell) against the reference.</summary>
public sealed class CpuDeviceOps : DeviceOpSuite
{
    protected override Device Device => Device.Cpu;
}

/// <summary>The GPU kernels on ILGPU's CPU accelerator (fused pooling and LSTM cell) against the reference.</summary>
public sealed class GpuSimulatorDeviceOps : DeviceOpSuite
{
    protected override Device Device => Device.GpuSimulator;
}

/// <summary>The GPU kernels on CUDA against the reference: every case in one fact, all mismatches reported together.</summary>
public sealed class CudaDeviceOps
{
    [CudaFact]
    public void Every_case_matches_the_reference_on_cuda()
    {
        var device = Device.Gpu;
        Assert.StartsWith("cuda", device.Name, StringComparison.OrdinalIgnoreCase);
        var failures = DeviceComparison.EveryCaseMismatch(device);
        Assert.True(failures.Count == 0, $"{failures.Count} of {OpCases.All.Count} cases differ on {device}:\n" + string.Join("\n", failures));
    }
}
