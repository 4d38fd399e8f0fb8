// Fit's contract: it learns, it records the right number of steps and epochs, it validates in eval mode under
// NoGrad, it measures accuracy for classification, and cancellation or a stop request ends it after the current step.
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using DeepLearnKit.Training;
using static DeepLearnKit.Tests.Training.TrainingData;

namespace DeepLearnKit.Tests.Training;

public class TrainerTests
{
    [Fact]
    public void Fit_drives_a_linear_regression_loss_to_near_zero()
    {
        var model = FixedLinear(2, 1);
        var data = Regression(); // 4 batches of 8
        var history = model.Fit(data, MSE, new SGD(model.Parameters(), learningRate: 0.2), epochs: 60);

        Assert.Equal(60, history.Epochs);
        Assert.Equal(240, history.Steps);
        Assert.Equal(240, history.StepLearningRate.Count);
        Assert.Equal(Enumerable.Range(0, 60).SelectMany(e => Enumerable.Repeat(e, 4)), history.StepEpoch);
        Assert.True(history.EpochLoss[0] > 0.5, $"first epoch loss {history.EpochLoss[0]}");
        Assert.True(history.EpochLoss[^1] < 1e-5, $"last epoch loss {history.EpochLoss[^1]}");
        Assert.Empty(history.ValidationLoss);
        Assert.Empty(history.Metrics); // regression: no accuracy
        Assert.False(history.Cancelled);
        TensorAssert.Close([2, -3], model.Weight.ToArray(), atol: 1e-2);
        TensorAssert.Close([1], model.Bias!.ToArray(), atol: 1e-2);
        Assert.StartsWith("History(60 epochs, 240 steps, loss ", history.ToString());
    }

    [Fact]
    public void The_epoch_loss_is_the_example_weighted_mean_of_the_step_losses()
    {
        var model = FixedLinear(2, 1);
        var data = Regression(n: 20, batchSize: 8); // batches of 8, 8, 4
        var history = model.Fit(data, MSE, new SGD(model.Parameters(), learningRate: 0.05), epochs: 2);
        var s = history.StepLoss;
        Assert.Equal((8 * s[0] + 8 * s[1] + 4 * s[2]) / 20, history.EpochLoss[0], 12);
        Assert.Equal((8 * s[3] + 8 * s[4] + 4 * s[5]) / 20, history.EpochLoss[1], 12);
    }

    /// <summary>Records, for each call, whether the module was training, whether autograd was on, and which input it saw.</summary>
    private sealed class Probe : Module
    {
        private readonly Linear inner;

        public Probe(Linear inner) => this.inner = RegisterModule("inner", inner);

        public List<(bool Training, bool Grad, Tensor Input)> Calls { get; } = [];

        public override Tensor Forward(Tensor input)
        {
            Calls.Add((IsTraining, Tensor.IsGradEnabled, input));
            return inner.Call(input);
        }
    }

    [Fact]
    public void Validation_runs_each_epoch_in_eval_mode_under_NoGrad_and_restores_the_mode()
    {
        var probe = new Probe(FixedLinear(2, 1));
        var train = Regression();
        var validation = Regression(n: 12, batchSize: 6, seed: 9);
        probe.Eval(); // Fit must put it back to this
        var history = probe.Fit(train, MSE, new SGD(probe.Parameters(), learningRate: 0.1), epochs: 3, validation: validation);

        var validationInputs = validation.Select(b => b.Inputs).ToHashSet(ReferenceEqualityComparer.Instance);
        var validationCalls = probe.Calls.Where(c => validationInputs.Contains(c.Input)).ToList();
        var trainCalls = probe.Calls.Where(c => !validationInputs.Contains(c.Input)).ToList();
        Assert.Equal(3 * 2, validationCalls.Count);
        Assert.Equal(3 * 4, trainCalls.Count);
        Assert.All(validationCalls, c => Assert.False(c.Training || c.Grad));
        Assert.All(trainCalls, c => Assert.True(c.Training && c.Grad));
        Assert.False(probe.IsTraining);

        // The last validation loss is the trained model's loss on the validation set (weighted by batch size).
        double expected;
        using (Tensor.NoGrad())
            expected = validation.Sum(b => MSE(probe.Call(b.Inputs), b.Targets).Item() * b.Count) / 12;
        Assert.Equal(3, history.ValidationLoss.Count);
        Assert.Equal(expected, history.ValidationLoss[^1], 6);
        Assert.Equal(history.ValidationLoss, history["val_loss"]);
    }

    [Fact]
    public void Classification_records_accuracy_per_step_and_epoch_for_training_and_validation()
    {
        var model = FixedLinear(2, 2);
        var train = TwoClasses();
        var validation = TwoClasses(n: 32, seed: 5);
        var history = model.Fit(train, CrossEntropy, new SGD(model.Parameters(), learningRate: 0.5), epochs: 40, validation: validation);

        Assert.Equal(40 * 4, history.StepMetrics["accuracy"].Count);
        Assert.Equal(40, history.Metrics["accuracy"].Count);
        Assert.Equal(1.0, history.Metrics["accuracy"][^1]);
        Assert.Equal(1.0, history.ValidationMetrics["accuracy"][^1]);
        Assert.Equal(history.ValidationMetrics["accuracy"], history["val_accuracy"]);
        Assert.True(history.EpochLoss[^1] < 0.2, $"last loss {history.EpochLoss[^1]}");
        Assert.Contains("val_accuracy 1", history.ToString());
    }

    [Fact]
    public void An_empty_metric_list_turns_accuracy_off()
    {
        var model = FixedLinear(2, 2);
        var history = model.Fit(TwoClasses(), CrossEntropy, new SGD(model.Parameters()), epochs: 1, metrics: []);
        Assert.Empty(history.Metrics);
    }

    private sealed class CancelAfter(CancellationTokenSource source, int steps) : ICallback
    {
        public int AfterBackward { get; private set; }

        public void OnAfterBackward(TrainingContext context, StepInfo step) => AfterBackward++;

        public void OnStepEnd(TrainingContext context, StepInfo step)
        {
            if (step.GlobalStep + 1 == steps) source.Cancel();
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 0)]
    [InlineData(6, 1)] // in the middle of the second epoch
    [InlineData(8, 1)] // at the second epoch's last step: that epoch is not completed (no validation)
    public void Cancellation_after_step_k_leaves_exactly_k_steps(int k, int completedEpochs)
    {
        var model = FixedLinear(2, 1);
        using var source = new CancellationTokenSource();
        var probe = new CancelAfter(source, k);
        var history = model.Fit(Regression(), MSE, new SGD(model.Parameters(), learningRate: 0.1), epochs: 5,
            validation: Regression(seed: 4), callbacks: [probe], cancellationToken: source.Token);

        Assert.True(history.Cancelled);
        Assert.Equal(k, history.Steps);
        Assert.Equal(k, probe.AfterBackward);
        Assert.Equal(completedEpochs, history.Epochs);
        Assert.Equal(history.Epochs, history.ValidationLoss.Count);
        Assert.Contains("cancelled", history.ToString());
    }

    [Fact]
    public void A_token_cancelled_before_Fit_takes_no_step()
    {
        var model = FixedLinear(2, 1);
        var before = Bits(model);
        var history = model.Fit(Regression(), MSE, new SGD(model.Parameters()), epochs: 2, cancellationToken: new CancellationToken(true));
        Assert.Equal(0, history.Steps);
        Assert.True(history.Cancelled);
        Assert.Equal(before, Bits(model));
    }

    [Fact]
    public void Early_stopping_inside_Fit_ends_after_the_epoch_where_patience_runs_out()
    {
        // A learning rate far too large makes the loss grow every epoch, so with patience 0 the run stops after epoch 1.
        var model = FixedLinear(2, 1);
        var stopper = new EarlyStopping(monitor: "loss", patience: 0);
        var history = model.Fit(Regression(), MSE, new SGD(model.Parameters(), learningRate: 5), epochs: 10, callbacks: [stopper]);
        Assert.Equal(2, history.Epochs);
        Assert.Equal(8, history.Steps);
        Assert.Equal(1, stopper.StoppedEpoch);
        Assert.False(history.Cancelled);
        Assert.StartsWith("EarlyStopping: loss did not improve", history.StopReason);
    }

    [Fact]
    public void A_loss_that_is_not_a_scalar_is_rejected_with_its_shape()
    {
        var model = FixedLinear(2, 1);
        var e = Assert.Throws<ArgumentException>(() =>
            model.Fit(Regression(), (o, y) => (o - y).Square(), new SGD(model.Parameters()), epochs: 1));
        Assert.Contains("[8, 1]", e.Message);
    }
}
