// Placeholder until the ILGPU backend lands.
namespace DeepLearnKit.Backends.Gpu;

internal sealed class IlgpuBackend
{
    public static IlgpuBackend CpuSimulator => throw new NotSupportedException("The ILGPU backend is not built yet.");

    public Device Device => throw new NotSupportedException("The ILGPU backend is not built yet.");

    public static IlgpuBackend CreatePreferred() => throw new NotSupportedException("The ILGPU backend is not built yet.");
}
