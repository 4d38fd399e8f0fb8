// Magnitude pruning against a sort written in the test, and its masks held through optimizer steps (SGD with momentum
// and weight decay, Adam) until they are removed.
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.NN;

[Collection(SharedRngCollection.Name)]
public class PruningTests
{
    private static Sequential Model()
    {
        Rng.Seed(11);
        return new Sequential(new Linear(6, 5), new ReLU(), new Linear(5, 3));
    }

    private static float[] Weights(Sequential model) =>
        model.NamedParameters().Where(p => p.Name.EndsWith("weight")).SelectMany(p => p.Parameter.ToArray()).ToArray();

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(0.75)]
    [InlineData(1.0)]
    public void Global_pruning_zeroes_exactly_the_smallest_weights_of_all_layers_and_leaves_biases(double sparsity)
    {
        var model = Model();
        var before = Weights(model);
        var biases = model.NamedParameters().Where(p => p.Name.EndsWith("bias")).SelectMany(p => p.Parameter.ToArray()).ToArray();
        int pruned = (int)Math.Round(sparsity * before.Length, MidpointRounding.AwayFromZero);
        var smallest = Enumerable.Range(0, before.Length).OrderBy(i => Math.Abs(before[i])).ThenBy(i => i).Take(pruned).ToHashSet();

        var masks = Prune.Magnitude(model, sparsity);
        var after = Weights(model);
        for (int i = 0; i < before.Length; i++) Assert.Equal(smallest.Contains(i) ? 0 : before[i], after[i]);
        Assert.Equal(biases, model.NamedParameters().Where(p => p.Name.EndsWith("bias")).SelectMany(p => p.Parameter.ToArray()));
        Assert.Equal((double)pruned / before.Length, masks.Sparsity, 12);
        Assert.Equal(["0.weight", "2.weight"], masks.Masks.Keys.Order());
    }

    [Fact]
    public void Per_parameter_pruning_takes_the_same_share_from_each_weight_tensor()
    {
        var model = Model();
        var layers = model.NamedParameters().Where(p => p.Name.EndsWith("weight")).Select(p => p.Parameter.ToArray()).ToList();
        Prune.Magnitude(model, 0.4, PruningScope.PerParameter);
        var pruned = model.NamedParameters().Where(p => p.Name.EndsWith("weight")).Select(p => p.Parameter.ToArray()).ToList();
        for (int t = 0; t < layers.Count; t++)
        {
            int count = (int)Math.Round(0.4 * layers[t].Length, MidpointRounding.AwayFromZero);
            var smallest = Enumerable.Range(0, layers[t].Length).OrderBy(i => Math.Abs(layers[t][i])).ThenBy(i => i).Take(count).ToHashSet();
            for (int i = 0; i < layers[t].Length; i++) Assert.Equal(smallest.Contains(i) ? 0 : layers[t][i], pruned[t][i]);
        }
    }

    public static TheoryData<string> Optimizers => new(["SGD momentum + weight decay", "Adam"]);

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Pruned_weights_stay_zero_through_optimizer_steps_and_the_others_keep_learning(string optimizerName)
    {
        var model = Model();
        var masks = Prune.Magnitude(model, 0.5);
        var zeros = Weights(model).Select(w => w == 0).ToArray();
        var kept = Weights(model);
        Optimizer optimizer = optimizerName == "Adam"
            ? new Adam(model.Parameters(), learningRate: 0.05)
            : new SGD(model.Parameters(), learningRate: 0.1, momentum: 0.9, weightDecay: 0.01);
        var x = Random(3, 8, 6);
        var y = Random(4, 8, 3);
        for (int step = 0; step < 5; step++)
        {
            optimizer.ZeroGrad();
            Loss.MSE(model.Call(x), y).Backward();
            optimizer.Step();
        }
        var trained = Weights(model);
        for (int i = 0; i < trained.Length; i++)
            if (zeros[i]) Assert.Equal(0, trained[i]);
        Assert.Contains(Enumerable.Range(0, trained.Length), i => !zeros[i] && trained[i] != kept[i]);

        // Removed: the zeros stay until the next step, which may move them.
        masks.Remove();
        Assert.Null(Prune.MaskOf(model.Parameters().First()));
        optimizer.ZeroGrad();
        Loss.MSE(model.Call(x), y).Backward();
        optimizer.Step();
        Assert.Contains(Enumerable.Range(0, trained.Length), i => zeros[i] && Weights(model)[i] != 0);
    }

    [Fact]
    public void Pruning_again_continues_from_the_last_masks_and_bad_requests_are_refused()
    {
        var model = Model();
        Prune.Magnitude(model, 0.5);
        var masks = Prune.Magnitude(model, 0.8);
        Assert.Equal(0.8, masks.Sparsity, 1);
        Assert.Equal(Weights(model).Count(w => w == 0), (int)Math.Round(0.8 * Weights(model).Length));
        Assert.Contains("[0, 1]", Assert.Throws<ArgumentOutOfRangeException>(() => Prune.Magnitude(model, 1.5)).Message);
        Assert.Contains("no parameter", Assert.Throws<ArgumentException>(() => Prune.Magnitude(model, 0.5, select: (_, _) => false)).Message);
    }

    [Fact]
    public void Removing_an_earlier_call_keeps_the_masks_a_later_call_set()
    {
        var model = Model();
        var first = Prune.Magnitude(model, 0.5);
        var second = Prune.Magnitude(model, 0.8);
        var weight = model.Parameters().First();
        first.Remove();
        Assert.Same(second.Masks.First().Value, Prune.MaskOf(weight));
        second.Remove();
        Assert.Null(Prune.MaskOf(weight));
    }
}
