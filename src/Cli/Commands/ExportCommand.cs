// `dlk export NOTEBOOK --to cs [-o FILE]`.
using DeepLearnKit.Cli.Export;
using DeepLearnKit.Cli.Notebooks;
using DeepLearnKit.IO;

namespace DeepLearnKit.Cli.Commands;

/// <summary>Writes a notebook as a C# file-based app.</summary>
public static class ExportCommand
{
    /// <summary>Exports <paramref name="notebookPath"/> to <paramref name="outputPath"/> (default: the same name with .cs beside it).</summary>
    public static int Run(string notebookPath, string? outputPath, TextWriter console)
    {
        var notebook = Notebook.Load(notebookPath);
        outputPath ??= Path.ChangeExtension(notebookPath, ".cs");
        AtomicFile.WriteAllText(outputPath, FileAppExporter.Export(notebook));
        console.WriteLine($"{notebookPath} -> {outputPath} (run it with: dotnet run {outputPath})");
        return 0;
    }
}
