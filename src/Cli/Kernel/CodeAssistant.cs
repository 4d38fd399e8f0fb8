// Completions (Tab), the documentation of what is under the cursor (Shift-Tab) and "is this cell complete?" for the
// kernel, from Roslyn: the session's earlier cells and the current one form one C# script document in an ad-hoc
// workspace with the session's references (each with its XML documentation file when one lies beside it, so an op's
// formula from its XML doc shows on Shift-Tab).
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Completion;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.Text;
using DeepLearnKit.Cli.Execution;

namespace DeepLearnKit.Cli.Kernel;

/// <summary>Roslyn's code assistance over a <see cref="NotebookSession"/>'s cells.</summary>
public sealed class CodeAssistant(NotebookSession session)
{
    private static readonly Lazy<MefHostServices> Host = new(() => MefHostServices.Create(MefHostServices.DefaultAssemblies));
    private readonly Dictionary<string, MetadataReference> documented = new(StringComparer.Ordinal);

    /// <summary>
    /// <c>complete_reply</c> content: the names that can stand at <paramref name="cursor"/> (a position in Unicode code
    /// points, as the protocol counts) starting with what is typed there, and the span they replace.
    /// </summary>
    public JsonObject Complete(string code, int cursor)
    {
        var (document, offset) = Document(code);
        int position = offset + Utf16Index(code, cursor);
        var service = CompletionService.GetService(document);
        var list = service?.GetCompletionsAsync(document, position).GetAwaiter().GetResult();
        var matches = new JsonArray();
        int start = cursor, end = cursor;
        if (list is not null)
        {
            var span = list.Span;
            string typed = document.GetTextAsync().GetAwaiter().GetResult().ToString(span);
            foreach (var item in list.ItemsList
                         .Where(i => i.FilterText.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                         .OrderBy(i => i.FilterText.StartsWith(typed, StringComparison.Ordinal) ? 0 : 1)
                         .ThenBy(i => i.SortText, StringComparer.Ordinal)
                         .Select(i => i.DisplayText).Distinct())
                matches.Add(item);
            start = CodePointIndex(code, span.Start - offset);
            end = CodePointIndex(code, span.End - offset);
        }
        return new JsonObject { ["status"] = "ok", ["matches"] = matches, ["cursor_start"] = start, ["cursor_end"] = end, ["metadata"] = new JsonObject() };
    }

    /// <summary><c>inspect_reply</c> content: the signature and XML documentation of the symbol at or just before <paramref name="cursor"/>.</summary>
    public JsonObject Inspect(string code, int cursor)
    {
        var (document, offset) = Document(code);
        int position = offset + Utf16Index(code, cursor);
        var model = document.GetSemanticModelAsync().GetAwaiter().GetResult()!;
        var root = model.SyntaxTree.GetRoot();
        var symbol = SymbolNear(model, root, position, offset);
        if (symbol is null) return new JsonObject { ["status"] = "ok", ["found"] = false, ["data"] = new JsonObject(), ["metadata"] = new JsonObject() };
        string text = Describe(symbol);
        return new JsonObject { ["status"] = "ok", ["found"] = true, ["data"] = new JsonObject { ["text/plain"] = text }, ["metadata"] = new JsonObject() };
    }

    /// <summary><c>is_complete_reply</c> content: <c>complete</c>, or <c>incomplete</c> with the indent of the next line.</summary>
    public static JsonObject IsComplete(string code)
    {
        var tree = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(kind: SourceCodeKind.Script));
        return SyntaxFactory.IsCompleteSubmission(tree)
            ? new JsonObject { ["status"] = "complete" }
            : new JsonObject { ["status"] = "incomplete", ["indent"] = "    " };
    }

    // The earlier cells, then this one: one script, so the names they declared complete too. The earlier cells' using
    // directives go first (a script allows them only before its statements), and each cell ends with ';' so a
    // trailing expression (a cell's result) does not run into the next cell.
    private (Document Document, int Offset) Document(string code)
    {
        var usings = new StringBuilder();
        var body = new StringBuilder();
        foreach (var cell in session.SubmittedCode)
        {
            var root = (Microsoft.CodeAnalysis.CSharp.Syntax.CompilationUnitSyntax)CSharpSyntaxTree.ParseText(cell, new CSharpParseOptions(kind: SourceCodeKind.Script)).GetRoot();
            foreach (var u in root.Usings) usings.Append(u.ToString()).Append('\n');
            body.Append(root.RemoveNodes(root.Usings, SyntaxRemoveOptions.KeepNoTrivia)!.ToFullString()).Append("\n;\n");
        }
        var prefix = usings.Append(body);
        string cellCode = CellDirectives.TryStrip(code);
        var workspace = new AdhocWorkspace(Host.Value);
        var project = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Create(), "cells", "cells", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, usings: NotebookSession.DefaultImports),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest, kind: SourceCodeKind.Script),
            metadataReferences: session.References.Select(WithDocumentation),
            isSubmission: true, hostObjectType: typeof(KernelGlobals)));
        var document = workspace.AddDocument(DocumentInfo.Create(DocumentId.CreateNewId(project.Id), "cell.csx",
            sourceCodeKind: SourceCodeKind.Script, loader: TextLoader.From(TextAndVersion.Create(SourceText.From(prefix + cellCode), VersionStamp.Create()))));
        return (document, prefix.Length);
    }

    private MetadataReference WithDocumentation(MetadataReference reference)
    {
        if (reference is not PortableExecutableReference { FilePath: { } path }) return reference;
        lock (documented)
        {
            if (documented.TryGetValue(path, out var known)) return known;
            string xml = Path.ChangeExtension(path, ".xml");
            var made = File.Exists(xml) ? MetadataReference.CreateFromFile(path, documentation: XmlDocumentationProvider.CreateFromFile(xml)) : reference;
            documented[path] = made;
            return made;
        }
    }

    private static ISymbol? SymbolNear(SemanticModel model, SyntaxNode root, int position, int cellStart)
    {
        // The identifier under the cursor, or the nearest one before it in the cell (`Tensor.Randn(|` inspects Randn).
        var token = root.FindToken(Math.Max(cellStart, Math.Min(position, root.FullSpan.End - 1)));
        if (!token.IsKind(SyntaxKind.IdentifierToken) || token.SpanStart > position) token = token.GetPreviousToken();
        while (token.SpanStart >= cellStart && !token.IsKind(SyntaxKind.IdentifierToken) && token != default) token = token.GetPreviousToken();
        if (!token.IsKind(SyntaxKind.IdentifierToken) || token.Parent is null) return null;
        var info = model.GetSymbolInfo(token.Parent);
        return info.Symbol ?? info.CandidateSymbols.FirstOrDefault() ?? model.GetDeclaredSymbol(token.Parent) ?? model.GetTypeInfo(token.Parent).Type;
    }

    /// <summary>The symbol's C# signature, then its XML documentation as text (summary, parameters, returns).</summary>
    private static string Describe(ISymbol symbol)
    {
        var text = new StringBuilder(symbol.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat));
        string? xml = symbol.GetDocumentationCommentXml();
        if (string.IsNullOrWhiteSpace(xml)) return text.ToString();
        XElement doc;
        try { doc = XElement.Parse(xml); }
        catch (System.Xml.XmlException) { return text.ToString(); }
        if (doc.Element("summary") is { } summary) text.Append("\n\n").Append(Plain(summary));
        var parameters = doc.Elements("param").ToList();
        if (parameters.Count > 0)
        {
            text.Append("\n\nParameters:");
            foreach (var p in parameters) text.Append($"\n  {p.Attribute("name")?.Value}: {Plain(p)}");
        }
        if (doc.Element("returns") is { } returns) text.Append("\n\nReturns: ").Append(Plain(returns));
        return text.ToString();
    }

    // <c>x</c> as x, <see cref="T:A.B"/> as B, <paramref name="p"/> as p; whitespace folded.
    private static string Plain(XElement element)
    {
        var text = new StringBuilder();
        foreach (var node in element.Nodes())
            text.Append(node switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "see" or "seealso" } e => (e.Attribute("cref")?.Value ?? e.Attribute("langword")?.Value ?? e.Value).Split(':', '.').Last(),
                XElement { Name.LocalName: "paramref" or "typeparamref" } e => e.Attribute("name")?.Value ?? "",
                XElement e => Plain(e),
                _ => "",
            });
        return string.Join(' ', text.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    private static int Utf16Index(string text, int codePoints)
    {
        int index = 0;
        for (int n = 0; n < codePoints && index < text.Length; n++) index += char.IsHighSurrogate(text[index]) && index + 1 < text.Length ? 2 : 1;
        return Math.Min(index, text.Length);
    }

    private static int CodePointIndex(string text, int utf16)
    {
        int points = 0;
        for (int i = 0; i < Math.Min(utf16, text.Length); i++) if (!char.IsLowSurrogate(text[i])) points++;
        return points;
    }
}
