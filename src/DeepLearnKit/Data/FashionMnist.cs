// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, https://github.com/zalandoresearch/fashion-mnist): 70,000 28×28
// grey images of clothing in 10 classes, the drop-in replacement for MNIST that chapter 04 trains on.
namespace DeepLearnKit.Data;

/// <summary>
/// Fashion-MNIST: 60,000 training and 10,000 test images [1, 28, 28] of Zalando articles, 10 balanced classes.
/// Found in an explicit folder, <c>$DLK_DATA</c>, the Debian package <c>dataset-fashion-mnist</c>
/// (<c>/usr/share/datasets/fashion-mnist/</c>), <c>~/.cache/deeplearnkit/fashion-mnist</c>, or downloaded from GitHub.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs the four <c>.gz</c> files.</summary>
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The upstream repository's data folder (raw files on GitHub).</summary>
    public const string OfficialUrl = "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/";

    /// <summary>
    /// SHA-256 of each file's decompressed IDX bytes. Computed from the Debian package's files; Debian recompressed
    /// the .gz files (their MD5s differ from the README's), but the label files' content hashes match the upstream
    /// .gz files (whose MD5s match the README), so the content, not the .gz, is what is checked.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> Sha256 = new Dictionary<string, string?>
    {
        ["train-images-idx3-ubyte"] = "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        ["train-labels-idx1-ubyte"] = "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        ["t10k-images-idx3-ubyte"] = "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        ["t10k-labels-idx1-ubyte"] = "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    };

    /// <summary>The class names, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Where and how the files are found, downloaded and checked.</summary>
    public static MnistFamily Source { get; } = new()
    {
        Name = "fashion-mnist",
        BaseUrl = new Uri(OfficialUrl),
        Sha256 = Sha256,
        ClassNames = ClassNames,
        // Over the 60,000 training images' pixels in [0, 1].
        Mean = 0.2860406f,
        Std = 0.3530242f,
        PackageFolder = DebianFolder,
    };

    /// <summary>
    /// The training (60,000) or test (10,000) split: inputs [N, 1, 28, 28] in [0, 1] (or standardised with
    /// μ = 0.2860, σ = 0.3530 when <paramref name="normalize"/>), targets [N] labels 0 … 9 (see <see cref="ClassNames"/>).
    /// </summary>
    public static TensorDataset Load(bool train = true, string? folder = null, bool normalize = false) =>
        Source.Load(train, folder, normalize);
}
