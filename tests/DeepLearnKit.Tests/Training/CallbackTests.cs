// The callbacks: early stopping on scripted epoch values, restoring the best weights, checkpoints of the best epoch,
// gradient-flow statistics against gradients worked by hand, schedule stepping and progress reports.
using DeepLearnKit.Data;
using DeepLearnKit.IO;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using DeepLearnKit.Training;
using static DeepLearnKit.Tests.Training.TrainingData;

namespace DeepLearnKit.Tests.Training;

public class CallbackTests
{
    private static EpochInfo Epoch(int epoch, double loss, double? validationLoss = null, double? accuracy = null) =>
        new(epoch, 100, loss, validationLoss,
            accuracy is { } a ? new Dictionary<string, double> { ["accuracy"] = a } : new Dictionary<string, double>(),
            new Dictionary<string, double>(), TimeSpan.Zero);

    private static TrainingContext Context(Module? model = null)
    {
        model ??= FixedLinear(2, 1);
        return new TrainingContext(model, new SGD(model.Parameters()), epochs: 100);
    }

    /// <summary>Feeds one value per epoch to <paramref name="stopper"/> until it asks to stop; returns that epoch or null.</summary>
    private static int? StopEpoch(EarlyStopping stopper, double[] values, Func<int, double, EpochInfo> epoch)
    {
        var context = Context();
        stopper.OnTrainBegin(context);
        for (int e = 0; e < values.Length; e++)
        {
            stopper.OnEpochEnd(context, epoch(e, values[e]));
            if (context.StopRequested) return e;
        }
        return null;
    }

    [Fact]
    public void Early_stopping_stops_when_patience_epochs_pass_without_improvement()
    {
        // best 1.0, 0.8 (epoch 1); 0.85 waits 1, 0.9 waits 2 = patience: stop after epoch 3.
        var stopper = new EarlyStopping(patience: 2);
        Assert.Equal(3, StopEpoch(stopper, [1.0, 0.8, 0.85, 0.9, 0.1], (e, v) => Epoch(e, 5, validationLoss: v)));
        Assert.Equal(0.8, stopper.BestValue);
        Assert.Equal(1, stopper.BestEpoch);
        Assert.Equal(3, stopper.StoppedEpoch);
    }

    [Fact]
    public void An_improvement_resets_the_wait()
    {
        // 0.9 waits 1, 0.7 improves (wait 0), 0.75 and 0.8 wait 1 and 2: stop after epoch 4.
        Assert.Equal(4, StopEpoch(new EarlyStopping(patience: 2), [0.8, 0.9, 0.7, 0.75, 0.8, 0.1], (e, v) => Epoch(e, 5, validationLoss: v)));
        Assert.Null(StopEpoch(new EarlyStopping(patience: 2), [1, 0.9, 0.8, 0.7], (e, v) => Epoch(e, 5, validationLoss: v)));
    }

    [Fact]
    public void A_change_smaller_than_min_delta_is_not_an_improvement()
    {
        // best 1.0; 0.95 and 0.92 are not below 1.0 − 0.1: stop after epoch 2 even though the loss fell.
        Assert.Equal(2, StopEpoch(new EarlyStopping(patience: 2, minDelta: 0.1), [1.0, 0.95, 0.92, 0.5], (e, v) => Epoch(e, 5, validationLoss: v)));
    }

    [Fact]
    public void Accuracy_is_monitored_as_a_value_to_maximise()
    {
        Assert.Equal(3, StopEpoch(new EarlyStopping("accuracy", patience: 2), [0.5, 0.6, 0.6, 0.59, 0.9], (e, v) => Epoch(e, 1, accuracy: v)));
    }

    [Fact]
    public void Monitoring_a_missing_value_names_what_the_epoch_has()
    {
        var e = Assert.Throws<InvalidOperationException>(() => StopEpoch(new EarlyStopping(), [1.0], (e, v) => Epoch(e, v)));
        Assert.Contains("val_loss", e.Message);
        Assert.Contains("validation data", e.Message);
    }

    [Fact]
    public void Restore_best_puts_back_the_weights_of_the_best_epoch()
    {
        var model = FixedLinear(2, 1);
        var context = Context(model);
        var stopper = new EarlyStopping(patience: 1, restoreBest: true);
        stopper.OnTrainBegin(context);
        stopper.OnEpochEnd(context, Epoch(0, 1, validationLoss: 1.0));
        using (Tensor.NoGrad()) model.Weight.CopyFrom(Tensor.FromArray([7f, 8f], 1, 2));
        var best = Bits(model);
        stopper.OnEpochEnd(context, Epoch(1, 1, validationLoss: 0.5));
        using (Tensor.NoGrad()) model.Weight.CopyFrom(Tensor.FromArray([-1f, -2f], 1, 2));
        stopper.OnEpochEnd(context, Epoch(2, 1, validationLoss: 0.6));
        Assert.True(context.StopRequested);
        stopper.OnTrainEnd(context);
        Assert.Equal(best, Bits(model));
    }

    [Fact]
    public void Model_checkpoint_with_save_best_only_writes_only_improving_epochs()
    {
        var folder = Directory.CreateTempSubdirectory("dlk-checkpoint-").FullName;
        try
        {
            var model = FixedLinear(2, 1);
            var context = Context(model);
            var checkpoint = new ModelCheckpoint(Path.Combine(folder, "best.safetensors"), saveBestOnly: true);
            checkpoint.OnTrainBegin(context);
            checkpoint.OnEpochEnd(context, Epoch(0, 1, validationLoss: 1.0));
            checkpoint.OnEpochEnd(context, Epoch(1, 1, validationLoss: 0.5));
            var best = Bits(model);
            using (Tensor.NoGrad()) model.Weight.CopyFrom(Tensor.FromArray([7f, 8f], 1, 2));
            checkpoint.OnEpochEnd(context, Epoch(2, 1, validationLoss: 0.7));

            Assert.Equal(1, checkpoint.LastSavedEpoch);
            Assert.Equal(2, checkpoint.SavedPaths.Count);
            var reloaded = FixedLinear(2, 1, seed: 50);
            var metadata = Checkpoint.Load(checkpoint.SavedPaths[^1], reloaded);
            Assert.Equal(best, Bits(reloaded));
            Assert.Equal("2", metadata["epoch"]);
            Assert.Equal("0.5", metadata["val_loss"]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class WeightsAtBackward : ICallback
    {
        public float[]? Weight { get; private set; }

        public void OnAfterBackward(TrainingContext context, StepInfo step) => Weight ??= ((Linear)context.Model).Weight.ToArray();
    }

    [Fact]
    public void Gradient_flow_records_hand_computed_statistics_before_the_optimizer_step()
    {
        // ŷ = w·x + b with w = [0.5, −0.5], b = 0.1 and L = mean((ŷ − y)²): ∂L/∂w_j = (2/N) Σᵢ (ŷᵢ − yᵢ)·xᵢⱼ, ∂L/∂b = (2/N) Σᵢ (ŷᵢ − yᵢ).
        double[,] x = { { 1, 2 }, { -1, 0.5 }, { 0.25, -2 }, { 3, 1 } };
        double[] y = [1, -2, 0.5, 4];
        double[] w = [0.5, -0.5];
        double b = 0.1;
        var gw = new double[2];
        double gb = 0;
        for (int i = 0; i < 4; i++)
        {
            double r = w[0] * x[i, 0] + w[1] * x[i, 1] + b - y[i];
            gw[0] += 2.0 / 4 * r * x[i, 0];
            gw[1] += 2.0 / 4 * r * x[i, 1];
            gb += 2.0 / 4 * r;
        }

        var model = new Linear(2, 1);
        using (Tensor.NoGrad())
        {
            model.Weight.CopyFrom(Tensor.FromArray([0.5f, -0.5f], 1, 2));
            model.Bias!.CopyFrom(Tensor.FromArray([0.1f]));
        }
        var batch = new Batch(Tensor.FromArray([1, 2, -1, 0.5f, 0.25f, -2, 3, 1], 4, 2), Tensor.FromArray([1, -2, 0.5f, 4], 4, 1));
        var recorder = new GradientFlowRecorder();
        var weights = new WeightsAtBackward();
        model.Fit([batch], MSE, new SGD(model.Parameters(), learningRate: 0.1), epochs: 1, callbacks: [recorder, weights]);

        Assert.Equal([0.5f, -0.5f], weights.Weight!); // OnAfterBackward ran before the step
        var step = Assert.Single(recorder.Steps);
        Assert.Equal(["weight", "bias"], recorder.ParameterNames);
        var weight = step.Parameters[0];
        Assert.Equal((Math.Abs(gw[0]) + Math.Abs(gw[1])) / 2, weight.MeanAbs, 5);
        Assert.Equal(Math.Max(Math.Abs(gw[0]), Math.Abs(gw[1])), weight.MaxAbs, 5);
        Assert.Equal(Math.Sqrt(gw[0] * gw[0] + gw[1] * gw[1]), weight.Norm, 5);
        var bias = step.Parameters[1];
        Assert.Equal(Math.Abs(gb), bias.MeanAbs, 5);
        Assert.Equal(Math.Abs(gb), bias.MaxAbs, 5);
        Assert.Equal(Math.Abs(gb), bias.Norm, 5);
        Assert.Equal([weight.Norm], recorder.Series("weight", s => s.Norm));
    }

    [Fact]
    public void Gradient_flow_records_every_nth_step_with_its_epoch_and_step()
    {
        var model = FixedLinear(2, 1);
        var recorder = new GradientFlowRecorder(every: 3);
        model.Fit(Regression(), MSE, new SGD(model.Parameters(), learningRate: 0.1), epochs: 2, callbacks: [recorder]);
        Assert.Equal([0, 3, 6], recorder.Steps.Select(s => s.GlobalStep));
        Assert.Equal([0, 0, 1], recorder.Steps.Select(s => s.Epoch));
    }

    [Fact]
    public void A_schedule_is_stepped_once_per_epoch_or_once_per_batch()
    {
        var model = FixedLinear(2, 1);
        int perEpoch = 0, perBatch = 0;
        var sgd = new SGD(model.Parameters(), learningRate: 0.1);
        var history = model.Fit(Regression(), MSE, sgd, epochs: 3, callbacks:
        [
            new LRSchedulerCallback(() => perEpoch++),
            new LRSchedulerCallback(() => { perBatch++; sgd.ParamGroups[0].LearningRate *= 0.5; }, StepInterval.Batch),
        ]);
        Assert.Equal(3, perEpoch);
        Assert.Equal(12, perBatch);
        // The history records the rate each step used: halved after every step.
        Assert.Equal(Enumerable.Range(0, 12).Select(i => 0.1 * Math.Pow(0.5, i)), history.StepLearningRate, (a, b) => Math.Abs(a - b) < 1e-15);
    }

    [Fact]
    public void A_plateau_schedule_is_stepped_with_the_monitored_value_of_each_epoch()
    {
        var context = Context();
        var plateau = new ReduceLROnPlateau(context.Optimizer, factor: 0.5, patience: 1);
        var callback = new LRSchedulerCallback(plateau, monitor: "loss");
        double[] losses = [1.0, 0.5, 0.5, 0.5, 0.4];
        foreach (var (loss, e) in losses.Select((l, e) => (l, e))) callback.OnEpochEnd(context, Epoch(e, loss));
        // 1.0 and 0.5 improve; two epochs of 0.5 exceed patience 1 → 0.01·0.5; 0.4 improves.
        Assert.Equal(0.005, context.Optimizer.ParamGroups[0].LearningRate, 12);
        Assert.Equal((5, 0.4), (plateau.LastEpoch, plateau.Best));
        var error = Assert.Throws<InvalidOperationException>(() => new LRSchedulerCallback(plateau).OnEpochEnd(context, Epoch(5, 0.3)));
        Assert.Contains("'val_loss'", error.Message);
        Assert.Contains("pass validation data to Fit", error.Message);
    }

    private sealed class Collect<T> : IProgress<T>
    {
        public List<T> Items { get; } = [];

        public void Report(T value) => Items.Add(value);
    }

    [Fact]
    public void Progress_reports_every_step_with_counts_loss_and_an_estimate_of_time_left()
    {
        var model = FixedLinear(2, 1);
        var sink = new Collect<StepInfo>();
        var progress = new ProgressCallback(sink);
        int epochs = 0, ends = 0;
        progress.EpochEnded += (_, _) => epochs++;
        progress.TrainEnded += _ => ends++;
        var history = model.Fit(Regression(), MSE, new SGD(model.Parameters(), learningRate: 0.1), epochs: 2, callbacks: [progress]);

        Assert.Equal(8, sink.Items.Count);
        Assert.Equal(history.StepLoss, sink.Items.Select(s => s.Loss));
        Assert.All(sink.Items, s => Assert.Equal(8, s.TotalSteps));
        Assert.Equal(TimeSpan.Zero, sink.Items[^1].Eta);
        Assert.Equal((2, 1), (epochs, ends));
        Assert.StartsWith("epoch 2/2 · step 4/4 · loss ", sink.Items[^1].ToString());
    }
}
