// The class-per-folder image data set on a folder this test writes: PNGs from the formatters' encoder (exact pixels),
// a real baseline JPEG (bytes below), files to skip, a corrupt file and a truncated one; class names in ordinal
// order, the pixel values, grayscale and RGB, the bilinear resize against its formula, batching, and the errors.
using DeepLearnKit.Data;
using DeepLearnKit.Formatters.Images;

namespace DeepLearnKit.Tests.Data;

public sealed class ImageFolderTests : IDisposable
{
    /// <summary>
    /// A 16 × 16 baseline JPEG (4:4:4, quality 95): the top-left 8 × 8 block red (255, 0, 0), the top-right blue
    /// (0, 0, 255), the bottom half (40, 200, 90). Made once with ImageMagick 6.9: <c>convert -size 8x8 xc:'rgb(255,0,0)'
    /// -size 8x8 xc:'rgb(0,0,255)' +append -size 16x8 xc:'rgb(40,200,90)' -append -sampling-factor 1x1 -quality 95 -strip</c>.
    /// </summary>
    private const string TinyJpeg = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/2wBDAQICAgICAgUDAwUKBwYHCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgr/wAARCAAQABADAREAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwD4vr+Uz/fw+Q6/6qD/AJrz9vK/5kz+NwoA/9k=";

    private readonly string root = Path.Combine(Path.GetTempPath(), "dlk-imagefolder-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    /// <summary>Bytes of a w × h image with <paramref name="channels"/> channels: pixel k, channel c holds (k·37 + c·91 + seed) mod 256.</summary>
    private static byte[] Pixels(int w, int h, int channels, int seed) =>
        Enumerable.Range(0, w * h * channels).Select(i => (byte)((i / channels * 37 + i % channels * 91 + seed) % 256)).ToArray();

    private string Write(string relative, byte[] bytes)
    {
        string path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>root/Bird/d.png (RGB 6×4), root/cat/a.png (RGB 6×4), root/cat/sub/b.JPG, root/dog/c.png (gray 6×4), and files to skip.</summary>
    private void WriteFolder()
    {
        Write("cat/a.png", Png.Encode(Pixels(6, 4, 3, 1), 6, 4, 3));
        Write("cat/sub/b.JPG", Convert.FromBase64String(TinyJpeg));
        Write("dog/c.png", Png.Encode(Pixels(6, 4, 1, 2), 6, 4, 1));
        Write("dog/notes.txt", "not an image"u8.ToArray());
        Write("dog/.hidden.png", [1, 2, 3]);
        Write(".git/x.png", [1, 2, 3]);
        Write("Bird/d.png", Png.Encode(Pixels(6, 4, 3, 3), 6, 4, 3));
    }

    [Fact]
    public void Decoded_images_cached_during_one_step_stay_valid_in_later_steps_and_epochs()
    {
        WriteFolder();
        var set = new ImageFolder(root, size: (4, 6));
        var firstEpoch = new List<float[]>();
        foreach (var (x, _) in new DataLoader(set, 1).Scoped()) firstEpoch.Add(x.ToArray()); // decoded (and cached) inside a step
        var secondEpoch = new DataLoader(set, 1).Scoped().Select(b => b.Inputs.ToArray()).ToList(); // read from the cache
        Assert.Equal(firstEpoch, secondEpoch);
    }

    [Fact]
    public void Classes_are_the_folder_names_in_ordinal_order_and_images_are_found_below_them()
    {
        WriteFolder();
        var set = new ImageFolder(root);
        Assert.Equal(["Bird", "cat", "dog"], set.Classes); // 'B' (66) sorts before 'c' (99), as Python's sorted
        Assert.Equal(4, set.Count);
        Assert.Equal([("Bird/d.png", 0), ("cat/a.png", 1), ("cat/sub/b.JPG", 1), ("dog/c.png", 2)],
            set.Samples.Select(s => (Path.GetRelativePath(set.Root, s.Path).Replace('\\', '/'), s.Label)));
        Assert.Equal(2, set.ClassToIndex["dog"]);
        Assert.Equal(1f, set[2].Targets.Item());
    }

    [Fact]
    public void Pixels_are_the_bytes_over_255_in_channel_planes()
    {
        WriteFolder();
        var set = new ImageFolder(root);
        var rgb = set[1].Inputs; // cat/a.png
        Assert.Equal([3, 4, 6], rgb.Shape);
        var bytes = Pixels(6, 4, 3, 1);
        var values = rgb.ToArray();
        for (int c = 0; c < 3; c++)
            for (int k = 0; k < 24; k++)
                Assert.Equal(bytes[k * 3 + c] / 255f, values[c * 24 + k]);

        var gray = set[3].Inputs; // dog/c.png loaded as RGB: the gray plane three times
        var grayBytes = Pixels(6, 4, 1, 2);
        for (int c = 0; c < 3; c++) Assert.Equal(grayBytes.Select(b => b / 255f), gray[c].ToArray().AsEnumerable());
    }

    [Fact]
    public void A_JPEG_decodes_to_its_colours()
    {
        WriteFolder();
        var jpeg = new ImageFolder(root)[2].Inputs; // cat/sub/b.JPG
        Assert.Equal([3, 16, 16], jpeg.Shape);
        void Colour(int row, int col, int r, int g, int b)
        {
            for (int c = 0; c < 3; c++)
                Assert.InRange(jpeg[c, row, col].Item() * 255, new[] { r, g, b }[c] - 6, new[] { r, g, b }[c] + 6);
        }
        Colour(3, 3, 255, 0, 0);
        Colour(4, 12, 0, 0, 255);
        Colour(12, 8, 40, 200, 90);
    }

    [Fact]
    public void Grayscale_is_stb_images_luma_of_the_RGB_bytes()
    {
        WriteFolder();
        var set = new ImageFolder(root, color: ColorMode.Grayscale);
        var gray = set[1].Inputs.ToArray(); // cat/a.png
        Assert.Equal([1, 4, 6], set[1].Inputs.Shape);
        var bytes = Pixels(6, 4, 3, 1);
        for (int k = 0; k < 24; k++)
            Assert.Equal(((77 * bytes[3 * k] + 150 * bytes[3 * k + 1] + 29 * bytes[3 * k + 2]) >> 8) / 255f, gray[k]);
        Assert.Equal(Pixels(6, 4, 1, 2).Select(b => b / 255f), set[3].Inputs.ToArray().AsEnumerable());
    }

    [Fact]
    public void Resize_is_PyTorchs_bilinear_without_aligned_corners()
    {
        // F.interpolate([[0, 1], [2, 3]], size=4, mode="bilinear", align_corners=False), worked by hand.
        var up = ImageFile.Resize(Tensor.FromArray([0, 1, 2, 3], 1, 2, 2), 4, 4);
        TensorAssert.Close([0, 0.25f, 0.75f, 1, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2, 2.25f, 2.75f, 3], up.ToArray());

        // Any size, against the formula as a loop: source (i + ½)·H/h − ½ clamped, four neighbours by distance.
        var x = TensorAssert.Random(41, 2, 5, 7);
        var values = x.ToArray();
        foreach (var (h, w) in new[] { (3, 4), (8, 11), (5, 7) })
        {
            var resized = ImageFile.Resize(x, h, w).ToArray();
            for (int c = 0; c < 2; c++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                    {
                        double sy = Math.Clamp((i + 0.5) * 5 / h - 0.5, 0, 4), sx = Math.Clamp((j + 0.5) * 7 / w - 0.5, 0, 6);
                        int y0 = (int)sy, x0 = (int)sx, y1 = Math.Min(y0 + 1, 4), x1 = Math.Min(x0 + 1, 6);
                        double fy = sy - y0, fx = sx - x0;
                        double v(int r, int q) => values[c * 35 + r * 7 + q];
                        double expected = (1 - fy) * ((1 - fx) * v(y0, x0) + fx * v(y0, x1)) + fy * ((1 - fx) * v(y1, x0) + fx * v(y1, x1));
                        Assert.Equal(expected, resized[(c * h + i) * w + j], 5);
                    }
        }
        Assert.Equal(values, ImageFile.Resize(x, 5, 7).ToArray());
    }

    [Fact]
    public void A_sized_folder_batches_through_a_data_loader()
    {
        WriteFolder();
        var set = new ImageFolder(root, size: (8, 8));
        var batches = new DataLoader(set, batchSize: 3).ToList();
        Assert.Equal([3, 3, 8, 8], batches[0].Inputs.Shape);
        Assert.Equal([0f, 1f, 1f], batches[0].Targets.ToArray());
        Assert.Equal([1, 3, 8, 8], batches[1].Inputs.Shape);
        Assert.Equal(ImageFile.Load(set.Samples[1].Path, size: (8, 8)).ToArray(), batches[0].Inputs[1].ToArray());
        Assert.Contains("3 classes: Bird, cat, dog", set.ToString());
    }

    [Fact]
    public void Images_of_different_sizes_without_a_size_name_both_files_when_batched()
    {
        WriteFolder();
        var set = new ImageFolder(root);
        var error = Assert.Throws<InvalidOperationException>(() => set.GetBatch([1, 2]));
        Assert.Contains("a.png", error.Message);
        Assert.Contains("b.JPG", error.Message);
        Assert.Contains("give a size", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_an_image_is_named_when_the_folder_is_scanned()
    {
        WriteFolder();
        string bad = Write("dog/broken.png", "this is not a PNG at all"u8.ToArray());
        var error = Assert.Throws<InvalidDataException>(() => new ImageFolder(root));
        Assert.Contains(bad, error.Message);
    }

    [Fact]
    public void A_truncated_image_is_named_when_it_is_loaded()
    {
        WriteFolder();
        var whole = Png.Encode(Pixels(32, 32, 3, 5), 32, 32, 3);
        string cut = Write("dog/cut.png", whole[..(whole.Length / 2)]);
        var set = new ImageFolder(root); // the header is intact
        int index = set.Samples.Select(s => s.Path).ToList().IndexOf(cut);
        var error = Assert.Throws<InvalidDataException>(() => set[index]);
        Assert.Contains(cut, error.Message);
        Assert.Contains(cut, Assert.Throws<InvalidDataException>(() => ImageFile.Load(cut)).Message);
    }

    [Fact]
    public void Missing_folders_and_empty_classes_are_named()
    {
        Assert.Throws<DirectoryNotFoundException>(() => new ImageFolder(Path.Combine(root, "nowhere")));
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        Write("full/a.png", Png.Encode(Pixels(2, 2, 1, 0), 2, 2, 1));
        Assert.Contains(Path.Combine(root, "empty"), Assert.Throws<InvalidDataException>(() => new ImageFolder(root)).Message);
        Assert.Throws<FileNotFoundException>(() => ImageFile.Load(Path.Combine(root, "none.png")));
    }
}
