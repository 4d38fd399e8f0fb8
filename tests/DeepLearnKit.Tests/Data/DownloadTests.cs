// Downloading into the cache against a loopback HTTP server (never the network): a good file lands with the
// right checksum, wrong bytes or a 404 leave nothing behind, and MnistFamily searches DLK_DATA before downloading.
using DeepLearnKit.Data;

namespace DeepLearnKit.Tests.Data;

// These tests set the process-wide DLK_DATA variable, so they run outside the parallel phase.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DataEnvironmentCollection
{
    public const string Name = "Tests that set DLK_DATA";
}

[Collection(DataEnvironmentCollection.Name)]
public class DownloadTests
{
    private static readonly byte[] Labels = IdxFiles.Labels(3, 1, 4, 1, 5);
    private static readonly byte[] Images = IdxFiles.Images(5, 2, 1, [0, 255, 1, 2, 3, 4, 5, 6, 7, 8]);

    [Fact]
    public void A_download_lands_in_the_cache_with_its_checksum_checked()
    {
        using var server = new LoopbackServer();
        using var cache = new TempFolder();
        var gz = IdxFiles.Gzip(Labels);
        server.Serve("t10k-labels-idx1-ubyte.gz", gz);

        string path = Download.File(server.BaseUrl, "t10k-labels-idx1-ubyte.gz", cache["tiny"], IdxFiles.Sha256(Labels));

        Assert.Equal(cache["tiny/t10k-labels-idx1-ubyte.gz"], path);
        Assert.Equal(gz, File.ReadAllBytes(path));
        Assert.Equal(IdxFiles.Sha256(Labels), Download.ContentSha256(path));
        Assert.Equal(["tiny/t10k-labels-idx1-ubyte.gz"], cache.Files());
        Assert.Equal([3, 1, 4, 1, 5], Idx.ReadLabels(path).Data);
    }

    [Fact]
    public void Wrong_bytes_fail_the_checksum_and_leave_no_file()
    {
        using var server = new LoopbackServer();
        using var cache = new TempFolder();
        server.Serve("t10k-labels-idx1-ubyte.gz", IdxFiles.Gzip(IdxFiles.Labels(3, 1, 4, 1, 6)));

        var error = Assert.Throws<InvalidDataException>(() =>
            Download.File(server.BaseUrl, "t10k-labels-idx1-ubyte.gz", cache.Path, IdxFiles.Sha256(Labels)));
        Assert.Contains("checksum", error.Message);
        Assert.Contains(server.BaseUrl + "t10k-labels-idx1-ubyte.gz", error.Message);
        Assert.Contains(IdxFiles.Sha256(Labels), error.Message);
        Assert.Empty(cache.Files());
    }

    [Fact]
    public void A_404_is_a_clear_error_and_leaves_no_file()
    {
        using var server = new LoopbackServer();
        using var cache = new TempFolder();
        var error = Assert.Throws<HttpRequestException>(() =>
            Download.File(server.BaseUrl, "missing.gz", cache.Path, expectedSha256: null));
        Assert.Contains("404", error.Message);
        Assert.Contains(server.BaseUrl + "missing.gz", error.Message);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.StatusCode);
        Assert.Empty(cache.Files());
    }

    [Fact]
    public void A_download_cut_off_midway_names_the_URL_and_leaves_no_file()
    {
        using var server = new LoopbackServer();
        using var cache = new TempFolder();
        server.ServeCutOff("t10k-images-idx3-ubyte.gz", new byte[500], declaredLength: 100_000);

        var error = Assert.Throws<HttpRequestException>(() =>
            Download.File(server.BaseUrl, "t10k-images-idx3-ubyte.gz", cache.Path, expectedSha256: null));
        Assert.Contains(server.BaseUrl + "t10k-images-idx3-ubyte.gz", error.Message);
        Assert.Contains("100000", error.Message);
        Assert.Empty(cache.Files());
    }

    private static MnistFamily Family(Uri baseUrl, string cache, string name) => new()
    {
        Name = name,
        BaseUrl = baseUrl,
        Sha256 = new Dictionary<string, string?>
        {
            ["t10k-images-idx3-ubyte"] = IdxFiles.Sha256(Images),
            ["t10k-labels-idx1-ubyte"] = IdxFiles.Sha256(Labels),
        },
        ClassNames = Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray(),
        Mean = 0,
        Std = 1,
        CacheFolder = cache,
    };

    [Fact]
    public void Load_downloads_missing_files_into_the_cache_once()
    {
        using var server = new LoopbackServer();
        using var cache = new TempFolder();
        using var emptyData = new TempFolder();
        server.Serve("t10k-images-idx3-ubyte.gz", IdxFiles.Gzip(Images));
        server.Serve("t10k-labels-idx1-ubyte.gz", IdxFiles.Gzip(Labels));
        var family = Family(server.BaseUrl, cache.Path, "tiny-" + Guid.NewGuid().ToString("N"));

        WithDataVariable(emptyData.Path, () =>
        {
            var data = family.Load(train: false);
            Assert.Equal([5, 1, 2, 1], data.Inputs.Shape);
            Assert.Equal([3f, 1, 4, 1, 5], data.Targets.ToArray());
            Assert.Equal(["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"], cache.Files());
            Assert.Equal(2, server.Requests);

            family.Load(train: false);
            Assert.Equal(2, server.Requests);
        });
    }

    [Fact]
    public void DLK_DATA_is_searched_before_the_cache_and_the_download()
    {
        using var data = new TempFolder();
        using var cache = new TempFolder();
        string name = "tiny-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(data[name]);
        File.WriteAllBytes(data[name + "/t10k-images-idx3-ubyte"], Images);
        File.WriteAllBytes(data[name + "/t10k-labels-idx1-ubyte.gz"], IdxFiles.Gzip(Labels));
        var family = Family(new Uri("http://127.0.0.1:9/never/"), cache.Path, name);

        WithDataVariable(data.Path, () =>
        {
            var (images, labels) = family.Locate(train: false);
            Assert.Equal(data[name + "/t10k-images-idx3-ubyte"], images);
            Assert.Equal(data[name + "/t10k-labels-idx1-ubyte.gz"], labels);
            Assert.Equal(5, family.Load(train: false).Count);
        });
        Assert.Empty(cache.Files());
    }

    [Fact]
    public void The_default_cache_is_under_XDG_CACHE_HOME_or_the_home_folder()
    {
        string expected = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? Path.Combine(xdg, "deeplearnkit", "fashion-mnist")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "deeplearnkit", "fashion-mnist");
        Assert.Equal(expected, FashionMnist.Source.CacheFolder);
        Assert.Equal("/usr/share/datasets/fashion-mnist", FashionMnist.Source.PackageFolder);
        Assert.StartsWith("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/", FashionMnist.Source.BaseUrl.AbsoluteUri);
    }

    private static void WithDataVariable(string value, Action body)
    {
        string? saved = Environment.GetEnvironmentVariable(MnistFamily.DataVariable);
        Environment.SetEnvironmentVariable(MnistFamily.DataVariable, value);
        try { body(); }
        finally { Environment.SetEnvironmentVariable(MnistFamily.DataVariable, saved); }
    }
}
