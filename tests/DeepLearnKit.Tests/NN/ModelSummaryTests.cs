// ModelSummary on a LeNet-like network: output shapes and parameter counts worked out by hand, the
// model's modes and state left as they were, frozen layers, modules not called through Call, and the
// text table.
using DeepLearnKit.NN;

namespace DeepLearnKit.Tests.NN;

public class ModelSummaryTests
{
    /// <summary>LeNet-5 for 28×28 images, without padding.</summary>
    private static Sequential LeNet() => new(
        new Conv2d(1, 6, 5),      // 0: [1, 6, 24, 24]   6·1·5·5 + 6 = 156
        new ReLU(),               // 1: [1, 6, 24, 24]
        new MaxPool2d(2),         // 2: [1, 6, 12, 12]
        new Conv2d(6, 16, 5),     // 3: [1, 16, 8, 8]    16·6·5·5 + 16 = 2 416
        new ReLU(),               // 4: [1, 16, 8, 8]
        new MaxPool2d(2),         // 5: [1, 16, 4, 4]
        new Flatten(),            // 6: [1, 256]
        new Linear(256, 120),     // 7: [1, 120]         256·120 + 120 = 30 840
        new ReLU(),               // 8: [1, 120]
        new Linear(120, 10));     // 9: [1, 10]          120·10 + 10 = 1 210
                                  // total: 156 + 2 416 + 30 840 + 1 210 = 34 622

    [Fact]
    public void LeNet_layers_have_the_output_shapes_and_parameter_counts_worked_out_by_hand()
    {
        var summary = LeNet().Summary(1, 1, 28, 28);
        Assert.Equal(11, summary.Layers.Count);
        var root = summary.Layers[0];
        Assert.Equal(("", "Sequential", 0L, true, 0), (root.Name, root.Type, root.Parameters, root.Trainable, root.Depth));
        Assert.Equal([1, 10], root.OutputShape!);

        int[][] shapes = [[1, 6, 24, 24], [1, 6, 24, 24], [1, 6, 12, 12], [1, 16, 8, 8], [1, 16, 8, 8], [1, 16, 4, 4], [1, 256], [1, 120], [1, 120], [1, 10]];
        long[] counts = [156, 0, 0, 2416, 0, 0, 0, 30840, 0, 1210];
        string[] types = ["Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear", "ReLU", "Linear"];
        for (int i = 0; i < 10; i++)
        {
            var layer = summary.Layers[i + 1];
            Assert.Equal((i.ToString(), types[i], 1), (layer.Name, layer.Type, layer.Depth));
            Assert.Equal(shapes[i], layer.OutputShape!);
            Assert.Equal(counts[i], layer.Parameters);
        }
        Assert.Equal(34622, summary.TotalParameters);
        Assert.Equal(34622, summary.TrainableParameters);
        Assert.Equal([1, 1, 28, 28], summary.InputShape);
        Assert.Equal([1, 10], summary.OutputShape);
    }

    [Fact]
    public void Nested_modules_list_their_own_parameters_at_their_depth()
    {
        var model = new Sequential(new Sequential(new Linear(3, 4), new ReLU()), new Linear(4, 2));
        var summary = ModelSummary.Of(model, 5, 3);
        Assert.Equal(["", "0", "0.0", "0.1", "1"], summary.Layers.Select(l => l.Name));
        Assert.Equal([0, 1, 2, 2, 1], summary.Layers.Select(l => l.Depth));
        Assert.Equal([0L, 0, 16, 0, 10], summary.Layers.Select(l => l.Parameters));
        Assert.Equal([5, 4], summary.Layers[2].OutputShape!);
        Assert.Equal(summary.TotalParameters, summary.Layers.Sum(l => l.Parameters));
    }

    [Fact]
    public void Summary_restores_each_modules_mode_and_changes_no_state()
    {
        var model = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Dropout(0.5f), new Linear(4, 2));
        model[2].Eval();   // mixed modes must come back as they were
        var before = model.StateDict().ToDictionary(e => e.Key, e => e.Value.ToArray());
        model.Summary(2, 3);
        Assert.Equal([true, true, true, false, true], model.NamedModules().Select(m => m.Module.IsTraining));
        foreach (var (name, tensor) in model.StateDict()) Assert.Equal(before[name], tensor.ToArray());
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void Frozen_layers_are_marked_and_left_out_of_the_trainable_count()
    {
        var model = LeNet();
        model[0].RequiresGrad(false);
        var summary = model.Summary(1, 1, 28, 28);
        Assert.Equal(34622 - 156, summary.TrainableParameters);
        Assert.False(summary.Layers[1].Trainable);
        Assert.True(summary.Layers[2].Trainable);   // ReLU has nothing to freeze
        Assert.True(summary.Layers[0].Trainable);   // the model still learns
        Assert.Contains("0 (Conv2d) [frozen]", summary.ToString());
    }

    /// <summary>A module that calls its child's Forward directly, so no recorder sees the child.</summary>
    private sealed class DirectCaller : Module
    {
        private readonly Linear inner;

        public DirectCaller() => inner = RegisterModule("inner", new Linear(3, 2));

        public override Tensor Forward(Tensor input) => inner.Forward(input);
    }

    [Fact]
    public void A_module_not_called_through_Call_has_no_output_shape()
    {
        var summary = new DirectCaller().Summary(1, 3);
        Assert.Equal([1, 2], summary.Layers[0].OutputShape!);
        Assert.Equal("inner", summary.Layers[1].Name);
        Assert.Null(summary.Layers[1].OutputShape);
        Assert.Equal(8, summary.Layers[1].Parameters);
    }

    [Fact]
    public void The_text_table_lists_every_layer_and_the_totals()
    {
        var text = LeNet().Summary(1, 1, 28, 28).ToString();
        var lines = text.Split('\n').Select(l => l.TrimEnd()).ToArray();
        Assert.StartsWith("Layer (type)", lines[0]);
        Assert.Matches(@"^  0 \(Conv2d\)\s+\[1, 6, 24, 24\]\s+156$", lines[3]);
        Assert.Matches(@"^  7 \(Linear\)\s+\[1, 120\]\s+30,840$", lines[10]);
        Assert.Contains("Total params: 34,622", text);
        Assert.Contains("Trainable params: 34,622", text);
        Assert.Contains("Non-trainable params: 0", text);
        Assert.Contains("Input shape: [1, 1, 28, 28]", text);
    }
}
