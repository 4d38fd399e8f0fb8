// A notebook's cells run in a `dlk kernel` process of their own, driven over the Jupyter protocol as nbclient drives a
// kernel: the runner survives a cell that ends its process (Environment.Exit, a stack overflow, an exception thrown
// on another thread) and says how the kernel died, and a cell that never stops is interrupted, then killed.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using DeepLearnKit.Cli.Commands;
using DeepLearnKit.Cli.Execution;
using NetMQ;
using NetMQ.Sockets;

namespace DeepLearnKit.Cli.Kernel;

/// <summary>A kernel process and the client side of its sockets.</summary>
public sealed class KernelProcess : ICellRunner
{
    private readonly Process process;
    private readonly MessageSigner signer;
    private readonly DealerSocket shell = new(), control = new();
    private readonly SubscriberSocket iopub = new();
    private readonly string session = Guid.NewGuid().ToString("N");
    private readonly string connectionFile;
    private readonly StringBuilder log = new();
    private int executionCount;

    private KernelProcess(Process process, ConnectionFile connection, string connectionFile)
    {
        this.process = process;
        this.connectionFile = connectionFile;
        signer = new MessageSigner(connection.Key);
        shell.Options.Identity = Encoding.ASCII.GetBytes(session);
        shell.Connect(connection.Endpoint(connection.ShellPort));
        control.Connect(connection.Endpoint(connection.ControlPort));
        iopub.Connect(connection.Endpoint(connection.IOPubPort));
        iopub.SubscribeToAnyTopic();
    }

    /// <summary>How long a kernel may take to start and answer kernel_info.</summary>
    public static TimeSpan StartTimeout { get; } = TimeSpan.FromMinutes(1);

    /// <inheritdoc/>
    public bool CanRun { get; private set; } = true;

    /// <summary>Starts <c>dlk kernel</c> in <paramref name="workingDirectory"/> (the notebook's folder) and waits until it answers.</summary>
    public static async Task<KernelProcess> StartAsync(string workingDirectory, CancellationToken cancellationToken = default)
    {
        int[] ports = FreePorts(5);
        var connection = new ConnectionFile
        {
            ShellPort = ports[0], IOPubPort = ports[1], StdinPort = ports[2], ControlPort = ports[3], HeartbeatPort = ports[4],
            Key = Guid.NewGuid().ToString("N"),
        };
        string file = Path.Combine(Path.GetTempPath(), $"dlk-kernel-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, System.Text.Json.JsonSerializer.Serialize(connection), cancellationToken).ConfigureAwait(false);
        var argv = KernelCommand.Argv().Select(a => a == "{connection_file}" ? file : a).ToList();
        var start = new ProcessStartInfo(argv[0]) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in argv.Skip(1)) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the kernel process.");
        var kernel = new KernelProcess(process, connection, file);
        process.OutputDataReceived += (_, e) => kernel.Log(e.Data);
        process.ErrorDataReceived += (_, e) => kernel.Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var info = JupyterMessage.Create("kernel_info_request", [], null, kernel.session);
        var deadline = Stopwatch.StartNew();
        // A kernel that is still binding its sockets misses the first request; ask again until it answers.
        while (true)
        {
            kernel.shell.SendMultipartMessage(info.ToFrames(kernel.signer));
            if (kernel.TryReceive(kernel.shell, TimeSpan.FromSeconds(2)) is { MessageType: "kernel_info_reply" }) return kernel;
            if (process.HasExited || deadline.Elapsed > StartTimeout || cancellationToken.IsCancellationRequested)
            {
                string why = process.HasExited ? $"it exited with code {process.ExitCode}" : $"it did not answer within {StartTimeout.TotalSeconds:0} s";
                await kernel.DisposeAsync().ConfigureAwait(false);
                throw new InvalidOperationException($"The kernel did not start: {why}.\n{kernel.LogTail()}");
            }
        }
    }

    /// <inheritdoc/>
    public async Task<CellRun> RunAsync(string source, TimeSpan? timeout = null, CancellationToken cancellationToken = default, OutputList? outputs = null)
    {
        if (!CanRun) throw new InvalidOperationException("This kernel cannot run more cells; start a new one.");
        outputs ??= new OutputList();
        var clock = Stopwatch.StartNew();
        var request = JupyterMessage.Create("execute_request", new JsonObject
        {
            ["code"] = source, ["silent"] = false, ["store_history"] = true, ["user_expressions"] = new JsonObject(), ["allow_stdin"] = false, ["stop_on_error"] = false,
        }, null, session);
        string id = request.Header["msg_id"]!.GetValue<string>();
        shell.SendMultipartMessage(request.ToFrames(signer));
        var displays = new Dictionary<string, int>();
        JsonObject? reply = null;
        bool idle = false, interrupted = false;
        DateTime? interruptedAt = null;
        CellStatus? ended = null;
        while (!(idle && reply is not null))
        {
            await Task.Yield();
            if (TryReceive(iopub, TimeSpan.FromMilliseconds(50)) is { } message && ParentId(message) == id)
                idle |= Apply(message, outputs, displays);
            if (TryReceive(shell, TimeSpan.Zero) is { MessageType: "execute_reply" } r && ParentId(r) == id) reply = r.Content;
            if (process.HasExited) return Died(outputs, clock);
            bool late = timeout is { } t && clock.Elapsed > t;
            if (!interrupted && (late || cancellationToken.IsCancellationRequested))
            {
                ended = cancellationToken.IsCancellationRequested ? CellStatus.Cancelled : CellStatus.TimedOut;
                control.SendMultipartMessage(JupyterMessage.Create("interrupt_request", [], null, session).ToFrames(signer));
                interrupted = true;
                interruptedAt = DateTime.UtcNow;
            }
            if (interruptedAt is { } at && DateTime.UtcNow - at > NotebookSession.InterruptGrace + TimeSpan.FromSeconds(1))
            {
                // It did not stop: the kernel is killed, so nothing of it keeps running.
                Kill();
                CanRun = false;
                string message2 = ended == CellStatus.Cancelled
                    ? $"The cell was cancelled after {clock.Elapsed.TotalSeconds:0.0} s and did not stop; its kernel was stopped."
                    : $"The cell did not finish within its time limit of {timeout!.Value.TotalSeconds:0.#} s and did not stop; its kernel was stopped.";
                outputs.Add(new ErrorOutput(ended.ToString()!, message2, [message2]));
                return new CellRun(outputs.Snapshot(), ended!.Value, ++executionCount, clock.Elapsed);
            }
        }
        executionCount = reply["execution_count"]?.GetValue<int>() ?? executionCount + 1;
        if (ended == CellStatus.TimedOut)
        {
            // The kernel saw an interrupt; what happened was the time limit.
            var snapshot = outputs.Snapshot();
            int last = snapshot.Count - 1 - snapshot.Reverse().TakeWhile(o => o is not ErrorOutput).Count();
            string limit = $"The cell did not finish within its time limit of {timeout!.Value.TotalSeconds:0.#} s; it was interrupted.";
            var error = new ErrorOutput(nameof(CellStatus.TimedOut), limit, [limit]);
            if (last >= 0) outputs.Replace(last, error);
            else outputs.Add(error);
        }
        var status = reply["status"]?.GetValue<string>() == "ok" ? CellStatus.Succeeded
            : ended ?? (reply["ename"]?.GetValue<string>() is "Cancelled" or "TimedOut" ? CellStatus.Cancelled : CellStatus.Failed);
        return new CellRun(outputs.Snapshot(), status, executionCount, clock.Elapsed);
    }

    private static string? ParentId(JupyterMessage message) => message.ParentHeader["msg_id"]?.GetValue<string>();

    // One iopub message into the cell's outputs; true for the idle status that ends the cell.
    private static bool Apply(JupyterMessage message, OutputList outputs, Dictionary<string, int> displays)
    {
        var c = message.Content;
        switch (message.MessageType)
        {
            case "status":
                return c["execution_state"]?.GetValue<string>() == "idle";
            case "stream":
                outputs.Write(c["name"]!.GetValue<string>(), c["text"]!.GetValue<string>());
                break;
            case "display_data":
                int index = outputs.Add(new DisplayOutput(Data(c)));
                if (c["transient"]?["display_id"]?.GetValue<string>() is { } displayId) displays[displayId] = index;
                break;
            case "update_display_data":
                if (c["transient"]?["display_id"]?.GetValue<string>() is { } updated && displays.TryGetValue(updated, out int at))
                    outputs.Replace(at, new DisplayOutput(Data(c)));
                break;
            case "execute_result":
                outputs.Add(new DisplayOutput(Data(c), c["execution_count"]?.GetValue<int>()));
                break;
            case "error":
                outputs.Add(new ErrorOutput(c["ename"]!.GetValue<string>(), c["evalue"]!.GetValue<string>(),
                    c["traceback"]?.AsArray().Select(t => t!.GetValue<string>()).ToList() ?? []));
                break;
        }
        return false;
    }

    private static Dictionary<string, string> Data(JsonObject content) =>
        content["data"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());

    private CellRun Died(OutputList outputs, Stopwatch clock)
    {
        CanRun = false;
        process.WaitForExit();
        string how = process.ExitCode switch
        {
            134 => "it aborted (exit code 134: an unhandled exception, possibly on another thread, or a stack overflow)",
            137 => "it was killed (exit code 137)",
            var code => $"its process exited with code {code}",
        };
        string message = $"The kernel died while this cell ran: {how}. The cells after it did not run.\n{LogTail()}".TrimEnd();
        outputs.Add(new ErrorOutput("KernelDied", message, message.Split('\n')));
        return new CellRun(outputs.Snapshot(), CellStatus.Failed, ++executionCount, clock.Elapsed);
    }

    private JupyterMessage? TryReceive(NetMQSocket socket, TimeSpan wait)
    {
        var frames = new NetMQMessage();
        if (!socket.TryReceiveMultipartMessage(wait, ref frames)) return null;
        try { return JupyterMessage.FromFrames(frames, signer); }
        catch (InvalidDataException e) { Log($"dlk: dropped a kernel message: {e.Message}"); return null; }
    }

    private void Log(string? line)
    {
        if (line is null) return;
        lock (log) log.AppendLine(line);
    }

    private string LogTail()
    {
        lock (log)
        {
            var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join('\n', lines.TakeLast(12));
        }
    }

    private void Kill()
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    /// <summary>Asks the kernel to shut down; kills it when it has not exited a few seconds later (a foreground thread a cell left running).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            control.SendMultipartMessage(JupyterMessage.Create("shutdown_request", new JsonObject { ["restart"] = false }, null, session).ToFrames(signer));
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await process.WaitForExitAsync(wait.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { Kill(); }
        }
        foreach (var socket in new NetMQSocket[] { shell, control, iopub }) socket.Dispose();
        process.Dispose();
        File.Delete(connectionFile);
    }
}
