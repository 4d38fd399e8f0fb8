// The connection file a Jupyter client writes before it starts a kernel: where each of the five sockets listens and
// the key that signs every message (https://jupyter-client.readthedocs.io/en/stable/kernels.html#connection-files).
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeepLearnKit.Cli.Kernel;

/// <summary>The addresses of the kernel's sockets and its signing key, as the client wrote them.</summary>
public sealed record ConnectionFile
{
    /// <summary><c>tcp</c> or <c>ipc</c>.</summary>
    [JsonPropertyName("transport")] public string Transport { get; init; } = "tcp";

    /// <summary>The address the sockets bind to, e.g. <c>127.0.0.1</c>.</summary>
    [JsonPropertyName("ip")] public string Ip { get; init; } = "127.0.0.1";

    /// <summary>Requests and replies: execute, complete, inspect, kernel_info, …</summary>
    [JsonPropertyName("shell_port")] public int ShellPort { get; init; }

    /// <summary>Broadcast of outputs and status.</summary>
    [JsonPropertyName("iopub_port")] public int IOPubPort { get; init; }

    /// <summary>Input requests to the client (Console.ReadLine).</summary>
    [JsonPropertyName("stdin_port")] public int StdinPort { get; init; }

    /// <summary>Interrupt and shutdown, answered even while a cell runs.</summary>
    [JsonPropertyName("control_port")] public int ControlPort { get; init; }

    /// <summary>The heartbeat echo.</summary>
    [JsonPropertyName("hb_port")] public int HeartbeatPort { get; init; }

    /// <summary>The HMAC key; empty means messages are not signed.</summary>
    [JsonPropertyName("key")] public string Key { get; init; } = "";

    /// <summary><c>hmac-sha256</c> (the only scheme supported).</summary>
    [JsonPropertyName("signature_scheme")] public string SignatureScheme { get; init; } = "hmac-sha256";

    /// <summary>The ZeroMQ endpoint of <paramref name="port"/>: <c>tcp://127.0.0.1:5555</c> (ipc: <c>ipc://ip-port</c>).</summary>
    public string Endpoint(int port) => Transport == "ipc" ? $"ipc://{Ip}-{port}" : $"{Transport}://{Ip}:{port}";

    /// <summary>Reads <paramref name="path"/>; a missing field, a bad port or an unknown scheme names the file and the field.</summary>
    public static ConnectionFile Load(string path)
    {
        ConnectionFile? file;
        try
        {
            file = JsonSerializer.Deserialize<ConnectionFile>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a Jupyter connection file ({e.Message}).", e);
        }
        if (file is null) throw new InvalidDataException($"{path}: the connection file is empty.");
        foreach (var (name, port) in new[] { ("shell_port", file.ShellPort), ("iopub_port", file.IOPubPort), ("stdin_port", file.StdinPort), ("control_port", file.ControlPort), ("hb_port", file.HeartbeatPort) })
            if (port is < 1 or > 65535) throw new InvalidDataException($"{path}: {name} must be a port in 1–65535, got {port}.");
        if (file.SignatureScheme != "hmac-sha256" && file.Key.Length > 0)
            throw new InvalidDataException($"{path}: signature_scheme '{file.SignatureScheme}' is not supported; use hmac-sha256.");
        return file;
    }
}
