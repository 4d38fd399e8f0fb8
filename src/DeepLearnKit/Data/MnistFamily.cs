// The MNIST family of data sets (MNIST, Fashion-MNIST): four IDX files, found on this machine or downloaded
// once into a per-user cache, loaded as a TensorDataset of [N, 1, 28, 28] images in [0, 1] and [N] labels.
using System.Numerics.Tensors;
namespace DeepLearnKit.Data;

/// <summary>
/// A data set published as the four MNIST-style IDX files <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>,
/// <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c> (each plain or <c>.gz</c>). <see cref="Load"/> looks
/// for them, in order: in an explicit folder (only there, when one is given); in <c>$DLK_DATA/&lt;Name&gt;</c> and
/// <c>$DLK_DATA</c>; in <see cref="PackageFolder"/> (a Debian data set package); in <see cref="CacheFolder"/>; and
/// otherwise downloads the missing files from <see cref="BaseUrl"/> into the cache, checking <see cref="Sha256"/>.
/// </summary>
public sealed class MnistFamily
{
    /// <summary>The environment variable naming a folder of data sets.</summary>
    public const string DataVariable = "DLK_DATA";

    /// <summary>A short name, also the cache subfolder, e.g. <c>fashion-mnist</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Where the <c>.gz</c> files are downloaded from (a folder URL).</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>
    /// Expected SHA-256 of each file's content (decompressed IDX bytes, see <see cref="Download.ContentSha256"/>), keyed by
    /// the name without <c>.gz</c>. A name missing here, or mapped to null, is downloaded without a checksum.
    /// </summary>
    public required IReadOnlyDictionary<string, string?> Sha256 { get; init; }

    /// <summary>The name of each class, indexed by label.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>The mean μ of the training images' pixels (in [0, 1]), used by <c>normalize</c>.</summary>
    public required float Mean { get; init; }

    /// <summary>The standard deviation σ of the training images' pixels (in [0, 1]), used by <c>normalize</c>.</summary>
    public required float Std { get; init; }

    /// <summary>A folder a system package installs the files into (null: none).</summary>
    public string? PackageFolder { get; init; }

    /// <summary>The per-user cache folder, by default <see cref="DefaultCacheFolder"/>(<see cref="Name"/>).</summary>
    public string CacheFolder
    {
        get => cacheFolder ?? DefaultCacheFolder(Name);
        init => cacheFolder = value;
    }

    private readonly string? cacheFolder;

    /// <summary><c>$XDG_CACHE_HOME/deeplearnkit/&lt;name&gt;</c>, or <c>~/.cache/deeplearnkit/&lt;name&gt;</c> without XDG_CACHE_HOME.</summary>
    public static string DefaultCacheFolder(string name)
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "deeplearnkit", name);
    }

    /// <summary>The IDX file names (without <c>.gz</c>) of the training or the test split.</summary>
    public static (string Images, string Labels) FileNames(bool train) => train
        ? ("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
        : ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /// <summary>
    /// Loads a split: inputs [N, 1, rows, cols] with pixels x/255 ∈ [0, 1], or (x/255 − μ)/σ with
    /// <paramref name="normalize"/>; targets [N], the labels 0 … C−1. Bad files throw <see cref="InvalidDataException"/>
    /// naming the file.
    /// </summary>
    public TensorDataset Load(bool train = true, string? folder = null, bool normalize = false)
    {
        var (imagesPath, labelsPath) = Locate(train, folder);
        var images = Idx.ReadImages(imagesPath);
        var labels = Idx.ReadLabels(labelsPath);
        int n = images.Shape[0], rows = images.Shape[1], cols = images.Shape[2];
        if (labels.Shape[0] != n)
            throw new InvalidDataException($"{Name}: '{imagesPath}' holds {n} images but '{labelsPath}' holds {labels.Shape[0]} labels.");

        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            if (labels.Data[i] >= ClassNames.Count)
                throw new InvalidDataException($"{Name}: '{labelsPath}' gives example {i} label {labels.Data[i]}; expected 0 … {ClassNames.Count - 1}.");
            y[i] = labels.Data[i];
        }
        // x/255, then optionally (x − μ)/σ, folded into one scale and shift per pixel.
        float scale = normalize ? 1f / (255f * Std) : 1f / 255f, shift = normalize ? -Mean / Std : 0f;
        // Written straight into the tensor's memory: a copy through FromArray would briefly double a 188 MB set.
        var inputs = Tensor.Uninitialized([n, 1, rows, cols], Device.Cpu);
        var x = Backends.Cpu.CpuBackend.Data(inputs.storage);
        TensorPrimitives.ConvertChecked<byte, float>(images.Data, x);
        TensorPrimitives.Multiply(x, scale, x);
        TensorPrimitives.Add(x, shift, x);
        return new TensorDataset(inputs, Tensor.FromArray(y, n));
    }

    /// <summary>
    /// The paths of a split's image and label files, searched in the order the class describes; downloads them into
    /// <see cref="CacheFolder"/> when no folder has both. An explicit <paramref name="folder"/> without them is an error.
    /// </summary>
    public (string Images, string Labels) Locate(bool train = true, string? folder = null)
    {
        var (images, labels) = FileNames(train);
        if (folder is not null)
        {
            return Find(folder, images, labels) ?? throw new FileNotFoundException(
                $"{Name}: folder '{folder}' does not hold {images}[.gz] and {labels}[.gz].", Path.Combine(folder, images));
        }
        return TryLocate(train) ?? (FindOrDownload(images), FindOrDownload(labels));
    }

    /// <summary>
    /// The paths of a split's files in the first search folder (<c>DLK_DATA</c>, the package folder, the cache) that holds
    /// both, or null; never downloads. <c>dlk doctor</c> uses it to say where the data comes from.
    /// </summary>
    public (string Images, string Labels)? TryLocate(bool train = true)
    {
        var (images, labels) = FileNames(train);
        foreach (string candidate in SearchFolders())
            if (Find(candidate, images, labels) is { } found) return found;
        return null;
    }

    private IEnumerable<string> SearchFolders()
    {
        string? data = Environment.GetEnvironmentVariable(DataVariable);
        if (!string.IsNullOrEmpty(data))
        {
            yield return Path.Combine(data, Name);
            yield return data;
        }
        if (PackageFolder is not null) yield return PackageFolder;
        yield return CacheFolder;
    }

    private static (string, string)? Find(string folder, string images, string labels) =>
        FindFile(folder, images) is { } i && FindFile(folder, labels) is { } l ? (i, l) : null;

    private static string? FindFile(string folder, string name)
    {
        foreach (string file in new[] { name + ".gz", name })
            if (File.Exists(Path.Combine(folder, file))) return Path.Combine(folder, file);
        return null;
    }

    private string FindOrDownload(string name) =>
        FindFile(CacheFolder, name) ?? Download.File(BaseUrl, name + ".gz", CacheFolder, Sha256.GetValueOrDefault(name));

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({ClassNames.Count} classes)";
}
