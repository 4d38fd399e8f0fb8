// Turns a running cell's output list into iopub messages as it changes: a new console output or stream text becomes
// `stream`, a new display `display_data` with a transient display_id, a display replaced in place (Update)
// `update_display_data` with the same id, the cell's value `execute_result`, an error `error`.
using System.Text.Json.Nodes;
using DeepLearnKit.Cli.Execution;

namespace DeepLearnKit.Cli.Kernel;

internal sealed class OutputPublisher(KernelServer server, JupyterMessage request, bool silent)
{
    private readonly object gate = new();
    private readonly List<CellOutput> sent = [];
    private readonly List<string> displayIds = [];

    /// <summary>Publishes what changed in <paramref name="outputs"/> since the last call.</summary>
    public void OnChanged(OutputList outputs)
    {
        if (silent) return;
        lock (gate)
        {
            var now = outputs.Snapshot();
            for (int i = 0; i < now.Count; i++)
            {
                if (i < sent.Count && ReferenceEquals(now[i], sent[i])) continue;
                if (i >= sent.Count)
                {
                    displayIds.Add(Guid.NewGuid().ToString("N"));
                    PublishNew(now[i], displayIds[i]);
                }
                else if (now[i] is StreamOutput stream && sent[i] is StreamOutput before && stream.Name == before.Name)
                {
                    // Console text only grows; what is new is the part past what was sent.
                    if (stream.Text.Length > before.Text.Length)
                        server.Publish("stream", new JsonObject { ["name"] = stream.Name, ["text"] = stream.Text[before.Text.Length..] }, request);
                }
                else if (now[i] is DisplayOutput display)
                {
                    server.Publish("update_display_data", Display(display, displayIds[i]), request);
                }
            }
            sent.Clear();
            sent.AddRange(now);
        }
    }

    private void PublishNew(CellOutput output, string displayId)
    {
        switch (output)
        {
            case StreamOutput s:
                server.Publish("stream", new JsonObject { ["name"] = s.Name, ["text"] = s.Text }, request);
                break;
            case DisplayOutput { ExecutionCount: { } count } result:
                server.Publish("execute_result", new JsonObject { ["execution_count"] = count, ["data"] = Data(result), ["metadata"] = new JsonObject() }, request);
                break;
            case DisplayOutput d:
                server.Publish("display_data", Display(d, displayId), request);
                break;
            case ErrorOutput e:
                server.Publish("error", new JsonObject
                {
                    ["ename"] = e.Name,
                    ["evalue"] = e.Message,
                    ["traceback"] = new JsonArray(e.Traceback.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
                }, request);
                break;
        }
    }

    private static JsonObject Display(DisplayOutput d, string displayId) => new()
    {
        ["data"] = Data(d),
        ["metadata"] = new JsonObject(),
        ["transient"] = new JsonObject { ["display_id"] = displayId },
    };

    private static JsonObject Data(DisplayOutput d)
    {
        var data = new JsonObject();
        foreach (var (mime, text) in d.Data) data[mime] = text;
        return data;
    }
}
