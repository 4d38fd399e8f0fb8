// Run All semantics: cells in order, the first failure stops the run unless asked to go on, markdown passes through.
using DeepLearnKit.Cli.Execution;
using DeepLearnKit.Cli.Notebooks;

namespace DeepLearnKit.Cli.Tests.Execution;

[Collection(SessionCollection.Name)]
public class NotebookRunnerTests
{
    private static Notebook Cells(params string[] code) =>
        new([new NotebookCell(CellKind.Markdown, "# Title"), .. code.Select(c => new NotebookCell(CellKind.Code, c))]);

    [Fact]
    public async Task The_first_failing_cell_stops_the_run_and_later_cells_keep_no_outputs()
    {
        using var folder = new TempFolder();
        var notebook = Cells("var a = 1;", "a.NoSuchMember()", "a + 1");
        var progress = new StringWriter();
        var run = await NotebookRunner.RunAsync(notebook, folder.Path, new RunOptions(Progress: progress), "n.ipynb");

        Assert.False(run.Succeeded);
        Assert.True(run.Stopped);
        Assert.Equal(1, run.FailedCells);
        var code = notebook.CodeCells.ToList();
        Assert.Equal([1, 2, null], code.Select(c => c.ExecutionCount));
        Assert.Empty(code[2].Outputs);
        Assert.Contains("n.ipynb: cell 2 of 3 ... failed", progress.ToString());
    }

    [Fact]
    public async Task With_continue_on_error_every_cell_runs()
    {
        using var folder = new TempFolder();
        var notebook = Cells("var a = 1;", "a.NoSuchMember()", "a + 1");
        var run = await NotebookRunner.RunAsync(notebook, folder.Path, new RunOptions(ContinueOnError: true));
        Assert.False(run.Stopped);
        Assert.Equal(1, run.FailedCells);
        Assert.Equal("2", Assert.IsType<DisplayOutput>(Assert.Single(notebook.CodeCells.Last().Outputs)).Data["text/plain"]);
    }

    [Fact]
    public async Task A_notebook_runs_in_its_own_folder()
    {
        using var folder = new TempFolder();
        folder.File("data.txt", "from the notebook's folder");
        var notebook = Cells("File.ReadAllText(\"data.txt\")");
        var run = await NotebookRunner.RunAsync(notebook, folder.Path, new RunOptions());
        Assert.True(run.Succeeded, string.Join('\n', notebook.CodeCells.Single().Outputs));
        Assert.Equal("from the notebook's folder",
            Assert.IsType<DisplayOutput>(Assert.Single(notebook.CodeCells.Single().Outputs)).Data["text/plain"]);
    }
}
