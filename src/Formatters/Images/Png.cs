// A minimal PNG encoder (8-bit grayscale or RGB, no interlace, filter 0 on every row), enough for inline images.
// Layout per the PNG spec: signature, IHDR, IDAT (zlib stream of the filtered rows), IEND; each chunk ends in a CRC-32.
using System.Buffers.Binary;
using System.IO.Compression;

namespace DeepLearnKit.Formatters.Images;

/// <summary>Writes PNG files from 8-bit pixels.</summary>
public static class Png
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>
    /// Encodes <paramref name="pixels"/> (row-major, <paramref name="channels"/> bytes per pixel: 1 = gray, 3 = RGB) of
    /// <paramref name="width"/> × <paramref name="height"/> as a PNG file.
    /// </summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"Png.Encode: the image must be at least 1×1, got {width}×{height}.");
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), $"Png.Encode: channels must be 1 (gray) or 3 (RGB), got {channels}.");
        if (pixels.Length != width * height * channels)
            throw new ArgumentException($"Png.Encode: {width}×{height}×{channels} needs {width * height * channels} bytes, got {pixels.Length}.", nameof(pixels));

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;                                  // bit depth
        header[9] = (byte)(channels == 1 ? 0 : 2);      // colour type: gray or truecolour

        int stride = width * channels;
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < height; y++)
            {
                zlib.WriteByte(0);                      // filter type 0: the row as it is
                zlib.Write(pixels.Slice(y * stride, stride));
            }
        }

        using var png = new MemoryStream();
        png.Write(Signature);
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary><c>data:image/png;base64,…</c> for <see cref="Encode"/>'s result.</summary>
    public static string DataUrl(ReadOnlySpan<byte> pixels, int width, int height, int channels) =>
        "data:image/png;base64," + Convert.ToBase64String(Encode(pixels, width, height, channels));

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(buffer, data.Length);
        stream.Write(buffer);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes);
        stream.Write(data);
        uint crc = Crc32(Crc32(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(buffer, crc);
        stream.Write(buffer);
    }

    /// <summary>Continues a CRC-32 (ISO 3309, as PNG uses it) over <paramref name="data"/>; start at 0xFFFFFFFF and invert at the end.</summary>
    internal static uint Crc32(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
