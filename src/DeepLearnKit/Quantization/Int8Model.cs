// Whole-model post-training int8 quantization (chapter 13): every Linear of a trained model becomes a QuantizedLinear,
// and the quantized model is saved as safetensors with its weights as I8 and their scales as F32.
using DeepLearnKit.IO;
using DeepLearnKit.Models;
using DeepLearnKit.NN;

namespace DeepLearnKit.Quantization;

/// <summary>One Linear that <see cref="Int8.QuantizeModel"/> replaced: its dotted name, sizes, and bytes before and after.</summary>
/// <param name="Name">The layer's dotted name in the model (<c>layers.1</c>).</param>
/// <param name="InFeatures">Size of each input row.</param>
/// <param name="OutFeatures">Size of each output row.</param>
/// <param name="FloatBytes">Bytes of the float32 weight and bias: 4·(out·in + out).</param>
/// <param name="Int8Bytes">Bytes of the int8 weight, its scales and the float32 bias (<see cref="QuantizedLinear.SizeInBytes"/>).</param>
public sealed record QuantizedLayer(string Name, int InFeatures, int OutFeatures, long FloatBytes, long Int8Bytes);

/// <summary>
/// The result of <see cref="Int8.QuantizeModel"/>: the quantized model, the Linear layers it replaced, and the layers
/// with parameters that stay float32 (convolutions, normalisation), by dotted name.
/// </summary>
/// <param name="Model">The model with every Linear replaced by a <see cref="QuantizedLinear"/>, in evaluation mode.</param>
/// <param name="Replaced">The replaced layers, in the model's order.</param>
/// <param name="KeptFloat">The layers that hold parameters and were left float32 (shared with the original model).</param>
public sealed record QuantizedModel(Module Model, IReadOnlyList<QuantizedLayer> Replaced, IReadOnlyList<string> KeptFloat)
{
    /// <summary>One line per replaced layer, then the layers kept float32.</summary>
    public override string ToString() =>
        string.Join('\n', Replaced.Select(r => $"{r.Name}: Linear({r.InFeatures}→{r.OutFeatures}) → QuantizedLinear, {r.FloatBytes} → {r.Int8Bytes} bytes")
            .Append(KeptFloat.Count == 0 ? "kept float32: none" : $"kept float32: {string.Join(", ", KeptFloat)}"));
}

public static partial class Int8
{
    private const string ScaleSuffix = ".weight_scale", FormatKey = "format", FormatValue = "DeepLearnKit int8";

    /// <summary>
    /// Post-training quantization of a trained model: every <see cref="Linear"/> becomes a <see cref="QuantizedLinear"/>
    /// (<c>q = clamp(round(w / s), −127, 127)</c> with <paramref name="granularity"/>'s scales). The containers are rebuilt
    /// with the same child names (so <c>layers.1</c> stays <c>layers.1</c>), and every other layer — activations, Flatten,
    /// and Conv2d/BatchNorm, which stay float32 — is the original's own instance, shared with it. Supported containers:
    /// <see cref="Sequential"/>, <see cref="MLP"/> and <see cref="LeNet5"/> (whose Linear layers are in its head), nested in
    /// any way. The original model is not changed; the result is in evaluation mode (no gradients flow through int8 layers).
    /// </summary>
    /// <exception cref="ArgumentException">The model holds no Linear layer.</exception>
    /// <exception cref="NotSupportedException">A Linear sits inside a module whose forward this cannot rebuild (named in the message).</exception>
    public static QuantizedModel QuantizeModel(Module model, QuantizationGranularity granularity = QuantizationGranularity.PerChannel)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.NamedModules().Any(m => m.Module is Linear))
            throw new ArgumentException($"Int8.QuantizeModel: {model.GetType().Name} has no Linear layer to quantize (it holds {Describe(model)}).");
        var replaced = new List<QuantizedLayer>();
        var keptFloat = new List<string>();
        var quantized = Rebuild(model, "", granularity, replaced, keptFloat);
        quantized.Eval();
        return new QuantizedModel(quantized, replaced, keptFloat);
    }

    private static Module Rebuild(Module module, string name, QuantizationGranularity granularity, List<QuantizedLayer> replaced, List<string> keptFloat)
    {
        switch (module)
        {
            case Linear linear:
                var q = new QuantizedLinear(linear, granularity);
                replaced.Add(new QuantizedLayer(name, linear.InFeatures, linear.OutFeatures, 4L * linear.Weight.NumEl + 4L * (linear.Bias?.NumEl ?? 0), q.SizeInBytes));
                return q;
            case Sequential sequential:
                return new Sequential(sequential.NamedChildren().Select(c => Rebuild(c.Module, Module.Join(name, c.Name), granularity, replaced, keptFloat)).ToArray());
            // Both compute their children in order (MLP: layers; LeNet5: head(features(x))), so a chain with the same names is the same model.
            case MLP or LeNet5:
                return new NamedChain(module.GetType().Name, module.NamedChildren().Select(c => (c.Name, Rebuild(c.Module, Module.Join(name, c.Name), granularity, replaced, keptFloat))).ToList());
            default:
                if (module.NamedModules().FirstOrDefault(m => m.Module is Linear) is { Module: not null } inner)
                    throw new NotSupportedException($"Int8.QuantizeModel: the Linear '{Module.Join(name, inner.Name)}' sits inside {module.GetType().Name} '{name}', whose forward it cannot rebuild; it quantizes Linear layers in Sequential, MLP and LeNet5 models.");
                if (module.NamedParameters().Any()) keptFloat.Add($"{(name.Length == 0 ? "(model)" : name)} ({module.GetType().Name})");
                return module;
        }
    }

    /// <summary>
    /// Writes a quantized model (one holding <see cref="QuantizedLinear"/> layers, e.g. <see cref="QuantizedModel.Model"/>) to
    /// a safetensors file, atomically: for each quantized layer <c>n</c>, <c>n.weight</c> as I8 [out, in],
    /// <c>n.weight_scale</c> as F32 (one scale, or one per output row) and <c>n.bias</c> as F32; every other parameter and
    /// buffer as F32 under its state-dict name. About a quarter of the float32 file's size: 1 byte per weight instead of 4.
    /// </summary>
    public static void Save(string path, Module model, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var layers = QuantizedLayers(model);
        if (layers.Count == 0)
            throw new ArgumentException($"Int8.Save: '{path}': {model.GetType().Name} holds no QuantizedLinear; quantize it with Int8.QuantizeModel, or save a float model with Checkpoint.Save.");
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>());
        if (meta.ContainsKey(FormatKey)) throw new ArgumentException($"Int8.Save: '{path}': the metadata key '{FormatKey}' is reserved.");
        meta[FormatKey] = FormatValue;

        var floats = model.StateDict();
        var int8 = new Dictionary<string, Int8Data>();
        foreach (var (name, layer) in layers)
        {
            int8[name + ".weight"] = new Int8Data(layer.Weight.Values, layer.Weight.Shape);
            floats[name + ScaleSuffix] = Tensor.FromArray(layer.Weight.Scales);
            if (layer.Bias is { } bias) floats[name + ".bias"] = Tensor.FromArray(bias);
        }
        SafeTensors.SaveWithInt8(path, floats, int8, meta);
    }

    /// <summary>
    /// Loads a file written by <see cref="Save"/> into a quantized model of the same architecture, exactly (the stored int8
    /// values and float32 scales, bias and other parameters). Every name, shape and scale count is checked first, so a file
    /// that does not fit throws <see cref="InvalidDataException"/> naming the file and what differs, and changes nothing.
    /// Returns the file's metadata.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Load(string path, Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var layers = QuantizedLayers(model);
        if (layers.Count == 0)
            throw new ArgumentException($"Int8.Load: '{path}': {model.GetType().Name} holds no QuantizedLinear; quantize a model of the file's architecture with Int8.QuantizeModel first.");
        var file = SafeTensors.LoadWithInt8(path);
        var floats = file.Tensors.ToDictionary(t => t.Key, t => t.Value);
        var problems = new List<string>();
        var plan = new List<Action>();
        foreach (var (name, layer) in layers)
        {
            string weightName = name + ".weight", scaleName = name + ScaleSuffix, biasName = name + ".bias";
            if (!file.Int8Tensors.TryGetValue(weightName, out var weight)) problems.Add($"no I8 tensor '{weightName}'");
            else if (!Shapes.Equal(weight.Shape, layer.Weight.Shape))
                problems.Add($"'{weightName}' has shape {Shapes.Format(layer.Weight.Shape)} in the model but {Shapes.Format(weight.Shape)} in the file");
            else plan.Add(() => { weight.Values.CopyTo(layer.Weight.Values, 0); layer.WeightChanged(); });

            if (!floats.Remove(scaleName, out var scales)) problems.Add($"no F32 tensor '{scaleName}'");
            else if (scales.NumEl != layer.Weight.Scales.Length)
                problems.Add($"'{scaleName}' holds {scales.NumEl} scales in the file but the model's layer has {layer.Weight.Scales.Length} ({(layer.Weight.Scales.Length == 1 ? "per tensor" : "per channel")})");
            else plan.Add(() => scales.ToArray().CopyTo(layer.Weight.Scales, 0));

            bool fileHasBias = floats.Remove(biasName, out var bias);
            if (layer.Bias is { } own)
            {
                if (!fileHasBias) problems.Add($"no F32 tensor '{biasName}'");
                else if (bias!.NumEl != own.Length) problems.Add($"'{biasName}' has {bias.NumEl} values in the file but {own.Length} in the model");
                else plan.Add(() => bias.ToArray().CopyTo(own, 0));
            }
            else if (fileHasBias) problems.Add($"unexpected '{biasName}' (the model's layer has no bias)");
        }
        var unexpected = file.Int8Tensors.Keys.Where(k => !layers.Any(l => l.Name + ".weight" == k)).ToList();
        if (unexpected.Count > 0) problems.Add($"unexpected I8 tensors [{string.Join(", ", unexpected)}] (no QuantizedLinear of the model has those names)");
        if (problems.Count > 0)
            throw new InvalidDataException($"Int8.Load: '{path}' does not fit {model.GetType().Name}: {string.Join("; ", problems)}.");
        model.CheckStateDictOfFile("Int8.Load", path, floats);

        model.LoadStateDict(floats);
        foreach (var copy in plan) copy();
        return file.Metadata;
    }

    private static List<(string Name, QuantizedLinear Layer)> QuantizedLayers(Module model) =>
        model.NamedModules().Where(m => m.Module is QuantizedLinear).Select(m => (m.Name, (QuantizedLinear)m.Module)).ToList();

    private static string Describe(Module model) =>
        string.Join(", ", model.NamedModules().Select(m => m.Module.GetType().Name).Distinct());

    /// <summary>Children computed in order under the names of the model they stand for (MLP's <c>layers</c>, LeNet5's <c>features</c> and <c>head</c>).</summary>
    private sealed class NamedChain : Module
    {
        private readonly string source;
        private readonly List<Module> steps;

        public NamedChain(string source, List<(string Name, Module Module)> children)
        {
            this.source = source;
            steps = children.Select(c => RegisterModule(c.Name, c.Module)).ToList();
        }

        public override Tensor Forward(Tensor input)
        {
            var x = input;
            foreach (var step in steps) x = step.Call(x);
            return x;
        }

        protected override string ExtraRepr => $"int8 {source}";
    }
}
