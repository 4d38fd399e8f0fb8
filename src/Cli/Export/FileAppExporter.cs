// A chapter as a C# file-based app (`dotnet run chapter.cs`, .NET 10): the path Microsoft recommends to C# learners now
// that .NET Interactive is deprecated. Markdown becomes comments, `#r "nuget: …"` becomes `#:package`, `#i "nuget: …"`
// a package source property, and each displayed value (`display(x)`, a cell's last expression) a call to Show, which
// writes the same pictures into a report page.
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using DeepLearnKit.Cli.Execution;
using DeepLearnKit.Cli.Notebooks;

namespace DeepLearnKit.Cli.Export;

/// <summary>Turns a notebook into the source of a file-based app.</summary>
public static class FileAppExporter
{
    /// <summary>The static class whose <c>Show</c> displays values outside a notebook.</summary>
    public const string ShowClass = "DeepLearnKit.Formatters.Picture";

    /// <summary>
    /// The file-based app for <paramref name="notebook"/>; an <c>#i "nuget: …"</c> source (absolute, as the kernel
    /// needs it) becomes a <c>#:property RestoreAdditionalProjectSources</c> line. A cell in another language than C# is an error. Script code that a
    /// program cannot hold as it stands is rearranged: using directives go to the top, type declarations to the end.
    /// </summary>
    public static string Export(Notebook notebook)
    {
        var header = new List<string>();
        var usings = new List<string>();
        var body = new StringBuilder();
        var types = new StringBuilder();
        foreach (var cell in notebook.Cells)
        {
            switch (cell.Kind)
            {
                case CellKind.Markdown:
                    foreach (string line in cell.Source.TrimEnd().Split('\n')) body.AppendLine(line.Length == 0 ? "//" : "// " + line.TrimEnd('\r'));
                    body.AppendLine();
                    break;
                case CellKind.Code when cell.Language != NotebookCell.CSharp:
                    throw new NotSupportedException($"export: a {cell.Language} cell cannot be part of a C# app.");
                case CellKind.Code:
                    var directives = CellDirectives.Parse(cell.Source);
                    foreach (string source in directives.Sources)
                        AddOnce(header, $"#:property RestoreAdditionalProjectSources={source}");
                    foreach (var p in directives.Packages)
                        AddOnce(header, p.Version is null ? $"#:package {p.Id}@*" : $"#:package {p.Id}@{p.Version}");
                    AppendCode(directives.Code, usings, body, types);
                    break;
            }
        }
        var file = new StringBuilder();
        foreach (string line in header) file.AppendLine(line);
        // The package's restore reports these two about its dependencies' versions (see the package's README).
        if (header.Count > 0) file.AppendLine("#:property NoWarn=$(NoWarn);NU1603;NU1605");
        // A file-based app defaults to PublishAot=true, which turns off dynamic code even under `dotnet run`; ILGPU
        // (Device.Gpu and its CPU simulator) compiles its kernels at run time and needs it.
        file.AppendLine("#:property PublishAot=false");
        file.AppendLine();
        foreach (string u in NotebookSession.DefaultImports) AddOnce(usings, $"using {u};");
        AddOnce(usings, $"using static {ShowClass};");
        foreach (string u in usings.Order(StringComparer.Ordinal)) file.AppendLine(u);
        file.AppendLine();
        file.Append(body);
        if (types.Length > 0)
        {
            file.AppendLine("// Types declared in the notebook's cells (a program declares them after its statements).");
            file.Append(types);
        }
        return file.ToString();
    }

    private static void AppendCode(string code, List<string> usings, StringBuilder body, StringBuilder types)
    {
        var root = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest, kind: SourceCodeKind.Script)).GetCompilationUnitRoot();
        root = (CompilationUnitSyntax)new DisplayToShow().Visit(root);
        foreach (var u in root.Usings) AddOnce(usings, u.ToString().Trim());
        var members = root.Members;
        for (int i = 0; i < members.Count; i++)
        {
            var member = members[i];
            if (member is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax or BaseNamespaceDeclarationSyntax)
            {
                types.AppendLine(member.ToFullString().Trim('\n', '\r')).AppendLine();
            }
            else if (i == members.Count - 1 && member is GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } last })
            {
                body.Append(last.GetLeadingTrivia().ToFullString().TrimStart('\n', '\r'));
                body.AppendLine($"Show({last.Expression.WithoutTrivia()});");
            }
            else
            {
                body.AppendLine(member.ToFullString().Trim('\n', '\r'));
            }
        }
        body.AppendLine();
    }

    private static void AddOnce(List<string> lines, string line)
    {
        if (!lines.Contains(line)) lines.Add(line);
    }

    /// <summary>Renames calls of the kernel's <c>display(x)</c> to <c>Show(x)</c>.</summary>
    private sealed class DisplayToShow : CSharpSyntaxRewriter
    {
        public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
        {
            var visited = (InvocationExpressionSyntax)base.VisitInvocationExpression(node)!;
            return visited.Expression is IdentifierNameSyntax { Identifier.ValueText: "display" } name
                ? visited.WithExpression(name.WithIdentifier(SyntaxFactory.Identifier(name.Identifier.LeadingTrivia, "Show", name.Identifier.TrailingTrivia)))
                : visited;
        }
    }
}
