// GANs of chapter 09. In one dimension a small MLP generator learns to imitate N(4, 1.25²) against an MLP
// discriminator; the DCGAN pair is checked for shapes and gradients, and a few steps on a fixed batch of
// Fashion-MNIST images lower each player's loss.
using DeepLearnKit.Data;
using DeepLearnKit.Models;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using Xunit.Abstractions;

namespace DeepLearnKit.Tests.Models;

[Collection(SharedRngCollection.Name)]
public sealed class GanTests(ITestOutputHelper output)
{
    private const float TargetMean = 4f, TargetStd = 1.25f;

    [Fact]
    public void A_1D_GAN_matches_the_mean_and_std_of_a_Gaussian()
    {
        Rng.Seed(8);
        var clock = new TestClock(output);
        const int latent = 4, batch = 256, steps = 3000;
        var generator = new MLP(latent, [32, 32], 1, () => new LeakyReLU(0.2f));
        var discriminator = new MLP(1, [32, 32], 1, () => new LeakyReLU(0.2f));
        // Plain equal rates leave the spread oscillating (0.7 … 1.5 at the end, depending on the seed). A discriminator
        // 4× faster than the generator (Heusel et al. 2017's two time-scale rule) and both rates annealed to 0 settle it.
        var optG = new Adam(generator.Parameters(), learningRate: 5e-4, betas: (0.5, 0.999));
        var optD = new Adam(discriminator.Parameters(), learningRate: 2e-3, betas: (0.5, 0.999));
        var schedules = new[] { new CosineAnnealingLR(optG, steps), new CosineAnnealingLR(optD, steps) };
        var ones = Tensor.Ones(batch);
        var zeros = Tensor.Zeros(batch);

        for (int step = 0; step < steps; step++)
        {
            // D: real samples towards 1, generated ones towards 0 (G held fixed by Detach).
            var real = Tensor.Randn(batch, 1) * TargetStd + TargetMean;               // (B, 1)
            var fake = generator.Call(Tensor.Randn(batch, latent));                   // (B, 1)
            optD.ZeroGrad();
            var lossD = Loss.BinaryCrossEntropyWithLogits(discriminator.Call(real).Reshape(-1), ones)
                      + Loss.BinaryCrossEntropyWithLogits(discriminator.Call(fake.Detach()).Reshape(-1), zeros);
            lossD.Backward();
            optD.Step();

            // G: the non-saturating loss −log D(G(z)).
            optG.ZeroGrad();
            var lossG = Loss.BinaryCrossEntropyWithLogits(discriminator.Call(generator.Call(Tensor.Randn(batch, latent))).Reshape(-1), ones);
            lossG.Backward();
            optG.Step();
            foreach (var schedule in schedules) schedule.Step();
        }

        float[] samples;
        using (Tensor.NoGrad()) samples = generator.Eval().Call(Tensor.Randn(10_000, latent)).ToArray();
        double mean = samples.Average();
        double std = Math.Sqrt(samples.Sum(s => (s - mean) * (s - mean)) / (samples.Length - 1));
        clock.Report($"after {steps} steps: generated mean {mean:0.000} (target {TargetMean}), std {std:0.000} (target {TargetStd})");
        Assert.InRange(mean, TargetMean - 0.3, TargetMean + 0.3);
        Assert.InRange(std, TargetStd - 0.3, TargetStd + 0.3);
    }

    [Fact]
    public void The_DCGAN_pair_has_the_right_shapes_and_gradients()
    {
        Rng.Seed(9);
        var g = new DCGANGenerator(latentDim: 16, features: 8);
        var d = new DCGANDiscriminator(features: 8);
        var z = g.Noise(4);
        Assert.Equal([4, 16, 1, 1], z.Shape);
        var images = g.Call(z);
        Assert.Equal([4, 1, 28, 28], images.Shape);
        Assert.All(images.ToArray(), v => Assert.InRange(v, -1f, 1f));
        Assert.Equal([4, 1, 28, 28], g.Call(z.Reshape(4, 16)).Shape);     // [N, nz] works too
        var logits = d.Call(images);
        Assert.Equal([4], logits.Shape);

        Loss.BinaryCrossEntropyWithLogits(logits, Tensor.Ones(4)).Backward();
        foreach (var (name, p) in g.NamedParameters().Concat(d.NamedParameters()))
        {
            Assert.True(p.Grad is not null, $"{name} has no gradient");
            Assert.Equal(p.Shape, p.Grad!.Shape);
        }
        // DCGAN's init: conv weights N(0, 0.02)
        var w = ((ConvTranspose2d)g.Net[3]).Weight.ToArray();
        double std = Math.Sqrt(w.Select(v => (double)v * v).Average());
        Assert.InRange(std, 0.015, 0.025);
    }

    [Fact]
    public void A_few_DCGAN_steps_lower_each_players_loss_on_a_fixed_batch()
    {
        Rng.Seed(10);
        var clock = new TestClock(output);
        var data = FashionMnist.Load(train: false);                                     // pixels in [0, 1]
        var real = data.Inputs.Narrow(0, 0, 32) * 2f - 1f;                              // (32, 1, 28, 28) in [−1, 1], as tanh gives
        var g = new DCGANGenerator(latentDim: 32, features: 16);
        var d = new DCGANDiscriminator(features: 16);
        var z = g.Noise(32);
        var (ones, zeros) = (Tensor.Ones(32), Tensor.Zeros(32));
        Tensor LossD() => Loss.BinaryCrossEntropyWithLogits(d.Call(real), ones) + Loss.BinaryCrossEntropyWithLogits(d.Call(g.Call(z).Detach()), zeros);
        Tensor LossG() => Loss.BinaryCrossEntropyWithLogits(d.Call(g.Call(z)), ones);

        var optD = new Adam(d.Parameters(), learningRate: 2e-4, betas: (0.5, 0.999));
        var before = LossD().Item();
        for (int i = 0; i < 5; i++)
        {
            optD.ZeroGrad();
            LossD().Backward();
            optD.Step();
        }
        var after = LossD().Item();
        clock.Report($"D loss on the fixed batch: {before:0.0000} → {after:0.0000}");
        Assert.True(after < before, $"D loss rose: {before} → {after}");

        var optG = new Adam(g.Parameters(), learningRate: 2e-4, betas: (0.5, 0.999));
        before = LossG().Item();
        for (int i = 0; i < 5; i++)
        {
            optG.ZeroGrad();
            d.ZeroGrad();
            LossG().Backward();
            optG.Step();
        }
        after = LossG().Item();
        clock.Report($"G loss against the fixed D: {before:0.0000} → {after:0.0000}");
        Assert.True(after < before, $"G loss rose: {before} → {after}");
    }
}
