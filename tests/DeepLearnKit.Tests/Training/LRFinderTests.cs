// The LR range test: its rates rise exponentially, it stops on divergence, and it leaves the model and optimizer as found.
using DeepLearnKit.Optim;
using DeepLearnKit.Training;
using static DeepLearnKit.Tests.Training.TrainingData;

namespace DeepLearnKit.Tests.Training;

public class LRFinderTests
{
    [Fact]
    public void The_rates_rise_by_a_constant_factor_from_min_to_max()
    {
        var model = FixedLinear(2, 1);
        var result = LRFinder.Run(model, Regression(), MSE, new SGD(model.Parameters()), minLr: 1e-5, maxLr: 1e-1, steps: 41, divergeFactor: 1e9);
        Assert.False(result.Diverged);
        Assert.Equal(41, result.LearningRates.Count);
        Assert.Equal(1e-5, result.LearningRates[0], 15);
        Assert.Equal(1e-1, result.LearningRates[^1], 12);
        double factor = Math.Pow(1e4, 1.0 / 40);
        for (int i = 1; i < 41; i++) Assert.Equal(factor, result.LearningRates[i] / result.LearningRates[i - 1], 10);
        Assert.Equal(41, result.Losses.Count);
        Assert.Equal(result.RawLosses[0], result.Losses[0], 12); // bias correction: the first smoothed loss is the first loss
        Assert.InRange(result.SuggestedLearningRate, 1e-5, 1e-1);
    }

    [Fact]
    public void The_test_stops_when_the_loss_diverges_and_restores_model_and_optimizer_exactly()
    {
        var model = FixedLinear(2, 1);
        var data = Regression();
        var sgd = new SGD(model.Parameters(), learningRate: 0.05, momentum: 0.9);
        // Two ordinary steps first, so the optimizer has momentum buffers and step counts to restore.
        model.Fit(data.Take(2), MSE, sgd, epochs: 1);
        var weights = Bits(model);
        var buffers = sgd.State.ToDictionary(s => s.Key, s => (s.Value.Step, Bits(s.Value.Tensors["momentum_buffer"])));
        model.Eval();

        var result = LRFinder.Run(model, data, MSE, sgd, minLr: 1e-4, maxLr: 100, steps: 100);

        Assert.True(result.Diverged);
        Assert.InRange(result.LearningRates.Count, 3, 99);
        Assert.True(result.Losses[^1] > 4 * result.Losses.Min());
        Assert.InRange(result.SuggestedLearningRate, 1e-4, result.LearningRates[^1]);
        Assert.Equal(weights, Bits(model));
        Assert.Equal(buffers.Keys, sgd.State.Keys);
        foreach (var (p, (step, bits)) in buffers)
        {
            Assert.Equal(step, sgd.State[p].Step);
            Assert.Equal(bits, Bits(sgd.State[p].Tensors["momentum_buffer"]));
        }
        Assert.Equal(0.05, sgd.ParamGroups[0].LearningRate);
        Assert.False(model.IsTraining);
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));
    }
}
