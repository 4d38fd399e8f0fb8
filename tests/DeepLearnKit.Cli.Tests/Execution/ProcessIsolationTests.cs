// `dlk run` runs a notebook's cells in a kernel process of its own: a cell that ends that process becomes an error
// output saying the kernel died and how, and the notebook is still written (and valid) with everything that ran; a
// cell that leaves a foreground thread running does not keep dlk alive; a loop that never ends is interrupted and the
// notebook goes on.
using System.Diagnostics;
using System.Text.Json.Nodes;
using DeepLearnKit.Cli.Tests.Kernel;

namespace DeepLearnKit.Cli.Tests.Execution;

[Collection(SessionCollection.Name)]
public class ProcessIsolationTests
{
    private static string Notebook(params string[] cells) => new JsonObject
    {
        ["cells"] = new JsonArray(cells.Select((c, i) => (JsonNode)new JsonObject
        {
            ["cell_type"] = "code", ["id"] = $"cell{i}", ["metadata"] = new JsonObject(), ["execution_count"] = null,
            ["outputs"] = new JsonArray(), ["source"] = c,
        }).ToArray()),
        ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5,
    }.ToJsonString();

    /// <summary>Runs `dlk run` on a notebook of <paramref name="cells"/> as its own process; returns the exit code, the written notebook's cells and dlk's output.</summary>
    private static (int ExitCode, JsonArray Cells, string Output, TimeSpan Elapsed) DlkRun(params string[] cells) => DlkRun([], cells);

    private static (int ExitCode, JsonArray Cells, string Output, TimeSpan Elapsed) DlkRun(string[] options, string[] cells)
    {
        using var folder = new TempFolder();
        string input = folder.File("cells.ipynb", Notebook(cells));
        string output = Path.Combine(folder.Path, "out");
        Directory.CreateDirectory(output);
        var clock = Stopwatch.StartNew();
        var (exit, text) = InstalledKernel.RunProcess("dotnet", [InstalledKernel.Dlk, "run", input, "-o", output, "--timeout", "20", .. options], TimeSpan.FromMinutes(3));
        string written = Path.Combine(output, "cells.ipynb");
        Assert.True(File.Exists(written), $"dlk wrote no notebook (exit {exit}):\n{text}");
        var (valid, problems) = InstalledKernel.RunProcess(InstalledKernel.Python, ["-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", written], TimeSpan.FromMinutes(1));
        Assert.True(valid == 0, problems);
        return (exit, JsonNode.Parse(File.ReadAllText(written))!["cells"]!.AsArray(), text, clock.Elapsed);
    }

    private static JsonNode? Error(JsonArray cells, int cell) =>
        cells[cell]!["outputs"]!.AsArray().FirstOrDefault(o => o!["output_type"]!.GetValue<string>() == "error");

    [Theory]
    [InlineData("Environment.Exit(3);", "exited with code 3")]
    [InlineData("int Down(int n) => Down(n + 1) + 1; Down(0)", "stack overflow")]
    [InlineData("new Thread(() => throw new InvalidOperationException(\"from another thread\")).Start(); Thread.Sleep(5000);", "from another thread")]
    [InlineData("async void Boom() { await Task.Yield(); throw new InvalidOperationException(\"from async void\"); } Boom(); Thread.Sleep(5000);", "from async void")]
    public void A_cell_that_ends_its_process_becomes_an_error_and_the_notebook_is_written(string killer, string how)
    {
        var (exit, cells, output, _) = DlkRun("Console.WriteLine(\"before\"); 40 + 2", killer, "\"after\"");
        Assert.Equal(1, exit);
        Assert.Contains("42", cells[0]!["outputs"]!.ToJsonString());                        // what ran before is kept
        var error = Error(cells, 1);
        Assert.NotNull(error);
        Assert.Equal("KernelDied", error!["ename"]!.GetValue<string>());
        Assert.Contains(how, error["evalue"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(cells[2]!["outputs"]!.AsArray());                                        // not run: its kernel is gone
        Assert.Contains("1 failed cell", output);
    }

    [Theory]
    [InlineData(new string[0], "kernel")]
    [InlineData(new[] { "--in-process" }, "run")]
    public void The_cells_run_in_a_kernel_process_unless_asked_to_run_in_dlk(string[] options, string command)
    {
        // The command the process running the cell was started with: `dlk kernel -f …` or `dlk run …` itself.
        var (exit, cells, output, _) = DlkRun(options, ["Environment.GetCommandLineArgs()[1]"]);
        Assert.True(exit == 0, output);
        Assert.Contains($"\"{command}\"", cells[0]!["outputs"]!.ToJsonString());
    }

    [Fact]
    public void A_foreground_thread_left_running_does_not_keep_dlk_alive()
    {
        var (exit, cells, output, elapsed) = DlkRun("new Thread(() => { while (true) Thread.Sleep(100); }) { IsBackground = false }.Start(); 1", "2");
        Assert.True(exit == 0, output);
        Assert.Contains("\"2\"", cells[1]!["outputs"]!.ToJsonString());
        Assert.True(elapsed < TimeSpan.FromMinutes(2), $"dlk took {elapsed}");
    }

    [Fact]
    public void A_loop_that_never_ends_is_stopped_at_its_time_limit_and_the_next_cells_run()
    {
        var (exit, cells, output, _) = DlkRun(["--continue-on-error"], ["var spins = 0L;", "while (true) { spins++; }", "spins > 0"]);
        Assert.Equal(1, exit);
        Assert.Contains("time limit of 20 s", Error(cells, 1)!["evalue"]!.GetValue<string>());
        Assert.Contains("true", cells[2]!["outputs"]!.ToJsonString(), StringComparison.OrdinalIgnoreCase);   // the kernel's state survived
    }
}
