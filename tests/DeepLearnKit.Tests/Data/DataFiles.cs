// Helpers for the data tests: a temporary folder that deletes itself, IDX files written byte by byte (so the
// reader is checked against the format, not against a writer of ours), and a loopback HTTP server.
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;

namespace DeepLearnKit.Tests.Data;

/// <summary>A fresh folder under the system temp folder, deleted on Dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dlk-data-tests-" + Guid.NewGuid().ToString("N"));

    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>The names of the files left in the folder and its subfolders.</summary>
    public string[] Files() => Directory.GetFiles(Path, "*", SearchOption.AllDirectories).Select(f => System.IO.Path.GetRelativePath(Path, f)).Order().ToArray();

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

/// <summary>IDX bytes by hand: big-endian magic, sizes, then the bytes.</summary>
internal static class IdxFiles
{
    public static byte[] Bytes(int magic, int[] shape, byte[] data)
    {
        var stream = new MemoryStream();
        void Int32(int v) => stream.Write([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
        Int32(magic);
        foreach (int size in shape) Int32(size);
        stream.Write(data);
        return stream.ToArray();
    }

    public static byte[] Images(int n, int rows, int cols, byte[] pixels) => Bytes(2051, [n, rows, cols], pixels);

    public static byte[] Labels(params byte[] labels) => Bytes(2049, [labels.Length], labels);

    public static byte[] Gzip(byte[] bytes)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
        return output.ToArray();
    }

    /// <summary>Lower-case hex SHA-256 of <paramref name="bytes"/>.</summary>
    public static string Sha256(byte[] bytes) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)).ToLowerInvariant();
}

/// <summary>
/// An HTTP server on 127.0.0.1 at a free port that answers GET /name with the bytes registered for name, and 404
/// otherwise. Tests never reach the network.
/// </summary>
internal sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Dictionary<string, byte[]> files = new();
    private readonly Dictionary<string, long> declaredLengths = new();
    private readonly Task loop;
    private int requests;

    public LoopbackServer()
    {
        // Ask the OS for a free port, then listen there (retrying if another process takes it in between).
        for (int attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            BaseUrl = new Uri($"http://127.0.0.1:{port}/data/");
            listener.Prefixes.Clear();
            listener.Prefixes.Add(BaseUrl.AbsoluteUri);
            try
            {
                listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }
        loop = Task.Run(Serve);
    }

    public Uri BaseUrl { get; private set; }

    public int Requests => Volatile.Read(ref requests);

    public void Serve(string name, byte[] bytes)
    {
        lock (files) files[name] = bytes;
    }

    /// <summary>Answers <paramref name="name"/> with a Content-Length of <paramref name="declaredLength"/>, then closes the connection after <paramref name="bytes"/>.</summary>
    public void ServeCutOff(string name, byte[] bytes, long declaredLength)
    {
        lock (files)
        {
            files[name] = bytes;
            declaredLengths[name] = declaredLength;
        }
    }

    private async Task Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            Interlocked.Increment(ref requests);
            string name = context.Request.Url!.AbsolutePath[BaseUrl.AbsolutePath.Length..];
            byte[]? body;
            long declared;
            lock (files)
            {
                files.TryGetValue(name, out body);
                declared = declaredLengths.GetValueOrDefault(name, -1);
            }
            context.Response.StatusCode = body is null ? 404 : 200;
            body ??= "not found"u8.ToArray();
            context.Response.ContentLength64 = declared >= 0 ? declared : body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            await context.Response.OutputStream.FlushAsync();
            if (declared >= 0) context.Response.Abort();
            else context.Response.Close();
        }
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        loop.Wait(TimeSpan.FromSeconds(5));
    }
}
