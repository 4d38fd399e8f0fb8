// ResNet18 against torchvision's resnet18: tests/reference/state_dicts/torchvision_resnet18.json lists every name,
// shape and kind (parameter or buffer) of torchvision 0.14.1's state dict (resnet18_names() in make_state_dicts.py), so
// a state dict a learner exports from torchvision loads by name.
using System.Text.Json;
using DeepLearnKit.Models;

namespace DeepLearnKit.Tests.IO;

[Collection(SharedRngCollection.Name)]
public sealed class TorchvisionResNetTests
{
    private static List<(string Name, int[] Shape, string Kind)> TorchvisionStateDict()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(PyTorchReference.PathOf("torchvision_resnet18.json")));
        return json.RootElement.GetProperty("state_dict").EnumerateArray()
            .Select(e => (e.GetProperty("name").GetString()!, e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
                e.GetProperty("kind").GetString()!))
            .ToList();
    }

    [Fact]
    public void Every_parameter_and_buffer_has_torchvisions_name_and_shape()
    {
        var expected = TorchvisionStateDict();
        Assert.Equal((62, 60), (expected.Count(e => e.Kind == "parameter"), expected.Count(e => e.Kind == "buffer")));
        var model = new ResNet18();
        var parameters = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Shape);
        var buffers = model.NamedBuffers().ToDictionary(b => b.Name, b => b.Buffer.Shape);
        Assert.Equal(expected.Where(e => e.Kind == "parameter").Select(e => e.Name).Order(), parameters.Keys.Order());
        Assert.Equal(expected.Where(e => e.Kind == "buffer").Select(e => e.Name).Order(), buffers.Keys.Order());
        foreach (var (name, shape, kind) in expected)
            Assert.True(shape.SequenceEqual(kind == "parameter" ? parameters[name] : buffers[name]),
                $"{name}: torchvision [{string.Join(", ", shape)}], ResNet18 [{string.Join(", ", kind == "parameter" ? parameters[name] : buffers[name])}]");
    }

    [Fact]
    public void A_state_dict_of_torchvisions_names_loads_strictly_and_sets_every_tensor()
    {
        Rng.Seed(3);
        var state = TorchvisionStateDict().ToDictionary(e => e.Name,
            e => e.Name.EndsWith("num_batches_tracked") ? Tensor.Scalar(7) : e.Name.EndsWith("running_var") ? Tensor.Rand(e.Shape) + 0.5f : Tensor.Randn(e.Shape));
        var model = new ResNet18();
        model.LoadStateDict(state, strict: true);
        foreach (var (name, tensor) in model.StateDict())
            Assert.Equal(state[name].ToArray(), tensor.ToArray());

        model.Eval();
        using (Tensor.NoGrad())
        {
            var x = Tensor.Randn(1, 3, 64, 64);                  // 64 → 32 → 16 → 16 → 8 → 4 → 2 → 1
            Assert.Equal([1, 512], model.Features(x).Shape);
            Assert.Equal([1, 1000], model.Call(x).Shape);
        }
    }
}
