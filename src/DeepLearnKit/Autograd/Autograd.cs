// Recording ops into the graph, and the switch that turns recording off (Tensor.NoGrad()).
namespace DeepLearnKit;

/// <summary>Records ops for autograd while gradient mode is on (the default).</summary>
internal static class Autograd
{
    [ThreadStatic] private static int disabledDepth;

    /// <summary>True unless inside a <see cref="Tensor.NoGrad"/> scope.</summary>
    public static bool IsEnabled => disabledDepth == 0;

    /// <summary>
    /// Attaches a <see cref="GradFn"/> to <paramref name="result"/> when gradients are on and some input
    /// requires them; <paramref name="backward"/> returns one gradient per input (null where none flows).
    /// </summary>
    public static Tensor Record(Tensor result, string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        if (disabledDepth != 0) return result;
        bool any = false;
        foreach (var input in inputs) any |= input.RequiresGrad;
        if (!any) return result;
        result.SetGradFn(new GradFn(name, inputs, backward));
        return result;
    }

    internal readonly struct NoGradScope : IDisposable
    {
        public NoGradScope() => disabledDepth++;

        public void Dispose() => disabledDepth--;
    }

    /// <summary>A scope in which ops are not recorded.</summary>
    public static NoGradScope Disable() => new();
}
