// `dlk kernel` as Jupyter's own client sees it: Debian's jupyter_client (protocol_probe.py) starts the kernel through a
// kernelspec that `dlk kernel install` wrote into a temporary JUPYTER_PATH and drives every message type; the
// assertions here read what it observed.
using System.Diagnostics;
using System.Text.Json;
using DeepLearnKit.Cli.Tests.Book;

namespace DeepLearnKit.Cli.Tests.Kernel;

/// <summary>A kernelspec installed by the real `dlk kernel install` into a temporary prefix, and the Python that runs Jupyter.</summary>
public sealed class InstalledKernel : IDisposable
{
    public const string Python = "/usr/bin/python3";

    public string Prefix { get; } = Directory.CreateTempSubdirectory("dlk-jupyter-").FullName;

    public string JupyterPath => Path.Combine(Prefix, "share", "jupyter");

    public static string Dlk => Path.Combine(ChapterBookFixture.RepositoryRoot, "src", "Cli", "bin", "Release", "net10.0", "dlk.dll");

    public InstalledKernel()
    {
        var (exit, output) = RunProcess("dotnet", [Dlk, "kernel", "install", "--prefix", Prefix], TimeSpan.FromMinutes(1));
        Assert.True(exit == 0, output);
    }

    /// <summary>Jupyter's folders pointed at this prefix: its kernelspecs, and data, runtime and config folders of its own.</summary>
    public Dictionary<string, string> Environment => new()
    {
        ["JUPYTER_PATH"] = JupyterPath,
        ["JUPYTER_DATA_DIR"] = Path.Combine(Prefix, "data"),
        ["JUPYTER_RUNTIME_DIR"] = Path.Combine(Prefix, "runtime"),
        ["JUPYTER_CONFIG_DIR"] = Path.Combine(Prefix, "config"),
    };

    /// <summary>Runs <paramref name="file"/> with Jupyter's folders pointed at this prefix; returns its exit code and output.</summary>
    public (int ExitCode, string Output) Run(string file, IEnumerable<string> arguments, TimeSpan limit, string? workingDirectory = null) =>
        RunProcess(file, arguments, limit, workingDirectory, Environment);

    public static (int ExitCode, string Output) RunProcess(string file, IEnumerable<string> arguments, TimeSpan limit, string? workingDirectory = null,
        Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? System.Environment.CurrentDirectory };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? []) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"did not finish within {limit.TotalSeconds} s\n{stdout.Result}\n{stderr.Result}");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    public void Dispose() => Directory.Delete(Prefix, recursive: true);
}

[Collection(SessionCollection.Name)]
public class KernelProtocolTests(InstalledKernel kernel) : IClassFixture<InstalledKernel>
{
    private static string Here([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    private static List<JsonElement> Messages(JsonElement run, string type) =>
        run[0].EnumerateArray().Where(m => m.GetProperty("type").GetString() == type).Select(m => m.GetProperty("content")).ToList();

    private static string Plain(JsonElement content) => content.GetProperty("data").GetProperty("text/plain").GetString()!;

    [Fact]
    public void Jupyters_own_client_drives_every_message_type()
    {
        string log = Path.Combine(kernel.Prefix, "kernel.log");
        var (exit, output) = kernel.Run(InstalledKernel.Python, [Path.Combine(Here(), "protocol_probe.py"), "deeplearnkit", log], TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, output + "\nkernel log:\n" + (File.Exists(log) ? File.ReadAllText(log) : ""));
        var seen = JsonDocument.Parse(output.Split('\n').Last(l => l.StartsWith('{'))).RootElement;

        var info = seen.GetProperty("kernel_info");
        Assert.Equal("5.3", info.GetProperty("protocol_version").GetString());
        Assert.Equal("C#", info.GetProperty("language_info").GetProperty("name").GetString());

        var hello = seen.GetProperty("hello");
        var states = Messages(hello, "status").Select(s => s.GetProperty("execution_state").GetString()).ToList();
        Assert.Equal(["busy", "idle"], states);
        Assert.Equal("hello\n", Assert.Single(Messages(hello, "stream")).GetProperty("text").GetString());
        var result = Assert.Single(Messages(hello, "execute_result"));
        Assert.Equal("3", Plain(result));
        Assert.Equal(1, result.GetProperty("execution_count").GetInt32());
        Assert.Equal("ok", hello[1].GetProperty("status").GetString());

        Assert.Equal("2", Plain(Assert.Single(Messages(seen.GetProperty("package"), "execute_result"))));

        var plotly = seen.GetProperty("plotly_net");
        Assert.True(plotly[1].GetProperty("status").GetString() == "ok", plotly.ToString());
        string chart = Assert.Single(Messages(plotly, "execute_result")).GetProperty("data").GetProperty("text/html").GetString()!;
        Assert.Contains("Plotly.newPlot", chart);                                    // Plotly.NET's own toChartHTML
        Assert.Contains("\"x\":[1.0,2.0]", chart.Replace(" ", ""));

        var update = seen.GetProperty("update");
        var shown = Assert.Single(Messages(update, "display_data"));
        var updated = Assert.Single(Messages(update, "update_display_data"));
        Assert.Equal(shown.GetProperty("transient").GetProperty("display_id").GetString(), updated.GetProperty("transient").GetProperty("display_id").GetString());
        Assert.Equal("first", Plain(shown));
        Assert.Equal("second", Plain(updated));

        var error = seen.GetProperty("error");
        Assert.Equal("error", error[1].GetProperty("status").GetString());
        Assert.Equal("System.InvalidOperationException", error[1].GetProperty("ename").GetString());
        Assert.Equal("boom", Assert.Single(Messages(error, "error")).GetProperty("evalue").GetString());

        var complete = seen.GetProperty("complete");
        var matches = complete.GetProperty("matches").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains("Randn", matches);
        Assert.Contains("Rand", matches);
        Assert.DoesNotContain("Ones", matches);
        Assert.Equal(7, complete.GetProperty("cursor_start").GetInt32());
        Assert.Equal(10, complete.GetProperty("cursor_end").GetInt32());

        var inspect = seen.GetProperty("inspect");
        Assert.True(inspect.GetProperty("found").GetBoolean());
        Assert.Contains("σ(x) = 1 / (1 + e⁻ˣ)", Plain(inspect));   // Sigmoid's XML doc: its formula on Shift-Tab

        Assert.Equal("incomplete", seen.GetProperty("incomplete").GetProperty("status").GetString());
        Assert.Equal("complete", seen.GetProperty("complete_code").GetProperty("status").GetString());
        Assert.Empty(seen.GetProperty("comm_info").GetProperty("comms").EnumerateObject());

        Assert.Equal("input_request", seen.GetProperty("input_request").GetString());
        Assert.Equal("4", Plain(Assert.Single(Messages(seen.GetProperty("stdin"), "execute_result"))));
        Assert.Contains("allow_stdin", seen.GetProperty("no_stdin")[1].GetProperty("evalue").GetString());

        var interrupted = seen.GetProperty("interrupted");
        Assert.Equal("error", interrupted[1].GetProperty("status").GetString());
        Assert.Contains("interrupted", Assert.Single(Messages(interrupted, "error")).GetProperty("evalue").GetString());
        Assert.Equal("True", Plain(Assert.Single(Messages(seen.GetProperty("after_interrupt"), "execute_result"))));

        Assert.DoesNotContain("stream", seen.GetProperty("forged_iopub").EnumerateArray().Select(m => m.GetString()));
        Assert.False(seen.GetProperty("forged_reply").GetBoolean());
        Assert.Contains("signature does not match", File.ReadAllText(log));
        Assert.Equal("42", Plain(Assert.Single(Messages(seen.GetProperty("after_unknown"), "execute_result"))));

        var restarted = Assert.Single(Messages(seen.GetProperty("after_restart"), "execute_result"));
        Assert.Equal("2", Plain(restarted));
        Assert.Equal(1, restarted.GetProperty("execution_count").GetInt32());   // a new session after the restart
        Assert.False(seen.GetProperty("alive_after_shutdown").GetBoolean());
    }
}
