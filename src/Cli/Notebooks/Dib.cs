// The .dib format of Polyglot Notebooks: plain text where a line "#!csharp", "#!markdown", … starts each cell and an
// optional "#!meta" cell holds JSON metadata.
namespace DeepLearnKit.Cli.Notebooks;

/// <summary>Reads <c>.dib</c> notebooks (also a package's <c>interactive-extensions/dotnet/extension.dib</c>).</summary>
public static class Dib
{
    // The kernel names that start a cell; any other "#!" line (a magic command) belongs to the cell it is in.
    private static readonly Dictionary<string, string> CellStarts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["csharp"] = NotebookCell.CSharp, ["c#"] = NotebookCell.CSharp, ["cs"] = NotebookCell.CSharp,
        ["fsharp"] = "fsharp", ["f#"] = "fsharp", ["pwsh"] = "pwsh", ["powershell"] = "pwsh",
        ["javascript"] = "javascript", ["js"] = "javascript", ["html"] = "html", ["sql"] = "sql", ["mermaid"] = "mermaid",
        ["markdown"] = "markdown", ["md"] = "markdown", ["meta"] = "meta",
    };

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static Notebook Read(string path) => Parse(File.ReadAllText(path));

    /// <summary>
    /// Splits <paramref name="text"/> into cells. Text before the first cell line is a C# cell (the kernel's default);
    /// blank lines around each cell are trimmed and empty cells dropped; the meta cell is not a cell.
    /// </summary>
    public static Notebook Parse(string text)
    {
        var cells = new List<NotebookCell>();
        string language = NotebookCell.CSharp;
        var lines = new List<string>();

        void Flush()
        {
            string source = string.Join('\n', lines).Trim('\n', '\r');
            lines.Clear();
            if (source.Trim().Length == 0 || language == "meta") return;
            cells.Add(language == "markdown"
                ? new NotebookCell(CellKind.Markdown, source)
                : new NotebookCell(CellKind.Code, source, language));
        }

        foreach (string raw in text.Replace("\r\n", "\n").Split('\n'))
        {
            if (raw.StartsWith("#!", StringComparison.Ordinal) && CellStarts.TryGetValue(raw[2..].Trim(), out var next))
            {
                Flush();
                language = next;
                continue;
            }
            lines.Add(raw);
        }
        Flush();
        return new Notebook(cells);
    }
}
