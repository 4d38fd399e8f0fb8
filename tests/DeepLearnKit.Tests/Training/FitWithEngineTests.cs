// Fit with the engine's own pieces: a DataLoader (its Count gives the steps per epoch from the first step),
// Loss.CrossEntropy, and a StepLR schedule stepped per epoch through LRSchedulerCallback.
using DeepLearnKit.Data;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using DeepLearnKit.Training;
using static DeepLearnKit.Tests.Training.TrainingData;

namespace DeepLearnKit.Tests.Training;

public class FitWithEngineTests
{
    [Fact]
    public void Fit_trains_from_a_DataLoader_with_cross_entropy_and_a_step_schedule()
    {
        var all = TwoClasses(n: 60, batchSize: 60)[0];
        var loader = new DataLoader(new TensorDataset(all.Inputs, all.Targets), batchSize: 16); // 4 batches, the last of 12
        var model = FixedLinear(2, 2);
        var sgd = new SGD(model.Parameters(), learningRate: 0.8);
        var schedule = new StepLR(sgd, stepSize: 1, gamma: 0.9);
        var steps = new List<StepInfo>();
        var progress = new ProgressCallback();
        progress.StepEnded += (_, s) => steps.Add(s);

        var history = model.Fit(loader, (z, y) => Loss.CrossEntropy(z, y), sgd, epochs: 30,
            callbacks: [new LRSchedulerCallback(schedule.Step), progress]);

        Assert.Equal(120, history.Steps);
        Assert.Equal(4, steps[0].StepsPerEpoch); // known before the first epoch ends
        Assert.NotNull(steps[0].Eta);
        Assert.Equal(0.8, history.StepLearningRate[0]);
        Assert.Equal(0.8 * 0.9, history.StepLearningRate[4], 12); // decayed once after epoch 0
        Assert.Equal(0.8 * Math.Pow(0.9, 29), history.StepLearningRate[^1], 12);
        Assert.True(history.Metrics["accuracy"][^1] >= 0.95, $"accuracy {history.Metrics["accuracy"][^1]}");
        Assert.True(history.EpochLoss[^1] < history.EpochLoss[0]);
    }
}
