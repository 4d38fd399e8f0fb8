// What runs a notebook's cells one after another with shared state: a kernel process (what dlk run and dlk book use,
// so a cell that kills its process takes only the kernel with it) or a session in this process.
namespace DeepLearnKit.Cli.Execution;

/// <summary>Runs cells in order with shared state.</summary>
public interface ICellRunner : IAsyncDisposable
{
    /// <summary>False once no more cells can run (a cell that would not stop, a kernel that died).</summary>
    bool CanRun { get; }

    /// <summary>Runs one cell within <paramref name="timeout"/>; the outputs end with an error when it failed, timed out or was cancelled.</summary>
    Task<CellRun> RunAsync(string source, TimeSpan? timeout = null, CancellationToken cancellationToken = default, OutputList? outputs = null);
}
