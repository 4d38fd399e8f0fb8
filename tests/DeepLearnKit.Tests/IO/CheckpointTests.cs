// Checkpoints: a model with SGD-momentum state comes back bit-exact and trains on identically; a file that does not fit
// the model changes nothing.
using DeepLearnKit.Data;
using DeepLearnKit.IO;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using DeepLearnKit.Training;
using static DeepLearnKit.Tests.Training.TrainingData;

namespace DeepLearnKit.Tests.IO;

public sealed class CheckpointTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("dlk-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static Sequential Model(int seed, int hidden = 4) =>
        new(FixedLinear(2, hidden, seed), new Tanh(), FixedLinear(hidden, 1, seed + 10));

    /// <summary>Each parameter's step count and momentum buffer bits as text, keyed by its index (so dictionaries compare by value).</summary>
    private static Dictionary<int, string> OptimizerBits(Optimizer optimizer)
    {
        var parameters = optimizer.ParamGroups.SelectMany(g => g.Params).ToList();
        return optimizer.State.ToDictionary(
            s => parameters.IndexOf(s.Key),
            s => $"step {s.Value.Step}: {string.Join(" ", Bits(s.Value.Tensors["momentum_buffer"]))}");
    }

    [Fact]
    public void A_model_and_its_SGD_momentum_state_round_trip_bit_exactly_and_train_on_identically()
    {
        var data = Regression();
        var model = Model(seed: 1);
        var sgd = new SGD(model.Parameters(), learningRate: 0.05, momentum: 0.9, weightDecay: 1e-3);
        model.Fit(data, MSE, sgd, epochs: 2);
        var path = Path.Combine(folder, "run.safetensors");
        Checkpoint.Save(path, model, sgd, new Dictionary<string, string> { ["epoch"] = "2" });

        var restored = Model(seed: 30);
        var restoredSgd = new SGD(restored.Parameters(), learningRate: 0.5, momentum: 0.9); // options come from the file
        var metadata = Checkpoint.Load(path, restored, restoredSgd);

        Assert.Equal("2", metadata["epoch"]);
        Assert.Equal(Bits(model), Bits(restored));
        Assert.Equal(OptimizerBits(sgd), OptimizerBits(restoredSgd));
        Assert.Equal(8, restoredSgd.State.Values.First().Step);
        Assert.Equal(sgd.ParamGroups[0].Options, restoredSgd.ParamGroups[0].Options);

        // One more epoch on each: the same numbers, bit for bit.
        model.Fit(data, MSE, sgd, epochs: 1);
        restored.Fit(data, MSE, restoredSgd, epochs: 1);
        Assert.Equal(Bits(model), Bits(restored));
    }

    [Fact]
    public void The_file_is_ordinary_safetensors_with_state_dict_names()
    {
        var model = Model(seed: 1);
        var sgd = new SGD(model.Parameters(), learningRate: 0.1, momentum: 0.5);
        model.Fit(Regression(), MSE, sgd, epochs: 1);
        var path = Path.Combine(folder, "plain.safetensors");
        Checkpoint.Save(path, model, sgd);

        var file = SafeTensors.Load(path);
        Assert.Equal(
            ["0.bias", "0.weight", "2.bias", "2.weight",
             "optimizer.state.0.momentum_buffer", "optimizer.state.1.momentum_buffer", "optimizer.state.2.momentum_buffer", "optimizer.state.3.momentum_buffer"],
            file.Tensors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("SGD", file.Metadata["optimizer.type"]);
        Assert.Equal("4", file.Metadata["optimizer.state.0.step"]);
        Assert.Contains("\"Momentum\":0.5", file.Metadata["optimizer.param_groups"]);
    }

    [Fact]
    public void A_checkpoint_with_mismatched_shapes_throws_and_changes_nothing()
    {
        var path = Path.Combine(folder, "small.safetensors");
        var small = Model(seed: 1, hidden: 4);
        var smallSgd = new SGD(small.Parameters(), learningRate: 0.1, momentum: 0.9);
        small.Fit(Regression(), MSE, smallSgd, epochs: 1);
        Checkpoint.Save(path, small, smallSgd);

        var big = Model(seed: 2, hidden: 5);
        var bigSgd = new SGD(big.Parameters(), learningRate: 0.2, momentum: 0.9);
        big.Fit(Regression(), MSE, bigSgd, epochs: 1);
        var weights = Bits(big);
        var state = OptimizerBits(bigSgd);

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, big, bigSgd));
        Assert.Contains(path, e.Message);
        Assert.Contains("0.weight", e.Message);
        Assert.Equal(weights, Bits(big));
        Assert.Equal(state, OptimizerBits(bigSgd));
        Assert.Equal(0.2, bigSgd.ParamGroups[0].LearningRate);
    }

    [Fact]
    public void Loading_optimizer_state_from_a_model_only_file_throws_before_touching_the_model()
    {
        var path = Path.Combine(folder, "weights.safetensors");
        Checkpoint.Save(path, Model(seed: 1));
        var other = Model(seed: 2);
        var weights = Bits(other);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, other, new SGD(other.Parameters())));
        Assert.Contains("no optimizer state", e.Message);
        Assert.Equal(weights, Bits(other));

        Checkpoint.Load(path, other); // the weights alone load
        Assert.Equal(Bits(Model(seed: 1)), Bits(other));
    }
}
