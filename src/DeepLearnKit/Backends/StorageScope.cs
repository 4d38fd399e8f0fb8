// Who owns a temporary: the lifetimes of recycled memory, stated in code. A piece of library code that makes
// tensors nobody outside it can reach — a backward pass (its gradients flow from node to node and only .Grad
// leaves it), an optimizer's update (scratch beside the state it keeps) — opens a scope; the large storages
// allocated while it is open are recorded in it, and when it closes they are released (their arrays go back to
// the backend's pool), except those it kept. Nothing is released on a guess: a tensor a learner holds was either
// made outside every scope, or kept by the scope that made it.
namespace DeepLearnKit.Backends;

/// <summary>
/// The large storages made while this scope is open, in this flow of execution (it follows <c>await</c> and the
/// workers of a parallel loop), belong to its owner: <see cref="Dispose"/> releases all of them but those marked
/// with <see cref="Keep"/>. Scopes nest: a storage belongs to the innermost one. Only library code that knows
/// every tensor it makes in the scope, and where each one goes, may open one.
/// </summary>
internal sealed class StorageScope : IDisposable
{
    private static readonly AsyncLocal<StorageScope?> current = new();

    private readonly StorageScope? outer;
    private readonly bool endsPass;
    private readonly List<TensorStorage> owned = [];
    private readonly HashSet<TensorStorage> kept = new(ReferenceEqualityComparer.Instance);
    private bool closed;

    private StorageScope(StorageScope? outer, bool endsPass)
    {
        this.outer = outer;
        this.endsPass = endsPass;
    }

    /// <summary>
    /// Opens a scope; <paramref name="endsPass"/> marks a backward pass, whose end is the clock that lets the CPU
    /// pool drop array sizes nobody uses any more.
    /// </summary>
    public static StorageScope Open(bool endsPass = false)
    {
        var scope = new StorageScope(current.Value, endsPass);
        current.Value = scope;
        return scope;
    }

    /// <summary>Records <paramref name="storage"/> in the open scope, if any (a backend calls it for every recyclable storage it makes).</summary>
    public static void Track(TensorStorage storage)
    {
        if (current.Value is { } scope) scope.Add(storage);
    }

    private void Add(TensorStorage storage)
    {
        lock (owned)
        {
            // A task that outlived its scope keeps what it makes: nobody is left to release it.
            if (!closed) owned.Add(storage);
        }
    }

    /// <summary>Marks the storage of <paramref name="tensor"/> (and so of all its views) as leaving the scope: it is not released.</summary>
    public void Keep(Tensor tensor)
    {
        lock (owned) kept.Add(tensor.storage);
    }

    /// <summary>Closes the scope and releases every storage it recorded and did not keep.</summary>
    public void Dispose()
    {
        if (closed) return;
        current.Value = outer;
        TensorStorage[] toRelease;
        lock (owned)
        {
            closed = true;
            toRelease = owned.Where(s => !kept.Contains(s)).ToArray();
            owned.Clear();
        }
        foreach (var storage in toRelease) storage.Release();
        if (endsPass) Cpu.CpuArrayPool.EndPass();
    }
}
