// The Module base through real layers: modes propagate, state dicts round-trip and refuse wrong shapes
// without changing anything, freezing stops gradients, moving to the CPU is a no-op, and models print
// themselves as PyTorch's repr in short.
using DeepLearnKit.NN;

namespace DeepLearnKit.Tests.NN;

public class ModuleTests
{
    private static Sequential SmallNet() =>
        new(new Linear(4, 6), new BatchNorm1d(6), new ReLU(), new Sequential(new Dropout(0.5f), new Linear(6, 2)));

    [Fact]
    public void Train_and_Eval_reach_every_descendant()
    {
        var model = SmallNet();
        Assert.All(model.NamedModules(), m => Assert.True(m.Module.IsTraining));
        Assert.Same(model, model.Eval());
        Assert.All(model.NamedModules(), m => Assert.False(m.Module.IsTraining, m.Name));
        // In evaluation mode dropout is the identity, so two runs agree.
        var x = TensorAssert.Random(1, 3, 4);
        TensorAssert.Close(model.Forward(x).ToArray(), model.Forward(x).ToArray(), atol: 0, rtol: 0);
        model.Train();
        Assert.All(model.NamedModules(), m => Assert.True(m.Module.IsTraining, m.Name));
    }

    [Fact]
    public void A_state_dict_loaded_into_a_fresh_model_reproduces_its_outputs_with_copies()
    {
        var source = SmallNet();
        source.Forward(TensorAssert.Random(2, 5, 4));   // moves the batch norm's running statistics
        var target = SmallNet();
        var x = TensorAssert.Random(3, 3, 4);
        source.Eval();
        target.Eval();
        Assert.NotEqual(source.Forward(x).ToArray(), target.Forward(x).ToArray());

        var state = source.StateDict();
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "3.1.weight", "3.1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"], state.Keys);
        target.LoadStateDict(state);
        TensorAssert.Close(source.Forward(x).ToArray(), target.Forward(x).ToArray(), atol: 0, rtol: 0);
        using (Tensor.NoGrad()) ((Linear)source[0]).Weight.Fill(0);
        Assert.NotEqual(0f, ((Linear)target[0]).Weight.ToArray()[0]);
    }

    [Fact]
    public void A_wrong_shape_in_a_state_dict_names_the_key_and_both_shapes_and_changes_nothing()
    {
        var model = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
        var before = model.StateDict().ToDictionary(e => e.Key, e => e.Value.ToArray());
        var state = new Dictionary<string, Tensor>
        {
            ["0.weight"] = Tensor.Zeros(3, 4),   // fits, but must not be copied either
            ["0.bias"] = Tensor.Zeros(3),
            ["2.weight"] = Tensor.Zeros(2, 5),
            ["2.bias"] = Tensor.Zeros(2),
        };
        var e = Assert.Throws<ArgumentException>(() => model.LoadStateDict(state));
        Assert.Contains("2.weight", e.Message);
        Assert.Contains("[2, 5]", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        foreach (var (name, tensor) in model.StateDict())
            Assert.Equal(before[name], tensor.ToArray());
    }

    [Fact]
    public void RequiresGrad_false_freezes_the_parameters_but_not_the_input_gradient()
    {
        var model = new Sequential(new Linear(3, 4), new Tanh(), new Linear(4, 1));
        model[0].RequiresGrad(false);
        Assert.Equal(4 + 1, model.ParameterCount(trainableOnly: true));
        var x = TensorAssert.Random(4, 2, 3).RequireGrad();
        model.Forward(x).Sum().Backward();
        Assert.Null(((Linear)model[0]).Weight.Grad);
        Assert.NotNull(((Linear)model[2]).Weight.Grad);
        Assert.NotNull(x.Grad);
        model.RequiresGrad(true);
        Assert.Equal(model.ParameterCount(), model.ParameterCount(trainableOnly: true));
    }

    [Fact]
    public void To_the_cpu_keeps_the_same_tensors_and_values()
    {
        var model = SmallNet();
        var tensors = model.StateDict();
        var values = tensors.ToDictionary(e => e.Key, e => e.Value.ToArray());
        Assert.Same(model, model.To(Device.Cpu));
        foreach (var (name, tensor) in model.StateDict())
        {
            Assert.Same(tensors[name], tensor);
            Assert.Equal(values[name], tensor.ToArray());
            Assert.Equal(Device.Cpu, tensor.Device);
        }
    }

    [Fact]
    public void Models_print_as_their_layers()
    {
        Assert.Equal("Sequential(Linear(784→256), ReLU, Linear(256→10))",
            new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 10)).ToString());
        Assert.Equal("Sequential(Conv2d(1→6, kernel: (5, 5)), BatchNorm2d(6), MaxPool2d(kernel: (2, 2)), Flatten, Embedding(10, 4), LayerNorm([8]))",
            new Sequential(new Conv2d(1, 6, 5), new BatchNorm2d(6), new MaxPool2d(2), new Flatten(), new Embedding(10, 4), new LayerNorm(8)).ToString());
    }
}
