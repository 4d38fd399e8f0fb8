// The deep convolutional GAN of chapter 09, sized for 28×28 grey images: a generator that upsamples a latent
// vector with transposed convolutions, and a discriminator that downsamples an image to one logit.
// Reference: Radford, Metz & Chintala 2016, "Unsupervised Representation Learning with Deep Convolutional
// Generative Adversarial Networks" (arXiv:1511.06434): no pooling (strided convolutions), batch norm in both
// nets except the generator's output and the discriminator's input, ReLU in G with tanh at the end, LeakyReLU(0.2)
// in D, and every weight drawn from N(0, 0.02) (batch-norm γ from N(1, 0.02), β = 0).
using DeepLearnKit.NN;

namespace DeepLearnKit.Models;

/// <summary>
/// The DCGAN generator for 28×28: z [N, LatentDim, 1, 1] (or [N, LatentDim]) → ConvT 7×7 → [N, 2F, 7, 7] → BN → ReLU
/// → ConvT 4×4 stride 2 → [N, F, 14, 14] → BN → ReLU → ConvT 4×4 stride 2 → [N, C, 28, 28] → tanh, so images come out
/// in [−1, 1] (scale real images as 2x − 1 to match). Children: <c>net</c>, a <see cref="Sequential"/>.
/// </summary>
public sealed class DCGANGenerator : Module
{
    /// <summary>A generator from <paramref name="latentDim"/> noise values to [N, <paramref name="outChannels"/>, 28, 28] images.</summary>
    /// <param name="latentDim">nz, the length of z.</param>
    /// <param name="features">F, the channels of the 14×14 layer (the 7×7 layer has 2F).</param>
    /// <param name="outChannels">Image channels.</param>
    public DCGANGenerator(int latentDim = 64, int features = 32, int outChannels = 1)
    {
        (LatentDim, Features) = (latentDim, features);
        Net = RegisterModule("net", new Sequential(
            new ConvTranspose2d(latentDim, 2 * features, 7, bias: false),                     // (N, nz, 1, 1) -> (N, 2F, 7, 7)
            new BatchNorm2d(2 * features),
            new ReLU(),
            new ConvTranspose2d(2 * features, features, 4, stride: 2, padding: 1, bias: false), // -> (N, F, 14, 14)
            new BatchNorm2d(features),
            new ReLU(),
            new ConvTranspose2d(features, outChannels, 4, stride: 2, padding: 1),               // -> (N, C, 28, 28)
            new Tanh()));
        DCGANInit.Apply(this);
    }

    /// <summary>nz, the length of the latent vector z.</summary>
    public int LatentDim { get; }

    /// <summary>F, the channels of the 14×14 layer.</summary>
    public int Features { get; }

    /// <summary>The layers.</summary>
    public Sequential Net { get; }

    /// <summary>z [N, nz, 1, 1] or [N, nz] → images [N, C, 28, 28] in [−1, 1].</summary>
    public override Tensor Forward(Tensor input)
    {
        if (input.Rank == 2) input = input.Reshape(input.Size(0), input.Size(1), 1, 1); // (N, nz) -> (N, nz, 1, 1)
        if (input.Rank != 4 || input.Size(1) != LatentDim || input.Size(2) != 1 || input.Size(3) != 1)
            throw new ArgumentException($"DCGANGenerator: expected z [N, {LatentDim}, 1, 1] or [N, {LatentDim}], got shape {Shapes.Format(input.Shape)}.");
        return Net.Call(input);
    }

    /// <summary>A batch of <paramref name="n"/> latent vectors z ~ N(0, I), [n, nz, 1, 1], drawn from <see cref="Rng"/>.</summary>
    public Tensor Noise(int n) => Tensor.Randn(n, LatentDim, 1, 1).To(Parameters().First().Device);
}

/// <summary>
/// The DCGAN discriminator for 28×28: images [N, C, 28, 28] → Conv 4×4 stride 2 → [N, F, 14, 14] → LeakyReLU(0.2)
/// → Conv 4×4 stride 2 → [N, 2F, 7, 7] → BN → LeakyReLU(0.2) → Conv 7×7 → [N, 1, 1, 1] → one logit per image, [N]
/// (real when positive; train with <c>Loss.BinaryCrossEntropyWithLogits</c>). Children: <c>net</c>.
/// </summary>
public sealed class DCGANDiscriminator : Module
{
    /// <summary>A discriminator for [N, <paramref name="inChannels"/>, 28, 28] images.</summary>
    /// <param name="features">F, the channels of the 14×14 layer (the 7×7 layer has 2F).</param>
    /// <param name="inChannels">Image channels.</param>
    public DCGANDiscriminator(int features = 32, int inChannels = 1)
    {
        Features = features;
        Net = RegisterModule("net", new Sequential(
            new Conv2d(inChannels, features, 4, stride: 2, padding: 1),                 // (N, C, 28, 28) -> (N, F, 14, 14)
            new LeakyReLU(0.2f),
            new Conv2d(features, 2 * features, 4, stride: 2, padding: 1, bias: false),  // -> (N, 2F, 7, 7)
            new BatchNorm2d(2 * features),
            new LeakyReLU(0.2f),
            new Conv2d(2 * features, 1, 7)));                                           // -> (N, 1, 1, 1)
        DCGANInit.Apply(this);
    }

    /// <summary>F, the channels of the 14×14 layer.</summary>
    public int Features { get; }

    /// <summary>The layers.</summary>
    public Sequential Net { get; }

    /// <summary>Images [N, C, 28, 28] → logits [N].</summary>
    public override Tensor Forward(Tensor input) => Net.Call(input).Reshape(-1); // (N, 1, 1, 1) -> (N)
}

/// <summary>DCGAN's initialisation: conv weights N(0, 0.02), batch-norm γ N(1, 0.02) and β 0; conv biases keep PyTorch's default.</summary>
internal static class DCGANInit
{
    public static void Apply(Module model)
    {
        using var _ = Tensor.NoGrad();
        foreach (var (_, m) in model.NamedModules())
            switch (m)
            {
                case Conv2d conv:
                    conv.Weight.CopyFrom(Init.Normal(conv.Weight.Shape, 0, 0.02));
                    break;
                case ConvTranspose2d deconv:
                    deconv.Weight.CopyFrom(Init.Normal(deconv.Weight.Shape, 0, 0.02));
                    break;
                case BatchNorm { Weight: { } gamma, Bias: { } beta }:
                    gamma.CopyFrom(Init.Normal(gamma.Shape, 1, 0.02));
                    beta.Fill(0);
                    break;
            }
    }
}
