// IDX headers that promise more than their file holds: refused before the promised memory is allocated, with the
// file named; sizes whose product overflows; and a gzip stream followed by stray bytes, refused as a plain file's are.
using DeepLearnKit.Data;

namespace DeepLearnKit.Tests.Data;

public class IdxBoundsTests
{
    /// <summary>Bytes this thread allocates while <paramref name="act"/> runs, whatever it throws.</summary>
    private static long Allocated(Action act)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try { act(); }
        catch (InvalidDataException) { }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void A_plain_file_whose_header_promises_two_billion_bytes_is_refused_without_allocating_them()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder["images"], IdxFiles.Bytes(2051, [2_000_000_000, 1, 1], []));
        var error = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(folder["images"]));
        Assert.Contains(folder["images"], error.Message);
        Assert.Contains("truncated at byte 16", error.Message);
        Assert.Contains("needs 2000000016 bytes", error.Message);
        Assert.InRange(Allocated(() => Idx.ReadImages(folder["images"])), 0, 16L << 20);
    }

    [Fact]
    public void A_small_gzip_whose_header_promises_784_megabytes_is_refused_without_allocating_them()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder["images.gz"], IdxFiles.Gzip(IdxFiles.Bytes(2051, [1_000_000, 28, 28], [1, 2, 3])));
        var error = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(folder["images.gz"]));
        Assert.Contains(folder["images.gz"], error.Message);
        Assert.Contains("truncated at byte 19", error.Message);
        Assert.Contains("needs 784000016 bytes", error.Message);
        Assert.InRange(Allocated(() => Idx.ReadImages(folder["images.gz"])), 0, 16L << 20);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sizes_whose_product_overflows_are_refused_with_the_file_named(bool gzipped)
    {
        using var folder = new TempFolder();
        var bytes = IdxFiles.Bytes(2051, [int.MaxValue, int.MaxValue, int.MaxValue], []);
        File.WriteAllBytes(folder["huge"], gzipped ? IdxFiles.Gzip(bytes) : bytes);
        var error = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(folder["huge"]));
        Assert.Contains(folder["huge"], error.Message);
        Assert.Contains($"[{int.MaxValue}, {int.MaxValue}, {int.MaxValue}]", error.Message);
    }

    [Fact]
    public void A_zero_size_makes_an_empty_array_however_large_the_others()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder["empty"], IdxFiles.Bytes(2051, [0, int.MaxValue, int.MaxValue], []));
        var empty = Idx.ReadImages(folder["empty"]);
        Assert.Equal([0, int.MaxValue, int.MaxValue], empty.Shape);
        Assert.Empty(empty.Data);
    }

    [Fact]
    public void Bytes_after_a_gzip_stream_are_refused_as_bytes_after_a_plain_file_are()
    {
        using var folder = new TempFolder();
        var gz = IdxFiles.Gzip(IdxFiles.Labels(1, 2, 3));
        File.WriteAllBytes(folder["labels.gz"], [.. gz, 0x4A, 0x55, 0x4E, 0x4B]);
        var error = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(folder["labels.gz"]));
        Assert.Contains(folder["labels.gz"], error.Message);
        Assert.Contains("bytes after its gzip stream", error.Message);

        File.WriteAllBytes(folder["zeros.gz"], [.. gz, .. new byte[16]]);
        Assert.Contains(folder["zeros.gz"], Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(folder["zeros.gz"])).Message);
    }

    [Fact]
    public void A_gzip_file_of_several_members_still_reads_as_their_concatenation()
    {
        using var folder = new TempFolder();
        var content = IdxFiles.Labels(1, 2, 3, 4, 5);
        File.WriteAllBytes(folder["labels.gz"], [.. IdxFiles.Gzip(content[..7]), .. IdxFiles.Gzip(content[7..])]);
        Assert.Equal([1, 2, 3, 4, 5], Idx.ReadLabels(folder["labels.gz"]).Data);
    }
}
