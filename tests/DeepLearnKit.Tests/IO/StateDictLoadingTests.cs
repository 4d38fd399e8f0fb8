// A PyTorch state_dict, saved as safetensors, loads into the DeepLearnKit model by its names and gives PyTorch's
// outputs; a file that does not fit names every missing, unexpected and mis-shaped tensor (and the file) and changes nothing.
using DeepLearnKit.IO;
using DeepLearnKit.Models;
using DeepLearnKit.NN;

namespace DeepLearnKit.Tests.IO;

[Collection(SharedRngCollection.Name)]
public sealed class StateDictLoadingTests
{
    [Fact]
    public void PyTorchs_LeNet5_state_dict_loads_by_name_and_gives_PyTorchs_logits()
    {
        var model = new LeNet5();
        model.LoadStateDict(PyTorchReference.StateDict("lenet5"));
        model.Eval();
        var reference = PyTorchReference.Outputs("lenet5");
        using var _ = Tensor.NoGrad();
        var logits = model.Call(reference["input"]);
        PyTorchReference.AssertMatches(reference, "output", logits);
    }

    [Fact]
    public void PyTorchs_LSTM_language_model_loads_into_CharLanguageModel_and_gives_PyTorchs_logits_and_states()
    {
        var model = new CharLanguageModel(vocabSize: 11, embedDim: 8, hiddenSize: 12, numLayers: 2, kind: RecurrentKind.LSTM);
        model.LoadStateDict(PyTorchReference.StateDict("lstm_lm"), strict: true);
        model.Eval();
        var reference = PyTorchReference.Outputs("lstm_lm");
        using var _ = Tensor.NoGrad();
        var (logits, (hN, cN)) = model.Forward(reference["input"], null);
        PyTorchReference.AssertMatches(reference, "output", logits);
        PyTorchReference.AssertMatches(reference, "h_n", hN);
        PyTorchReference.AssertMatches(reference, "c_n", cN!);
    }

    [Theory]
    [InlineData("rnn")]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void PyTorchs_bidirectional_two_layer_recurrent_layers_load_and_give_PyTorchs_outputs_and_states(string kind)
    {
        RecurrentLayer layer = kind switch
        {
            "rnn" => new RNN(5, 4, numLayers: 2, batchFirst: true, bidirectional: true),
            "lstm" => new LSTM(5, 4, numLayers: 2, batchFirst: true, bidirectional: true),
            _ => new GRU(5, 4, numLayers: 2, batchFirst: true, bidirectional: true),
        };
        layer.LoadStateDict(PyTorchReference.StateDict($"bidirectional_{kind}"), strict: true);
        layer.Eval();
        var reference = PyTorchReference.Outputs($"bidirectional_{kind}");
        using var _ = Tensor.NoGrad();
        var x = reference["input"];
        foreach (var (prefix, h0) in new[] { ("", (Tensor?)reference["h0"]), ("zero_", null) })
        {
            Tensor output, hN;
            Tensor? cN = null;
            switch (layer)
            {
                case LSTM lstm:
                    (output, (hN, cN)) = lstm.Forward(x, h0 is null ? null : (h0, reference["c0"]));
                    break;
                case RNN rnn:
                    (output, hN) = rnn.Forward(x, h0);
                    break;
                default:
                    (output, hN) = ((GRU)layer).Forward(x, h0);
                    break;
            }
            Assert.Equal([3, 6, 8], output.Shape);
            PyTorchReference.AssertMatches(reference, prefix + "output", output);
            PyTorchReference.AssertMatches(reference, prefix + "h_n", hN);
            if (cN is not null)
                PyTorchReference.AssertMatches(reference, prefix + "c_n", cN);
        }
    }

    [Fact]
    public void Batch_norm_running_statistics_and_the_int64_counter_load_too()
    {
        var model = new Sequential(new Conv2d(2, 4, 3), new BatchNorm2d(4), new ReLU());
        string path = PyTorchReference.StateDict("conv_batchnorm");
        model.LoadStateDict(path);
        var bn = (BatchNorm2d)model[1];
        Assert.Equal([3f], bn.NumBatchesTracked.ToArray()); // PyTorch's I64 scalar, read as float32
        Assert.Equal(SafeTensors.Load(path).Tensors["1.running_var"].ToArray(), bn.RunningVar.ToArray());
        Assert.DoesNotContain(1f, bn.RunningVar.ToArray());

        model.Eval();
        var reference = PyTorchReference.Outputs("conv_batchnorm");
        using var _ = Tensor.NoGrad();
        PyTorchReference.AssertMatches(reference, "output", model.Call(reference["input"]));
    }

    [Fact]
    public void A_wrong_shape_names_the_tensor_both_shapes_and_the_file_and_changes_nothing()
    {
        Rng.Seed(3);
        var model = new LeNet5(numClasses: 5);
        var before = Snapshot(model);
        string path = PyTorchReference.StateDict("lenet5");
        var e = Assert.Throws<InvalidDataException>(() => model.LoadStateDict(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("'head.5.weight' has shape [5, 84] in the model but [10, 84] in the file", e.Message);
        Assert.Contains("'head.5.bias' has shape [5] in the model but [10] in the file", e.Message);
        AssertUnchanged(before, model);
    }

    [Fact]
    public void Missing_and_unexpected_names_are_all_listed_and_nothing_changes()
    {
        Rng.Seed(4);
        var tensors = SafeTensors.Load(PyTorchReference.StateDict("lenet5")).Tensors.ToDictionary();
        tensors["head.5.w"] = tensors["head.5.weight"]; // a learner's typo
        tensors.Remove("head.5.weight");
        tensors.Remove("features.0.bias");
        string path = Path.Combine(Path.GetTempPath(), $"dlk-statedict-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Save(path, tensors);
            var model = new LeNet5();
            var before = Snapshot(model);
            var e = Assert.Throws<InvalidDataException>(() => model.LoadStateDict(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("missing [features.0.bias, head.5.weight] (in the model, not in the file)", e.Message);
            Assert.Contains("unexpected [head.5.w] (in the file, not in the model)", e.Message);
            AssertUnchanged(before, model);

            // Not strict: the names both sides have load, the others keep their values.
            model.LoadStateDict(path, strict: false);
            Assert.Equal(tensors["head.3.weight"].ToArray(), model.StateDict()["head.3.weight"].ToArray());
            Assert.Equal(before["head.5.weight"], model.StateDict()["head.5.weight"].ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_state_dict_in_memory_that_does_not_fit_throws_ArgumentException_and_changes_nothing()
    {
        Rng.Seed(5);
        var model = new Sequential(new Linear(3, 2), new BatchNorm1d(2));
        var before = Snapshot(model);
        var state = new Dictionary<string, Tensor>
        {
            ["0.weight"] = Tensor.Zeros(2, 3), // fits, but must not be copied either
            ["0.bias"] = Tensor.Zeros(3),
            ["1.weight"] = Tensor.Zeros(2),
            ["1.bias"] = Tensor.Zeros(2),
            ["1.running_mean"] = Tensor.Zeros(2),
            ["1.running_var"] = Tensor.Zeros(2),
        };
        var e = Assert.Throws<ArgumentException>(() => model.LoadStateDict(state));
        Assert.Contains("'0.bias' has shape [2] in the model but [3] in the state dict", e.Message);
        Assert.Contains("missing [1.num_batches_tracked]", e.Message);
        AssertUnchanged(before, model);
    }

    [Fact]
    public void An_int64_value_that_float32_cannot_hold_exactly_is_refused_by_name()
    {
        // {"n": I64 scalar} holding 2^24 + 1, the first integer float32 would round.
        var header = "{\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}    "u8.ToArray();
        string path = Path.Combine(Path.GetTempPath(), $"dlk-i64-{Guid.NewGuid():N}.safetensors");
        try
        {
            using (var file = File.Create(path))
            {
                file.Write(BitConverter.GetBytes((ulong)header.Length));
                file.Write(header);
                file.Write(BitConverter.GetBytes((1L << 24) + 1));
            }
            var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
            Assert.Contains("tensor 'n' (I64) holds 16777217", e.Message);

            using (var file = new FileStream(path, FileMode.Open)) // the largest exact one loads
            {
                file.Position = 8 + header.Length;
                file.Write(BitConverter.GetBytes(-(1L << 24)));
            }
            Assert.Equal([-16777216f], SafeTensors.Load(path).Tensors["n"].ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static Dictionary<string, float[]> Snapshot(Module model) =>
        model.StateDict().ToDictionary(e => e.Key, e => e.Value.ToArray());

    internal static void AssertUnchanged(Dictionary<string, float[]> before, Module model)
    {
        var now = model.StateDict();
        Assert.Equal(before.Keys.Order(), now.Keys.Order());
        foreach (var (name, values) in before)
            Assert.True(values.SequenceEqual(now[name].ToArray()), $"'{name}' changed although the load failed");
    }
}
