// Chapters executed through `dlk kernel` by Debian's nbclient, through the kernelspec their own metadata names
// (.NET Interactive's name, which `dlk kernel install` takes when .NET Interactive is not there): no error output,
// every code cell run, pictures in the outputs, and notebooks that Jupyter's validator accepts.
// Every chapter already runs in the book's test (the same kernel session code, without the wire protocol); this pass
// takes the chapters that use what only the protocol route can break, to keep the suite within its time budget.
using System.Text.Json;
using DeepLearnKit.Cli.Tests.Book;

namespace DeepLearnKit.Cli.Tests.Kernel;

[Collection(SessionCollection.Name)]
public class KernelChapterTests(InstalledKernel kernel) : IClassFixture<InstalledKernel>
{
    private static string Here([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    /// <summary>
    /// 01: the first chapter a learner opens; 04: live charts replaced in place while training (update_display_data);
    /// 08: packages DeepLearnKit depends on (Microsoft.ML.Tokenizers) restored by the first cell's #r; 10: files read
    /// and written relative to the kernel's working directory (a checkpoint, PyTorch's state dict).
    /// </summary>
    private static readonly string[] ProtocolChapters = ["01-tensors.ipynb", "04-mlp.ipynb", "08-attention.ipynb", "10-transfer.ipynb"];

    [Fact]
    public void Nbclient_runs_the_protocol_chapters_through_the_kernel_their_metadata_names()
    {
        var chapters = ProtocolChapters.Select(name => Path.Combine(ChapterBookFixture.NotebookFolder, name)).ToList();
        Assert.All(chapters, chapter => Assert.True(File.Exists(chapter), $"{chapter} is gone: choose the chapter that now covers its reason"));
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
