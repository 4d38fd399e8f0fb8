// Stated lifetimes for tensor memory: every storage made while a scope is open is released when it ends.
// A training step makes the same temporaries every step (activations, gradients, im2col columns); giving
// their memory back at the step's end lets the next step reuse it, as PyTorch's caching allocator does,
// without asking the garbage collector which arrays died.
using DeepLearnKit.Backends;
using DeepLearnKit.Backends.Cpu;

namespace DeepLearnKit;

/// <summary>
/// A region of code whose tensors die with it: <c>using (Tensor.Scope()) { one training step }</c>. When the scope
/// ends, the memory of every tensor made inside it goes back to its device (on the CPU, into a pool the next step
/// rents from) and any later use of such a tensor throws. <see cref="Tensor.Keep"/> takes a tensor out of its scope.
/// The engine keeps what outlives a step by itself: parameters and buffers a module registers, and optimizer state.
/// Gradients belong to the scope their <see cref="Tensor.Backward"/> ran in. <c>Fit</c> and <c>Evaluate</c> open one
/// scope per batch (Fit leaves its last step's tensors, gradients included, to the garbage collector instead, so they
/// can be looked at after training). Scopes nest (a tensor belongs to the innermost one) and follow the code that opened them across
/// <c>await</c>; the work a scope starts must be finished when it ends.
/// </summary>
public sealed class TensorScope : IDisposable
{
    private static readonly AsyncLocal<TensorScope?> current = new();

    private readonly TensorScope? parent;
    private readonly List<TensorStorage> storages = [];
    private bool closed, released;

    private TensorScope(TensorScope? parent) => this.parent = parent;

    /// <summary>The innermost open scope of this flow of execution, or null.</summary>
    internal static TensorScope? Current => current.Value;

    /// <summary>Opens a scope nested in the current one.</summary>
    internal static TensorScope Open()
    {
        var scope = new TensorScope(current.Value);
        current.Value = scope;
        return scope;
    }

    /// <summary>How many storages this scope will release (those made in it and not kept).</summary>
    public int Count
    {
        get
        {
            lock (storages) return storages.Count(s => ReferenceEquals(s.Scope, this));
        }
    }

    /// <summary>Called by every storage made while this scope is current (kernels may make them on worker threads).</summary>
    internal void Adopt(TensorStorage storage)
    {
        lock (storages)
        {
            if (closed) throw new InvalidOperationException("Tensor.Scope: this scope has ended; a tensor cannot be made in it.");
            storages.Add(storage);
        }
    }

    /// <summary>Releases every storage made in this scope and not kept, and makes the enclosing scope current again.</summary>
    public void Dispose()
    {
        if (released) return; // a second Dispose is a no-op, as IDisposable asks
        Close();              // throws, changing nothing, when this is not the innermost scope
        released = true;
        foreach (var storage in TakeStorages()) storage.Release();
        if (parent is null) CpuArrayPool.ScopeEnded();
    }

    /// <summary>
    /// Ends this scope without releasing anything: what it made is the garbage collector's from now on, as if it had
    /// been made outside any scope. How <see cref="Data.ScopedBatches.Scoped"/> (and so <c>Fit</c>) leaves the last step readable.
    /// </summary>
    internal void Abandon()
    {
        Close();
        foreach (var storage in TakeStorages()) storage.Unscope();
    }

    /// <summary>
    /// Stops adopting storages and makes the enclosing scope current again, but releases nothing yet (that is
    /// <see cref="Dispose"/>'s, later): how <see cref="Data.ScopedBatches.Scoped"/> keeps a step's tensors until it knows whether another step follows.
    /// </summary>
    internal void Close()
    {
        lock (storages)
        {
            if (closed) return;
            if (!ReferenceEquals(current.Value, this))
                throw new InvalidOperationException("Tensor.Scope: scopes must end in the reverse order they were opened, in the code that opened them.");
            closed = true;
        }
        current.Value = parent;
    }

    /// <summary>The storages still this scope's (not kept), once; the scope is empty afterwards.</summary>
    private List<TensorStorage> TakeStorages()
    {
        lock (storages)
        {
            var mine = storages.FindAll(s => ReferenceEquals(s.Scope, this));
            storages.Clear();
            return mine;
        }
    }
}
