// Runs a whole notebook top to bottom in a fresh session, as "Run All" does: markdown passes through, each C# cell
// runs in order, and the first failing cell stops the run unless asked to continue.
using System.Diagnostics;
using DeepLearnKit.Cli.Notebooks;

namespace DeepLearnKit.Cli.Execution;

/// <summary>How to run a notebook.</summary>
/// <param name="CellTimeout">The longest one cell may run (null: no limit).</param>
/// <param name="ContinueOnError">Run the cells after a failed one (the default stops, like "Run All").</param>
/// <param name="Progress">Where to write "cell n of m" lines (null: nowhere).</param>
/// <param name="InProcess">Run the cells in this process instead of a `dlk kernel` process of their own (a cell that
/// ends its process then ends dlk too).</param>
/// <param name="AfterRun">Called with the session once the notebook's cells ran, before the session ends (what
/// <c>--check-exercises</c> runs the solutions in); not called when the session can run no more cells.</param>
public sealed record RunOptions(TimeSpan? CellTimeout = null, bool ContinueOnError = false, TextWriter? Progress = null, bool InProcess = false,
    AfterRun? AfterRun = null);

/// <summary>Work done in a notebook's session after its cells ran: <paramref name="notebookPath"/> is the notebook's file.</summary>
public delegate Task AfterRun(ICellRunner session, NotebookRun run, string notebookPath, CancellationToken cancellationToken);

/// <summary>The result of running a notebook: the failed cells' count and the run time. Outputs are in the cells.</summary>
public sealed record NotebookRun(Notebook Notebook, int FailedCells, bool Stopped, TimeSpan Elapsed)
{
    /// <summary>True when every code cell ran and none failed. (<see cref="Stopped"/>: cells were left unrun.)</summary>
    public bool Succeeded => FailedCells == 0 && !Stopped;
}

/// <summary>Executes notebooks in a <see cref="Kernel.KernelProcess"/> (or, in process, a <see cref="NotebookSession"/>).</summary>
public static class NotebookRunner
{
    /// <summary>
    /// Runs every code cell of <paramref name="notebook"/> in a new session rooted at <paramref name="workingDirectory"/>,
    /// setting each cell's outputs and execution count. Cells after a failure (unless
    /// <see cref="RunOptions.ContinueOnError"/>), a timeout or a cancellation are left without outputs.
    /// </summary>
    public static async Task<NotebookRun> RunAsync(Notebook notebook, string workingDirectory, RunOptions options,
        string? name = null, CancellationToken cancellationToken = default)
    {
        // A kernel process of its own (as nbclient runs a notebook), unless asked to run in this process.
        await using ICellRunner session = options.InProcess
            ? new NotebookSession(workingDirectory)
            : await Kernel.KernelProcess.StartAsync(workingDirectory, cancellationToken).ConfigureAwait(false);
        var code = notebook.CodeCells.ToList();

        var clock = Stopwatch.StartNew();
        int failed = 0, ran = 0;
        bool stopped = false;
        foreach (var cell in notebook.Cells) if (cell.Kind == CellKind.Code) { cell.Outputs = []; cell.ExecutionCount = null; }

        for (int i = 0; i < code.Count && !stopped; i++)
        {
            var cell = code[i];
            options.Progress?.Write($"{name ?? "notebook"}: cell {i + 1} of {code.Count} ... ");
            CellRun run;
            if (cell.Language != NotebookCell.CSharp)
            {
                string message = $"dlk runs C# cells; this cell's language is '{cell.Language}'.";
                run = new CellRun([new ErrorOutput("NotSupported", message, [message])], CellStatus.Failed, 0, TimeSpan.Zero);
            }
            else
            {
                run = await session.RunAsync(cell.Source, options.CellTimeout, cancellationToken).ConfigureAwait(false);
                cell.ExecutionCount = run.ExecutionCount;
            }
            cell.Outputs = run.Outputs;
            ran++;
            options.Progress?.WriteLine($"{run.Status.ToString().ToLowerInvariant()} in {run.Elapsed.TotalSeconds:0.0} s (total {clock.Elapsed.TotalSeconds:0.0} s)");
            if (run.Succeeded) continue;
            failed++;
            stopped = !session.CanRun || !options.ContinueOnError;
        }
        var result = new NotebookRun(notebook, failed, Stopped: ran < code.Count, clock.Elapsed);
        if (options.AfterRun is { } after && session.CanRun && !cancellationToken.IsCancellationRequested)
            await after(session, result, Path.Combine(workingDirectory, name ?? "notebook.ipynb"), cancellationToken).ConfigureAwait(false);
        return result;
    }
}
