// Int8 (I8) tensors in safetensors files: the bytes are what the format says (the header parsed here, the data bytes
// read back by offset), a round trip is exact, and a damaged file or an I8 tensor given to the float reader is refused
// with the file's name.
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using DeepLearnKit.IO;

namespace DeepLearnKit.Tests.IO;

public sealed class SafeTensorsInt8Tests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("dlk-safetensors-int8-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string FilePath(string name = "q.safetensors") => Path.Combine(folder, name);

    private static readonly sbyte[] Weight = [-127, -1, 0, 1, 2, 127, -128, 5, 64, -64, 3, -3];

    private string WriteExample()
    {
        var path = FilePath();
        SafeTensors.SaveWithInt8(path,
            new Dictionary<string, Tensor> { ["fc.weight_scale"] = Tensor.FromArray(new[] { 0.5f, 0.25f, 2f }), ["fc.bias"] = Tensor.FromArray(new[] { 1f, -1f, 0f }) },
            new Dictionary<string, Int8Data> { ["fc.weight"] = new(Weight, [3, 4]), ["b.codes"] = new([7], [1]) },
            new Dictionary<string, string> { ["format"] = "test" });
        return path;
    }

    [Fact]
    public void The_file_holds_F32_tensors_then_I8_tensors_each_sorted_by_name_with_one_byte_per_int8_value()
    {
        var bytes = File.ReadAllBytes(WriteExample());
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength));
        long dataStart = 8 + headerLength;
        var root = header.RootElement;
        Assert.Equal("test", root.GetProperty("__metadata__").GetProperty("format").GetString());

        // F32 first (bias, scale, by name), then I8 (b.codes, fc.weight): 12 + 12 + 1 + 12 bytes.
        (string Name, string DType, int[] Shape, long Begin, long End)[] expected =
            [("fc.bias", "F32", [3], 0, 12), ("fc.weight_scale", "F32", [3], 12, 24), ("b.codes", "I8", [1], 24, 25), ("fc.weight", "I8", [3, 4], 25, 37)];
        foreach (var (name, dtype, shape, begin, end) in expected)
        {
            var entry = root.GetProperty(name);
            Assert.Equal(dtype, entry.GetProperty("dtype").GetString());
            Assert.Equal(shape, entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
            Assert.Equal([begin, end], entry.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()));
        }
        Assert.Equal(dataStart + 37, bytes.Length);
        for (int i = 0; i < Weight.Length; i++) Assert.Equal(Weight[i], (sbyte)bytes[dataStart + 25 + i]);
        Assert.Equal(7, (sbyte)bytes[dataStart + 24]);
        Assert.Equal(0.25f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan((int)dataStart + 12 + 4)));
    }

    [Fact]
    public void A_round_trip_returns_the_int8_values_and_the_float_tensors_exactly()
    {
        var file = SafeTensors.LoadWithInt8(WriteExample());
        Assert.Equal(Weight, file.Int8Tensors["fc.weight"].Values);
        Assert.Equal([3, 4], file.Int8Tensors["fc.weight"].Shape);
        Assert.Equal([(sbyte)7], file.Int8Tensors["b.codes"].Values);
        Assert.Equal([0.5f, 0.25f, 2f], file.Tensors["fc.weight_scale"].ToArray());
        Assert.Equal([1f, -1f, 0f], file.Tensors["fc.bias"].ToArray());
        Assert.Equal(["fc.bias", "fc.weight_scale"], file.Tensors.Keys.Order());
        Assert.Equal("test", file.Metadata["format"]);
    }

    [Fact]
    public void The_float_reader_refuses_an_I8_tensor_and_says_which_reader_takes_it()
    {
        var path = WriteExample();
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("dtype I8", e.Message);
        Assert.Contains("LoadWithInt8", e.Message);
        Assert.Empty(SafeTensors.Load(WriteFloatOnly()).Int8Tensors);
    }

    private string WriteFloatOnly()
    {
        var path = FilePath("f.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["x"] = Tensor.FromArray(new[] { 1f }) });
        return path;
    }

    [Fact]
    public void A_truncated_or_mislabelled_int8_file_is_refused_naming_the_file()
    {
        var good = File.ReadAllBytes(WriteExample());
        var truncated = FilePath("truncated.safetensors");
        File.WriteAllBytes(truncated, good[..^1]);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.LoadWithInt8(truncated));
        Assert.Contains(truncated, e.Message);
        Assert.Contains("fc.weight", e.Message);

        // The 12 bytes of fc.weight declared as I8 [4, 4] (16 bytes) no longer fit their byte range.
        var relabelled = FilePath("relabelled.safetensors");
        File.WriteAllBytes(relabelled, Replace(good, "\"I8\",\"shape\":[3,4]", "\"I8\",\"shape\":[4,4]"));
        e = Assert.Throws<InvalidDataException>(() => SafeTensors.LoadWithInt8(relabelled));
        Assert.Contains(relabelled, e.Message);
        Assert.Contains("16 I8 values = 16 bytes", e.Message);
    }

    [Fact]
    public void Saving_refuses_a_name_used_twice_and_values_that_do_not_fill_the_shape()
    {
        var path = FilePath("refused.safetensors");
        var clash = Assert.Throws<ArgumentException>(() => SafeTensors.SaveWithInt8(path,
            new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray(new[] { 1f }) }, new Dictionary<string, Int8Data> { ["w"] = new([1], [1]) }));
        Assert.Contains("'w' names both", clash.Message);
        var shape = Assert.Throws<ArgumentException>(() => SafeTensors.SaveWithInt8(path,
            new Dictionary<string, Tensor>(), new Dictionary<string, Int8Data> { ["w"] = new([1, 2, 3], [2, 2]) }));
        Assert.Contains("[2, 2] but 3 values", shape.Message);
        Assert.False(File.Exists(path));
    }

    private static byte[] Replace(byte[] file, string from, string to)
    {
        // A same-length replacement inside the header keeps the header length and every offset as they were.
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(file);
        string header = Encoding.UTF8.GetString(file, 8, (int)headerLength);
        Assert.Contains(from, header);
        Assert.Equal(from.Length, to.Length);
        string changed = header.Replace(from, to);
        var result = (byte[])file.Clone();
        Encoding.UTF8.GetBytes(changed).CopyTo(result, 8);
        return result;
    }
}
