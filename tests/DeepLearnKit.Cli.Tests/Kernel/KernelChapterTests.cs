// Every chapter executed through `dlk kernel` by Debian's nbclient, through the kernelspec its own metadata names
// (.NET Interactive's name, which `dlk kernel install` takes when .NET Interactive is not there): no error output,
// every code cell run, pictures in the outputs, and notebooks that Jupyter's validator accepts.
using System.Text.Json;
using DeepLearnKit.Cli.Tests.Book;

namespace DeepLearnKit.Cli.Tests.Kernel;

[Collection(SessionCollection.Name)]
public class KernelChapterTests(InstalledKernel kernel) : IClassFixture<InstalledKernel>
{
    private static string Here([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    [Fact]
    public void Nbclient_runs_every_chapter_through_the_kernel_its_metadata_names()
    {
        var chapters = Directory.GetFiles(ChapterBookFixture.NotebookFolder, "*.ipynb").Order().ToList();
        string executed = Path.Combine(kernel.Prefix, "executed");
        Directory.CreateDirectory(executed);
        var (exit, output) = kernel.Run(InstalledKernel.Python, [Path.Combine(Here(), "execute_chapters.py"), executed, .. chapters], TimeSpan.FromMinutes(15));
        Assert.True(exit == 0, output);
        var report = JsonDocument.Parse(output.Split('\n').Last(l => l.StartsWith('{'))).RootElement;

        foreach (var chapter in chapters.Select(Path.GetFileName))
        {
            var run = report.GetProperty(chapter!);
            Assert.Equal(".net-csharp", run.GetProperty("kernel").GetString());
            Assert.True(run.GetProperty("errors").GetArrayLength() == 0, $"{chapter}: {run.GetProperty("errors")}");
            Assert.Equal(run.GetProperty("code_cells").GetInt32(), run.GetProperty("executed").GetInt32());
            string notebook = File.ReadAllText(Path.Combine(executed, chapter!));
            Assert.Contains("Installed Packages", notebook);   // the first cell's #r went through the kernel's restore
            Assert.Contains("dlk-", notebook);                // DeepLearnKit's pictures, from its formatters
        }
        var (valid, problems) = InstalledKernel.RunProcess(InstalledKernel.Python,
            ["-c", "import sys, nbformat\nfor p in sys.argv[1:]: nbformat.validate(nbformat.read(p, as_version=4))", .. Directory.GetFiles(executed, "*.ipynb")], TimeSpan.FromMinutes(1));
        Assert.True(valid == 0, problems);
    }
}
