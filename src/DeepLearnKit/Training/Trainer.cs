// The training loop: for each epoch, for each batch, forward, loss, backward, step; then validation.
// Callbacks watch and steer it; a History records it; a cancellation token stops it after the current step.
using System.Diagnostics;
using DeepLearnKit.Data;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;

namespace DeepLearnKit.Training;

/// <summary>Trains a model on batches: <c>var history = model.Fit(loader, (o, y) =&gt; Loss.CrossEntropy(o, y), sgd, epochs: 5, validation: test);</c></summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="model"/> for <paramref name="epochs"/> passes over <paramref name="train"/>. Each step:
    /// <c>model.Train()</c>, <c>ZeroGrad</c>, <c>ŷ = model.Call(x)</c>, <c>L = loss(ŷ, y)</c>, <c>L.Backward()</c>,
    /// <see cref="ICallback.OnAfterBackward"/>, <c>optimizer.Step()</c>, <see cref="ICallback.OnStepEnd"/>. After each epoch,
    /// when <paramref name="validation"/> is given, the loss and metrics on it are computed in eval mode under NoGrad.
    /// <paramref name="metrics"/> are averaged per epoch; when null, accuracy is measured for classification (outputs
    /// [N, C], class-id targets [N]); pass an empty list for none. Cancelling <paramref name="cancellationToken"/> or a
    /// callback's <see cref="TrainingContext.RequestStop"/> ends the run after the current step, without an exception;
    /// <see cref="History.Cancelled"/> / <see cref="History.StopReason"/> say so. The model's train/eval mode is restored.
    /// With <paramref name="live"/> and a <see cref="Display.DisplaySurface.Current"/> installed (in a notebook), the
    /// history is shown when training starts and redrawn in place as it runs (<see cref="LiveDisplay"/>).
    /// </summary>
    public static History Fit(this Module model, IEnumerable<Batch> train, Func<Tensor, Tensor, Tensor> loss, Optimizer optimizer,
        int epochs = 1, IEnumerable<Batch>? validation = null, IReadOnlyList<ICallback>? callbacks = null,
        IReadOnlyList<IMetric>? metrics = null, CancellationToken cancellationToken = default, bool live = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), $"Fit: epochs must be non-negative, got {epochs}.");

        var context = new TrainingContext(model, optimizer, epochs, CountOf(train));
        var history = context.History;
        callbacks ??= [];
        if (live && Display.DisplaySurface.Current is not null && !callbacks.OfType<LiveDisplay>().Any())
            callbacks = [.. callbacks, new LiveDisplay()];
        var clock = Stopwatch.StartNew();
        bool wasTraining = model.IsTraining;
        int globalStep = 0;
        bool Stopping() => context.StopRequested || cancellationToken.IsCancellationRequested;
        try
        {
            foreach (var c in callbacks) c.OnTrainBegin(context);
            for (int epoch = 0; epoch < epochs && !context.StopRequested; epoch++)
            {
                if (cancellationToken.IsCancellationRequested) break;
                foreach (var c in callbacks) c.OnEpochBegin(context, epoch);

                var sums = new RunningMeans();
                int step = 0;
                bool exhausted = true;
                foreach (var batch in train.Scoped()) // a step's tensors are released when the next step has its batch
                {
                    if (Stopping())
                    {
                        exhausted = false;
                        break;
                    }
                    model.Train();
                    // The model's own ZeroGrad also clears parameters the optimizer does not update (their grads would pile up).
                    optimizer.ZeroGrad();
                    model.ZeroGrad();
                    var output = model.Call(batch.Inputs);
                    var lossTensor = loss(output, batch.Targets);
                    double lossValue = ScalarLoss(lossTensor);
                    lossTensor.Backward();

                    var info = new StepInfo(epoch, epochs, step, context.StepsPerEpoch, globalStep, lossValue, batch.Count,
                        optimizer.ParamGroups[0].LearningRate, clock.Elapsed);
                    foreach (var c in callbacks) c.OnAfterBackward(context, info);
                    optimizer.Step();

                    metrics ??= DefaultMetrics(output, batch.Targets);
                    var values = Measure(metrics, output, batch.Targets);
                    info = info with { Elapsed = clock.Elapsed };
                    history.AddStep(info, values);
                    sums.Add(lossValue, values, batch.Count);
                    step++;
                    globalStep++;
                    foreach (var c in callbacks) c.OnStepEnd(context, info);
                    if (Stopping()) // checked here too, so that a stop fetches no further batch
                    {
                        exhausted = false;
                        break;
                    }
                }
                if (cancellationToken.IsCancellationRequested)
                {
                    history.Cancelled = true;
                    break;
                }
                if (step == 0 && exhausted) throw new ArgumentException("Fit: the training data yielded no batches.", nameof(train));
                context.StepsPerEpoch ??= exhausted ? step : null;
                // A callback may stop mid-epoch; such a partial epoch is in the step lists only.
                if (!exhausted && step != context.StepsPerEpoch) break;

                double? validationLoss = null;
                var validationMetrics = Empty;
                if (validation is not null) (validationLoss, validationMetrics) = Evaluate(model, validation, loss, metrics ?? []);
                var epochInfo = new EpochInfo(epoch, epochs, sums.Loss, validationLoss, sums.Metrics, validationMetrics, clock.Elapsed);
                history.AddEpoch(epochInfo);
                foreach (var c in callbacks) c.OnEpochEnd(context, epochInfo);
            }
            history.Cancelled |= cancellationToken.IsCancellationRequested;
            history.StopReason = context.StopReason;
            history.Elapsed = clock.Elapsed;
            foreach (var c in callbacks) c.OnTrainEnd(context);
            return history;
        }
        finally
        {
            model.Train(wasTraining);
            Backends.Cpu.CpuArrayPool.Clear(); // the run's working set goes back to the collector
        }
    }

    /// <summary>
    /// The mean loss and metrics of <paramref name="model"/> over <paramref name="data"/>, in eval mode under NoGrad,
    /// each batch weighted by its size. The model's train/eval mode is restored.
    /// </summary>
    public static (double Loss, IReadOnlyDictionary<string, double> Metrics) Evaluate(this Module model, IEnumerable<Batch> data,
        Func<Tensor, Tensor, Tensor> loss, IReadOnlyList<IMetric>? metrics = null)
    {
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using var _ = Tensor.NoGrad();
            var sums = new RunningMeans();
            foreach (var batch in data)
            {
                using var scope = Tensor.Scope();
                var output = model.Call(batch.Inputs);
                metrics ??= DefaultMetrics(output, batch.Targets);
                sums.Add(ScalarLoss(loss(output, batch.Targets)), Measure(metrics, output, batch.Targets), batch.Count);
            }
            if (sums.Count == 0) throw new ArgumentException("Evaluate: the data yielded no batches.", nameof(data));
            return (sums.Loss, sums.Metrics);
        }
        finally
        {
            model.Train(wasTraining);
        }
    }

    private static readonly IReadOnlyDictionary<string, double> Empty = new Dictionary<string, double>();

    private static double ScalarLoss(Tensor loss)
    {
        if (loss.NumEl != 1)
            throw new ArgumentException($"Fit: the loss function returned shape {Shapes.Format(loss.Shape)}; expected a scalar (reduce it with a mean).");
        return loss.Item();
    }

    // Classification when outputs are scores [N, C] and targets are class ids [N].
    private static IReadOnlyList<IMetric> DefaultMetrics(Tensor output, Tensor targets)
    {
        if (output.Rank != 2 || targets.Rank != 1 || output.Size(0) != targets.Size(0) || output.Size(1) < 2) return [];
        int classes = output.Size(1);
        bool classIds = targets.ToArray().All(v => v >= 0 && v < classes && v == MathF.Floor(v));
        return classIds ? [BatchMetric.Accuracy] : [];
    }

    private static Dictionary<string, double> Measure(IReadOnlyList<IMetric> metrics, Tensor output, Tensor targets)
    {
        var values = new Dictionary<string, double>(metrics.Count);
        if (metrics.Count == 0) return values;
        using var _ = Tensor.NoGrad();
        var detached = output.Detach();
        foreach (var m in metrics) values[m.Name] = m.Compute(detached, targets);
        return values;
    }

    // Batches per epoch, if the data can say without being enumerated (a DataLoader can).
    private static int? CountOf(IEnumerable<Batch> data) =>
        data is IReadOnlyCollection<Batch> c ? c.Count
        : data.TryGetNonEnumeratedCount(out int n) ? n
        : null;

    /// <summary>Example-weighted means of the loss and each metric over an epoch.</summary>
    private sealed class RunningMeans
    {
        private double loss;
        private readonly Dictionary<string, double> metrics = [];

        public long Count { get; private set; }

        public void Add(double batchLoss, IReadOnlyDictionary<string, double> batchMetrics, int size)
        {
            loss += batchLoss * size;
            foreach (var (name, v) in batchMetrics) metrics[name] = metrics.GetValueOrDefault(name) + v * size;
            Count += size;
        }

        public double Loss => loss / Count;

        public IReadOnlyDictionary<string, double> Metrics => metrics.ToDictionary(m => m.Key, m => m.Value / Count);
    }
}
