// `dlk run NOTEBOOK... [-o DIR]`: execute notebooks headless and write them back with their outputs.
using DeepLearnKit.Cli.Execution;
using DeepLearnKit.Cli.Notebooks;

namespace DeepLearnKit.Cli.Commands;

/// <summary>Runs notebooks and writes the executed .ipynb files.</summary>
public static class RunCommand
{
    /// <summary>
    /// Runs each notebook in its own session (working directory: the notebook's folder) and writes it as .ipynb into
    /// <paramref name="outputFolder"/>, or in place when that is null (a .dib gets an .ipynb beside it). Returns 0
    /// when every cell of every notebook succeeded, 1 otherwise, 130 when cancelled.
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> notebooks, string? outputFolder, RunOptions options, TextWriter console,
        CancellationToken cancellationToken)
    {
        int exitCode = 0;
        foreach (string path in notebooks)
        {
            if (cancellationToken.IsCancellationRequested) return 130;
            var run = await RunOneAsync(path, options, cancellationToken).ConfigureAwait(false);
            string target = OutputPath(path, outputFolder);
            Ipynb.Write(run.Notebook, target);
            console.WriteLine($"{path}: {(run.Succeeded ? "ok" : $"{run.FailedCells} failed cell(s)")} in {run.Elapsed.TotalSeconds:0.0} s -> {target}");
            if (!run.Succeeded) exitCode = 1;
        }
        return cancellationToken.IsCancellationRequested ? 130 : exitCode;
    }

    /// <summary>Loads and runs one notebook file in a session rooted at its folder.</summary>
    public static Task<NotebookRun> RunOneAsync(string path, RunOptions options, CancellationToken cancellationToken)
    {
        var notebook = Notebook.Load(path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return NotebookRunner.RunAsync(notebook, folder, options, Path.GetFileName(path), cancellationToken);
    }

    /// <summary>Where the executed notebook goes: <c>DIR/name.ipynb</c>, or beside the input.</summary>
    public static string OutputPath(string input, string? outputFolder) =>
        Path.Combine(outputFolder ?? Path.GetDirectoryName(Path.GetFullPath(input))!, Path.GetFileNameWithoutExtension(input) + ".ipynb");
}
