// The engine's display seam. The engine never references a notebook kernel: whoever hosts it (the kernel extension,
// the dlk runner, a console program's report page) installs a surface here, and the engine shows values through it.
namespace DeepLearnKit.Display;

/// <summary>A value on screen that can be redrawn in place, e.g. a loss chart while <c>Fit</c> runs.</summary>
public interface IDisplayHandle
{
    /// <summary>Replaces what this display shows with <paramref name="value"/> (formatted as any shown value is).</summary>
    void Update(object value);
}

/// <summary>Where shown values go: a notebook output, a headless runner's output list, or a report page.</summary>
public interface IDisplaySurface
{
    /// <summary>Shows <paramref name="value"/> as a new output and returns the handle that redraws it.</summary>
    IDisplayHandle Display(object value);
}

/// <summary>
/// The surface the engine shows values on. Null (the default) means nothing is shown, as in a test or a library
/// call; the kernel extension, the <c>dlk</c> runner and <c>Show</c> outside a notebook set it.
/// </summary>
public static class DisplaySurface
{
    /// <summary>The installed surface, or null when values are not shown anywhere.</summary>
    public static IDisplaySurface? Current { get; set; }

    /// <summary>Shows <paramref name="value"/> on <see cref="Current"/>; null (and nothing shown) when there is none.</summary>
    public static IDisplayHandle? TryDisplay(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Current?.Display(value);
    }
}
