// MNIST (LeCun, Cortes & Burges): 70,000 28×28 grey images of handwritten digits, the classic first data set.
namespace DeepLearnKit.Data;

/// <summary>
/// MNIST: 60,000 training and 10,000 test images [1, 28, 28] of the digits 0–9. Found in an explicit folder,
/// <c>$DLK_DATA</c>, <c>~/.cache/deeplearnkit/mnist</c>, or downloaded from a mirror (Debian has no MNIST package).
/// </summary>
public static class Mnist
{
    /// <summary>The mirror torchvision downloads from (the original site, yann.lecun.com, now refuses scripted downloads).</summary>
    public const string MirrorUrl = "https://ossci-datasets.s3.amazonaws.com/mnist/";

    /// <summary>
    /// SHA-256 of each file's decompressed IDX bytes. Three were checked against two independent copies of MNIST
    /// (different .gz bytes, identical content; t10k labels begin 7, 2, 1, 0, 4). The training images could not be
    /// obtained on the machine that wrote this, so that file is downloaded unchecked (null); its IDX header and size
    /// are still checked when it is read.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> Sha256 = new Dictionary<string, string?>
    {
        ["train-images-idx3-ubyte"] = null,
        ["train-labels-idx1-ubyte"] = "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        ["t10k-images-idx3-ubyte"] = "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        ["t10k-labels-idx1-ubyte"] = "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    };

    /// <summary>The class names, indexed by label: the digits.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Where and how the files are found, downloaded and checked.</summary>
    public static MnistFamily Source { get; } = new()
    {
        Name = "mnist",
        BaseUrl = new Uri(MirrorUrl),
        Sha256 = Sha256,
        ClassNames = ClassNames,
        // The standard statistics of the training images' pixels in [0, 1].
        Mean = 0.1307f,
        Std = 0.3081f,
    };

    /// <summary>
    /// The training (60,000) or test (10,000) split: inputs [N, 1, 28, 28] in [0, 1] (or standardised with
    /// μ = 0.1307, σ = 0.3081 when <paramref name="normalize"/>), targets [N] digits 0 … 9.
    /// </summary>
    public static TensorDataset Load(bool train = true, string? folder = null, bool normalize = false) =>
        Source.Load(train, folder, normalize);
}
