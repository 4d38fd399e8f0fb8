// A checkpoint whose optimizer part was edited by hand or damaged: every mismatch (a state tensor of the wrong shape,
// an unknown state name, an option out of range or misspelled) is refused before anything changes, with the message
// the optimizer's constructor gives for the same options.
using DeepLearnKit.IO;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using static DeepLearnKit.Tests.Training.TrainingData;

namespace DeepLearnKit.Tests.IO;

public sealed class CheckpointTamperingTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("dlk-tamper-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>A [8, 4] weight (parameter 0) and an [8] bias (parameter 1), trained two Adam steps, saved.</summary>
    private string SavedAdamCheckpoint()
    {
        var model = new Sequential(FixedLinear(4, 8, seed: 5));
        var adam = new Adam(model.Parameters(), learningRate: 0.01);
        TakeSteps(model, adam, 2);
        var path = Path.Combine(folder, "adam.safetensors");
        Checkpoint.Save(path, model, adam);
        return path;
    }

    private static void TakeSteps(Module model, Optimizer optimizer, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            optimizer.ZeroGrad();
            model.Call(Tensor.Ones(3, 4)).Square().Mean().Backward();
            optimizer.Step();
        }
    }

    /// <summary>Rewrites <paramref name="path"/> with its tensors and metadata passed through the edits.</summary>
    private static void Tamper(string path, Action<Dictionary<string, Tensor>>? tensors = null, Action<Dictionary<string, string>>? metadata = null)
    {
        var file = SafeTensors.Load(path);
        var t = file.Tensors.ToDictionary(e => e.Key, e => e.Value);
        var m = file.Metadata.ToDictionary(e => e.Key, e => e.Value);
        tensors?.Invoke(t);
        metadata?.Invoke(m);
        SafeTensors.Save(path, t, m);
    }

    public static TheoryData<string> Cases => new(tampering.Keys);

    private static readonly Dictionary<string, (Action<Dictionary<string, Tensor>>? Tensors, Action<Dictionary<string, string>>? Metadata, string[] MessageParts)> tampering = new()
    {
        ["a state tensor of the wrong shape"] = (t => t["optimizer.state.0.exp_avg"] = Tensor.Zeros(1), null,
            ["optimizer.state.0.exp_avg", "[1]", "[8, 4]"]),
        ["an unknown state name"] = (t => t["optimizer.state.1.velocity"] = Tensor.Zeros(8), null,
            ["optimizer.state.1.velocity", "velocity", "exp_avg"]),
        ["a state for a parameter that is not there"] = (t => t["optimizer.state.7.exp_avg"] = Tensor.Zeros(8), null,
            ["optimizer.state.7.exp_avg"]),
        ["beta1 out of range"] = (null, m => m["optimizer.param_groups"] = m["optimizer.param_groups"].Replace("\"Beta1\":0.9", "\"Beta1\":5"),
            ["Adam: betas must be in [0, 1), got (5, 0.999)."]),
        ["a negative learning rate"] = (null, m => m["optimizer.param_groups"] = m["optimizer.param_groups"].Replace("\"LearningRate\":0.01", "\"LearningRate\":-1"),
            ["Adam: learning rate must be non-negative, got -1."]),
        ["a NaN learning rate"] = (null, m => m["optimizer.param_groups"] = m["optimizer.param_groups"].Replace("\"LearningRate\":0.01", "\"LearningRate\":\"NaN\""),
            ["Adam: learning rate must be non-negative, got NaN."]),
        ["a misspelled option"] = (null, m => m["optimizer.param_groups"] = m["optimizer.param_groups"].Replace("\"LearningRate\"", "\"LearningRatX\""),
            ["LearningRatX"]),
        ["parameter indices that are not the group's"] = (null, m => m["optimizer.param_groups"] = m["optimizer.param_groups"].Replace("[0,1]", "[1,1]"),
            ["params", "[0, 1]"]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Tampered_optimizer_state_is_refused_and_changes_nothing(string name)
    {
        var (tensors, metadata, parts) = tampering[name];
        var path = SavedAdamCheckpoint();
        Tamper(path, tensors, metadata);

        var model = new Sequential(FixedLinear(4, 8, seed: 9));
        var adam = new Adam(model.Parameters(), learningRate: 0.5);
        TakeSteps(model, adam, 1);
        var weights = Bits(model);
        var state = adam.State.ToDictionary(s => s.Value.Step + ":" + string.Join(",", s.Key.Shape), s => s.Value.Tensors.Keys.Order().ToList());

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, model, adam));
        Assert.Contains(path, error.Message);
        foreach (var part in parts) Assert.Contains(part, error.Message);
        Assert.Equal(weights, Bits(model));
        Assert.Equal(0.5, adam.ParamGroups[0].LearningRate);
        Assert.Equal(state, adam.State.ToDictionary(s => s.Value.Step + ":" + string.Join(",", s.Key.Shape), s => s.Value.Tensors.Keys.Order().ToList()));
        TakeSteps(model, adam, 1); // still usable
    }

    [Fact]
    public void The_constructor_gives_the_same_messages()
    {
        var p = Tensor.Zeros(2).RequireGrad();
        Assert.StartsWith("Adam: betas must be in [0, 1), got (5, 0.999).", Assert.ThrowsAny<ArgumentException>(() => new Adam([p], betas: (5, 0.999))).Message);
        Assert.StartsWith("Adam: learning rate must be non-negative, got -1.", Assert.ThrowsAny<ArgumentException>(() => new Adam([p], learningRate: -1)).Message);
        Assert.StartsWith("Adam: learning rate must be non-negative, got NaN.", Assert.ThrowsAny<ArgumentException>(() => new Adam([p], learningRate: double.NaN)).Message);
    }

    [Fact]
    public void Options_of_a_group_are_checked_as_the_defaults_are()
    {
        var p = Tensor.Zeros(2).RequireGrad();
        var error = Assert.ThrowsAny<ArgumentException>(() => new Adam([new ParamGroup([p], new AdamOptions(Beta1: 5))], new AdamOptions()));
        Assert.StartsWith("Adam: betas must be in [0, 1), got (5, 0.999).", error.Message);
    }

    [Fact]
    public void An_untampered_checkpoint_still_loads()
    {
        var path = SavedAdamCheckpoint();
        var model = new Sequential(FixedLinear(4, 8, seed: 9));
        var adam = new Adam(model.Parameters(), learningRate: 0.5);
        Checkpoint.Load(path, model, adam);
        Assert.Equal(0.01, adam.ParamGroups[0].LearningRate);
        Assert.All(adam.State.Values, s => Assert.Equal(2, s.Step));
    }
}
