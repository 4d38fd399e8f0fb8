// Runs every case of the device op suite (tests/DeepLearnKit.Tests/Devices/OpCases.cs) and the random-fill checks on
// Device.Gpu against the reference backend, as the test project's CUDA facts do, and prints one line per case that
// differs, then a summary. Exit code 0 when every case agrees, 1 when one differs, 2 when there is no GPU.
// `--simulator` runs the same on ILGPU's CPU accelerator, to try the program on a machine without a GPU.
using System.Diagnostics;
using DeepLearnKit;
using DeepLearnKit.Tests.Devices;

Console.WriteLine($"Accelerators: {string.Join(", ", Device.Accelerators)}");
bool simulator = args.Contains("--simulator");
if (!simulator && !Device.HasGpu)
{
    Console.WriteLine("No GPU: ILGPU found no CUDA device and no OpenCL GPU.");
    return 2;
}
var device = simulator ? Device.GpuSimulator : Device.Gpu;
Console.WriteLine($"Device under test: {device}");
var clock = Stopwatch.StartNew();
var failures = DeviceComparison.EveryCaseMismatch(device);
Console.WriteLine($"Op cases: {OpCases.All.Count - failures.Count} of {OpCases.All.Count} agree with the reference ({clock.Elapsed.TotalSeconds:F1} s).");

var draws = new (string Name, Func<int[], Device, Tensor> Draw, double Atol, double Rtol)[]
{
    ("Rand", (shape, d) => Tensor.Rand(shape, d), 0, 0),
    ("Randn", (shape, d) => Tensor.Randn(shape, d), 1e-7, 1e-5),
    ("DropoutMask", (shape, d) => Tensor.DropoutMask(0.3f, shape, d), 0, 0),
};
foreach (var (name, draw, atol, rtol) in draws)
{
    var expected = SeededDraws.After(41, shape => draw(shape, Device.Reference));
    var actual = SeededDraws.After(41, shape => draw(shape, device));
    var problems = SeededDraws.Mismatches(expected, actual, device, atol, rtol);
    Console.WriteLine($"{name}: {(problems.Count == 0 ? "the reference's numbers" : string.Join("; ", problems))}");
    if (problems.Count > 0) failures.Add($"{name}: {string.Join("; ", problems)}");
}
foreach (var failure in failures) Console.WriteLine("DIFFERS " + failure);
Console.WriteLine(failures.Count == 0 ? "All agree." : $"{failures.Count} differ.");
return failures.Count == 0 ? 0 : 1;
