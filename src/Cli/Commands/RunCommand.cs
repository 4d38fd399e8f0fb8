// `dlk run NOTEBOOK... [-o DIR]`: execute notebooks headless and write them back with their outputs.
using DeepLearnKit.Cli.Execution;
using DeepLearnKit.Cli.Notebooks;

namespace DeepLearnKit.Cli.Commands;

/// <summary>Runs notebooks and writes the executed .ipynb files.</summary>
public static class RunCommand
{
    /// <summary>
    /// Runs each notebook in its own session (working directory: the notebook's folder) and writes it as .ipynb into
    /// <paramref name="outputFolder"/>, or in place when that is null (a .dib gets an .ipynb beside it). Before anything
    /// runs, every notebook is read and every destination checked (<see cref="Destinations"/>): bad input throws
    /// <see cref="NotebookFormatException"/> or <see cref="DestinationException"/>. A notebook that cannot be written
    /// after its run is kept in a temporary folder, named on <paramref name="console"/>. Returns 0 when every cell of
    /// every notebook succeeded and every result was written, 1 otherwise, 130 when cancelled.
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> notebooks, string? outputFolder, RunOptions options, TextWriter console,
        CancellationToken cancellationToken)
    {
        var loaded = notebooks.Select(path => (Path: path, Notebook: Notebook.Load(path), Target: OutputPath(path, outputFolder))).ToList();
        foreach (string folder in loaded.Select(n => Path.GetDirectoryName(n.Target)!).Distinct()) Destinations.CheckFolder("run", folder);
        Destinations.CheckTargets("run", loaded.Select(n => (n.Path, n.Target)).ToList());

        int exitCode = 0;
        foreach (var (path, notebook, target) in loaded)
        {
            if (cancellationToken.IsCancellationRequested) return 130;
            var run = await RunLoadedAsync(path, notebook, options, cancellationToken).ConfigureAwait(false);
            Destinations.MarkExecutedFrom(run.Notebook, path);
            var (writtenTo, problem) = Destinations.WriteOrKeep(run.Notebook, target);
            string where = problem is null ? target
                : writtenTo is null ? $"could not write '{target}' ({problem}): the results are lost"
                : $"could not write '{target}' ({problem}); the executed notebook is kept at '{writtenTo}'";
            console.WriteLine($"{path}: {(run.Succeeded ? "ok" : $"{run.FailedCells} failed cell(s)")} in {run.Elapsed.TotalSeconds:0.0} s -> {where}");
            if (!run.Succeeded || problem is not null) exitCode = 1;
        }
        return cancellationToken.IsCancellationRequested ? 130 : exitCode;
    }

    /// <summary>Loads and runs one notebook file in a session rooted at its folder.</summary>
    public static Task<NotebookRun> RunOneAsync(string path, RunOptions options, CancellationToken cancellationToken) =>
        RunLoadedAsync(path, Notebook.Load(path), options, cancellationToken);

    private static Task<NotebookRun> RunLoadedAsync(string path, Notebook notebook, RunOptions options, CancellationToken cancellationToken)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return NotebookRunner.RunAsync(notebook, folder, options, Path.GetFileName(path), cancellationToken);
    }

    /// <summary>Where the executed notebook goes: <c>DIR/name.ipynb</c>, or beside the input.</summary>
    public static string OutputPath(string input, string? outputFolder) =>
        Path.Combine(outputFolder ?? Path.GetDirectoryName(Path.GetFullPath(input))!, Path.GetFileNameWithoutExtension(input) + ".ipynb");
}
