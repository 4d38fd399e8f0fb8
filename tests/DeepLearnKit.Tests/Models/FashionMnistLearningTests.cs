// The zoo's classifiers learn Fashion-MNIST: two epochs over the full 60,000 training images, accuracy measured
// on the full 10,000 test images. The thresholds are a little under what these seeds reach, so they catch a
// layer, an op or an optimizer that stops learning, not a run of bad luck.
using DeepLearnKit.Data;
using DeepLearnKit.Models;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using DeepLearnKit.Training;
using Xunit.Abstractions;

namespace DeepLearnKit.Tests.Models;

[Collection(SharedRngCollection.Name)]
public sealed class FashionMnistLearningTests(ITestOutputHelper output)
{
    [Fact]
    public void An_MLP_reaches_85_percent_test_accuracy_in_two_epochs()
    {
        Rng.Seed(1);
        var clock = new TestClock(output);
        var (train, test) = (ZooData.FashionTrain, ZooData.FashionTest);
        clock.Report("data loaded");
        var model = new MLP(784, [256, 128], 10);
        var adam = new Adam(model.Parameters(), learningRate: 1e-3);

        var history = model.Fit(new DataLoader(train, batchSize: 128, shuffle: true), (z, y) => Loss.CrossEntropy(z, y), adam, epochs: 2);
        clock.Report($"trained, epoch losses {string.Join(", ", history.EpochLoss.Select(l => l.ToString("0.000")))}");

        double accuracy = ZooData.Accuracy(model, test);
        clock.Report($"MLP test accuracy {accuracy:P2}");
        Assert.True(accuracy >= 0.85, $"MLP test accuracy {accuracy:P2} < 85%");
    }

    [Fact]
    public void LeNet5_reaches_87_percent_test_accuracy_in_two_epochs()
    {
        Rng.Seed(2);
        var clock = new TestClock(output);
        var (train, test) = (ZooData.FashionTrain, ZooData.FashionTest);
        clock.Report("data loaded");
        var model = new LeNet5();
        var adam = new Adam(model.Parameters(), learningRate: 3e-3);
        var loader = new DataLoader(train, batchSize: 64, shuffle: true);
        // A constant rate ends at 86.5–87.0% with these seeds; annealing it to 0 over the two epochs gives 88%.
        var cosine = new CosineAnnealingLR(adam, tMax: 2 * loader.Count);

        var history = model.Fit(loader, (z, y) => Loss.CrossEntropy(z, y), adam, epochs: 2,
            callbacks: [new LRSchedulerCallback(cosine.Step, StepInterval.Batch)]);
        clock.Report($"trained, epoch losses {string.Join(", ", history.EpochLoss.Select(l => l.ToString("0.000")))}");

        double accuracy = ZooData.Accuracy(model, test);
        clock.Report($"LeNet-5 test accuracy {accuracy:P2}");
        Assert.True(accuracy >= 0.87, $"LeNet-5 test accuracy {accuracy:P2} < 87%");
    }
}
