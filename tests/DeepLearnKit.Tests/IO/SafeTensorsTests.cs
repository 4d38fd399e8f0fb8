// The safetensors reader and writer: bit-exact round trips, a file written by hand from the specification, every kind
// of damaged file rejected with the file's name, and a failed save that leaves the old file alone.
using System.Buffers.Binary;
using System.Text;
using DeepLearnKit.IO;

namespace DeepLearnKit.Tests.IO;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("dlk-safetensors-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string FilePath(string name = "t.safetensors") => Path.Combine(folder, name);

    private static int[] Bits(Tensor t) => t.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    [Fact]
    public void A_round_trip_is_bit_exact_for_every_shape_including_scalars_and_empty_tensors()
    {
        var special = new[] { float.NaN, BitConverter.Int32BitsToSingle(0x7FC00123), -0f, float.Epsilon, float.NegativeInfinity, float.MaxValue };
        var tensors = new Dictionary<string, Tensor>
        {
            ["scalar"] = Tensor.Scalar(-1.5f),
            ["empty"] = Tensor.Zeros(0),
            ["cube"] = TensorAssert.Random(7, 2, 3, 4),
            ["special"] = Tensor.FromArray(special),
            ["view"] = TensorAssert.Random(8, 3, 4).T, // a transposed view is written in its logical order
        };
        var path = FilePath();
        SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "α β \"quoted\"" });
        var file = SafeTensors.Load(path);

        Assert.Equal(tensors.Keys.Order(), file.Tensors.Keys.Order());
        foreach (var (name, t) in tensors)
        {
            Assert.Equal(t.Shape, file.Tensors[name].Shape);
            Assert.Equal(Bits(t), Bits(file.Tensors[name]));
        }
        Assert.Equal("α β \"quoted\"", file.Metadata["note"]);
        Assert.Equal(2, file.Metadata.Count);

        // The layout the specification asks for: header length, a JSON header padded with spaces to a multiple of 8.
        var bytes = File.ReadAllBytes(path);
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, n % 8);
        Assert.Equal((byte)'{', bytes[8]);
        long dataBytes = 4 * (1 + 0 + 24 + 6 + 12);
        Assert.Equal(8 + n + dataBytes, bytes.Length);
    }

    /// <summary>An independent writer, following the specification byte by byte.</summary>
    private static byte[] HandWritten(string header, params float[] data)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + headerBytes.Length + 4 * data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)headerBytes.Length);
        headerBytes.CopyTo(file, 8);
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(file.AsSpan(8 + headerBytes.Length + 4 * i), data[i]);
        return file;
    }

    [Fact]
    public void A_file_written_by_hand_from_the_specification_loads()
    {
        // Tensors listed out of data order, metadata last, two spaces of padding (the reader does not insist on 8-byte alignment).
        const string header =
            "{\"b\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[8,24]}," +
            "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}," +
            "\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[24,28]}," +
            "\"__metadata__\":{\"epoch\":\"3\"}}  ";
        var path = FilePath("hand.safetensors");
        File.WriteAllBytes(path, HandWritten(header, 1, 2, 10, 20, 30, 40, -7));

        var file = SafeTensors.Load(path);
        Assert.Equal(["b", "a", "s"], file.Tensors.Keys);
        TensorAssert.Close([2], [1, 2], file.Tensors["a"]);
        TensorAssert.Close([2, 2], [10, 20, 30, 40], file.Tensors["b"]);
        TensorAssert.Close([], [-7], file.Tensors["s"]);
        Assert.Equal("3", file.Metadata["epoch"]);
    }

    private void AssertRejected(byte[] bytes, string expected, string name = "bad.safetensors")
    {
        var path = FilePath(name);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    private const string Good = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    [Fact]
    public void A_truncated_file_is_rejected()
    {
        var whole = HandWritten(Good, 1, 2);
        AssertRejected(whole[..^3], "truncated");
        AssertRejected(whole[..5], "fewer than the 8-byte header length");
        AssertRejected(whole[..20], "header length");
    }

    [Fact]
    public void A_header_length_beyond_the_file_is_rejected()
    {
        var bytes = HandWritten(Good, 1, 2);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue - 5);
        AssertRejected(bytes, "header length");
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 10); // inside the file, but it cuts the JSON short
        AssertRejected(bytes, "not well-formed JSON");
    }

    [Fact]
    public void A_header_that_is_not_JSON_is_rejected()
    {
        AssertRejected(HandWritten("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]", 1, 2), "not well-formed JSON");
        AssertRejected(HandWritten("[1, 2, 3]", 1, 2), "does not start with '{'");
        AssertRejected(HandWritten("{\"a\": 5}", 1, 2), "expected an object");
        AssertRejected(HandWritten("{\"__metadata__\": {\"k\": 1}}"), "expected a string");
    }

    [Fact]
    public void A_dtype_other_than_F32_is_rejected_by_name()
    {
        AssertRejected(HandWritten("{\"a\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]}}", 1, 2), "dtype F16");
        AssertRejected(HandWritten("{\"a\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}", 1, 2), "unknown dtype 'F33'");
    }

    [Fact]
    public void Overlapping_gapped_or_mis_sized_offsets_are_rejected()
    {
        AssertRejected(HandWritten(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
            1, 2, 3), "overlaps");
        AssertRejected(HandWritten(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 1, 2), "gap of 4 bytes");
        AssertRejected(HandWritten(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 1, 2), "span 8 bytes");
        AssertRejected(HandWritten(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 1, 2), "non-negative");
    }

    [Fact]
    public void Data_offsets_of_the_wrong_JSON_type_are_rejected_by_name()
    {
        AssertRejected(HandWritten("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[\"0\",\"8\"]}}", 1, 2), "data_offsets [\"0\",\"8\"]");
        AssertRejected(HandWritten("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,null]}}", 1, 2), "tensor 'a' has data_offsets");
        AssertRejected(HandWritten("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8.5]}}", 1, 2), "tensor 'a' has data_offsets");
    }

    [Fact]
    public void A_shape_with_a_zero_size_holds_no_values_however_large_the_other_sizes()
    {
        var path = FilePath("zero.safetensors");
        File.WriteAllBytes(path, HandWritten(
            "{\"e\":{\"dtype\":\"F32\",\"shape\":[65536,65536,0],\"data_offsets\":[0,0]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 5));
        var file = SafeTensors.Load(path);
        Assert.Equal([65536, 65536, 0], file.Tensors["e"].Shape);
        Assert.Equal(0, file.Tensors["e"].NumEl);
        Assert.Equal([5f], file.Tensors["a"].ToArray());
        AssertRejected(HandWritten("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,0]}}"), "too large");
    }

    [Fact]
    public void Trailing_bytes_after_the_last_tensor_are_rejected()
    {
        AssertRejected(HandWritten(Good, 1, 2, 3), "4 trailing bytes");
    }

    /// <summary>Passes writes through until <paramref name="limit"/> bytes, then fails like a full disk.</summary>
    private sealed class FailingStream(Stream inner, long limit) : Stream
    {
        private long written;

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (written + buffer.Length > limit) throw new IOException("No space left on device (simulated).");
            inner.Write(buffer);
            written += buffer.Length;
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => written;
        public override long Position { get => written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    [Fact]
    public void A_save_that_fails_while_writing_leaves_the_old_file_and_no_temporary_file()
    {
        var path = FilePath("model.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray([1f, 2f, 3f]) });
        var old = File.ReadAllBytes(path);

        SafeTensors.WrapTemporaryStream.Value = s => new FailingStream(s, 100);
        try
        {
            var e = Assert.Throws<IOException>(() =>
                SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = TensorAssert.Random(1, 1000) }));
            Assert.Contains(path, e.Message);
        }
        finally
        {
            SafeTensors.WrapTemporaryStream.Value = null;
        }

        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(folder));
        TensorAssert.Close([3], [1, 2, 3], SafeTensors.Load(path).Tensors["w"]);
    }

    [Fact]
    public void A_save_into_a_missing_folder_names_the_file()
    {
        var path = Path.Combine(folder, "no-such-folder", "x.safetensors");
        var e = Assert.Throws<IOException>(() => SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Zeros(2) }));
        Assert.Contains(path, e.Message);
    }
}
