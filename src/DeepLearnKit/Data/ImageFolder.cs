// A class-per-folder image data set (torchvision's ImageFolder, Keras' flow_from_directory): root/<class>/<image>,
// classes named by their folders in sorted order, images decoded on first use and kept.
using System.Collections.Concurrent;

namespace DeepLearnKit.Data;

/// <summary>
/// The images under <c>root/&lt;class&gt;/…</c> as a data set: <see cref="Classes"/> are the subfolder names of
/// <see cref="Root"/> in ordinal order (as Python's <c>sorted</c>), so class i is <c>Classes[i]</c>; each class's images are
/// the files below its folder (subfolders included) ending in <see cref="ImageFile.Extensions"/>, in ordinal path order;
/// other files and names starting with "." are skipped. Example i is <c>(image [C, H, W] in [0, 1], class index)</c>,
/// decoded by <see cref="ImageFile.Load"/> with <see cref="Color"/> and resized to <see cref="Size"/> when given.
/// Every header is read when the set is made, so a file that is not an image is named at once; a file whose data is
/// broken is named when it is first loaded. Batches need one size: give <see cref="Size"/> unless every image has it.
/// </summary>
/// <example><code>
/// // Keras: ImageDataGenerator(rescale=1/255, shear_range=0.2, zoom_range=0.2, horizontal_flip=True)
/// //            .flow_from_directory("data/train", target_size=(64, 64), batch_size=32, class_mode="sparse")
/// var train = new ImageFolder("data/train", size: (64, 64));   // values already in [0, 1]: no rescale
/// var loader = new DataLoader(train, batchSize: 32, shuffle: true)
/// {
///     Transform = Augment.Compose(Augment.RandomShear(0.2f), Augment.RandomZoom(0.2f), Augment.RandomHorizontalFlip()),
/// };
/// </code></example>
public sealed class ImageFolder : IDataset
{
    private readonly (string Path, int Label)[] samples;
    private readonly ConcurrentDictionary<int, Tensor> decoded = new();

    /// <summary>Scans <paramref name="root"/>; see the class summary for the layout and the rules.</summary>
    public ImageFolder(string root, (int Height, int Width)? size = null, ColorMode color = ColorMode.RGB)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"ImageFolder: the folder '{root}' does not exist.");
        if (size is { } s && (s.Height < 1 || s.Width < 1))
            throw new ArgumentOutOfRangeException(nameof(size), $"ImageFolder: the size must be at least 1×1, got {s.Height}×{s.Width}.");
        Root = Path.GetFullPath(root);
        Size = size;
        Color = color;
        Classes = Directory.GetDirectories(Root).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order(StringComparer.Ordinal).ToArray()!;
        if (Classes.Count == 0) throw new InvalidDataException($"ImageFolder: '{Root}' has no class folders (expected root/<class>/<image>).");
        var list = new List<(string, int)>();
        for (int label = 0; label < Classes.Count; label++)
        {
            string folder = Path.Combine(Root, Classes[label]);
            var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(f => ImageFile.HasImageExtension(f) && !Path.GetRelativePath(folder, f).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
                .Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0)
                throw new InvalidDataException($"ImageFolder: the class folder '{folder}' holds no image ({string.Join(", ", ImageFile.Extensions)}).");
            foreach (var f in files)
            {
                ImageFile.ReadHeader(f);
                list.Add((f, label));
            }
        }
        samples = [.. list];
        ClassToIndex = Classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i);
    }

    /// <summary>The folder scanned, as a full path.</summary>
    public string Root { get; }

    /// <summary>The size every image is resized to, or null to keep each image's own.</summary>
    public (int Height, int Width)? Size { get; }

    /// <summary>Grayscale (C = 1) or RGB (C = 3).</summary>
    public ColorMode Color { get; }

    /// <summary>The class names, sorted: class index i is <c>Classes[i]</c>.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The class index of each class name (torchvision's <c>class_to_idx</c>).</summary>
    public IReadOnlyDictionary<string, int> ClassToIndex { get; }

    /// <summary>Every example's file and class index, in example order (torchvision's <c>samples</c>).</summary>
    public IReadOnlyList<(string Path, int Label)> Samples => samples;

    /// <inheritdoc/>
    public int Count => samples.Length;

    /// <summary>Example <paramref name="index"/>: the image [C, H, W] in [0, 1] and its class index as a 0-D tensor.</summary>
    public Batch this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(index), $"ImageFolder: index {index} is out of range for {Count} images.");
            return new Batch(Image(index).Clone(), Tensor.Scalar(samples[index].Label)); // a copy: the kept image stays as decoded
        }
    }

    /// <summary>The images at <paramref name="indices"/> stacked to [n, C, H, W] and their class indices [n].</summary>
    public Batch GetBatch(IReadOnlyList<int> indices)
    {
        foreach (int i in indices)
            if ((uint)i >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"ImageFolder: index {i} is out of range for {Count} images.");
        var images = indices.Select(Image).ToArray();
        for (int k = 1; k < images.Length; k++)
            if (!Shapes.Equal(images[k].Shape, images[0].Shape))
                throw new InvalidOperationException(
                    $"ImageFolder: '{samples[indices[0]].Path}' is {Shapes.Format(images[0].Shape)} but '{samples[indices[k]].Path}' is " +
                    $"{Shapes.Format(images[k].Shape)}; give a size to batch images of different sizes.");
        var labels = indices.Select(i => (float)samples[i].Label).ToArray();
        return new Batch(Tensor.Stack(images), Tensor.FromArray(labels, labels.Length));
    }

    // Kept: a decoded image is cached for the data set's lifetime, not the step that first read it.
    private Tensor Image(int index) => decoded.GetOrAdd(index, i => ImageFile.Load(samples[i].Path, Color, Size).Keep());

    /// <inheritdoc/>
    public override string ToString() =>
        $"ImageFolder({Count} images, {Classes.Count} classes: {string.Join(", ", Classes)}{(Size is { } s ? $", {s.Height}×{s.Width}" : "")}, {Color})";
}
