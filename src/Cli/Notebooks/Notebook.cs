// A notebook in memory: cells of C# code or markdown, each code cell with the outputs its last run produced.
using System.Text.Json.Nodes;
using DeepLearnKit.Cli.Execution;

namespace DeepLearnKit.Cli.Notebooks;

/// <summary>What a cell holds.</summary>
public enum CellKind
{
    /// <summary>Code for a kernel (<see cref="NotebookCell.Language"/> says which).</summary>
    Code,
    /// <summary>Markdown text.</summary>
    Markdown,
    /// <summary>Raw text, passed through untouched.</summary>
    Raw,
}

/// <summary>One cell: its source, and for code its language, execution count and outputs.</summary>
public sealed class NotebookCell(CellKind kind, string source, string language = NotebookCell.CSharp)
{
    /// <summary>The language name .NET notebooks use for C# cells.</summary>
    public const string CSharp = "csharp";

    /// <summary>Code, markdown or raw.</summary>
    public CellKind Kind { get; } = kind;

    /// <summary>The cell's text.</summary>
    public string Source { get; } = source;

    /// <summary>The code cell's language (<c>csharp</c>, <c>fsharp</c>, …); <c>markdown</c> for markdown cells.</summary>
    public string Language { get; } = kind == CellKind.Markdown ? "markdown" : language;

    /// <summary>The nbformat 4.5 cell id (kept from the file, made up when missing).</summary>
    public string Id { get; init; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>The cell's metadata as read, without the language entries the writer adds.</summary>
    public JsonObject Metadata { get; init; } = [];

    /// <summary>The execution count of the last run (null: not run).</summary>
    public int? ExecutionCount { get; set; }

    /// <summary>The outputs of the last run, in order.</summary>
    public IReadOnlyList<CellOutput> Outputs { get; set; } = [];
}

/// <summary>A notebook: ordered cells and the notebook-level metadata read from its file.</summary>
public sealed class Notebook(IReadOnlyList<NotebookCell> cells)
{
    /// <summary>The cells in order.</summary>
    public IReadOnlyList<NotebookCell> Cells { get; } = cells;

    /// <summary>Notebook-level metadata read from the file (the writer sets the kernel entries).</summary>
    public JsonObject Metadata { get; init; } = [];

    /// <summary>The code cells in order.</summary>
    public IEnumerable<NotebookCell> CodeCells => Cells.Where(c => c.Kind == CellKind.Code);

    /// <summary>The first level-1 markdown heading, or null.</summary>
    public string? Title => Cells.Where(c => c.Kind == CellKind.Markdown)
        .SelectMany(c => c.Source.Split('\n'))
        .Select(line => line.TrimEnd())
        .FirstOrDefault(line => line.StartsWith("# ", StringComparison.Ordinal))?[2..].Trim();

    /// <summary>Reads a <c>.ipynb</c> or <c>.dib</c> file by its extension.</summary>
    public static Notebook Load(string path) =>
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".ipynb" => Ipynb.Read(path),
            ".dib" => Dib.Read(path),
            var other => throw new NotebookFormatException(path, $"'{other}' is not a notebook extension dlk knows (.ipynb, .dib)."),
        };
}

/// <summary>A notebook file that cannot be read; the message names the file and what is wrong.</summary>
public sealed class NotebookFormatException(string path, string problem)
    : Exception($"{path}: {problem}")
{
    /// <summary>The file that could not be read.</summary>
    public string Path { get; } = path;
}
