// The C# kernel semantics the chapters rely on: shared state, results, console text, display/Update, errors,
// time limits, cell magics, #r of a dll and of a NuGet package with a kernel extension.
using DeepLearnKit.Cli.Execution;

namespace DeepLearnKit.Cli.Tests.Execution;

[Collection(SessionCollection.Name)]
public class NotebookSessionTests
{
    private static string Plain(CellOutput output) => Assert.IsType<DisplayOutput>(output).Data["text/plain"];

    [Fact]
    public async Task State_carries_from_cell_to_cell_and_the_last_expression_is_the_result()
    {
        using var folder = new TempFolder();
        var session = new NotebookSession(folder.Path);
        var first = await session.RunAsync("var x = 20;\nint Twice(int v) => 2 * v;");
        Assert.True(first.Succeeded);
        Assert.Empty(first.Outputs);

        var second = await session.RunAsync("Twice(x) + 2");
        var result = Assert.IsType<DisplayOutput>(Assert.Single(second.Outputs));
        Assert.Equal("42", result.Data["text/plain"]);
        Assert.Equal(2, result.ExecutionCount);
        Assert.Equal(2, second.ExecutionCount);
    }

    [Fact]
    public async Task Console_text_and_displays_keep_their_order_and_an_update_redraws_in_place()
    {
        using var folder = new TempFolder();
        var session = new NotebookSession(folder.Path);
        var run = await session.RunAsync("""
            Console.Write("a"); Console.WriteLine("b");
            var shown = display(1);
            Console.WriteLine("c");
            shown.Update(7 * 6);
            """);
        Assert.True(run.Succeeded);
        Assert.Collection(run.Outputs,
            o => Assert.Equal(new StreamOutput("stdout", "ab\n"), o),
            o => Assert.Equal("42", Plain(o)),
            o => Assert.Equal(new StreamOutput("stdout", "c\n"), o));
        Assert.Null(((DisplayOutput)run.Outputs[1]).ExecutionCount);
    }

    [Fact]
    public async Task Compile_errors_and_exceptions_become_error_outputs_and_later_cells_still_run()
    {
        using var folder = new TempFolder();
        var session = new NotebookSession(folder.Path);
        var compile = await session.RunAsync("var y = undefinedName + 1;");
        Assert.Equal(CellStatus.Failed, compile.Status);
        var compileError = Assert.IsType<ErrorOutput>(Assert.Single(compile.Outputs));
        Assert.Equal("CompilationError", compileError.Name);
        Assert.Contains("CS0103", compileError.Message);
        Assert.Contains("undefinedName", compileError.Message);

        var thrown = await session.RunAsync("Console.WriteLine(\"before\"); throw new InvalidOperationException(\"shape [2, 3] is wrong\");");
        Assert.Equal(CellStatus.Failed, thrown.Status);
        Assert.Equal(new StreamOutput("stdout", "before\n"), thrown.Outputs[0]);
        var error = Assert.IsType<ErrorOutput>(thrown.Outputs[1]);
        Assert.Equal("System.InvalidOperationException", error.Name);
        Assert.Equal("shape [2, 3] is wrong", error.Message);

        Assert.Equal("3", Plain(Assert.Single((await session.RunAsync("1 + 2")).Outputs)));
    }

    [Fact]
    public async Task A_cell_past_its_time_limit_fails_and_the_session_stops()
    {
        using var folder = new TempFolder();
        var session = new NotebookSession(folder.Path);
        await session.RunAsync("0");   // compiled once, so the limit below falls inside the sleep, not the first compilation
        // A call that checks no interrupt flag outlives the grace period: the session gives up on it.
        var run = await session.RunAsync("System.Threading.Thread.Sleep(8000);", TimeSpan.FromMilliseconds(1000));
        Assert.Equal(CellStatus.TimedOut, run.Status);
        Assert.Contains("time limit", Assert.IsType<ErrorOutput>(Assert.Single(run.Outputs)).Message);
        Assert.False(session.CanRun);
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.RunAsync("1"));
    }

    [Fact]
    public async Task Cancelling_a_cell_that_does_not_stop_ends_the_session()
    {
        using var folder = new TempFolder();
        var session = new NotebookSession(folder.Path);
        await session.RunAsync("0");   // compiled once, so the cancellation below falls inside the sleep
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(1000));
        var run = await session.RunAsync("System.Threading.Thread.Sleep(8000);", cancellationToken: cancel.Token);
        Assert.Equal(CellStatus.Cancelled, run.Status);
        Assert.False(session.CanRun);
    }

    [Theory]
    [InlineData("while (true) { spins++; }")]
    [InlineData("for (;;) spins++;")]
    [InlineData("do { spins++; } while (spins > 0);")]
    [InlineData("foreach (var i in Enumerable.Repeat(1, int.MaxValue)) { foreach (var j in Enumerable.Range(0, 10)) spins += j; }")]
    public async Task An_interrupted_loop_stops_and_the_session_keeps_its_state(string loop)
    {
        using var folder = new TempFolder();
        var session = new NotebookSession(folder.Path);
        await session.RunAsync("long spins = 0;");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var run = await session.RunAsync(loop, cancellationToken: cancel.Token);
        Assert.Equal(CellStatus.Cancelled, run.Status);
        Assert.Contains("interrupted", Assert.IsType<ErrorOutput>(Assert.Single(run.Outputs)).Message);
        Assert.True(session.CanRun);
        Assert.Equal("True", Plain(Assert.Single((await session.RunAsync("spins > 0")).Outputs)));
    }

    [Fact]
    public void Instrumenting_keeps_line_numbers_and_leaves_code_that_does_not_parse_alone()
    {
        string code = "var n = 0;\nwhile (n < 3)\n    n++;\nfor (int i = 0; i < 2; i++) { n += i; }\nn";
        string instrumented = Interruption.Instrument(code);
        Assert.Equal(code.Split('\n').Length, instrumented.Split('\n').Length);
        Assert.Equal(2, instrumented.Split(Interruption.CheckStatement).Length - 1);
        Assert.Equal("while (", instrumented.Split('\n')[1][..7]);
        Assert.Equal("var x = ;", Interruption.Instrument("var x = ;"));
    }

    [Fact]
    public async Task The_csharp_cell_magic_is_accepted_and_other_kernels_are_refused()
    {
        using var folder = new TempFolder();
        var session = new NotebookSession(folder.Path);
        Assert.Equal("5", Plain(Assert.Single((await session.RunAsync("#!csharp\n2 + 3")).Outputs)));
        var fsharp = await session.RunAsync("#!fsharp\nlet x = 1");
        Assert.Equal(CellStatus.Failed, fsharp.Status);
        Assert.Contains("#!fsharp", Assert.IsType<ErrorOutput>(Assert.Single(fsharp.Outputs)).Message);
    }

    [Fact]
    public async Task Hash_r_references_a_dll_relative_to_the_notebook_folder()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(Path.Combine(folder.Path, "Adder.dll"),
            TestPackages.CompileLibrary("Adder", "namespace Adder { public static class Sum { public static int Of(int a, int b) => a + b; } }"));
        var session = new NotebookSession(folder.Path);
        var run = await session.RunAsync("#r \"Adder.dll\"\nAdder.Sum.Of(40, 2)");
        Assert.True(run.Succeeded, string.Join('\n', run.Outputs));
        Assert.Equal("42", Plain(Assert.Single(run.Outputs)));
    }

    [Fact]
    public async Task A_nuget_reference_restores_a_local_package_references_it_and_runs_its_extension_first()
    {
        using var folder = new TempFolder();
        // A version no earlier run has restored, so the global packages folder cannot answer from a stale copy.
        string version = $"1.0.0-t{DateTime.UtcNow.Ticks}";
        TestPackages.Pack(Path.Combine(folder.Path, "feed"), "DlkProbe", version,
            "namespace Probe { public sealed record Point(int X, int Y); public static class Extension { public static int Loads; } }",
            """
            #!meta
            {"kernelInfo":{}}
            #!csharp
            Probe.Extension.Loads++;
            Microsoft.DotNet.Interactive.Formatting.Formatter.Register<Probe.Point>((p, w) => w.Write($"<b>point {p.X},{p.Y}</b>"), "text/html");
            display("extension loaded");
            """);
        try
        {
            var session = new NotebookSession(folder.Path);
            var run = await session.RunAsync($"#i \"nuget: {Path.Combine(folder.Path, "feed")}\"\n#r \"nuget: DlkProbe, {version}\"\nnew Probe.Point(Probe.Extension.Loads, 2)");

            Assert.True(run.Succeeded, string.Join('\n', run.Outputs));
            Assert.Collection(run.Outputs,
                o => Assert.Equal($"Installed Packages: DlkProbe, {version}", Plain(o)),
                o => Assert.Equal("extension loaded", Plain(o)),
                o => Assert.Equal("<b>point 1,2</b>", Assert.IsType<DisplayOutput>(o).Data["text/html"]));
            Assert.Contains("DlkProbe", session.LoadedPackages);
        }
        finally
        {
            string cached = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages", "dlkprobe", version);
            if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
        }
    }

    [Fact]
    public void Directives_are_read_and_taken_out_of_the_code_keeping_line_numbers()
    {
        var cell = CellDirectives.Parse("#!csharp\n#i \"nuget: /work/pkgs\"\n#r \"nuget: DeepLearnKit, 0.1.0\"\n#r \"nuget:Other\"\nvar a = 1;");
        Assert.Equal("\n\n\n\nvar a = 1;", cell.Code);
        Assert.Equal(["/work/pkgs"], cell.Sources);
        Assert.Equal([new PackageRequest("DeepLearnKit", "0.1.0"), new PackageRequest("Other", null)], cell.Packages);
        Assert.Throws<ArgumentException>(() => CellDirectives.Parse("#r \"nuget: A, 1\" extra"));
    }

    [Theory]
    [InlineData("../artifacts/packages")]
    [InlineData("feed")]
    [InlineData("./local")]
    public async Task A_relative_package_source_is_refused_as_the_dotnet_interactive_kernel_refuses_it(string source)
    {
        using var folder = new TempFolder();
        var session = new NotebookSession(folder.Path);
        var run = await session.RunAsync($"#i \"nuget: {source}\"\n#r \"nuget: DeepLearnKit, 0.1.0\"\n1 + 1");

        Assert.Equal(CellStatus.Failed, run.Status);
        var error = Assert.IsType<ErrorOutput>(Assert.Single(run.Outputs));
        Assert.Contains("PackageManagement Error 999 Invalid URI", error.Message);
        Assert.Contains("relative package source", error.Message);
        Assert.Contains("user-level NuGet source", error.Message);
        Assert.Empty(session.LoadedPackages);
    }
}
