// A bounded property fuzz of the IDX reader: hundreds of seeded mutations of a small image file, plain and gzipped
// (bytes flipped, inserted, cut, appended; sizes in the header replaced by large or odd values). Each either reads
// back a shape whose product is its data's length, or throws InvalidDataException naming the file; and no read
// allocates much more than the file could hold.
using System.Buffers.Binary;
using DeepLearnKit.Data;

namespace DeepLearnKit.Tests.Data;

public class IdxFuzzTests
{
    private static readonly int[] OddSizes = [0, 1, 2, 3, 255, 65536, 1 << 20, 2_000_000_000, int.MaxValue, -1, int.MinValue];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_mutation_of_an_IDX_file_reads_consistently_or_is_refused_by_name(bool gzipped)
    {
        using var folder = new TempFolder();
        var pixels = Enumerable.Range(0, 3 * 4 * 5).Select(i => (byte)(i * 7)).ToArray();
        var plain = IdxFiles.Images(3, 4, 5, pixels);
        var random = new Random(gzipped ? 1405 : 1404);
        int read = 0, refused = 0;
        for (int i = 0; i < 300; i++)
        {
            var content = plain;
            if (gzipped ? i % 2 == 0 : i % 3 != 2) content = Mutate(plain, random, header: i % 4 == 0);
            var bytes = gzipped ? IdxFiles.Gzip(content) : content;
            if (gzipped && i % 2 == 1) bytes = Mutate(bytes, random, header: false);
            string path = folder[$"mutant-{i}"];
            File.WriteAllBytes(path, bytes);

            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var idx = Idx.ReadImages(path);
                read++;
                Assert.Equal(3, idx.Shape.Length);
                Assert.Equal(idx.Shape.Aggregate(1L, (n, d) => n * d), idx.Data.LongLength);
            }
            catch (InvalidDataException e)
            {
                refused++;
                Assert.Contains(path, e.Message);
            }
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 8L << 20);
        }
        Assert.True(read > 0 && refused > 100, $"{read} read, {refused} refused");
    }

    private static byte[] Mutate(byte[] bytes, Random random, bool header)
    {
        var result = bytes.ToArray();
        if (header)
        {
            int dim = random.Next(3);
            BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(4 + 4 * dim), OddSizes[random.Next(OddSizes.Length)]);
            return result;
        }
        var list = result.ToList();
        switch (random.Next(4))
        {
            case 0: list[random.Next(list.Count)] ^= (byte)(1 << random.Next(8)); break;
            case 1: list.Insert(random.Next(list.Count), (byte)random.Next(256)); break;
            case 2:
                int at = random.Next(list.Count);
                list.RemoveRange(at, Math.Min(list.Count - at, 1 + random.Next(3)));
                break;
            default: list.AddRange(Enumerable.Range(0, 1 + random.Next(8)).Select(_ => (byte)random.Next(256))); break;
        }
        return list.ToArray();
    }
}
