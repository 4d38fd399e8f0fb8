// A model's summary as data: every module with its output shape and parameter count, found by running one
// sample input through the model with a ModuleCallRecorder watching. Formatters draw it; ToString prints a
// Keras-like text table.
using System.Globalization;
using System.Text;

namespace DeepLearnKit.NN;

/// <summary>One row of a <see cref="ModelSummary"/>: a module of the model.</summary>
/// <param name="Name">Its dotted name in the model (<c>""</c> for the model itself, <c>0</c>, <c>encoder.fc1</c>).</param>
/// <param name="Type">Its class name (<c>Conv2d</c>).</param>
/// <param name="OutputShape">The shape it returned for the sample input, or null when it was not called through <see cref="Module.Call"/>.</param>
/// <param name="Parameters">The elements of its own parameters, not its children's.</param>
/// <param name="Trainable">False when it or its descendants hold parameters and none of them requires a gradient (frozen).</param>
/// <param name="Depth">How deep it sits: 0 for the model, 1 for its children, …</param>
public sealed record LayerSummary(string Name, string Type, int[]? OutputShape, long Parameters, bool Trainable, int Depth);

/// <summary>
/// What a model is made of, as Keras's <c>model.summary()</c> or torchinfo's <c>summary(model, input_size)</c>:
/// each module in <see cref="Module.NamedModules"/> order with its output shape for a sample input and its own
/// parameter count, plus the totals (<c>TotalParameters = Σ Parameters</c> over the layers).
/// </summary>
/// <param name="Layers">Every module, the model first, depth first.</param>
/// <param name="TotalParameters">All parameter elements.</param>
/// <param name="TrainableParameters">The parameter elements that require a gradient.</param>
/// <param name="InputShape">The sample input's shape.</param>
/// <param name="OutputShape">The model's output shape for it.</param>
public sealed record ModelSummary(IReadOnlyList<LayerSummary> Layers, long TotalParameters, long TrainableParameters, int[] InputShape, int[] OutputShape)
{
    /// <summary>
    /// Summarises <paramref name="model"/> by running a zero input of <paramref name="inputShape"/> (batch dim included)
    /// through it in evaluation mode without gradients, on the device of its parameters. Every module's training
    /// mode is restored afterwards, and its parameters and buffers are left as they were.
    /// </summary>
    public static ModelSummary Of(Module model, params int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        var modules = model.NamedModules().ToList();
        var modes = modules.Select(m => m.Module.IsTraining).ToList();
        var device = model.Parameters().FirstOrDefault()?.Device ?? Device.Cpu;
        var input = Tensor.Zeros(inputShape).To(device);
        var shapes = new Dictionary<Module, int[]>(ReferenceEqualityComparer.Instance);
        int[] outputShape;
        try
        {
            model.Eval();
            using var recorder = new ModuleCallRecorder();
            using (Tensor.NoGrad()) outputShape = model.Call(input).Shape;
            foreach (var (module, shape) in recorder.Calls) shapes[module] = shape;   // the last call wins
        }
        finally
        {
            // Depth first, parents before children: each Train call resets a subtree that its children then correct.
            for (int i = 0; i < modules.Count; i++) modules[i].Module.Train(modes[i]);
        }
        var layers = modules.Select(m =>
        {
            var own = m.Module.NamedParameters().Where(p => !p.Name.Contains('.')).Sum(p => (long)p.Parameter.NumEl);
            var all = m.Module.Parameters().ToList();
            bool trainable = all.Count == 0 || all.Any(p => p.RequiresGrad);
            int depth = m.Name.Length == 0 ? 0 : m.Name.Count(c => c == '.') + 1;
            return new LayerSummary(m.Name, m.Module.GetType().Name, shapes.GetValueOrDefault(m.Module), own, trainable, depth);
        }).ToList();
        return new ModelSummary(layers, model.ParameterCount(), model.ParameterCount(trainableOnly: true), (int[])inputShape.Clone(), outputShape);
    }

    /// <summary>A text table: one row per module (indented by depth), then the totals.</summary>
    public override string ToString()
    {
        var rows = Layers.Select(l => (
            Layer: new string(' ', 2 * l.Depth) + (l.Name.Length == 0 ? l.Type : $"{l.Name} ({l.Type})") + (l.Trainable ? "" : " [frozen]"),
            Shape: l.OutputShape is null ? "-" : Shapes.Format(l.OutputShape),
            Params: Count(l.Parameters))).ToList();
        int w1 = Math.Max("Layer (type)".Length, rows.Max(r => r.Layer.Length)) + 2;
        int w2 = Math.Max("Output shape".Length, rows.Max(r => r.Shape.Length)) + 2;
        int w3 = Math.Max("Param #".Length, rows.Max(r => r.Params.Length));
        var rule = new string('=', w1 + w2 + w3);
        var text = new StringBuilder();
        text.AppendLine("Layer (type)".PadRight(w1) + "Output shape".PadRight(w2) + "Param #".PadLeft(w3)).AppendLine(rule);
        foreach (var (layer, shape, count) in rows)
            text.AppendLine(layer.PadRight(w1) + shape.PadRight(w2) + count.PadLeft(w3));
        text.AppendLine(rule)
            .AppendLine($"Input shape: {Shapes.Format(InputShape)}, output shape: {Shapes.Format(OutputShape)}")
            .AppendLine($"Total params: {Count(TotalParameters)}")
            .AppendLine($"Trainable params: {Count(TrainableParameters)}")
            .Append($"Non-trainable params: {Count(TotalParameters - TrainableParameters)}");
        return text.ToString();
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>The <c>model.Summary(…)</c> shorthand.</summary>
public static class ModelSummaryExtensions
{
    /// <summary><see cref="ModelSummary.Of"/>: the model's layers, output shapes and parameter counts for an input of <paramref name="inputShape"/>.</summary>
    public static ModelSummary Summary(this Module model, params int[] inputShape) => ModelSummary.Of(model, inputShape);
}
