// Reading .dib and .ipynb, writing executed .ipynb that Jupyter's own validator (Debian's python3-nbformat) accepts.
using System.Diagnostics;
using System.Text.Json.Nodes;
using DeepLearnKit.Cli.Execution;
using DeepLearnKit.Cli.Notebooks;

namespace DeepLearnKit.Cli.Tests.Notebooks;

[Collection(SessionCollection.Name)]
public class NotebookFileTests
{
    internal const string Sample = """
        #!meta
        {"kernelInfo":{"defaultKernelName":"csharp"}}

        #!markdown

        # Sample chapter
        Text with $x^2$.

        #!csharp

        var x = 6;
        Console.WriteLine("six");

        #!csharp

        x * 7

        #!fsharp

        let y = 1
        """;

    [Fact]
    public void A_dib_splits_into_cells_by_kernel_lines_and_drops_its_meta_cell()
    {
        var notebook = Dib.Parse(Sample);
        Assert.Collection(notebook.Cells,
            c => { Assert.Equal(CellKind.Markdown, c.Kind); Assert.Equal("# Sample chapter\nText with $x^2$.", c.Source); },
            c => { Assert.Equal(CellKind.Code, c.Kind); Assert.Equal("var x = 6;\nConsole.WriteLine(\"six\");", c.Source); },
            c => Assert.Equal("x * 7", c.Source),
            c => Assert.Equal("fsharp", c.Language));
        Assert.Equal("Sample chapter", notebook.Title);
    }

    [Fact]
    public void Text_before_any_kernel_line_is_a_csharp_cell()
    {
        var cell = Assert.Single(Dib.Parse("var a = 1;\n").Cells);
        Assert.Equal((CellKind.Code, NotebookCell.CSharp, "var a = 1;"), (cell.Kind, cell.Language, cell.Source));
    }

    [Fact]
    public async Task An_executed_notebook_is_valid_nbformat_with_the_csharp_kernelspec_and_reads_back()
    {
        using var folder = new TempFolder();
        var notebook = Dib.Parse(Sample);
        var run = await NotebookRunner.RunAsync(notebook, folder.Path, new RunOptions(ContinueOnError: true));
        Assert.Equal(1, run.FailedCells);
        string path = Path.Combine(folder.Path, "sample.ipynb");
        Ipynb.Write(notebook, path);

        var json = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal(".net-csharp", json["metadata"]!["kernelspec"]!["name"]!.GetValue<string>());
        Assert.Equal("C#", json["metadata"]!["language_info"]!["name"]!.GetValue<string>());
        var cells = json["cells"]!.AsArray();
        Assert.Equal("stream", cells[1]!["outputs"]![0]!["output_type"]!.GetValue<string>());
        Assert.Equal("42", cells[2]!["outputs"]![0]!["data"]!["text/plain"]![0]!.GetValue<string>());
        Assert.Equal(2, cells[2]!["execution_count"]!.GetValue<int>());
        Assert.Equal("error", cells[3]!["outputs"]![0]!["output_type"]!.GetValue<string>());
        NbformatValidator.AssertValid(path);

        var reread = Ipynb.Read(path);
        Assert.Equal(notebook.Cells.Select(c => (c.Kind, c.Source, c.Language, c.Id)), reread.Cells.Select(c => (c.Kind, c.Source, c.Language, c.Id)));
    }

    [Fact]
    public void A_bad_notebook_file_names_the_file_and_the_problem()
    {
        using var folder = new TempFolder();
        var notJson = Assert.Throws<NotebookFormatException>(() => Ipynb.Read(folder.File("broken.ipynb", "{\"cells\": [")));
        Assert.Contains("broken.ipynb", notJson.Message);
        Assert.Contains("not valid JSON", notJson.Message);
        var oldFormat = Assert.Throws<NotebookFormatException>(() => Ipynb.Read(folder.File("old.ipynb", "{\"nbformat\": 3, \"worksheets\": []}")));
        Assert.Contains("nbformat 3", oldFormat.Message);
        Assert.Throws<NotebookFormatException>(() => Notebook.Load(folder.File("notes.txt", "")));
    }
}

/// <summary>Runs Jupyter's validator (Debian's python3-nbformat) on a notebook file.</summary>
internal static class NbformatValidator
{
    public static void AssertValid(string path)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT)); print('valid')");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0 && output.Trim() == "valid", $"nbformat rejects {path}:\n{output}");
    }
}
