// Exporting a chapter as a file-based app: directives become #: lines, markdown comments, displayed values Show(...),
// usings go to the top and types after the statements, and the result parses as a C# program.
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using DeepLearnKit.Cli.Export;
using DeepLearnKit.Cli.Notebooks;

namespace DeepLearnKit.Cli.Tests.Export;

public class FileAppExporterTests
{
    private const string Chapter = """
        #!markdown
        # Tensors
        A tensor is an array.
        #!csharp
        #i "nuget: /repo/artifacts/packages"
        #r "nuget: DeepLearnKit, 0.1.0"
        using System.Globalization;
        record Pair(int A, int B);
        var p = new Pair(1, 2);
        display(p);
        #!csharp
        p.A + p.B
        """;

    [Fact]
    public void A_chapter_becomes_a_program_with_package_lines_comments_and_Show_calls()
    {
        string source = FileAppExporter.Export(Dib.Parse(Chapter));
        var lines = source.Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        Assert.Equal("#:property RestoreAdditionalProjectSources=/repo/artifacts/packages", lines[0]);
        Assert.Equal("#:package DeepLearnKit@0.1.0", lines[1]);
        Assert.Contains("// # Tensors", lines);
        Assert.Contains("// A tensor is an array.", lines);
        Assert.Contains("Show(p);", lines);
        Assert.Contains("Show(p.A + p.B);", lines);
        Assert.Contains($"using static {FileAppExporter.ShowClass};", lines);
        Assert.DoesNotContain(lines, l => l.Contains("display(") || l.StartsWith("#r") || l.StartsWith("#i"));

        // As a regular program: no errors from the parser, usings first, the record after every statement.
        var tree = CSharpSyntaxTree.ParseText(string.Join('\n', lines.Where(l => !l.StartsWith("#:"))), new CSharpParseOptions(LanguageVersion.Latest));
        Assert.DoesNotContain(tree.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        var root = tree.GetCompilationUnitRoot();
        Assert.Contains(root.Usings, u => u.ToString() == "using System.Globalization;");
        int lastStatement = root.Members.ToList().FindLastIndex(m => m is GlobalStatementSyntax);
        int record = root.Members.ToList().FindIndex(m => m is RecordDeclarationSyntax);
        Assert.True(record > lastStatement, "the record comes after the top-level statements");
    }

    [Fact]
    public void A_cell_in_another_language_cannot_be_exported()
    {
        var error = Assert.Throws<NotSupportedException>(() => FileAppExporter.Export(Dib.Parse("#!fsharp\nlet x = 1")));
        Assert.Contains("fsharp", error.Message);
    }
}
