// Where a gzipped IDX file must end. GZipStream reads concatenated gzip members, but stops without a word at bytes
// that do not start another one, so a file with junk appended would load; a plain file with bytes after its data
// is refused, and a gzipped one must be too.
using System.Buffers.Binary;

namespace DeepLearnKit.Data;

/// <summary>
/// Checks that a gzip file ends with the trailer of what was decompressed from it. Every member ends with the CRC-32
/// and the length (mod 2³²) of its own content (RFC 1952), so the file's last 8 bytes must be those of its last
/// member: usually the whole content; in a file of several members, a tail of it whose length the trailer gives.
/// </summary>
internal static class GzipTrailer
{
    /// <summary>Throws naming <paramref name="path"/> unless the file ends with the trailer of <paramref name="content"/>'s last member.</summary>
    public static void CheckEndsAt(Stream file, string path, params ReadOnlySpan<byte[]> content)
    {
        long total = 0;
        foreach (var part in content) total += part.Length;
        Span<byte> trailer = stackalloc byte[8];
        file.Position = Math.Max(0, file.Length - 8);
        file.ReadExactly(trailer);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(trailer), size = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        // One member, the common case: its length is the whole content's, and GZipStream already checked its CRC.
        if (size == (uint)total) return;
        // Several members: the last one's. An empty last member is not taken for one, since zero padding looks the same.
        if (size > 0 && size < total && Crc32(content, total - size) == crc) return;
        throw new InvalidDataException(
            $"IDX file '{path}' has bytes after its gzip stream: the file does not end with the trailer of the {total} bytes it decompresses to.");
    }

    private static readonly uint[] table = MakeTable();

    private static uint[] MakeTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }

    /// <summary>CRC-32 (the IEEE polynomial, as gzip) of the bytes of <paramref name="parts"/> from position <paramref name="start"/> on.</summary>
    private static uint Crc32(ReadOnlySpan<byte[]> parts, long start)
    {
        uint c = 0xFFFFFFFFu;
        long offset = 0;
        foreach (var part in parts)
        {
            for (long i = Math.Max(0, start - offset); i < part.Length; i++) c = table[(c ^ part[i]) & 0xFF] ^ (c >> 8);
            offset += part.Length;
        }
        return c ^ 0xFFFFFFFFu;
    }
}
