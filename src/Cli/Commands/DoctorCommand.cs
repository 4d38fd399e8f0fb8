// `dlk doctor`: what this machine offers a chapter, the first thing a classroom helper runs.
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using DeepLearnKit.Data;

namespace DeepLearnKit.Cli.Commands;

/// <summary>Reports cores, SIMD width, ILGPU accelerators and where the data sets were found.</summary>
public static class DoctorCommand
{
    /// <summary>The report as lines of "what: value".</summary>
    public static IReadOnlyList<(string What, string Value)> Report()
    {
        var lines = new List<(string, string)>
        {
            (".NET", $"{RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture})"),
            ("CPU cores", Environment.ProcessorCount.ToString()),
            ("SIMD", Simd()),
            ("ILGPU accelerators", string.Join("; ", Device.Accelerators)),
            ("GPU for Device.Gpu", Device.HasGpu ? Device.Gpu.Name : "none (chapters run on Device.Cpu; Device.GpuSimulator runs the GPU kernels on the CPU)"),
        };
        foreach (var family in new[] { FashionMnist.Source, Mnist.Source })
        {
            string where = family.TryLocate(train: true) is { } found
                ? Path.GetDirectoryName(found.Images)!
                : $"not on this machine (downloaded on first use into {family.CacheFolder})";
            lines.Add((family.Name, where));
        }
        lines.Add(("Word list", File.Exists(CharCorpus.DefaultWordList) ? CharCorpus.DefaultWordList : $"missing ({CharCorpus.DefaultWordList}; Debian package wamerican)"));
        return lines;
    }

    private static string Simd()
    {
        int bits = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;
        var features = new List<string>();
        if (Avx512F.IsSupported) features.Add("AVX-512F");
        if (Avx2.IsSupported) features.Add("AVX2");
        if (Fma.IsSupported) features.Add("FMA");
        if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported) features.Add("NEON");
        return $"{bits}-bit vectors ({string.Join(", ", features.DefaultIfEmpty("none"))})";
    }

    /// <summary>Prints the report, one aligned line per entry.</summary>
    public static int Run(TextWriter output)
    {
        var report = Report();
        int width = report.Max(r => r.What.Length);
        foreach (var (what, value) in report) output.WriteLine($"{what.PadRight(width)}  {value}");
        return 0;
    }
}
