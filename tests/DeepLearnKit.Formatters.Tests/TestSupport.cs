// What the formatter tests share: the collection that owns the static registry and display surface, and readers for
// the HTML the pictures write (the embedded plotly figure JSON, inline PNGs).
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using DeepLearnKit.Display;
using DeepLearnKit.Formatters;
using Microsoft.DotNet.Interactive.Formatting;

namespace DeepLearnKit.Formatters.Tests;

/// <summary>Tests that set Formatter's registry or DisplaySurface.Current run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StaticStateCollection
{
    public const string Name = "Formatter registry and display surface";
}

internal static partial class TestSupport
{
    /// <summary>Registers DeepLearnKit's formatters on a clean registry and returns the value's text/html.</summary>
    public static string HtmlOf(object value)
    {
        DeepLearnKitFormatters.Register();
        return value.ToDisplayString("text/html");
    }

    public static string TextOf(object value)
    {
        DeepLearnKitFormatters.Register();
        return value.ToDisplayString("text/plain");
    }

    /// <summary>The figures of every plotly chart in <paramref name="html"/>, parsed.</summary>
    public static List<JsonElement> Figures(string html) =>
        FigureScript().Matches(html).Select(m => JsonDocument.Parse(m.Groups[1].Value).RootElement).ToList();

    public static JsonElement SingleFigure(string html) => Assert.Single(Figures(html));

    public static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.ToString()).ToArray();

    /// <summary>The PNG payloads of every <c>&lt;img src="data:image/png;base64,…"&gt;</c>.</summary>
    public static List<byte[]> InlinePngs(string html) =>
        PngImage().Matches(html).Select(m => Convert.FromBase64String(m.Groups[1].Value)).ToList();

    /// <summary>
    /// Decodes an 8-bit gray or RGB PNG whose rows all use filter 0, checking each chunk's CRC: (width, height, channels, pixels).
    /// </summary>
    public static (int Width, int Height, int Channels, byte[] Pixels) DecodePng(byte[] png)
    {
        Assert.Equal(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }, png[..8]);
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (int at = 8; at < png.Length;)
        {
            int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            uint crc = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            Assert.Equal(BitwiseCrc32(png.AsSpan(at + 4, 4 + length)), crc);
            if (type == "IHDR")
            {
                width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data);
                height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);
                channels = data[9] switch { 0 => 1, 2 => 3, var t => throw new InvalidDataException($"colour type {t}") };
            }
            else if (type == "IDAT") idat.Write(data);
            at += 12 + length;
        }
        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        var rows = raw.ToArray();
        int stride = width * channels;
        Assert.Equal(height * (stride + 1), rows.Length);
        var pixels = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            Assert.Equal(0, rows[y * (stride + 1)]);
            Array.Copy(rows, y * (stride + 1) + 1, pixels, y * stride, stride);
        }
        return (width, height, channels, pixels);
    }

    // CRC-32 bit by bit, straight from the PNG spec's definition (polynomial 0xEDB88320, reflected), no table.
    private static uint BitwiseCrc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }

    /// <summary>The repository root (the folder with DeepLearnKit.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DeepLearnKit.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No DeepLearnKit.sln above {AppContext.BaseDirectory}.");
    }

    public static void ResetStaticState()
    {
        Formatter.ResetToDefault();
        DisplaySurface.Current = null;
        Plotly.PlotlyJs.Loading = Plotly.PlotlyLoading.Cdn;
        Plotly.PlotlyJs.ResetInlining();
    }

    [GeneratedRegex("<script type=\"application/json\" id=\"[^\"]+-figure\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex FigureScript();

    [GeneratedRegex("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")]
    private static partial Regex PngImage();
}
