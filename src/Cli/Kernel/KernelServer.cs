// The Jupyter kernel's sockets and message loop (`dlk kernel -f CONNECTION_FILE`): shell and control (ROUTER), iopub
// (PUB), stdin (ROUTER) and the heartbeat (REP), bound where the connection file says. Shell requests run one at a time
// in order on a worker; control requests (interrupt, shutdown) are answered at once, even while a cell runs. Every
// socket is used from the poller's thread only, except the heartbeat, which has a thread of its own.
using System.Text.Json.Nodes;
using System.Threading.Channels;
using NetMQ;
using NetMQ.Sockets;

namespace DeepLearnKit.Cli.Kernel;

/// <summary>One kernel process's protocol front: receives, verifies and dispatches messages; publishes on iopub.</summary>
public sealed class KernelServer : IDisposable
{
    private readonly ConnectionFile connection;
    private readonly MessageSigner signer;
    private readonly TextWriter log;
    private readonly RouterSocket shell = new(), control = new(), stdin = new();
    private readonly PublisherSocket iopub = new();
    private readonly NetMQQueue<(NetMQSocket Socket, NetMQMessage Frames)> outbox = new();
    private readonly NetMQPoller poller;
    private readonly Channel<JupyterMessage> shellRequests = Channel.CreateUnbounded<JupyterMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource<bool> finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource stopping = new();
    private TaskCompletionSource<string>? pendingInput;
    private KernelShell? handlers;

    /// <summary>A server for the sockets of <paramref name="connection"/>; <paramref name="log"/> gets what a client cannot be told (bad signatures).</summary>
    public KernelServer(ConnectionFile connection, TextWriter log)
    {
        this.connection = connection;
        this.log = log;
        signer = new MessageSigner(connection.Key);
        poller = new NetMQPoller { shell, control, stdin, iopub, outbox };
        shell.ReceiveReady += (_, e) => Receive(e.Socket, shellRequests.Writer.TryWrite);
        control.ReceiveReady += (_, e) => Receive(e.Socket, message => { HandleControl(message); return true; });
        stdin.ReceiveReady += (_, e) => Receive(e.Socket, message =>
        {
            if (message.MessageType == "input_reply") pendingInput?.TrySetResult(message.Content["value"]?.GetValue<string>() ?? "");
            return true;
        });
        outbox.ReceiveReady += (_, e) =>
        {
            while (e.Queue.TryDequeue(out var item, TimeSpan.Zero)) item.Socket.SendMultipartMessage(item.Frames);
        };
    }

    /// <summary>This kernel's session id, in the header of every message it sends.</summary>
    public string Session { get; } = Guid.NewGuid().ToString("N");

    /// <summary>
    /// Binds the sockets, announces <c>starting</c> then <c>idle</c>, and serves until a shutdown request; returns whether
    /// the client asked for a restart (the client then starts a new process, as jupyter_client does).
    /// </summary>
    public async Task<bool> RunAsync(KernelShell shellHandlers)
    {
        handlers = shellHandlers;
        shell.Bind(connection.Endpoint(connection.ShellPort));
        control.Bind(connection.Endpoint(connection.ControlPort));
        stdin.Bind(connection.Endpoint(connection.StdinPort));
        iopub.Bind(connection.Endpoint(connection.IOPubPort));
        var heartbeat = new Thread(() => Heartbeat(connection.Endpoint(connection.HeartbeatPort))) { IsBackground = true, Name = "dlk heartbeat" };
        heartbeat.Start();
        poller.RunAsync("dlk kernel sockets");
        Publish("status", new JsonObject { ["execution_state"] = "starting" }, null);
        Publish("status", new JsonObject { ["execution_state"] = "idle" }, null);

        var worker = Task.Run(async () =>
        {
            await foreach (var request in shellRequests.Reader.ReadAllAsync(stopping.Token).ConfigureAwait(false))
                await HandleShellAsync(request).ConfigureAwait(false);
        });
        bool restart = await finished.Task.ConfigureAwait(false);
        await stopping.CancelAsync().ConfigureAwait(false);
        // Let the shutdown reply leave before the sockets close.
        await Task.Delay(200).ConfigureAwait(false);
        return restart;
    }

    /// <summary>Sends <paramref name="type"/> with <paramref name="content"/> on iopub, as the output of <paramref name="parent"/>.</summary>
    public void Publish(string type, JsonObject content, JupyterMessage? parent)
    {
        // iopub's first frame is a topic; clients subscribe to everything.
        var message = JupyterMessage.Create(type, content, parent, Session, [System.Text.Encoding.UTF8.GetBytes($"kernel.{Session}.{type}")]);
        outbox.Enqueue((iopub, message.ToFrames(signer)));
    }

    /// <summary>Asks the client for a line of input (an <c>input_request</c> on stdin to the sender of <paramref name="parent"/>) and waits for it.</summary>
    public string RequestInput(string prompt, bool password, JupyterMessage parent)
    {
        var reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        pendingInput = reply;
        var request = JupyterMessage.Create("input_request", new JsonObject { ["prompt"] = prompt, ["password"] = password }, parent, Session);
        outbox.Enqueue((stdin, request.ToFrames(signer)));
        try
        {
            return reply.Task.WaitAsync(stopping.Token).GetAwaiter().GetResult();
        }
        finally
        {
            pendingInput = null;
        }
    }

    private void Reply(NetMQSocket socket, string type, JsonObject content, JupyterMessage parent) =>
        outbox.Enqueue((socket, JupyterMessage.Create(type, content, parent, Session).ToFrames(signer)));

    private void Receive(NetMQSocket socket, Func<JupyterMessage, bool> accept)
    {
        var frames = socket.ReceiveMultipartMessage();
        try
        {
            accept(JupyterMessage.FromFrames(frames, signer));
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
        {
            // The protocol has no reply for a message that cannot be trusted or read: it is dropped, and said so here.
            log.WriteLine($"dlk kernel: ignored {e.Message}.");
        }
    }

    private void HandleControl(JupyterMessage request)
    {
        switch (request.MessageType)
        {
            case "interrupt_request":
                handlers?.Interrupt();
                Reply(control, "interrupt_reply", new JsonObject { ["status"] = "ok" }, request);
                break;
            case "shutdown_request":
                bool restart = request.Content["restart"]?.GetValue<bool>() ?? false;
                var content = new JsonObject { ["status"] = "ok", ["restart"] = restart };
                Reply(control, "shutdown_reply", content, request);
                Publish("shutdown_reply", content.DeepClone().AsObject(), request);
                handlers?.Interrupt();
                finished.TrySetResult(restart);
                break;
            case "kernel_info_request":
                Reply(control, "kernel_info_reply", KernelShell.KernelInfo(), request);
                break;
            default:
                log.WriteLine($"dlk kernel: ignored control message '{request.MessageType}'.");
                break;
        }
    }

    private async Task HandleShellAsync(JupyterMessage request)
    {
        string type = request.MessageType;
        if (!type.EndsWith("_request", StringComparison.Ordinal))
        {
            log.WriteLine($"dlk kernel: ignored shell message '{type}'.");   // the spec: unknown messages are ignored
            return;
        }
        Publish("status", new JsonObject { ["execution_state"] = "busy" }, request);
        try
        {
            var reply = await handlers!.HandleAsync(request, this).ConfigureAwait(false);
            if (reply is { } r) Reply(shell, type.Replace("_request", "_reply", StringComparison.Ordinal), r, request);
            else log.WriteLine($"dlk kernel: ignored shell message '{type}'.");
        }
        catch (Exception e)
        {
            log.WriteLine($"dlk kernel: {type} failed: {e}");
            Reply(shell, type.Replace("_request", "_reply", StringComparison.Ordinal),
                new JsonObject { ["status"] = "error", ["ename"] = e.GetType().Name, ["evalue"] = e.Message, ["traceback"] = new JsonArray() }, request);
        }
        finally
        {
            Publish("status", new JsonObject { ["execution_state"] = "idle" }, request);
        }
    }

    private void Heartbeat(string endpoint)
    {
        using var socket = new ResponseSocket();
        socket.Bind(endpoint);
        while (!stopping.IsCancellationRequested)
            if (socket.TryReceiveFrameBytes(TimeSpan.FromMilliseconds(200), out var ping)) socket.SendFrame(ping);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        stopping.Cancel();
        if (poller.IsRunning) poller.Stop();
        poller.Dispose();
        foreach (var socket in new NetMQSocket[] { shell, control, stdin, iopub }) socket.Dispose();
        outbox.Dispose();
        NetMQConfig.Cleanup(block: false);
    }
}
