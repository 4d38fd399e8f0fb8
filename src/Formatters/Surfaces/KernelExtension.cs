// What the package's interactive-extensions/dotnet/extension.dib calls when a kernel loads DeepLearnKit.
using DeepLearnKit.Display;

namespace DeepLearnKit.Formatters.Surfaces;

/// <summary>The kernel extension: <c>KernelExtension.Load(x =&gt; display(x));</c> is the whole of extension.dib.</summary>
public static class KernelExtension
{
    /// <summary>
    /// Registers every formatter (<see cref="DeepLearnKitFormatters.Register"/>) and installs a
    /// <see cref="NotebookDisplaySurface"/> over the kernel's <paramref name="display"/> function as
    /// <see cref="DisplaySurface.Current"/>, so <c>Fit</c> draws its chart live and <c>Picture.Show</c> shows inline.
    /// </summary>
    public static void Load(Func<object, object?> display)
    {
        ArgumentNullException.ThrowIfNull(display);
        DeepLearnKitFormatters.Register();
        DisplaySurface.Current = new NotebookDisplaySurface(display);
    }
}
