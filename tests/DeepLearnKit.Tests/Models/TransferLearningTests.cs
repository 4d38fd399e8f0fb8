// Transfer learning (chapter 10): features learnt on one half of Fashion-MNIST help the other half. A LeNet-5
// pretrained on classes 0–4 (tops, trousers, pullovers, dresses, coats) is frozen, and a new linear head is trained
// on only 500 images of classes 5–9 (sandals, shirts, sneakers, bags, ankle boots). The same head on a frozen,
// randomly initialised LeNet-5 is the baseline.
using DeepLearnKit.Data;
using DeepLearnKit.Models;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using DeepLearnKit.Training;
using Xunit.Abstractions;

namespace DeepLearnKit.Tests.Models;

[Collection(SharedRngCollection.Name)]
public sealed class TransferLearningTests(ITestOutputHelper output)
{
    private static readonly int[] SourceClasses = [0, 1, 2, 3, 4], TargetClasses = [5, 6, 7, 8, 9];

    [Fact]
    public void Pretrained_frozen_features_beat_random_frozen_features_by_a_point_with_500_examples()
    {
        Rng.Seed(11);
        var clock = new TestClock(output);
        var source = ZooData.OfClasses(ZooData.FashionTrain, SourceClasses);            // 30,000 images
        var fewShot = ZooData.OfClasses(ZooData.FashionTrain, TargetClasses, limit: 500);
        var targetTest = ZooData.OfClasses(ZooData.FashionTest, TargetClasses);         // 5,000 images

        var pretrained = new LeNet5(numClasses: 5);
        pretrained.Fit(new DataLoader(source, batchSize: 64, shuffle: true), (z, y) => Loss.CrossEntropy(z, y),
            new Adam(pretrained.Parameters(), learningRate: 2e-3), epochs: 1);
        clock.Report($"pretrained on classes 0–4: {ZooData.Accuracy(pretrained, ZooData.OfClasses(ZooData.FashionTest, SourceClasses)):P1} on their test images");

        double transferred = TrainHead(pretrained.Features, fewShot, targetTest);
        clock.Report($"new head on pretrained frozen features: {transferred:P1} on classes 5–9");
        double random = TrainHead(new LeNet5(numClasses: 5).Features, fewShot, targetTest);
        clock.Report($"new head on random frozen features: {random:P1} on classes 5–9");

        // Random convolution features are a strong baseline on these classes (shoes and bags are easy to tell apart):
        // a well-trained head on them reaches ~92%, so the honest gap is ~2 points, not 10.
        Assert.True(transferred - random >= 0.01, $"pretrained {transferred:P1} vs random {random:P1}: less than 1 point apart");
    }

    /// <summary>Freezes <paramref name="features"/>, trains Flatten → Linear(400, 5) on <paramref name="train"/>, returns test accuracy.</summary>
    private static double TrainHead(Sequential features, TensorDataset train, TensorDataset test)
    {
        features.RequiresGrad(false);
        var frozen = features.StateDict().ToDictionary(e => e.Key, e => e.Value.ToArray());
        var head = new Linear(LeNet5.FeatureCount, 5);
        var model = new Sequential(features, new Flatten(), head);   // (N, 1, 28, 28) -> (N, 16, 5, 5) -> (N, 400) -> (N, 5)
        Assert.Equal(head.ParameterCount(), model.ParameterCount(trainableOnly: true));

        model.Fit(new DataLoader(train, batchSize: 50, shuffle: true), (z, y) => Loss.CrossEntropy(z, y),
            new Adam(head.Parameters(), learningRate: 1e-2), epochs: 30);

        foreach (var (name, p) in features.StateDict())
        {
            Assert.Null(p.Grad);
            Assert.Equal(frozen[name], p.ToArray()); // frozen means untouched
        }
        return ZooData.Accuracy(model, test);
    }
}
