// The small ResNet: shapes through the stages for 28×28 and 32×32 inputs, projection shortcuts where the shape
// changes, gradients everywhere, and a few steps on a fixed batch of Fashion-MNIST that lower its loss.
using DeepLearnKit.Models;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using Xunit.Abstractions;

namespace DeepLearnKit.Tests.Models;

[Collection(SharedRngCollection.Name)]
public sealed class ResNetTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 28)]
    [InlineData(3, 32)]
    public void Images_go_through_three_stages_to_logits(int channels, int size)
    {
        Rng.Seed(12);
        var model = new ResNet(numClasses: 10, inChannels: channels);
        var x = Tensor.Randn(2, channels, size, size);
        var features = model.Features.Call(x);
        Assert.Equal([2, 64], features.Shape);
        var logits = model.Call(x);
        Assert.Equal([2, 10], logits.Shape);

        var blocks = model.Features.NamedChildren().Select(c => c.Module).OfType<BasicBlock>().ToArray();
        Assert.Equal([16, 32, 64], blocks.Select(b => b.OutChannels));
        Assert.Null(blocks[0].Shortcut);                  // 16 → 16, stride 1: identity
        Assert.NotNull(blocks[1].Shortcut);               // 16 → 32, stride 2: 1×1 projection
        Assert.Equal([2, 32, size / 2, size / 2], blocks[1].Call(blocks[0].Call(Tensor.Randn(2, 16, size, size))).Shape);
        Assert.Contains(model.NamedParameters(), p => p.Name == "features.4.downsample.0.weight");
        Assert.Contains(model.NamedBuffers(), b => b.Name == "features.3.bn1.running_mean");

        Loss.CrossEntropy(logits, Tensor.FromArray([3f, 7f], 2)).Backward();
        foreach (var (name, p) in model.NamedParameters())
        {
            Assert.True(p.Grad is not null, $"{name} has no gradient");
            Assert.Equal(p.Shape, p.Grad!.Shape);
        }
    }

    [Fact]
    public void A_few_steps_lower_the_loss_on_a_fixed_batch()
    {
        Rng.Seed(13);
        var clock = new TestClock(output);
        var x = ZooData.FashionTest.Inputs.Narrow(0, 0, 32);   // (32, 1, 28, 28)
        var y = ZooData.FashionTest.Targets.Narrow(0, 0, 32);  // (32)
        var model = new ResNet();
        var adam = new Adam(model.Parameters(), learningRate: 1e-3);
        var losses = new List<float>();
        for (int step = 0; step < 8; step++)
        {
            adam.ZeroGrad();
            var loss = Loss.CrossEntropy(model.Call(x), y);
            loss.Backward();
            adam.Step();
            losses.Add(loss.Item());
        }
        clock.Report("losses " + string.Join(", ", losses.Select(l => l.ToString("0.000"))));
        Assert.True(losses[^1] < 0.7 * losses[0], $"loss {losses[0]} → {losses[^1]}");
    }
}
