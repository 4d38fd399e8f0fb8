// What the kernel does with each shell request, on the same session engine as `dlk run` (NotebookSession): execute
// publishes the cell's outputs on iopub as they appear (streams, displays, display updates with their display_id, the
// result, the error), complete and inspect ask Roslyn, is_complete asks the parser.
using System.Text.Json.Nodes;
using DeepLearnKit.Cli.Execution;

namespace DeepLearnKit.Cli.Kernel;

/// <summary>The kernel's answers to shell requests for one notebook session.</summary>
public sealed class KernelShell(NotebookSession session)
{
    private readonly CodeAssistant assistant = new(session);
    private CancellationTokenSource? running;

    /// <summary>The content of <c>kernel_info_reply</c>.</summary>
    public static JsonObject KernelInfo() => new()
    {
        ["status"] = "ok",
        ["protocol_version"] = JupyterMessage.ProtocolVersion,
        ["implementation"] = "deeplearnkit",
        ["implementation_version"] = typeof(KernelShell).Assembly.GetName().Version?.ToString(3) ?? "0",
        ["language_info"] = new JsonObject
        {
            ["name"] = "C#",
            ["version"] = "13.0",
            ["mimetype"] = "text/x-csharp",
            ["file_extension"] = ".cs",
            ["pygments_lexer"] = "csharp",
            ["codemirror_mode"] = "text/x-csharp",
        },
        ["banner"] = "DeepLearnKit C# kernel (Roslyn scripting): #r \"nuget: DeepLearnKit, <version>\" to begin.",
        ["help_links"] = new JsonArray { new JsonObject { ["text"] = "DeepLearnKit", ["url"] = "https://github.com/deeplearnkit/deeplearnkit" } },
        ["debugger"] = false,
    };

    /// <summary>Stops the running cell at its next loop turn (see <see cref="Interruption"/>).</summary>
    public void Interrupt() => running?.Cancel();

    /// <summary>The reply content for <paramref name="request"/>, or null for a request this kernel does not know (ignored).</summary>
    public async Task<JsonObject?> HandleAsync(JupyterMessage request, KernelServer server)
    {
        var content = request.Content;
        switch (request.MessageType)
        {
            case "kernel_info_request":
                return KernelInfo();
            case "execute_request":
                return await ExecuteAsync(request, server).ConfigureAwait(false);
            case "complete_request":
                return assistant.Complete(Text(content, "code"), Int(content, "cursor_pos"));
            case "inspect_request":
                return assistant.Inspect(Text(content, "code"), Int(content, "cursor_pos"));
            case "is_complete_request":
                return CodeAssistant.IsComplete(Text(content, "code"));
            case "comm_info_request":
                return new JsonObject { ["status"] = "ok", ["comms"] = new JsonObject() };
            case "history_request":
                return new JsonObject { ["status"] = "ok", ["history"] = new JsonArray() };
            default:
                return null;
        }
    }

    private static string Text(JsonObject content, string name) => content[name]?.GetValue<string>() ?? "";

    private static int Int(JsonObject content, string name) => content[name]?.GetValue<int>() ?? 0;

    private async Task<JsonObject> ExecuteAsync(JupyterMessage request, KernelServer server)
    {
        var content = request.Content;
        string code = Text(content, "code");
        bool silent = content["silent"]?.GetValue<bool>() ?? false;
        bool allowStdin = content["allow_stdin"]?.GetValue<bool>() ?? false;
        if (!session.CanRun)
            return Error(0, "KernelStopped", "A cell of this session did not stop after an interrupt; restart the kernel.", server, request, silent);

        var outputs = new OutputList();
        var publisher = new OutputPublisher(server, request, silent);
        outputs.Changed += publisher.OnChanged;
        if (!silent) server.Publish("execute_input", new JsonObject { ["code"] = code, ["execution_count"] = session.ExecutionCount + 1 }, request);
        using var input = new KernelInput(allowStdin ? prompt => server.RequestInput(prompt, false, request) : null);
        var previousIn = Console.In;
        Console.SetIn(input);
        running = new CancellationTokenSource();
        CellRun run;
        try
        {
            run = await session.RunAsync(code, timeout: null, running.Token, outputs).ConfigureAwait(false);
        }
        finally
        {
            Console.SetIn(previousIn);
            running.Dispose();
            running = null;
        }
        publisher.OnChanged(outputs);   // whatever the last change left unsent
        if (run.Succeeded)
            return new JsonObject { ["status"] = "ok", ["execution_count"] = run.ExecutionCount, ["user_expressions"] = new JsonObject(), ["payload"] = new JsonArray() };
        var error = run.Outputs.OfType<ErrorOutput>().LastOrDefault();
        return new JsonObject
        {
            ["status"] = "error",
            ["execution_count"] = run.ExecutionCount,
            ["ename"] = error?.Name ?? run.Status.ToString(),
            ["evalue"] = error?.Message ?? "",
            ["traceback"] = new JsonArray((error?.Traceback ?? []).Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
        };
    }

    private static JsonObject Error(int count, string name, string message, KernelServer server, JupyterMessage request, bool silent)
    {
        var content = new JsonObject { ["ename"] = name, ["evalue"] = message, ["traceback"] = new JsonArray(message) };
        if (!silent) server.Publish("error", content.DeepClone().AsObject(), request);
        content["status"] = "error";
        content["execution_count"] = count;
        return content;
    }
}
