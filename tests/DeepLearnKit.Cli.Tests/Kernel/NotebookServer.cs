// Debian's Jupyter Notebook web application (jupyter-notebook 6.4) on 127.0.0.1, with Jupyter's folders pointed at an
// InstalledKernel's prefix, so the only C# kernels it offers are the ones `dlk kernel install --prefix` wrote there.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace DeepLearnKit.Cli.Tests.Kernel;

/// <summary>A running <c>jupyter notebook</c> server serving <see cref="Folder"/>; disposing stops it and its kernels.</summary>
public sealed class NotebookServer : IDisposable
{
    private readonly Process process;
    private readonly StringWriter log = new();

    /// <summary>The notebooks folder the server serves.</summary>
    public string Folder { get; }

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The token every request carries.</summary>
    public string Token { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    /// <summary>What the server printed so far (its log, with each kernel's start and messages).</summary>
    public string Log { get { lock (log) return log.ToString(); } }

    /// <summary>Starts the server on a free port and waits until it answers <c>/api/status</c>.</summary>
    public NotebookServer(InstalledKernel kernel, string folder)
    {
        var (hasNotebook, why) = InstalledKernel.RunProcess(InstalledKernel.Python, ["-c", "import notebook; print(notebook.__version__)"], TimeSpan.FromMinutes(1));
        Assert.True(hasNotebook == 0, $"Jupyter Notebook is missing from {InstalledKernel.Python} (scripts/install-prerequisites.sh installs Debian's jupyter-notebook): {why}");
        Folder = folder;
        int port = FreePort();
        Address = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo(InstalledKernel.Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        // --allow-root: the CI container runs as root, which the Notebook refuses without it; it changes nothing else.
        foreach (string a in new[] { "-m", "notebook", "--no-browser", "--ip=127.0.0.1", $"--port={port}", "--port-retries=0",
                     $"--NotebookApp.token={Token}", $"--notebook-dir={folder}", "--allow-root" })
            start.ArgumentList.Add(a);
        foreach (var (k, v) in kernel.Environment) start.Environment[k] = v;
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        WaitUntilServing(TimeSpan.FromMinutes(1));
    }

    /// <summary>The address of <paramref name="path"/> (relative to the server root) with the token.</summary>
    public string Url(string path) => new Uri(Address, path + "?token=" + Token).AbsoluteUri;

    private void WaitUntilServing(TimeSpan limit)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (process.HasExited) Assert.Fail($"jupyter notebook exited with {process.ExitCode}:\n{Log}");
            try
            {
                if (http.GetAsync(Url("api/status")).GetAwaiter().GetResult().StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            Thread.Sleep(250);
        }
        Assert.Fail($"jupyter notebook did not answer on {Address} within {limit.TotalSeconds} s:\n{Log}");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Stops the server and the kernels it started (its process tree).</summary>
    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit(TimeSpan.FromSeconds(10));
        process.Dispose();
    }
}
