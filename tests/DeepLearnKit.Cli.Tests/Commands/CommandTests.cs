// The command line: its errors, `dlk doctor`'s facts checked against this machine, and `dlk run` end to end.
using DeepLearnKit.Cli.Commands;
using DeepLearnKit.Data;

namespace DeepLearnKit.Cli.Tests.Commands;

[Collection(SessionCollection.Name)]
public class CommandTests
{
    private static async Task<(int ExitCode, string Output, string Progress)> Dlk(params string[] args)
    {
        var output = new StringWriter();
        var progress = new StringWriter();
        int code = await Program.RunAsync(args, output, progress, CancellationToken.None);
        return (code, output.ToString(), progress.ToString());
    }

    [Fact]
    public async Task Bad_command_lines_are_refused_with_a_message()
    {
        await Assert.ThrowsAsync<CommandLineException>(() => Dlk("frobnicate"));
        var unknownOption = await Assert.ThrowsAsync<CommandLineException>(() => Dlk("run", "a.ipynb", "--fast"));
        Assert.Contains("--fast", unknownOption.Message);
        var badTimeout = await Assert.ThrowsAsync<CommandLineException>(() => Dlk("run", "a.ipynb", "--timeout", "soon"));
        Assert.Contains("soon", badTimeout.Message);
        var missing = await Assert.ThrowsAsync<FileNotFoundException>(() => Dlk("run", "/no/such/notebook.ipynb"));
        Assert.Contains("/no/such/notebook.ipynb", missing.Message);
        Assert.Equal(0, (await Dlk("--help")).ExitCode);
    }

    [Fact]
    public void Doctor_reports_this_machines_cores_accelerators_and_data()
    {
        var report = DoctorCommand.Report().ToDictionary(r => r.What, r => r.Value);
        Assert.Equal(Environment.ProcessorCount.ToString(), report["CPU cores"]);
        Assert.Contains("CPU", report["ILGPU accelerators"]);
        Assert.Equal(Device.HasGpu, !report["GPU for Device.Gpu"].StartsWith("none", StringComparison.Ordinal));
        var found = FashionMnist.Source.TryLocate();
        if (found is { } files) Assert.Equal(Path.GetDirectoryName(files.Images), report["fashion-mnist"]);
        else Assert.Contains("not on this machine", report["fashion-mnist"]);
    }

    [Fact]
    public async Task Run_writes_the_executed_notebook_into_the_output_folder_and_fails_when_a_cell_fails()
    {
        using var folder = new TempFolder();
        string good = folder.File("good.dib", "#!csharp\n1 + 1");
        string bad = folder.File("bad.dib", "#!csharp\nthrow new Exception(\"boom\");");
        string outputFolder = Path.Combine(folder.Path, "out");

        var (code, output, progress) = await Dlk("run", good, bad, "-o", outputFolder);

        Assert.Equal(1, code);
        Assert.True(File.Exists(Path.Combine(outputFolder, "good.ipynb")));
        Assert.Contains("\"boom\"", File.ReadAllText(Path.Combine(outputFolder, "bad.ipynb")));
        Assert.Contains("bad.dib: 1 failed cell(s)", output);
        Assert.Contains("good.dib: cell 1 of 1 ... succeeded", progress);
        Assert.Equal(0, (await Dlk("run", good, "-o", outputFolder)).ExitCode);
    }
}
