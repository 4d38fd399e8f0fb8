// Devices a tensor can live on: the CPU, or an ILGPU accelerator (CUDA when present).
using DeepLearnKit.Backends;
using DeepLearnKit.Backends.Cpu;
using DeepLearnKit.Backends.Gpu;
using DeepLearnKit.Backends.Reference;

namespace DeepLearnKit;

/// <summary>What kind of processor a <see cref="Device"/> computes on.</summary>
public enum DeviceKind
{
    /// <summary>The host processor, through the SIMD CPU backend.</summary>
    Cpu,
    /// <summary>An ILGPU accelerator (CUDA, OpenCL, or ILGPU's CPU simulator in tests).</summary>
    Gpu,
    /// <summary>The host processor through the reference backend: plain loops that state each primitive, the spec the other devices are tested against.</summary>
    Reference,
}

/// <summary>
/// A place where tensors are stored and computed. <see cref="Cpu"/> is the default;
/// <see cref="Gpu"/> is the best ILGPU accelerator on this machine. Move a tensor with <c>x.To(device)</c>.
/// </summary>
public sealed class Device
{
    private static readonly Lazy<Device> gpu = new(() => IlgpuBackend.CreatePreferred().Device);

    internal Device(DeviceKind kind, string name, IBackend backend)
    {
        Kind = kind;
        Name = name;
        Backend = backend;
    }

    /// <summary>The host CPU.</summary>
    public static Device Cpu => CpuBackend.Instance.Device;

    /// <summary>
    /// The best GPU that ILGPU finds (CUDA first, then OpenCL). Throws <see cref="InvalidOperationException"/>
    /// naming the accelerators that were found when there is no GPU.
    /// </summary>
    public static Device Gpu => gpu.Value;

    /// <summary>
    /// The reference backend: every primitive as a plain loop (Backends/Reference), no fused kernels, so every op runs
    /// the composition written in Ops/. Slow; it is the executable spec, for checking results, not for training.
    /// </summary>
    public static Device Reference => ReferenceBackend.Instance.Device;

    /// <summary>ILGPU's CPU accelerator: runs the GPU kernels on the host, so GPU code can be tested anywhere.</summary>
    public static Device GpuSimulator => IlgpuBackend.CpuSimulator.Device;

    /// <summary>
    /// Every accelerator ILGPU finds on this machine, as <c>Type 'name'</c>: <c>Cuda '…'</c> or <c>OpenCL '…'</c> entries
    /// mean <see cref="Gpu"/> is available; ILGPU's own <c>CPU</c> accelerator is always listed.
    /// </summary>
    public static IReadOnlyList<string> Accelerators => IlgpuBackend.AcceleratorNames;

    /// <summary>True when <see cref="Gpu"/> has a GPU to run on (a CUDA device or an OpenCL GPU); false when it would throw.</summary>
    public static bool HasGpu => IlgpuBackend.HasGpu;

    /// <summary>CPU or GPU.</summary>
    public DeviceKind Kind { get; }

    /// <summary>A readable name, e.g. <c>cpu</c> or <c>cuda (NVIDIA H100 80GB HBM3)</c>.</summary>
    public string Name { get; }

    /// <summary>The kernels of this device.</summary>
    internal IBackend Backend { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
