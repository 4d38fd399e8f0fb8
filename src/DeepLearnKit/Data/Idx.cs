// Reading IDX files, the format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian
// header (magic, then one int32 size per dimension) followed by the elements as unsigned bytes, plain or gzipped.
using System.IO.Compression;

namespace DeepLearnKit.Data;

/// <summary>One IDX file's contents: its sizes and its elements as bytes, row-major.</summary>
/// <param name="Shape">The size of each dimension, e.g. [60000, 28, 28] for images or [60000] for labels.</param>
/// <param name="Data">The Π Shape elements, row-major.</param>
public sealed record IdxArray(int[] Shape, byte[] Data);

/// <summary>
/// Reads IDX files of unsigned bytes. The header is the magic number <c>0x0000_08_dd</c> (0x08 = unsigned byte,
/// dd = the number of dimensions: 2051 for images [N, rows, cols], 2049 for labels [N]) and dd big-endian int32 sizes.
/// A file that starts with the gzip signature 1F 8B is decompressed on the fly, whatever its name.
/// </summary>
public static class Idx
{
    /// <summary>The magic number of an image file: unsigned bytes, 3 dimensions [N, rows, cols].</summary>
    public const int ImagesMagic = 2051;

    /// <summary>The magic number of a label file: unsigned bytes, 1 dimension [N].</summary>
    public const int LabelsMagic = 2049;

    /// <summary>
    /// Reads an IDX file whose magic number must be <paramref name="expectedMagic"/>. Throws
    /// <see cref="InvalidDataException"/> naming the file for a bad magic, sizes too large for one array, a truncated
    /// file, trailing bytes (after the data, or after a gzip stream) or a broken gzip stream, and
    /// <see cref="FileNotFoundException"/> when it does not exist. Memory grows with the bytes actually there, never
    /// with what a header only claims.
    /// </summary>
    public static IdxArray Read(string path, int expectedMagic)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        using var file = File.OpenRead(path);
        try
        {
            if (!IsGzip(file)) return Read(file, path, expectedMagic, available: file.Length);
            IdxArray result;
            using (var gzip = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true))
                result = Read(gzip, path, expectedMagic, available: null);
            GzipTrailer.CheckEndsAt(file, path, Header(expectedMagic, result.Shape), result.Data);
            return result;
        }
        catch (InvalidDataException e) when (!e.Message.Contains(path))
        {
            // GZipStream's own errors (bad CRC, broken deflate data) do not say which file they came from.
            throw new InvalidDataException($"IDX file '{path}': the gzip stream is corrupt ({e.Message}).", e);
        }
    }

    /// <summary>Reads an image file (magic 2051): shape [N, rows, cols].</summary>
    public static IdxArray ReadImages(string path) => Read(path, ImagesMagic);

    /// <summary>Reads a label file (magic 2049): shape [N].</summary>
    public static IdxArray ReadLabels(string path) => Read(path, LabelsMagic);

    /// <summary>True when the stream starts with the gzip signature; the position is restored.</summary>
    internal static bool IsGzip(Stream seekable)
    {
        long start = seekable.Position;
        int b0 = seekable.ReadByte(), b1 = seekable.ReadByte();
        seekable.Position = start;
        return b0 == 0x1F && b1 == 0x8B;
    }

    /// <summary>The file's bytes, decompressed when it is gzipped (what the content checksums are taken over).</summary>
    internal static Stream OpenContent(string path)
    {
        var file = File.OpenRead(path);
        return IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    /// <summary>
    /// Reads the header and data from <paramref name="stream"/>; <paramref name="available"/> is its length when known
    /// (a plain file), so that a header promising more is refused before anything is allocated.
    /// </summary>
    private static IdxArray Read(Stream stream, string path, int expectedMagic, long? available)
    {
        var word = new byte[4];
        long position = 0;
        int ReadInt32(string what)
        {
            int got = ReadFully(stream, word);
            if (got < 4)
                throw new InvalidDataException($"IDX file '{path}' is truncated at byte {position + got}: expected 4 more bytes for {what}.");
            position += 4;
            return System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(word);
        }

        int magic = ReadInt32("the magic number");
        if (magic != expectedMagic)
            throw new InvalidDataException(
                $"IDX file '{path}' has a bad magic number {magic} (0x{magic:X8}); expected {expectedMagic} (0x{expectedMagic:X8}, " +
                $"unsigned bytes in {expectedMagic & 0xFF} dimension(s)).");
        var shape = new int[expectedMagic & 0xFF];
        for (int k = 0; k < shape.Length; k++)
        {
            shape[k] = ReadInt32($"the size of dimension {k}");
            if (shape[k] < 0) throw new InvalidDataException($"IDX file '{path}' gives dimension {k} a negative size {shape[k]}.");
        }
        long count = Shapes.CountWithin(shape, Array.MaxLength) ?? throw new InvalidDataException(
            $"IDX file '{path}' declares sizes [{string.Join(", ", shape)}]: more elements than one array can hold ({Array.MaxLength}).");

        InvalidDataException Truncated(long at) => new(
            $"IDX file '{path}' is truncated at byte {at}: its header [{string.Join(", ", shape)}] needs {position + count} bytes.");
        if (available < position + count) throw Truncated(available.Value);
        var data = ReadUpTo(stream, (int)count);
        if (data.Length < count) throw Truncated(position + data.Length);
        if (stream.ReadByte() >= 0)
            throw new InvalidDataException(
                $"IDX file '{path}' has bytes after byte {position + data.Length}: more data than its header [{string.Join(", ", shape)}] declares.");
        return new IdxArray(shape, data);
    }

    /// <summary>The header bytes of an IDX file: the magic and the sizes, big-endian.</summary>
    private static byte[] Header(int magic, int[] shape)
    {
        var header = new byte[4 * (shape.Length + 1)];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (int k = 0; k < shape.Length; k++) System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 * (k + 1)), shape[k]);
        return header;
    }

    private static int ReadFully(Stream stream, byte[] buffer, int start = 0)
    {
        int total = start, n;
        while (total < buffer.Length && (n = stream.Read(buffer, total, buffer.Length - total)) > 0) total += n;
        return total - start;
    }

    /// <summary>
    /// Up to <paramref name="count"/> bytes from a stream of unknown length (fewer when it ends first), in a buffer
    /// that doubles from 1 MiB as the bytes arrive.
    /// </summary>
    private static byte[] ReadUpTo(Stream stream, int count)
    {
        var buffer = new byte[Math.Min(count, 1 << 20)];
        int filled = 0;
        while (true)
        {
            filled += ReadFully(stream, buffer, filled);
            if (filled < buffer.Length || buffer.Length == count) break;
            Array.Resize(ref buffer, (int)Math.Min(count, 2L * buffer.Length));
        }
        if (filled < buffer.Length) Array.Resize(ref buffer, filled);
        return buffer;
    }
}
