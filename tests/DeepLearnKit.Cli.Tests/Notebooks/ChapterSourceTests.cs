// What every chapter's source must be to open unchanged in every host: its first code cell loads the package with
// `#r "nuget: DeepLearnKit, <version>"` alone, and no cell names a relative package source (which the .NET Interactive
// kernel rejects with "Invalid URI" and dlk therefore refuses).
using System.Xml.Linq;
using DeepLearnKit.Cli.Tests.Book;
using DeepLearnKit.Cli.Execution;
using DeepLearnKit.Cli.Notebooks;

namespace DeepLearnKit.Cli.Tests.Notebooks;

public class ChapterSourceTests
{
    private static string Version() =>
        XDocument.Load(Path.Combine(ChapterBookFixture.RepositoryRoot, "Directory.Build.props")).Descendants("Version").Single().Value;

    public static TheoryData<string> Chapters() =>
        [.. Directory.GetFiles(ChapterBookFixture.NotebookFolder, "*.ipynb").Order().Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(Chapters))]
    public void A_chapter_loads_the_package_with_one_line_that_works_in_every_host(string chapter)
    {
        var notebook = Notebook.Load(Path.Combine(ChapterBookFixture.NotebookFolder, chapter));
        var code = notebook.Cells.Where(c => c.Kind == CellKind.Code).ToList();
        Assert.Equal($"#r \"nuget: DeepLearnKit, {Version()}\"", code[0].Source.Split('\n')[0].Trim());
        foreach (var cell in code)
        {
            Assert.DoesNotContain("#i ", cell.Source);
            var directives = CellDirectives.Parse(cell.Source);   // throws on a relative #i, as the kernel fails on it
            Assert.Empty(directives.Sources);
        }
    }
}
