// Random fills made on each device: Tensor.Rand, Tensor.Randn and Tensor.DropoutMask take one key from the shared
// Rng and fill on their device with a counter-based generator, so after the same Rng.Seed every device must give
// the reference backend's numbers. These tests reseed the shared Rng, so they run in its collection.
using DeepLearnKit.Tests.Backends.Gpu;
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Devices;

/// <summary>Draws made on a device after a seed, and the same draws made on the reference backend.</summary>
internal static class SeededDraws
{
    /// <summary>The shapes drawn: one long vector and an odd-sized 3-D block.</summary>
    public static readonly int[][] Shapes = [[4099], [3, 17, 5]];

    /// <summary>Seeds the shared Rng, then draws with <paramref name="draw"/> for every shape in turn; returns each tensor.</summary>
    public static Tensor[] After(int seed, Func<int[], Tensor> draw)
    {
        Rng.Seed(seed);
        return Shapes.Select(draw).ToArray();
    }

    /// <summary>Every difference between the device draws and the reference draws; empty when each is within tolerance.</summary>
    public static List<string> Mismatches(Tensor[] expected, Tensor[] actual, Device device, double atol = 0, double rtol = 0)
    {
        var problems = new List<string>();
        for (int k = 0; k < expected.Length; k++)
        {
            if (actual[k].Device != device) problems.Add($"draw {k} is on {actual[k].Device}, not {device}");
            if (DeviceComparison.Difference(expected[k].ToArray(), actual[k].ToArray(), atol, rtol) is { } difference)
                problems.Add($"draw {k}: {difference}");
        }
        return problems;
    }
}

/// <summary>The contract for random fills: the same seed gives the reference's numbers on this device.</summary>
public abstract class DeviceRandomFillSuite
{
    /// <summary>The device under test.</summary>
    protected abstract Device Device { get; }

    [Fact]
    public void Rand_gives_exactly_the_reference_numbers_for_the_same_seed()
    {
        var expected = SeededDraws.After(31, shape => Tensor.Rand(shape, Device.Reference));
        var actual = SeededDraws.After(31, shape => Tensor.Rand(shape, Device));
        var problems = SeededDraws.Mismatches(expected, actual, Device);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    [Fact]
    public void Randn_gives_the_reference_numbers_within_a_part_in_a_hundred_thousand()
    {
        var expected = SeededDraws.After(32, shape => Tensor.Randn(shape, Device.Reference));
        var actual = SeededDraws.After(32, shape => Tensor.Randn(shape, Device));
        var problems = SeededDraws.Mismatches(expected, actual, Device, atol: 1e-7, rtol: 1e-5);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    [Fact]
    public void DropoutMask_gives_exactly_the_reference_mask_for_the_same_seed()
    {
        var expected = SeededDraws.After(33, shape => Tensor.DropoutMask(0.3f, shape, Device.Reference));
        var actual = SeededDraws.After(33, shape => Tensor.DropoutMask(0.3f, shape, Device));
        var problems = SeededDraws.Mismatches(expected, actual, Device);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    [Fact]
    public void Another_seed_gives_other_numbers()
    {
        var expected = SeededDraws.After(34, shape => Tensor.Rand(shape, Device.Reference));
        var actual = SeededDraws.After(35, shape => Tensor.Rand(shape, Device));
        Assert.Equal(SeededDraws.Shapes.Length, SeededDraws.Mismatches(expected, actual, Device).Count);
    }
}

/// <summary>The SIMD CPU backend's random fills against the reference.</summary>
[Collection(SharedRngCollection.Name)]
public sealed class CpuRandomFill : DeviceRandomFillSuite
{
    protected override Device Device => Device.Cpu;

    [Fact]
    public void The_overloads_without_a_device_draw_Rngs_own_sequence_on_the_cpu()
    {
        // As PyTorch's CPU generator differs from its CUDA one: Tensor.Rand(shape) is Rng's Xoshiro stream, so every
        // chapter keeps its numbers; Tensor.Rand(shape, device) is the counter-based fill, the same on every device.
        Rng.Seed(36);
        var expected = new float[4099];
        Rng.Uniform(expected);
        Rng.Seed(36);
        var actual = Tensor.Rand(4099);
        Assert.Equal(Device.Cpu, actual.Device);
        Assert.Equal(expected, actual.ToArray());
        Rng.Seed(36);
        Assert.NotEqual(expected, Tensor.Rand([4099], Device.Cpu).ToArray());
    }
}

/// <summary>The GPU random kernel on ILGPU's CPU accelerator against the reference.</summary>
[Collection(SharedRngCollection.Name)]
public sealed class GpuSimulatorRandomFill : DeviceRandomFillSuite
{
    protected override Device Device => Device.GpuSimulator;
}

/// <summary>The reference's own draws: the same seed repeats them, and they have the moments of U[0, 1) and N(0, 1).</summary>
[Collection(SharedRngCollection.Name)]
public sealed class ReferenceRandomFill
{
    [Fact]
    public void The_same_seed_repeats_the_draws()
    {
        var first = SeededDraws.After(37, shape => Tensor.Randn(shape, Device.Reference));
        var second = SeededDraws.After(37, shape => Tensor.Randn(shape, Device.Reference));
        Assert.Empty(SeededDraws.Mismatches(first, second, Device.Reference));
    }

    [Fact]
    public void Uniform_draws_lie_in_the_unit_interval_with_its_mean_and_variance()
    {
        Rng.Seed(38);
        var u = Tensor.Rand([100_000], Device.Reference).ToArray();
        Assert.All(u, x => Assert.InRange(x, 0f, MathF.BitDecrement(1f)));
        Assert.Equal(0.5, u.Average(), 0.005);
        Assert.Equal(1.0 / 12, u.Select(x => (x - 0.5) * (x - 0.5)).Average(), 0.002);
    }

    [Fact]
    public void Normal_draws_have_mean_zero_variance_one_and_normal_tails()
    {
        Rng.Seed(39);
        var z = Tensor.Randn([100_000], Device.Reference).ToArray();
        Assert.All(z, x => Assert.True(float.IsFinite(x), $"draw {x}"));
        Assert.Equal(0, z.Average(), 0.01);
        Assert.Equal(1, z.Select(x => (double)x * x).Average(), 0.02);
        // P(|z| > 2) = 4.55%, P(|z| > 3) = 0.27%.
        Assert.Equal(0.0455, z.Count(x => Math.Abs(x) > 2) / 100_000.0, 0.003);
        Assert.Equal(0.0027, z.Count(x => Math.Abs(x) > 3) / 100_000.0, 0.0007);
    }
}

/// <summary>CUDA's random fills against the reference, in one fact that is skipped without a CUDA device.</summary>
[Collection(SharedRngCollection.Name)]
public sealed class CudaRandomFill
{
    [CudaFact]
    public void Every_random_fill_matches_the_reference_on_cuda()
    {
        var device = Device.Gpu;
        var problems = new List<string>();
        problems.AddRange(SeededDraws.Mismatches(SeededDraws.After(41, s => Tensor.Rand(s, Device.Reference)),
            SeededDraws.After(41, s => Tensor.Rand(s, device)), device).Select(p => "Rand " + p));
        problems.AddRange(SeededDraws.Mismatches(SeededDraws.After(42, s => Tensor.Randn(s, Device.Reference)),
            SeededDraws.After(42, s => Tensor.Randn(s, device)), device, atol: 1e-7, rtol: 1e-5).Select(p => "Randn " + p));
        problems.AddRange(SeededDraws.Mismatches(SeededDraws.After(43, s => Tensor.DropoutMask(0.3f, s, Device.Reference)),
            SeededDraws.After(43, s => Tensor.DropoutMask(0.3f, s, device)), device).Select(p => "DropoutMask " + p));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
