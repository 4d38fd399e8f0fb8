// binder/setup.sh as Binder runs it: as a fresh non-root user with an empty HOME, on a copy of the repository that
// holds only what a clone holds, then that user's Jupyter (Debian's nbclient) executes chapter 01 through the
// kernelspec the script installed. The test makes the user (it runs as root, as CI does) and removes it afterwards.
using System.Diagnostics;
using System.Text.Json;
using DeepLearnKit.Cli.Tests.Book;

namespace DeepLearnKit.Cli.Tests.Kernel;

/// <summary>A temporary Linux user with an empty home, and a copy of the repository it owns.</summary>
public sealed class TemporaryUser : IDisposable
{
    public string Name { get; } = "dlkbinder" + Guid.NewGuid().ToString("N")[..6];

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "dlk-binder-" + Guid.NewGuid().ToString("N"));

    public string Home => Path.Combine(Root, "home");

    public string Repository => Path.Combine(Root, "repo");

    public TemporaryUser()
    {
        Assert.True(OperatingSystem.IsLinux() && Environment.UserName == "root", "BinderSetupTests creates a temporary user with useradd, so it runs as root on Linux (as CI does).");
        Directory.CreateDirectory(Home);
        if (OperatingSystem.IsLinux()) File.SetUnixFileMode(Root, (UnixFileMode)0b111_101_101);   // the user passes through
        Must("useradd", ["--no-create-home", "--home-dir", Home, "--shell", "/bin/bash", "--user-group", Name]);
        CopyClone(ChapterBookFixture.RepositoryRoot, Repository);
        Must("chown", ["-R", $"{Name}:{Name}", Home, Repository]);
    }

    /// <summary>
    /// Runs <paramref name="command"/> as this user with a clean environment (HOME, USER, a system PATH, and the
    /// machine's DOTNET_/NUGET_ settings); returns its exit code and output.
    /// </summary>
    public (int ExitCode, string Output) Run(IEnumerable<string> command, TimeSpan limit)
    {
        var environment = new List<string> { $"HOME={Home}", $"USER={Name}", "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8" };
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            if (e.Key is string key && (key.StartsWith("DOTNET_") || key.StartsWith("NUGET_")) && key != "DOTNET_ROOT") environment.Add($"{key}={e.Value}");
        return InstalledKernel.RunProcess("runuser", ["-u", Name, "--", "env", "-i", .. environment, .. command], limit, Repository);
    }

    // What a clone of this working tree holds: tracked files, and new ones git does not ignore (no bin/, obj/,
    // artifacts/ or node_modules/).
    private static void CopyClone(string from, string to)
    {
        var (exit, list) = InstalledKernel.RunProcess("git", ["-C", from, "ls-files", "-z", "--cached", "--others", "--exclude-standard"], TimeSpan.FromMinutes(1));
        Assert.True(exit == 0, list);
        foreach (string relative in list.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            string source = Path.Combine(from, relative);
            if (!File.Exists(source)) continue;   // deleted in the working tree
            string target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }
    }

    private static void Must(string file, IEnumerable<string> arguments)
    {
        var (exit, output) = InstalledKernel.RunProcess(file, arguments, TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, $"{file} {string.Join(' ', arguments)}: {output}");
    }

    /// <summary>Ends what the user left running (only processes of this temporary user), removes it and its files.</summary>
    public void Dispose()
    {
        InstalledKernel.RunProcess("pkill", ["-KILL", "-U", Name], TimeSpan.FromSeconds(30));
        Thread.Sleep(500);
        InstalledKernel.RunProcess("userdel", ["--force", Name], TimeSpan.FromMinutes(1));
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

[Collection(SessionCollection.Name)]
public class BinderSetupTests
{
    [Fact]
    public void Binder_setup_as_a_fresh_user_installs_a_kernel_that_runs_chapter_01()
    {
        using var user = new TemporaryUser();
        var clock = Stopwatch.StartNew();
        var (exit, output) = user.Run(["bash", Path.Combine(user.Repository, "binder", "setup.sh")], TimeSpan.FromMinutes(30));
        Assert.True(exit == 0, $"binder/setup.sh exited with {exit} after {clock.Elapsed.TotalSeconds:0} s:\n{output}");

        string spec = Path.Combine(user.Home, ".local", "share", "jupyter", "kernels", ".net-csharp", "kernel.json");
        Assert.True(File.Exists(spec), $"no kernelspec at {spec}:\n{output}");
        var argv = JsonDocument.Parse(File.ReadAllText(spec)).RootElement.GetProperty("argv").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Equal(Path.Combine(user.Home, ".dotnet", "tools", "dlk"), argv[0]);   // the user's own dlk tool
        Assert.Contains("deeplearnkit", File.ReadAllText(Path.Combine(user.Home, ".jupyter", "jupyter_server_config.py")));

        string executed = Path.Combine(user.Home, "executed");
        var (ran, report) = user.Run(["mkdir", "-p", executed], TimeSpan.FromSeconds(30));
        Assert.True(ran == 0, report);
        (ran, report) = user.Run([InstalledKernel.Python, Path.Combine(user.Repository, "tests", "DeepLearnKit.Cli.Tests", "Kernel", "execute_chapters.py"), executed,
            Path.Combine(user.Repository, "notebooks", "01-tensors.ipynb")], TimeSpan.FromMinutes(10));
        Assert.True(ran == 0, report);
        var run = JsonDocument.Parse(report.Split('\n').Last(l => l.StartsWith('{'))).RootElement.GetProperty("01-tensors.ipynb");
        Assert.Equal(".net-csharp", run.GetProperty("kernel").GetString());
        Assert.True(run.GetProperty("errors").GetArrayLength() == 0, run.GetProperty("errors").ToString());
        Assert.Equal(run.GetProperty("code_cells").GetInt32(), run.GetProperty("executed").GetInt32());
        Assert.Contains("dlk-", File.ReadAllText(Path.Combine(executed, "01-tensors.ipynb")));   // DeepLearnKit's pictures
    }
}
