// Watches Module.Call while a summary runs a sample input through a model.
namespace DeepLearnKit.NN;

/// <summary>Collects (module, output) pairs from <see cref="Module.Call"/> calls on this thread while active.</summary>
public sealed class ModuleCallRecorder : IDisposable
{
    [ThreadStatic] private static ModuleCallRecorder? current;
    private readonly ModuleCallRecorder? previous;
    private readonly List<(Module Module, int[] OutputShape)> calls = [];

    /// <summary>Starts recording on this thread until disposed.</summary>
    public ModuleCallRecorder()
    {
        previous = current;
        current = this;
    }

    internal static ModuleCallRecorder? Current => current;

    /// <summary>Each recorded call's module and output shape, in call order.</summary>
    public IReadOnlyList<(Module Module, int[] OutputShape)> Calls => calls;

    internal void Record(Module module, Tensor output) => calls.Add((module, output.Shape));

    /// <inheritdoc/>
    public void Dispose() => current = previous;
}
