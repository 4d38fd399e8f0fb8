// AtomicFile: the new content replaces the old in one step; a failed write leaves the old file and no temporary file.
using DeepLearnKit.IO;

namespace DeepLearnKit.Tests.IO;

public class AtomicFileTests
{
    [Fact]
    public void A_write_replaces_the_file_and_a_failed_write_leaves_it_untouched()
    {
        var folder = Directory.CreateTempSubdirectory("dlk-atomic-").FullName;
        try
        {
            string path = Path.Combine(folder, "page.html");
            AtomicFile.WriteAllText(path, "old ✓");
            Assert.Equal("old ✓", File.ReadAllText(path));
            Assert.Equal((byte)'o', File.ReadAllBytes(path)[0]);   // no byte-order mark

            var failure = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
            {
                stream.Write("half of the new"u8);
                throw new IOException("disk full");
            }));
            Assert.Equal("disk full", failure.Message);
            Assert.Equal("old ✓", File.ReadAllText(path));
            Assert.Equal(["page.html"], Directory.GetFiles(folder).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
