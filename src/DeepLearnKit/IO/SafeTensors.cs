// The safetensors file format (github.com/huggingface/safetensors): an 8-byte little-endian header length N,
// N bytes of UTF-8 JSON naming each tensor's dtype, shape and byte range, then the raw little-endian data.
// Saving writes a temporary file beside the target and renames it over the target, so a failed save leaves
// the old file; loading checks the whole header against the file before it returns anything.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace DeepLearnKit.IO;

/// <summary>What a safetensors file holds: named tensors (in header order) and the header's <c>__metadata__</c> strings.</summary>
/// <param name="Tensors">The tensors by name.</param>
/// <param name="Metadata">The free-form string → string metadata (empty when the file has none).</param>
public sealed record SafeTensorsFile(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary><c>SafeTensorsFile(3 tensors, 1234 values, 2 metadata entries)</c>.</summary>
    public override string ToString() =>
        $"SafeTensorsFile({Tensors.Count} tensors, {Tensors.Values.Sum(t => (long)t.NumEl)} values, {Metadata.Count} metadata entries)";

    /// <summary>The file's <c>I8</c> tensors by name, read only by <see cref="SafeTensors.LoadWithInt8"/> (empty otherwise).</summary>
    public IReadOnlyDictionary<string, Int8Data> Int8Tensors { get; init; } = new Dictionary<string, Int8Data>();
}

/// <summary>An int8 tensor as a safetensors file stores it (dtype <c>I8</c>): the values, row-major, and the shape.</summary>
/// <param name="Values">One signed byte per element.</param>
/// <param name="Shape">The tensor's shape; the product of its sizes is <c>Values.Length</c>.</param>
public sealed record Int8Data(sbyte[] Values, int[] Shape)
{
    /// <summary><c>Int8Data([256, 784])</c>.</summary>
    public override string ToString() => $"Int8Data({Shapes.Format(Shape)})";
}

/// <summary>
/// Reads and writes the safetensors format: writes float32 (<c>F32</c>) tensors and, for int8-quantized weights,
/// <c>I8</c> tensors; reads <c>F32</c>, <c>I8</c> (<see cref="LoadWithInt8"/> only) and, for PyTorch's integer counters
/// such as BatchNorm's <c>num_batches_tracked</c>, <c>I64</c> (see <see cref="Load"/>):
/// <c>[N: u64 little-endian][N bytes of JSON header, space-padded to a multiple of 8][data]</c>, where the header is
/// <c>{"__metadata__": {string: string}, "name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...}</c>
/// and offsets count bytes from the start of the data.
/// </summary>
public static class SafeTensors
{
    /// <summary>The reference implementation refuses headers larger than this (100 MB); so do we.</summary>
    public const long MaxHeaderLength = 100_000_000;

    private const string MetadataKey = "__metadata__";

    private static readonly string[] KnownDTypes =
        ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"];

    /// <summary>Lets a test put a failing stream between the writer and the temporary file (per async flow, so parallel tests do not see it).</summary>
    internal static readonly AsyncLocal<Func<Stream, Stream>?> WrapTemporaryStream = new();

    /// <summary>
    /// Writes <paramref name="tensors"/> (and optional <paramref name="metadata"/>) to <paramref name="path"/>. The file is
    /// first written to a temporary file in the same folder and then renamed over <paramref name="path"/>, so readers see
    /// the old file or the new one, never half of one, and a failure leaves the old file as it was.
    /// Tensors are stored sorted by name (the reference writer's order for a single dtype).
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        SaveWithInt8(path, tensors, new Dictionary<string, Int8Data>(), metadata);

    /// <summary>
    /// Writes float32 <paramref name="tensors"/> (<c>F32</c>) and <paramref name="int8Tensors"/> (<c>I8</c>, one byte per
    /// value) to one file, atomically as <see cref="Save"/> does. The F32 tensors come first, then the I8 ones, each group
    /// sorted by name (the reference writer's order: larger dtypes first), so every F32 tensor starts 4-byte aligned.
    /// Read the file back with <see cref="LoadWithInt8"/>; <see cref="Load"/> refuses its I8 tensors.
    /// </summary>
    public static void SaveWithInt8(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, Int8Data> int8Tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(int8Tensors);
        if (tensors.ContainsKey(MetadataKey) || int8Tensors.ContainsKey(MetadataKey))
            throw new ArgumentException($"SafeTensors.Save: '{path}': '{MetadataKey}' is reserved for metadata and cannot name a tensor.");
        if (tensors.Keys.FirstOrDefault(int8Tensors.ContainsKey) is { } twice)
            throw new ArgumentException($"SafeTensors.Save: '{path}': '{twice}' names both a float32 and an int8 tensor.");
        foreach (var (name, q) in int8Tensors)
            if (Shapes.CountWithin(q.Shape, Array.MaxLength) != q.Values.Length)
                throw new ArgumentException($"SafeTensors.Save: '{path}': int8 tensor '{name}' has shape {Shapes.Format(q.Shape)} but {q.Values.Length} values.");

        var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        var int8Names = int8Tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        var data = names.Select(n => tensors[n].ToArray()).ToList(); // gathered before the file is touched
        var int8Data = int8Names.Select(n => (sbyte[])int8Tensors[n].Values.Clone()).ToList();
        var entries = names.Select((n, i) => (n, Float32, tensors[n].Shape, (long)data[i].Length * sizeof(float)))
            .Concat(int8Names.Select((n, i) => (n, Int8Type, int8Tensors[n].Shape, (long)int8Data[i].Length))).ToList();
        var header = Header(entries, metadata);

        try
        {
            AtomicFile.Write(path, file =>
            {
                var wrapped = WrapTemporaryStream.Value?.Invoke(file);
                var stream = wrapped ?? file;
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                foreach (var values in data) WriteLittleEndian(stream, values);
                foreach (var values in int8Data) stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
                stream.Flush();
                wrapped?.Dispose();
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"SafeTensors.Save: could not write '{path}': {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads <paramref name="path"/>. Everything is checked before anything is returned: the header length fits the file,
    /// the header is UTF-8 JSON of the expected form, every dtype is F32, every shape matches its byte range, the ranges
    /// tile the data exactly (from 0, contiguous, no overlap, no trailing bytes). A problem throws
    /// <see cref="InvalidDataException"/> naming the file and what is wrong.
    /// DeepLearnKit's tensors are float32, so an <c>I64</c> tensor (PyTorch stores BatchNorm's <c>num_batches_tracked</c>
    /// as an int64 scalar) is read as float32 when each of its values is an integer of magnitude ≤ 2²⁴, which float32 holds
    /// exactly; a larger value throws rather than load rounded. Other dtypes (F16, BF16, F64, …) throw.
    /// </summary>
    public static SafeTensorsFile Load(string path) => Read(path, readInt8: false);

    /// <summary>
    /// Reads <paramref name="path"/> with every check of <see cref="Load"/>, and also accepts <c>I8</c> tensors, returned
    /// as <see cref="SafeTensorsFile.Int8Tensors"/> (exactly the stored bytes) beside the float32 ones. This is how
    /// int8-quantized weights come back (see <c>Quantization.Int8.Load</c>); <see cref="Load"/> refuses I8 tensors so
    /// that a state-dict reader never skips a tensor it cannot use.
    /// </summary>
    public static SafeTensorsFile LoadWithInt8(string path) => Read(path, readInt8: true);

    private static SafeTensorsFile Read(string path, bool readInt8)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw Bad(path, $"the file has {fileLength} bytes, fewer than the 8-byte header length that starts a safetensors file");

        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
            throw Bad(path, $"the header length is {headerLength} bytes but only {fileLength - 8} bytes follow it (truncated file, or not a safetensors file)");
        if ((long)headerLength > MaxHeaderLength)
            throw Bad(path, $"the header length {headerLength} exceeds the {MaxHeaderLength}-byte limit");

        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        long dataLength = fileLength - 8 - (long)headerLength;
        var (entries, metadata) = ParseHeader(path, headerBytes, dataLength, readInt8);

        var result = new Dictionary<string, Tensor>(entries.Count);
        var int8 = new Dictionary<string, Int8Data>();
        long dataStart = 8 + (long)headerLength;
        foreach (var e in entries.OrderBy(e => e.Begin))
        {
            stream.Position = dataStart + e.Begin;
            if (e.DType == Int8Type)
            {
                var bytes = new sbyte[e.End - e.Begin];
                stream.ReadExactly(MemoryMarshal.AsBytes(bytes.AsSpan()));
                int8[e.Name] = new Int8Data(bytes, e.Shape);
                continue;
            }
            var values = e.DType == Int64 ? ReadInt64AsFloat(path, stream, e) : ReadFloat(stream, e);
            result[e.Name] = Tensor.FromArray(values, e.Shape);
        }
        // Header order, as the file lists them.
        var ordered = entries.Where(e => e.DType != Int8Type).ToDictionary(e => e.Name, e => result[e.Name]);
        var orderedInt8 = entries.Where(e => e.DType == Int8Type).ToDictionary(e => e.Name, e => int8[e.Name]);
        return new SafeTensorsFile(ordered, metadata) { Int8Tensors = orderedInt8 };
    }

    private const string Float32 = "F32", Int64 = "I64", Int8Type = "I8";

    /// <summary>The largest integer magnitude below which float32 holds every integer exactly: 2²⁴.</summary>
    private const long ExactInFloat32 = 1 << 24;

    private sealed record Entry(string Name, string DType, int[] Shape, long Begin, long End);

    private static int ElementSize(string dtype) => dtype switch { Int64 => sizeof(long), Int8Type => sizeof(sbyte), _ => sizeof(float) };

    private static float[] ReadFloat(Stream stream, Entry e)
    {
        var values = new float[(e.End - e.Begin) / sizeof(float)];
        stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        if (!BitConverter.IsLittleEndian) SwapBytes(values);
        return values;
    }

    private static float[] ReadInt64AsFloat(string path, Stream stream, Entry e)
    {
        var integers = new long[(e.End - e.Begin) / sizeof(long)];
        stream.ReadExactly(MemoryMarshal.AsBytes(integers.AsSpan()));
        if (!BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(integers, integers);
        var values = new float[integers.Length];
        for (int i = 0; i < integers.Length; i++)
        {
            if (integers[i] is > ExactInFloat32 or < -ExactInFloat32) // (not Math.Abs, which throws on long.MinValue)
                throw Bad(path, $"tensor '{e.Name}' (I64) holds {integers[i]} at flat index {i}; DeepLearnKit reads I64 tensors as float32, exact only up to ±{ExactInFloat32}");
            values[i] = integers[i];
        }
        return values;
    }

    private static byte[] Header(List<(string Name, string DType, int[] Shape, long Bytes)> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, dtype, shape, bytes) in entries)
            {
                long end = offset + bytes;
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (int d in shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }
            json.WriteEndObject();
        }
        // The reference writer pads the header with spaces so the data starts 8-byte aligned.
        int padding = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static void WriteLittleEndian(Stream stream, float[] values)
    {
        if (!BitConverter.IsLittleEndian) SwapBytes(values = (float[])values.Clone());
        stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    // The format is little-endian; only a big-endian machine needs to swap.
    private static void SwapBytes(float[] values)
    {
        var words = MemoryMarshal.Cast<float, int>(values.AsSpan());
        BinaryPrimitives.ReverseEndianness(words, words);
    }

    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(string path, byte[] headerBytes, long dataLength, bool readInt8)
    {
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(headerBytes);
        }
        catch (DecoderFallbackException)
        {
            throw Bad(path, "the header is not valid UTF-8");
        }
        if (!text.StartsWith('{'))
            throw Bad(path, "the header does not start with '{' (not a safetensors file, or a wrong header length)");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw Bad(path, $"the header is not well-formed JSON ({e.Message})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Bad(path, $"the header is a JSON {document.RootElement.ValueKind}, expected an object");
            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>();
            var seen = new HashSet<string>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name)) throw Bad(path, $"the header names '{property.Name}' twice");
                if (property.Name == MetadataKey) ReadMetadata(path, property.Value, metadata);
                else entries.Add(ReadEntry(path, property.Name, property.Value, readInt8));
            }
            CheckOffsets(path, entries, dataLength);
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object) throw Bad(path, $"'{MetadataKey}' is a JSON {value.ValueKind}, expected an object of strings");
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw Bad(path, $"metadata entry '{m.Name}' is a JSON {m.Value.ValueKind}, expected a string");
            if (!metadata.TryAdd(m.Name, m.Value.GetString()!)) throw Bad(path, $"metadata names '{m.Name}' twice");
        }
    }

    private static Entry ReadEntry(string path, string name, JsonElement value, bool readInt8)
    {
        if (value.ValueKind != JsonValueKind.Object) throw Bad(path, $"tensor '{name}' is described by a JSON {value.ValueKind}, expected an object");
        if (!value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String)
            throw Bad(path, $"tensor '{name}' has no string \"dtype\"");
        var dtypeName = dtype.GetString()!;
        if (dtypeName is not (Float32 or Int64) && !(readInt8 && dtypeName == Int8Type))
            throw Bad(path, KnownDTypes.Contains(dtypeName)
                ? dtypeName == Int8Type
                    ? $"tensor '{name}' has dtype I8; SafeTensors.Load reads F32 and I64 tensors, and int8 weights load with SafeTensors.LoadWithInt8 or Int8.Load"
                    : $"tensor '{name}' has dtype {dtypeName}; DeepLearnKit reads only F32 (float32), I64 (as float32) and I8 (int8 weights) tensors"
                : $"tensor '{name}' has unknown dtype '{dtypeName}'");

        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw Bad(path, $"tensor '{name}' has no \"shape\" array");
        var shape = new int[shapeElement.GetArrayLength()];
        int k = 0;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int size) || size < 0)
                throw Bad(path, $"tensor '{name}' has shape {shapeElement.GetRawText()}; sizes must be non-negative 32-bit integers");
            shape[k++] = size;
        }
        long count = Shapes.CountWithin(shape, Array.MaxLength)
            ?? throw Bad(path, $"tensor '{name}' with shape {shapeElement.GetRawText()} is too large to hold in memory");

        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw Bad(path, $"tensor '{name}' has no \"data_offsets\" pair [begin, end]");
        var pair = offsets.EnumerateArray().ToArray();
        if (pair.Any(p => p.ValueKind != JsonValueKind.Number) || !pair[0].TryGetInt64(out long begin) || !pair[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw Bad(path, $"tensor '{name}' has data_offsets {offsets.GetRawText()}; expected integers 0 ≤ begin ≤ end");
        int elementSize = ElementSize(dtypeName);
        if (end - begin != count * elementSize)
            throw Bad(path, $"tensor '{name}' has shape {Shapes.Format(shape)} ({count} {dtypeName} values = {count * elementSize} bytes) but data_offsets {offsets.GetRawText()} span {end - begin} bytes");
        return new Entry(name, dtypeName, shape, begin, end);
    }

    private static void CheckOffsets(string path, List<Entry> entries, long dataLength)
    {
        long expected = 0;
        string? previous = null;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin < expected)
                throw Bad(path, $"tensor '{e.Name}' (bytes {e.Begin}..{e.End}) overlaps tensor '{previous}' (which ends at {expected})");
            if (e.Begin > expected)
                throw Bad(path, $"there is a gap of {e.Begin - expected} bytes before tensor '{e.Name}' (bytes {e.Begin}..{e.End}); tensors must be contiguous");
            if (e.End > dataLength)
                throw Bad(path, $"tensor '{e.Name}' needs data bytes {e.Begin}..{e.End} but the file holds only {dataLength} data bytes (truncated file?)");
            expected = e.End;
            previous = e.Name;
        }
        if (expected != dataLength)
            throw Bad(path, $"the tensors end at data byte {expected} but the file holds {dataLength} data bytes ({dataLength - expected} trailing bytes)");
    }

    private static InvalidDataException Bad(string path, string problem) => new($"SafeTensors.Load: '{path}': {problem}.");
}
