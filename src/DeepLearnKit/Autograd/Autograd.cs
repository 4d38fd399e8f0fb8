// Recording ops into the graph, and the switch that turns recording off (Tensor.NoGrad()).
namespace DeepLearnKit;

/// <summary>Records ops for autograd while gradient mode is on (the default).</summary>
internal static class Autograd
{
    // Async-local, not thread-static: a scope must follow its code across an await that resumes on another
    // thread, and must never be left behind on a thread that then runs someone else's work.
    private static readonly AsyncLocal<bool> disabled = new();

    /// <summary>True unless inside a <see cref="Tensor.NoGrad"/> scope.</summary>
    public static bool IsEnabled => !disabled.Value;

    /// <summary>
    /// Attaches a <see cref="GradFn"/> to <paramref name="result"/> when gradients are on and some input
    /// requires them; <paramref name="backward"/> returns one gradient per input (null where none flows).
    /// </summary>
    public static Tensor Record(Tensor result, string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        if (disabled.Value) return result;
        bool any = false;
        foreach (var input in inputs) any |= input.RequiresGrad;
        if (!any) return result;
        result.SetGradFn(new GradFn(name, inputs, backward));
        return result;
    }

    /// <summary>Restores the mode that held before it was opened, so nested scopes unwind in order.</summary>
    internal readonly struct NoGradScope(bool wasDisabled) : IDisposable
    {
        public void Dispose() => disabled.Value = wasDisabled;
    }

    /// <summary>
    /// A scope in which ops are not recorded, in this flow of execution only: it holds across awaits, and what
    /// an async method leaves open ends when the method returns, as for every <see cref="AsyncLocal{T}"/>.
    /// </summary>
    public static NoGradScope Disable()
    {
        var scope = new NoGradScope(disabled.Value);
        disabled.Value = true;
        return scope;
    }
}
