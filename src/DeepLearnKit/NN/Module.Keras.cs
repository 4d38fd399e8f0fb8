// The Keras shape for the seeds' code, a thin layer over Trainer.Fit: Compile stores an optimizer, a loss and
// metrics; Fit(x, y, …) cuts tensors into a TensorDataset and DataLoaders and calls Trainer.Fit; Evaluate and Predict
// run in eval mode under NoGrad. No second training loop: what Fit(x, y) does is what Trainer.Fit does.
using DeepLearnKit.Data;
using DeepLearnKit.Optim;
using DeepLearnKit.Training;

namespace DeepLearnKit.NN;

/// <summary>What <see cref="Module.Compile(Func{IEnumerable{Tensor}, Optimizer}, Func{Tensor, Tensor, Tensor}, IReadOnlyList{IMetric}?)"/> stored.</summary>
/// <param name="OptimizerFactory">Makes the optimizer from the parameters, once they exist.</param>
/// <param name="Loss">L(ŷ, y), a scalar.</param>
/// <param name="Metrics">Measured per batch and per epoch (none by default, as Keras).</param>
public sealed record CompileOptions(Func<IEnumerable<Tensor>, Optimizer> OptimizerFactory, Func<Tensor, Tensor, Tensor> Loss, IReadOnlyList<IMetric> Metrics);

public abstract partial class Module
{
    /// <summary>What <c>Compile</c> stored, or null before it.</summary>
    public CompileOptions? Compiled { get; private set; }

    /// <summary>The optimizer Keras-style <c>Fit</c> steps: made by the compiled factory on the first Fit and kept (with its state) for the next.</summary>
    public Optimizer? CompiledOptimizer { get; private set; }

    /// <summary>
    /// Keras' <c>compile</c>: <c>model.Compile(ps =&gt; new Adam(ps, 1e-3), Loss.BinaryCrossEntropy, [BatchMetric.BinaryAccuracy])</c>.
    /// The optimizer is made from <see cref="Parameters"/> on the first <see cref="Fit(Tensor, Tensor, int, int, double, ValueTuple{Tensor, Tensor}?, bool, IReadOnlyList{ICallback}?, CancellationToken, bool)"/>,
    /// after layers whose input size was left open (<see cref="Dense"/>) have been built from the data. Compiling again
    /// replaces the settings and forgets the optimizer.
    /// </summary>
    public void Compile(Func<IEnumerable<Tensor>, Optimizer> optimizer, Func<Tensor, Tensor, Tensor> loss, IReadOnlyList<IMetric>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        Compiled = new CompileOptions(optimizer, loss, metrics ?? []);
        CompiledOptimizer = null;
    }

    /// <summary>
    /// <see cref="Compile(Func{IEnumerable{Tensor}, Optimizer}, Func{Tensor, Tensor, Tensor}, IReadOnlyList{IMetric}?)"/> with an
    /// optimizer made already over this model's parameters, so every layer must be built (give Dense its inFeatures, or
    /// call <see cref="Build"/> first).
    /// </summary>
    public void Compile(Optimizer optimizer, Func<Tensor, Tensor, Tensor> loss, IReadOnlyList<IMetric>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (NamedModules().Any(m => m.Module is Dense { IsBuilt: false }))
            throw new InvalidOperationException($"Compile: {this} has layers whose input size is not known yet, so the optimizer cannot hold their parameters; " +
                "pass a factory (ps => new Adam(ps)), give each Dense its inFeatures, or call Build(inputShape) first.");
        Compile(_ => optimizer, loss, metrics);
        CompiledOptimizer = optimizer;
    }

    /// <summary>
    /// Keras' <c>build</c>: one forward pass of zeros [1, …<paramref name="inputShape"/>] in eval mode under NoGrad, so that layers
    /// that learn their input size from the first call (<see cref="Dense"/>) create their parameters. The mode is restored.
    /// </summary>
    public Module Build(params int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        BuildFrom(Tensor.Zeros([1, .. inputShape]).To(Parameters().FirstOrDefault()?.Device ?? Device.Cpu));
        return this;
    }

    private void BuildFrom(Tensor sample)
    {
        bool wasTraining = IsTraining;
        Eval();
        try
        {
            using var _ = Tensor.NoGrad();
            Call(sample);
        }
        finally
        {
            Train(wasTraining);
        }
    }

    /// <summary>
    /// Keras' <c>fit(x, y, epochs, batch_size, validation_split, validation_data, shuffle)</c>, which is
    /// <see cref="Trainer.Fit"/> over <c>new DataLoader(new TensorDataset(x, y), batchSize, shuffle)</c> with the compiled
    /// loss, metrics and optimizer. With <paramref name="validationSplit"/> v, the last <c>N − ⌊N·(1 − v)⌋</c> examples (taken
    /// before any shuffling, as Keras) are the validation data; <paramref name="validationData"/> gives it instead.
    /// Layers not yet built are built from x's shape first. Returns the run's <see cref="History"/>.
    /// </summary>
    public History Fit(Tensor x, Tensor y, int epochs = 1, int batchSize = 32, double validationSplit = 0,
        (Tensor X, Tensor Y)? validationData = null, bool shuffle = true, IReadOnlyList<ICallback>? callbacks = null,
        CancellationToken cancellationToken = default, bool live = true)
    {
        var compiled = Compiled ?? throw new InvalidOperationException($"Fit: compile {GetType().Name} first: model.Compile(optimizer, loss, metrics).");
        CheckExamples("Fit", x, y);
        if (validationSplit is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(validationSplit), $"Fit: validationSplit must be in [0, 1), got {validationSplit}.");
        if (validationSplit > 0 && validationData is not null)
            throw new ArgumentException("Fit: give validationSplit or validationData, not both.", nameof(validationData));

        int n = x.Size(0), split = (int)Math.Floor(n * (1 - validationSplit));
        if (split == 0) throw new ArgumentException($"Fit: validationSplit {validationSplit} of {n} examples leaves none to train on.", nameof(validationSplit));
        var (trainX, trainY) = validationSplit > 0 ? (x.Narrow(0, 0, split), y.Narrow(0, 0, split)) : (x, y);
        var validation = validationSplit > 0 ? (x.Narrow(0, split, n - split), y.Narrow(0, split, n - split)) : validationData;
        if (validation is { } v) CheckExamples("Fit (validation)", v.X, v.Y);

        if (NamedModules().Any(m => m.Module is Dense { IsBuilt: false })) BuildFrom(x.Narrow(0, 0, 1)); // on x's device
        CompiledOptimizer ??= compiled.OptimizerFactory(Parameters());
        var train = new DataLoader(new TensorDataset(trainX, trainY), batchSize, shuffle);
        var validationBatches = validation is { } val ? new DataLoader(new TensorDataset(val.X, val.Y), batchSize) : null;
        return Trainer.Fit(this, train, compiled.Loss, CompiledOptimizer, epochs, validationBatches, callbacks, compiled.Metrics, cancellationToken, live);
    }

    /// <summary>
    /// Keras' <c>evaluate(x, y, batch_size)</c>: the compiled loss and metrics over (x, y) in eval mode under NoGrad, each
    /// batch weighted by its size (<see cref="Trainer.Evaluate"/>).
    /// </summary>
    public (double Loss, IReadOnlyDictionary<string, double> Metrics) Evaluate(Tensor x, Tensor y, int batchSize = 32)
    {
        var compiled = Compiled ?? throw new InvalidOperationException($"Evaluate: compile {GetType().Name} first: model.Compile(optimizer, loss, metrics).");
        CheckExamples("Evaluate", x, y);
        return Trainer.Evaluate(this, new DataLoader(new TensorDataset(x, y), batchSize), compiled.Loss, compiled.Metrics);
    }

    /// <summary>
    /// Keras' <c>predict(x, batch_size)</c>: the outputs for x [N, …], batch by batch in eval mode under NoGrad, joined along
    /// dim 0; the same as <c>model.Eval(); model.Call(x)</c> under NoGrad. The mode is restored. Needs no Compile.
    /// </summary>
    public Tensor Predict(Tensor x, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank == 0 || x.Size(0) == 0) throw new ArgumentException($"Predict: expected examples [N, …] with N > 0, got shape {Shapes.Format(x.Shape)}.", nameof(x));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"Predict: batchSize must be positive, got {batchSize}.");
        bool wasTraining = IsTraining;
        Eval();
        try
        {
            using var _ = Tensor.NoGrad();
            var outputs = new List<Tensor>();
            for (int start = 0; start < x.Size(0); start += batchSize)
                outputs.Add(Call(x.Narrow(0, start, Math.Min(batchSize, x.Size(0) - start))));
            return outputs.Count == 1 ? outputs[0] : Tensor.Cat(outputs);
        }
        finally
        {
            Train(wasTraining);
        }
    }

    private static void CheckExamples(string op, Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Rank == 0 || y.Rank == 0 || x.Size(0) != y.Size(0) || x.Size(0) == 0)
            throw new ArgumentException($"{op}: x {Shapes.Format(x.Shape)} and y {Shapes.Format(y.Shape)} must hold the same number N > 0 of examples in dim 0.");
    }
}
