// The offline HTML book of executed chapters: an index with the chapter list and run times, and one page per chapter
// (markdown through Markdig, formulas by KaTeX, ```mermaid blocks drawn by mermaid, code, outputs). Everything a page needs is in the site folder or the
// page itself, so the book opens with no network.
using System.Net;
using System.Reflection;
using System.Text;
using Markdig;
using DeepLearnKit.Cli.Execution;
using DeepLearnKit.Cli.Notebooks;
using DeepLearnKit.IO;

namespace DeepLearnKit.Cli.Book;

/// <summary>One executed chapter: its run, the file name of its page, and its source file name.</summary>
public sealed record BookChapter(NotebookRun Run, string SourceName)
{
    /// <summary>The chapter page's file name: the notebook's name with .html.</summary>
    public string PageName => Path.GetFileNameWithoutExtension(SourceName) + ".html";

    /// <summary>The notebook's first heading, else its file name.</summary>
    public string Title => Run.Notebook.Title ?? Path.GetFileNameWithoutExtension(SourceName);
}

/// <summary>Writes the book's pages and assets; <paramref name="headHtml"/> goes into each chapter page's head (plotly.js).</summary>
public sealed class BookWriter(string siteFolder, string headHtml = "")
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    private const string Style = """
        body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 0 auto; padding: 1rem 2rem; line-height: 1.5; color: #1b1b1b; }
        nav { display: flex; gap: 1.5rem; border-bottom: 1px solid #ddd; padding-bottom: .5rem; margin-bottom: 1rem; }
        pre { background: #f6f8fa; padding: .6rem .8rem; overflow-x: auto; border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; }
        .cell-code pre { border-left: 3px solid #4a7bd0; }
        .output { margin: .3rem 0 1.2rem 0; overflow-x: auto; }
        .output pre.stream { background: #fff; border-left: 3px solid #bbb; }
        .output pre.error { background: #fff0f0; border-left: 3px solid #d04a4a; color: #8a1010; }
        .prompt { color: #888; font-size: .8rem; }
        table.chapters td, table.chapters th { padding: .2rem .8rem; text-align: left; }
        .failed { color: #b00020; font-weight: bold; }
        """;

    /// <summary>Writes <c>index.html</c>, each chapter's page, and the KaTeX and mermaid assets.</summary>
    public void Write(IReadOnlyList<BookChapter> chapters)
    {
        Directory.CreateDirectory(siteFolder);
        WriteAssets();
        for (int i = 0; i < chapters.Count; i++)
        {
            var previous = i > 0 ? chapters[i - 1] : null;
            var next = i + 1 < chapters.Count ? chapters[i + 1] : null;
            AtomicFile.WriteAllText(Path.Combine(siteFolder, chapters[i].PageName), ChapterPage(chapters[i], previous, next));
        }
        AtomicFile.WriteAllText(Path.Combine(siteFolder, "index.html"), IndexPage(chapters));
    }

    private static string IndexPage(IReadOnlyList<BookChapter> chapters)
    {
        var rows = new StringBuilder();
        foreach (var c in chapters)
        {
            string status = c.Run.Succeeded ? "ran" : $"<span class=\"failed\">{c.Run.FailedCells} failed cell(s)</span>";
            rows.AppendLine($"<tr><td><a href=\"{c.PageName}\">{Encode(c.Title)}</a></td><td>{c.Run.Elapsed.TotalSeconds:0.0} s</td><td>{status}</td></tr>");
        }
        return Page("DeepLearnKit: the chapters", "", $"""
            <h1>DeepLearnKit: the chapters</h1>
            <p>Each chapter below was executed on {Encode(DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm"))} UTC; its outputs are the real ones.</p>
            <table class="chapters"><tr><th>Chapter</th><th>Run time</th><th>Status</th></tr>
            {rows}</table>
            """);
    }

    private string ChapterPage(BookChapter chapter, BookChapter? previous, BookChapter? next)
    {
        var main = new StringBuilder();
        foreach (var cell in chapter.Run.Notebook.Cells)
        {
            switch (cell.Kind)
            {
                case CellKind.Markdown:
                    main.AppendLine(Markdig.Markdown.ToHtml(cell.Source, Markdown));
                    break;
                case CellKind.Raw:
                    main.AppendLine($"<pre>{Encode(cell.Source)}</pre>");
                    break;
                case CellKind.Code:
                    string prompt = cell.ExecutionCount is { } n ? $"[{n}]" : "[ ]";
                    main.AppendLine($"<div class=\"cell-code\"><div class=\"prompt\">{prompt}</div><pre><code class=\"language-csharp\">{Encode(cell.Source)}</code></pre></div>");
                    foreach (var output in cell.Outputs) main.AppendLine($"<div class=\"output\">{OutputHtml(output)}</div>");
                    break;
            }
        }
        string nav = "<a href=\"index.html\">Contents</a>"
            + (previous is null ? "" : $"<a href=\"{previous.PageName}\">← {Encode(previous.Title)}</a>")
            + (next is null ? "" : $"<a href=\"{next.PageName}\">{Encode(next.Title)} →</a>");
        // Markdig's diagram extension writes a ```mermaid block as <pre class="mermaid">; mermaid turns each into an SVG.
        string diagrams = main.ToString().Contains("class=\"mermaid\"", StringComparison.Ordinal) ? MermaidScripts : "";
        return Page(chapter.Title, headHtml + diagrams, $"<nav>{nav}</nav>\n<main>\n{main}</main>\n<nav>{nav}</nav>");
    }

    /// <summary>HTML for one output: rich HTML as it is, else its plain text; console text and errors as text blocks.</summary>
    public static string OutputHtml(CellOutput output) => output switch
    {
        DisplayOutput d when d.Data.TryGetValue("text/html", out var html) => html,
        DisplayOutput d when d.Data.TryGetValue("text/plain", out var text) => $"<pre>{Encode(text)}</pre>",
        DisplayOutput d => $"<pre>({Encode(string.Join(", ", d.Data.Keys))})</pre>",
        StreamOutput s => $"<pre class=\"stream\">{Encode(s.Text)}</pre>",
        ErrorOutput e => $"<pre class=\"error\">{Encode(e.Name)}: {Encode(e.Message)}</pre>",
        _ => "",
    };

    private static string Page(string title, string head, string body) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>{Encode(title)}</title>
        <style>{Style}</style>
        <link rel="stylesheet" href="assets/katex/katex.min.css">
        <script defer src="assets/katex/katex.min.js"></script>
        <script defer src="assets/katex/auto-render.min.js" onload="renderMathInElement(document.body, {KatexOptions})"></script>
        {head}
        </head>
        <body>
        {body}
        </body>
        </html>
        """;

    // Markdig's math extension writes \( … \) and \[ … \] inside class="math" elements.
    private const string KatexOptions =
        "{delimiters: [{left: '\\\\[', right: '\\\\]', display: true}, {left: '\\\\(', right: '\\\\)', display: false}], throwOnError: false}";

    private const string MermaidScripts = """
        <script defer src="assets/mermaid/mermaid.min.js"></script>
        <script>window.addEventListener('DOMContentLoaded', function () { mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' }); mermaid.run(); });</script>
        """;

    private void WriteAssets()
    {
        var assembly = Assembly.GetExecutingAssembly();
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("katex/", StringComparison.Ordinal) || n.StartsWith("mermaid/", StringComparison.Ordinal)))
        {
            string target = Path.Combine(siteFolder, "assets", name);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using var resource = assembly.GetManifestResourceStream(name)!;
            using var file = File.Create(target);
            resource.CopyTo(file);
        }
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
