// Whole-model int8 quantization against a forward pass written here with loops (per-row input scales, per-channel weight
// scales, int32 sums), the report of what was replaced, and Int8.Save/Load: the file's tensors and size by the format,
// an exact round trip into a fresh model, and files that do not fit refused with the file's name.
using DeepLearnKit.IO;
using DeepLearnKit.Models;
using DeepLearnKit.NN;
using DeepLearnKit.Quantization;

namespace DeepLearnKit.Tests.Quantization;

[Collection(SharedRngCollection.Name)]
public sealed class Int8ModelTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("dlk-int8-model-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>y[i, o] = t_i · s_o · Σ_j round(x[i, j] / t_i) · round(w[o, j] / s_o) + b[o], t_i = max_j |x[i, j]| / 127, s_o = max_j |w[o, j]| / 127.</summary>
    private static float[] Int8LinearByHand(float[] x, int rows, Linear linear)
    {
        int k = linear.InFeatures, n = linear.OutFeatures;
        var w = linear.Weight.ToArray();
        var b = linear.Bias!.ToArray();
        static int Q(float v, float s) => (int)Math.Clamp(Math.Round(v / s, MidpointRounding.ToEven), -127, 127);
        var s = Enumerable.Range(0, n).Select(o => w.Skip(o * k).Take(k).Max(Math.Abs) / 127f).ToArray();
        var y = new float[rows * n];
        for (int i = 0; i < rows; i++)
        {
            float t = x.Skip(i * k).Take(k).Max(Math.Abs) / 127f;
            for (int o = 0; o < n; o++)
            {
                long sum = 0;
                for (int j = 0; j < k; j++) sum += Q(x[i * k + j], t) * Q(w[o * k + j], s[o]);
                y[i * n + o] = t * s[o] * sum + b[o];
            }
        }
        return y;
    }

    private static float[] Relu(float[] v) => v.Select(a => Math.Max(a, 0f)).ToArray();

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void An_MLPs_linear_layers_become_int8_and_compute_what_the_loops_compute()
    {
        Rng.Seed(11);
        var mlp = new MLP(12, [9, 7], 4);
        var x = Tensor.Randn(5, 12);
        var floatBefore = mlp.Eval().Call(x).ToArray();

        var (model, replaced, keptFloat) = Int8.QuantizeModel(mlp);

        Assert.Equal(["layers.1", "layers.3", "layers.5"], replaced.Select(r => r.Name));
        Assert.Equal([(12, 9), (9, 7), (7, 4)], replaced.Select(r => (r.InFeatures, r.OutFeatures)));
        Assert.Equal([4L * (12 * 9 + 9), 4L * (9 * 7 + 7), 4L * (7 * 4 + 4)], replaced.Select(r => r.FloatBytes));
        Assert.Equal([12 * 9 + 4 * 9 + 4 * 9L, 9 * 7 + 4 * 7 + 4 * 7L, 7 * 4 + 4 * 4 + 4 * 4L], replaced.Select(r => r.Int8Bytes));
        Assert.Empty(keptFloat);
        Assert.All(model.NamedModules().Where(m => m.Name is "layers.1" or "layers.3" or "layers.5"), m => Assert.IsType<QuantizedLinear>(m.Module));
        Assert.Empty(model.NamedParameters());

        var linears = mlp.Layers.NamedChildren().Select(c => c.Module).OfType<Linear>().ToList();
        var h = Relu(Int8LinearByHand(x.ToArray(), 5, linears[0]));
        h = Relu(Int8LinearByHand(h, 5, linears[1]));
        AssertClose(Int8LinearByHand(h, 5, linears[2]), model.Call(x).ToArray());
        Assert.Equal(floatBefore, mlp.Call(x).ToArray());   // the original model is untouched
    }

    [Fact]
    public void LeNet5s_head_becomes_int8_while_its_convolutions_stay_float32_and_shared()
    {
        Rng.Seed(12);
        var lenet = new LeNet5();
        var images = Tensor.Randn(3, 1, 28, 28);
        var result = Int8.QuantizeModel(lenet, QuantizationGranularity.PerChannel);

        Assert.Equal(["head.1", "head.3", "head.5"], result.Replaced.Select(r => r.Name));
        Assert.Equal(["features.0 (Conv2d)", "features.3 (Conv2d)"], result.KeptFloat);
        Assert.Equal(["features.0.weight", "features.0.bias", "features.3.weight", "features.3.bias"], result.Model.NamedParameters().Select(p => p.Name));
        Assert.Same(lenet.Features[0], result.Model.NamedModules().Single(m => m.Name == "features.0").Module);

        Tensor features;
        using (Tensor.NoGrad()) features = lenet.Features.Call(images);
        var head = lenet.Head.NamedChildren().Select(c => c.Module).OfType<Linear>().ToList();
        var h = Relu(Int8LinearByHand(features.ToArray(), 3, head[0]));
        h = Relu(Int8LinearByHand(h, 3, head[1]));
        AssertClose(Int8LinearByHand(h, 3, head[2]), result.Model.Call(images).ToArray());
        Assert.Contains("kept float32: features.0 (Conv2d), features.3 (Conv2d)", result.ToString());
    }

    [Fact]
    public void A_model_with_no_linear_layer_or_a_linear_inside_an_unknown_module_is_a_clear_error()
    {
        var noLinear = Assert.Throws<ArgumentException>(() => Int8.QuantizeModel(new Sequential(new Conv2d(1, 2, 3), new ReLU())));
        Assert.Contains("Int8.QuantizeModel: Sequential has no Linear layer", noLinear.Message);
        var hidden = Assert.Throws<NotSupportedException>(() => Int8.QuantizeModel(new Sequential(new Flatten(), new Wrapper())));
        Assert.Contains("'1.inner'", hidden.Message);
        Assert.Contains("Wrapper", hidden.Message);
    }

    private sealed class Wrapper : Module
    {
        private readonly Linear inner;
        public Wrapper() => inner = RegisterModule("inner", new Linear(4, 2));
        public override Tensor Forward(Tensor input) => inner.Call(input);
    }

    [Fact]
    public void A_saved_int8_model_holds_I8_weights_and_F32_scales_and_loads_back_exactly()
    {
        Rng.Seed(13);
        var mlp = new MLP(30, [20], 5);
        var quantized = Int8.QuantizeModel(mlp).Model;
        var path = Path.Combine(folder, "mlp.int8.safetensors");
        Int8.Save(path, quantized, new Dictionary<string, string> { ["note"] = "test" });

        var file = SafeTensors.LoadWithInt8(path);
        Assert.Equal(["layers.1.weight", "layers.3.weight"], file.Int8Tensors.Keys.Order());
        Assert.Equal([20, 30], file.Int8Tensors["layers.1.weight"].Shape);
        Assert.Equal(((QuantizedLinear)quantized.NamedModules().Single(m => m.Name == "layers.1").Module).Weight.Values, file.Int8Tensors["layers.1.weight"].Values);
        Assert.Equal(["layers.1.bias", "layers.1.weight_scale", "layers.3.bias", "layers.3.weight_scale"], file.Tensors.Keys.Order());
        Assert.Equal([20], file.Tensors["layers.1.weight_scale"].Shape);
        Assert.Equal("DeepLearnKit int8", file.Metadata["format"]);
        // 1 byte per weight, 4 per scale and bias value, plus the 8-byte length and the header.
        long header = BitConverter.ToInt64(File.ReadAllBytes(path), 0);
        Assert.Equal(8 + header + (20 * 30 + 5 * 20) + 4 * (20 + 20 + 5 + 5), new FileInfo(path).Length);

        Rng.Seed(14);
        var fresh = Int8.QuantizeModel(new MLP(30, [20], 5)).Model;
        var x = Tensor.Randn(4, 30);
        Assert.NotEqual(quantized.Call(x).ToArray(), fresh.Call(x).ToArray());
        Assert.Equal("test", Int8.Load(path, fresh)["note"]);
        Assert.Equal(quantized.Call(x).ToArray(), fresh.Call(x).ToArray());
    }

    [Fact]
    public void A_file_that_does_not_fit_the_model_is_refused_naming_the_file_and_changes_nothing()
    {
        Rng.Seed(15);
        var path = Path.Combine(folder, "wide.int8.safetensors");
        Int8.Save(path, Int8.QuantizeModel(new MLP(30, [20], 5)).Model);
        var narrow = Int8.QuantizeModel(new MLP(30, [16], 5)).Model;
        var x = Tensor.Randn(2, 30);
        var before = narrow.Call(x).ToArray();
        var e = Assert.Throws<InvalidDataException>(() => Int8.Load(path, narrow));
        Assert.Contains(path, e.Message);
        Assert.Contains("'layers.1.weight' has shape [16, 30] in the model but [20, 30] in the file", e.Message);
        Assert.Equal(before, narrow.Call(x).ToArray());

        var perTensor = Int8.QuantizeModel(new MLP(30, [20], 5), QuantizationGranularity.PerTensor).Model;
        Assert.Contains("holds 20 scales in the file but the model's layer has 1 (per tensor)", Assert.Throws<InvalidDataException>(() => Int8.Load(path, perTensor)).Message);

        var truncated = Path.Combine(folder, "truncated.int8.safetensors");
        File.WriteAllBytes(truncated, File.ReadAllBytes(path)[..^10]);
        Assert.Contains(truncated, Assert.Throws<InvalidDataException>(() => Int8.Load(truncated, perTensor)).Message);
        Assert.Contains("holds no QuantizedLinear", Assert.Throws<ArgumentException>(() => Int8.Save(path, new MLP(3, [], 2))).Message);
    }
}
