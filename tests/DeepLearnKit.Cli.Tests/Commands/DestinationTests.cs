// Where `dlk run` writes: destinations that cannot take the results are refused before anything runs, a write that
// fails after the run keeps the results elsewhere and says where, and no file dlk did not make is ever replaced.
namespace DeepLearnKit.Cli.Tests.Commands;

[Collection(SessionCollection.Name)]
public class DestinationTests
{
    private static async Task<(int ExitCode, string Output, string Errors)> Dlk(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = await Program.RunWithExitCodeAsync(args, output, errors, CancellationToken.None);
        return (code, output.ToString(), errors.ToString());
    }

    /// <summary>A notebook whose one cell leaves a file behind, so a test can tell whether it ran.</summary>
    private static string Witness(TempFolder folder, string name, string marker = "ran.txt") =>
        folder.File(name, $"#!csharp\nSystem.IO.File.WriteAllText(\"{marker}\", \"yes\");\n\"done\"");

    [Fact]
    public async Task An_existing_file_named_as_the_output_folder_is_refused_before_running()
    {
        using var folder = new TempFolder();
        string notebook = Witness(folder, "lesson.dib");
        string file = folder.File("results", "not a folder");

        var (code, _, errors) = await Dlk("run", notebook, "-o", file);
        Assert.Equal(2, code);
        Assert.Contains(file, errors);
        Assert.Contains("is a file", errors);
        Assert.False(File.Exists(Path.Combine(folder.Path, "ran.txt")));
        Assert.Equal("not a folder", File.ReadAllText(file));
    }

    [Theory]
    [InlineData("under-a-file")]
    [InlineData("/proc/dlk-cannot-write-here")]
    public async Task An_output_folder_that_cannot_be_written_is_refused_before_running(string where)
    {
        using var folder = new TempFolder();
        string notebook = Witness(folder, "lesson.dib");
        string destination = where.StartsWith('/') ? where : Path.Combine(folder.File("plain", "x"), "sub");

        var (code, _, errors) = await Dlk("run", notebook, "-o", destination);
        Assert.Equal(2, code);
        Assert.Contains(destination, errors);
        Assert.False(File.Exists(Path.Combine(folder.Path, "ran.txt")));
    }

    [Fact]
    public async Task A_write_that_fails_after_the_run_keeps_the_results_elsewhere_and_says_where()
    {
        using var folder = new TempFolder();
        string output = Path.Combine(folder.Path, "out");
        // The cell takes the output folder away while the notebook runs: what a full or vanished disk does.
        string notebook = folder.File("lesson.dib",
            $"#!csharp\nSystem.IO.Directory.Delete(@\"{output}\", true);\nSystem.IO.File.WriteAllText(@\"{output}\", \"in the way\");\n\"computed\"");

        var (code, console, _) = await Dlk("run", notebook, "-o", output);
        Assert.Equal(1, code);
        Assert.Contains("lesson.dib: ok in", console);
        Assert.Contains($"could not write '{Path.Combine(output, "lesson.ipynb")}'", console);
        string kept = console.Split("kept at '")[1].Split('\'')[0];
        Assert.Contains("computed", File.ReadAllText(kept));
        Directory.Delete(Path.GetDirectoryName(kept)!, recursive: true);
    }

    [Fact]
    public async Task Running_a_dib_never_replaces_an_unrelated_ipynb_beside_it_but_replaces_its_own_result()
    {
        using var folder = new TempFolder();
        string notebook = Witness(folder, "lesson.dib");
        string unrelated = folder.File("lesson.ipynb", "{\"cells\": [], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}");

        var (code, _, errors) = await Dlk("run", notebook);
        Assert.Equal(2, code);
        Assert.Contains(unrelated, errors);
        Assert.Contains("-o", errors);
        Assert.Equal("{\"cells\": [], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}", File.ReadAllText(unrelated));
        Assert.False(File.Exists(Path.Combine(folder.Path, "ran.txt")));

        File.Delete(unrelated);
        Assert.Equal(0, (await Dlk("run", notebook)).ExitCode);
        Assert.Equal(0, (await Dlk("run", notebook)).ExitCode); // its own result from the first run is replaced
        Assert.Contains("\"done\"", File.ReadAllText(unrelated));
    }

    [Fact]
    public async Task Two_inputs_of_one_name_into_one_folder_are_refused_before_running()
    {
        using var folder = new TempFolder();
        string a = Witness(folder, "a/nb.dib", "ran-a.txt");
        string b = Witness(folder, "b/nb.dib", "ran-b.txt");
        string output = Path.Combine(folder.Path, "out");

        var (code, _, errors) = await Dlk("run", a, b, "-o", output);
        Assert.Equal(2, code);
        Assert.Contains(a, errors);
        Assert.Contains(b, errors);
        Assert.Contains(Path.Combine(output, "nb.ipynb"), errors);
        Assert.False(File.Exists(Path.Combine(output, "nb.ipynb")));
        Assert.False(File.Exists(Path.Combine(folder.Path, "a", "ran-a.txt")));
    }
}
