// TensorDataset (one gather per batch, shapes checked) and DataLoader (batch count and sizes, every example once per
// epoch, seeded shuffling that changes between epochs, transforms and devices).
using DeepLearnKit.Data;

namespace DeepLearnKit.Tests.Data;

[Collection(SharedRngCollection.Name)]
public class DataLoaderTests
{
    /// <summary>Example i has input [i, −i] and target 10·i, so a batch tells which examples it holds.</summary>
    private static TensorDataset Numbered(int n) => new(
        Tensor.FromArray(Enumerable.Range(0, n).SelectMany(i => new float[] { i, -i }).ToArray(), n, 2),
        Tensor.FromArray(Enumerable.Range(0, n).Select(i => 10f * i).ToArray(), n));

    private static int[] Indices(Batch batch) => batch.Inputs.ToArray().Where((_, k) => k % 2 == 0).Select(v => (int)v).ToArray();

    private static int[] Epoch(DataLoader loader) => loader.SelectMany(Indices).ToArray();

    [Fact]
    public void TensorDataset_gathers_rows_and_checks_shapes()
    {
        var data = Numbered(5);
        Assert.Equal(5, data.Count);
        Assert.Equal([3f, -3f], data[3].Inputs.ToArray());
        Assert.Equal(30f, data[3].Targets.Item());
        var batch = data.GetBatch([4, 0, 4]);
        Assert.Equal([3, 2], batch.Inputs.Shape);
        Assert.Equal([4f, -4, 0, 0, 4, -4], batch.Inputs.ToArray());
        Assert.Equal([40f, 0, 40], batch.Targets.ToArray());
        // The interface's default GetBatch (stacking examples) agrees with the gather.
        var stacked = ((IDataset)new ListDataset(data)).GetBatch([4, 0, 4]);
        Assert.Equal(batch.Inputs.ToArray(), stacked.Inputs.ToArray());
        Assert.Equal(batch.Targets.ToArray(), stacked.Targets.ToArray());

        var error = Assert.Throws<ArgumentException>(() => new TensorDataset(Tensor.Zeros(4, 2), Tensor.Zeros(3)));
        Assert.Contains("[4, 2]", error.Message);
        Assert.Contains("[3]", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => data[5]);
    }

    [Theory]
    [InlineData(10, 3, false, new[] { 3, 3, 3, 1 })]
    [InlineData(10, 3, true, new[] { 3, 3, 3 })]
    [InlineData(9, 3, true, new[] { 3, 3, 3 })]
    [InlineData(9, 3, false, new[] { 3, 3, 3 })]
    [InlineData(2, 5, false, new[] { 2 })]
    [InlineData(2, 5, true, new int[0])]
    public void Count_and_batch_sizes_follow_dropLast(int n, int batchSize, bool dropLast, int[] sizes)
    {
        var loader = new DataLoader(Numbered(n), batchSize, dropLast: dropLast);
        Assert.Equal(sizes.Length, loader.Count);
        Assert.Equal(sizes, loader.Select(b => b.Count).ToArray());
        Assert.All(loader, b => Assert.Equal(b.Inputs.Size(0), b.Targets.Size(0)));
    }

    [Fact]
    public void Without_shuffle_the_examples_come_in_order_with_their_targets()
    {
        var loader = new DataLoader(Numbered(7), 3);
        Assert.Equal(Enumerable.Range(0, 7), Epoch(loader));
        foreach (var (x, y) in loader)
            Assert.Equal(Indices(new Batch(x, y)).Select(i => 10f * i), y.ToArray());
    }

    [Fact]
    public void Shuffled_epochs_visit_every_example_once_differ_and_repeat_after_Seed()
    {
        var loader = new DataLoader(Numbered(100), 16, shuffle: true);
        Rng.Seed(7);
        var first = Epoch(loader);
        var second = Epoch(loader);
        Assert.Equal(Enumerable.Range(0, 100), first.Order());
        Assert.Equal(Enumerable.Range(0, 100), second.Order());
        Assert.NotEqual(Enumerable.Range(0, 100), first);
        Assert.NotEqual(first, second);

        Rng.Seed(7);
        Assert.Equal(first, Epoch(loader));
        Assert.Equal(second, Epoch(loader));

        foreach (var batch in loader)
            Assert.Equal(Indices(batch).Select(i => 10f * i), batch.Targets.ToArray());
    }

    [Fact]
    public void DropLast_with_shuffle_leaves_out_a_different_remainder_each_epoch_but_never_repeats()
    {
        var loader = new DataLoader(Numbered(10), 4, shuffle: true, dropLast: true);
        Rng.Seed(3);
        var epochs = Enumerable.Range(0, 5).Select(_ => Epoch(loader)).ToArray();
        Assert.All(epochs, e => Assert.Equal(8, e.Distinct().Count()));
        Assert.True(epochs.Select(e => string.Join(",", e.Order())).Distinct().Count() > 1);
    }

    [Fact]
    public void A_transform_and_a_device_apply_to_every_batch()
    {
        var loader = new DataLoader(new TensorDataset(Tensor.FromArray([1f, 2, 3, 4], 2, 1, 1, 2), Tensor.FromArray([0f, 1])), 2)
        {
            Transform = Augment.RandomHorizontalFlip(p: 1),
            Device = Device.GpuSimulator,
        };
        var batch = Assert.Single(loader);
        Assert.Equal([2f, 1, 4, 3], batch.Inputs.ToArray());
        Assert.Equal(Device.GpuSimulator, batch.Inputs.Device);
        Assert.Equal(Device.GpuSimulator, batch.Targets.Device);
    }

    [Fact]
    public void A_batch_size_below_one_is_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(Numbered(3), 0));
        Assert.Contains("batchSize", error.Message);
    }

    /// <summary>A data set that only has the indexer, so the interface's default GetBatch is used.</summary>
    private sealed class ListDataset(TensorDataset inner) : IDataset
    {
        public int Count => inner.Count;
        public Batch this[int index] => inner[index];
    }
}
