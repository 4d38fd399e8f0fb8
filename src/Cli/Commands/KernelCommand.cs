// `dlk kernel -f CONNECTION_FILE`: serve one notebook as a Jupyter kernel. `dlk kernel install`: write the kernelspec
// Jupyter finds it by, without needing the `jupyter kernelspec` command.
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeepLearnKit.Cli.Execution;
using DeepLearnKit.Cli.Kernel;

namespace DeepLearnKit.Cli.Commands;

/// <summary>The Jupyter kernel and its installation.</summary>
public static class KernelCommand
{
    /// <summary>The kernelspec name every DeepLearnKit kernel is installed under.</summary>
    public const string Name = "deeplearnkit";

    /// <summary>
    /// The kernelspec name of .NET Interactive's C# kernel, which the chapters' metadata names: installed as an alias of
    /// this kernel when no other kernel holds it, so a chapter opens with no "kernel not found" dialog, and left alone
    /// when .NET Interactive's own kernel is there, so the same file runs in it.
    /// </summary>
    public const string DotNetInteractiveName = ".net-csharp";

    /// <summary>Serves the connection file's sockets until a shutdown request; 0 when asked to shut down.</summary>
    public static async Task<int> ServeAsync(string connectionFile, TextWriter log)
    {
        var connection = ConnectionFile.Load(connectionFile);
        var session = new NotebookSession(Environment.CurrentDirectory);
        var shell = new KernelShell(session);
        using var server = new KernelServer(connection, log);
        // interrupt_mode "message" sends interrupt_request; a client that signals instead sends SIGINT.
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            shell.Interrupt();
        });
        await server.RunAsync(shell).ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// Writes kernelspecs (kernel.json and a logo) into the kernels folder of <paramref name="prefix"/> (a Jupyter data
    /// folder's parent, e.g. <c>~/.local</c>, <c>/usr</c>) or of the user's Jupyter data folder when null; idempotent.
    /// Returns the folders written.
    /// </summary>
    public static IReadOnlyList<string> Install(string? prefix, string name, TextWriter output)
    {
        string kernels = prefix is null ? Path.Combine(UserDataFolder(), "kernels") : Path.Combine(prefix, "share", "jupyter", "kernels");
        var written = new List<string> { Write(Path.Combine(kernels, name), "C# (DeepLearnKit)") };
        string alias = Path.Combine(kernels, DotNetInteractiveName);
        if (name == Name && (!File.Exists(Path.Combine(alias, "kernel.json")) || IsOurs(Path.Combine(alias, "kernel.json"))))
            written.Add(Write(alias, ".NET (C#) — DeepLearnKit"));
        else if (name == Name)
            output.WriteLine($"Left {alias} as it is: .NET Interactive's kernel is installed there, and chapters run in it too.");
        foreach (var folder in written) output.WriteLine($"Installed the kernelspec {Path.GetFileName(folder)} in {folder}");
        return written;
    }

    /// <summary>The command that starts this kernel: this program (its apphost, or dotnet and its dll), then <c>kernel -f {connection_file}</c>.</summary>
    public static IReadOnlyList<string> Argv()
    {
        string process = Environment.ProcessPath ?? "dotnet";
        string dll = typeof(KernelCommand).Assembly.Location;
        var start = Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? new List<string> { process, dll } : [process];
        start.AddRange(["kernel", "-f", "{connection_file}"]);
        return start;
    }

    private static string Write(string folder, string displayName)
    {
        Directory.CreateDirectory(folder);
        var spec = new JsonObject
        {
            ["argv"] = new JsonArray(Argv().Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
            ["display_name"] = displayName,
            ["language"] = "C#",
            ["interrupt_mode"] = "message",
            ["env"] = new JsonObject { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" },
            ["metadata"] = new JsonObject { [Name] = new JsonObject { ["version"] = typeof(KernelCommand).Assembly.GetName().Version?.ToString(3) } },
        };
        DeepLearnKit.IO.AtomicFile.WriteAllText(Path.Combine(folder, "kernel.json"), spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return folder;
    }

    private static bool IsOurs(string kernelJson)
    {
        try { return JsonNode.Parse(File.ReadAllText(kernelJson))?["metadata"]?[Name] is not null; }
        catch (JsonException) { return false; }
    }

    /// <summary>Jupyter's per-user data folder: JUPYTER_DATA_DIR, else ~/.local/share/jupyter (XDG_DATA_HOME), ~/Library/Jupyter, %APPDATA%\jupyter.</summary>
    public static string UserDataFolder()
    {
        if (Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR") is { Length: > 0 } explicitFolder) return explicitFolder;
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsWindows()) return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "jupyter");
        if (OperatingSystem.IsMacOS()) return Path.Combine(home, "Library", "Jupyter");
        string data = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(home, ".local", "share");
        return Path.Combine(data, "jupyter");
    }
}
