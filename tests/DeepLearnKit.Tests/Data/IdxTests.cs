// Reading IDX files (plain and gzipped) exactly, rejecting corrupt ones with the file named, loading an MNIST-style
// folder into a TensorDataset, and the real Fashion-MNIST from the Debian package dataset-fashion-mnist.
using DeepLearnKit.Data;

namespace DeepLearnKit.Tests.Data;

public class IdxTests
{
    private static readonly byte[] Pixels = [0, 51, 255, 7, 128, 200, 1, 2, 3, 4, 5, 6];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void It_reads_images_and_labels_exactly(bool gzipped)
    {
        using var folder = new TempFolder();
        byte[] images = IdxFiles.Images(3, 2, 2, Pixels), labels = IdxFiles.Labels(9, 0, 4);
        File.WriteAllBytes(folder["images"], gzipped ? IdxFiles.Gzip(images) : images);
        File.WriteAllBytes(folder["labels"], gzipped ? IdxFiles.Gzip(labels) : labels);

        var x = Idx.ReadImages(folder["images"]);
        Assert.Equal([3, 2, 2], x.Shape);
        Assert.Equal(Pixels, x.Data);
        var y = Idx.ReadLabels(folder["labels"]);
        Assert.Equal([3], y.Shape);
        Assert.Equal([9, 0, 4], y.Data);
    }

    [Fact]
    public void A_bad_magic_number_is_rejected_with_the_file_named()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder["labels"], IdxFiles.Labels(1, 2, 3));
        var error = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(folder["labels"]));
        Assert.Contains(folder["labels"], error.Message);
        Assert.Contains("bad magic number 2049", error.Message);
        Assert.Contains("expected 2051", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_truncated_file_is_rejected_with_the_byte_where_it_ends(bool gzipped)
    {
        using var folder = new TempFolder();
        var bytes = IdxFiles.Images(3, 2, 2, Pixels)[..^5]; // 16 header bytes + 7 of 12 pixels
        File.WriteAllBytes(folder["images.gz"], gzipped ? IdxFiles.Gzip(bytes) : bytes);
        var error = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(folder["images.gz"]));
        Assert.Contains(folder["images.gz"], error.Message);
        Assert.Contains("truncated at byte 23", error.Message);
        Assert.Contains("needs 28 bytes", error.Message);
    }

    [Fact]
    public void A_truncated_header_and_a_cut_gzip_stream_are_rejected()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder["short"], IdxFiles.Images(3, 2, 2, Pixels)[..10]);
        var error = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(folder["short"]));
        Assert.Contains(folder["short"], error.Message);
        Assert.Contains("truncated at byte 10", error.Message);

        var gz = IdxFiles.Gzip(IdxFiles.Images(3, 2, 2, Pixels));
        File.WriteAllBytes(folder["cut.gz"], gz[..(gz.Length / 2)]);
        error = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(folder["cut.gz"]));
        Assert.Contains(folder["cut.gz"], error.Message);
    }

    [Fact]
    public void More_data_than_the_header_declares_is_rejected()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder["labels"], IdxFiles.Bytes(2049, [2], [1, 2, 3]));
        var error = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(folder["labels"]));
        Assert.Contains(folder["labels"], error.Message);
        Assert.Contains("bytes after byte 10", error.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<FileNotFoundException>(() => Idx.ReadLabels("/nonexistent/labels-idx1-ubyte"));
        Assert.Contains("/nonexistent/labels-idx1-ubyte", error.Message);
    }

    private static MnistFamily Family(string cache) => new()
    {
        Name = "tiny",
        BaseUrl = new Uri("http://127.0.0.1:9/unused/"),
        Sha256 = new Dictionary<string, string?>(),
        ClassNames = Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray(),
        Mean = 0.5f,
        Std = 0.25f,
        CacheFolder = cache,
    };

    [Fact]
    public void A_folder_loads_as_images_in_0_1_and_labels()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder["t10k-images-idx3-ubyte.gz"], IdxFiles.Gzip(IdxFiles.Images(3, 2, 2, Pixels)));
        File.WriteAllBytes(folder["t10k-labels-idx1-ubyte"], IdxFiles.Labels(9, 0, 4));
        var family = Family(folder["cache"]);

        var data = family.Load(train: false, folder: folder.Path);
        Assert.Equal(3, data.Count);
        TensorAssert.Close([3, 1, 2, 2], Pixels.Select(p => p / 255f).ToArray(), data.Inputs, atol: 1e-7);
        Assert.Equal([9f, 0f, 4f], data.Targets.ToArray());
        Assert.Equal([3], data.Targets.Shape);

        var normalized = family.Load(train: false, folder: folder.Path, normalize: true);
        TensorAssert.Close([3, 1, 2, 2], Pixels.Select(p => (p / 255f - 0.5f) / 0.25f).ToArray(), normalized.Inputs, atol: 1e-6);
        Assert.Empty(Directory.Exists(folder["cache"]) ? Directory.GetFiles(folder["cache"]) : []);
    }

    [Fact]
    public void Image_and_label_counts_must_agree_and_labels_must_name_a_class()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder["train-images-idx3-ubyte"], IdxFiles.Images(3, 2, 2, Pixels));
        File.WriteAllBytes(folder["train-labels-idx1-ubyte"], IdxFiles.Labels(1, 2));
        var error = Assert.Throws<InvalidDataException>(() => Family(folder["cache"]).Load(train: true, folder: folder.Path));
        Assert.Contains(folder["train-images-idx3-ubyte"], error.Message);
        Assert.Contains(folder["train-labels-idx1-ubyte"], error.Message);
        Assert.Contains("3 images", error.Message);
        Assert.Contains("2 labels", error.Message);

        File.WriteAllBytes(folder["train-labels-idx1-ubyte"], IdxFiles.Labels(1, 10, 2));
        error = Assert.Throws<InvalidDataException>(() => Family(folder["cache"]).Load(train: true, folder: folder.Path));
        Assert.Contains("example 1 label 10", error.Message);
    }

    [Fact]
    public void An_explicit_folder_without_the_files_is_an_error_not_a_download()
    {
        using var folder = new TempFolder();
        var error = Assert.Throws<FileNotFoundException>(() => Family(folder["cache"]).Load(folder: folder.Path));
        Assert.Contains(folder.Path, error.Message);
        Assert.Contains("train-images-idx3-ubyte", error.Message);
    }

    [Fact]
    public void The_real_Fashion_MNIST_has_60000_and_10000_balanced_examples_and_the_checksums_we_ship()
    {
        string folder = FashionMnist.DebianFolder;
        if (!File.Exists(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz")))
            Assert.Fail($"Fashion-MNIST is not in {folder}: run scripts/install-prerequisites.sh (it installs the Debian package dataset-fashion-mnist).");

        foreach (var (name, sha) in FashionMnist.Sha256)
            Assert.Equal(sha, Download.ContentSha256(Path.Combine(folder, name + ".gz")));

        var train = FashionMnist.Load(train: true, folder: folder, normalize: true);
        Assert.Equal([60000, 1, 28, 28], train.Inputs.Shape);
        Assert.Equal([60000], train.Targets.Shape);
        Assert.All(Histogram(train.Targets), count => Assert.Equal(6000, count));
        // Standardised with the training set's own μ and σ: mean 0, std 1.
        double sum = 0, squares = 0;
        foreach (float v in train.Inputs.ToArray())
        {
            sum += v;
            squares += (double)v * v;
        }
        double mean = sum / train.Inputs.NumEl, std = Math.Sqrt(squares / train.Inputs.NumEl - mean * mean);
        Assert.InRange(mean, -1e-3, 1e-3);
        Assert.InRange(std, 0.999, 1.001);

        var test = FashionMnist.Load(train: false, folder: folder);
        Assert.Equal([10000, 1, 28, 28], test.Inputs.Shape);
        Assert.All(Histogram(test.Targets), count => Assert.Equal(1000, count));
        var pixels = test.Inputs.ToArray();
        Assert.Equal(0f, pixels.Min());
        Assert.Equal(1f, pixels.Max());
        Assert.Equal(10, FashionMnist.ClassNames.Count);
        Assert.Equal("T-shirt/top", FashionMnist.ClassNames[0]);
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[9]);
    }

    private static int[] Histogram(Tensor labels)
    {
        var counts = new int[10];
        foreach (float label in labels.ToArray()) counts[(int)label]++;
        return counts;
    }
}
