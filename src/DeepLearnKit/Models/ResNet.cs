// Residual networks: a small one for 28×28 or 32×32 images, the CIFAR-style ResNet of the paper's §4.2 (three stages
// of basic blocks, widths 16-32-64, global average pooling, one linear layer), and the ImageNet ResNet-18 of its
// Table 1 with torchvision's parameter names, so that torchvision's weights exported to safetensors load by name.
// Reference: He, Zhang, Ren & Sun 2016, "Deep Residual Learning for Image Recognition" (arXiv:1512.03385).
using DeepLearnKit.NN;

namespace DeepLearnKit.Models;

/// <summary>
/// The basic residual block: <c>y = ReLU(BN(conv3×3(ReLU(BN(conv3×3(x))))) + shortcut(x))</c>. The shortcut is the
/// identity when the shape is kept, else a 1×1 convolution with the block's stride followed by batch norm (the
/// paper's projection shortcut, option B). Children: <c>conv1</c>, <c>bn1</c>, <c>conv2</c>, <c>bn2</c> and, when
/// projecting, <c>downsample</c> (<c>downsample.0</c> the 1×1 convolution, <c>downsample.1</c> its batch norm), named
/// as torchvision's <c>BasicBlock</c> so state dicts carry over.
/// </summary>
public sealed class BasicBlock : Module
{
    /// <summary>A block from <paramref name="inChannels"/> to <paramref name="outChannels"/>, downsampling by <paramref name="stride"/>.</summary>
    public BasicBlock(int inChannels, int outChannels, int stride = 1)
    {
        (InChannels, OutChannels, Stride) = (inChannels, outChannels, stride);
        // No conv bias: the batch norm right after it has its own shift β.
        Conv1 = RegisterModule("conv1", new Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(outChannels));
        Conv2 = RegisterModule("conv2", new Conv2d(outChannels, outChannels, 3, padding: 1, bias: false));
        Bn2 = RegisterModule("bn2", new BatchNorm2d(outChannels));
        if (stride != 1 || inChannels != outChannels)
            Shortcut = RegisterModule("downsample", new Sequential(
                new Conv2d(inChannels, outChannels, 1, stride: stride, bias: false),
                new BatchNorm2d(outChannels)));
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>The first convolution's stride (2 halves H and W).</summary>
    public int Stride { get; }

    /// <summary>The first 3×3 convolution.</summary>
    public Conv2d Conv1 { get; }

    /// <summary>The batch norm after <see cref="Conv1"/>.</summary>
    public BatchNorm2d Bn1 { get; }

    /// <summary>The second 3×3 convolution.</summary>
    public Conv2d Conv2 { get; }

    /// <summary>The batch norm after <see cref="Conv2"/>.</summary>
    public BatchNorm2d Bn2 { get; }

    /// <summary>The 1×1 projection and its batch norm (<c>downsample</c>), or null for the identity shortcut.</summary>
    public Sequential? Shortcut { get; }

    /// <summary>x [N, InChannels, H, W] → [N, OutChannels, H/stride, W/stride].</summary>
    public override Tensor Forward(Tensor input)
    {
        var y = Bn1.Call(Conv1.Call(input)).ReLU();             // (N, out, H', W')
        y = Bn2.Call(Conv2.Call(y));                           // (N, out, H', W')
        var identity = Shortcut is null ? input : Shortcut.Call(input); // (N, out, H', W')
        return (y + identity).ReLU();
    }

    /// <inheritdoc/>
    protected override string ExtraRepr => $"{InChannels}→{OutChannels}" + (Stride != 1 ? $", stride: {Stride}" : "");
}

/// <summary>
/// A small ResNet: <see cref="Features"/> = stem (conv3×3 → BN → ReLU) → stages of <see cref="BasicBlock"/>s (the
/// first block of every stage after the first halves H and W) → global average pool → flatten, giving
/// [N, <see cref="FeatureCount"/>]; <see cref="Head"/> = one Linear to the classes. With the default widths
/// [16, 32, 64] a 28×28 image goes 28 → 14 → 7 (a 32×32 one 32 → 16 → 8). For transfer learning, freeze
/// <see cref="Features"/> and put a new head on it: <c>new Sequential(resnet.Features, new Linear(resnet.FeatureCount, 5))</c>
/// (keep the features in eval mode too if their batch-norm statistics must stay as they are).
/// </summary>
public sealed class ResNet : Module
{
    /// <summary>A ResNet for [N, <paramref name="inChannels"/>, H, W] images.</summary>
    /// <param name="numClasses">Outputs of the head.</param>
    /// <param name="inChannels">Image channels (1 for Fashion-MNIST, 3 for CIFAR).</param>
    /// <param name="widths">Channels of each stage (default [16, 32, 64], the paper's CIFAR network).</param>
    /// <param name="blocksPerStage">Basic blocks per stage (the paper's n: 3 gives ResNet-20; default 1, ResNet-8).</param>
    public ResNet(int numClasses = 10, int inChannels = 1, int[]? widths = null, int blocksPerStage = 1)
    {
        widths ??= [16, 32, 64];
        if (widths.Length == 0 || widths.Any(w => w < 1) || blocksPerStage < 1)
            throw new ArgumentException($"ResNet: needs at least one stage of positive width and one block per stage, got widths [{string.Join(", ", widths)}] and {blocksPerStage} blocks.");
        NumClasses = numClasses;
        FeatureCount = widths[^1];

        Features = new Sequential(
            new Conv2d(inChannels, widths[0], 3, padding: 1, bias: false), // (N, C, H, W) -> (N, w0, H, W)
            new BatchNorm2d(widths[0]),
            new ReLU());
        int channels = widths[0];
        for (int stage = 0; stage < widths.Length; stage++)
            for (int b = 0; b < blocksPerStage; b++)
            {
                int stride = stage > 0 && b == 0 ? 2 : 1;                  // (N, c, H, W) -> (N, w, H/2, W/2) at a stage's start
                Features.Add(new BasicBlock(channels, widths[stage], stride));
                channels = widths[stage];
            }
        Features.Add(new AdaptiveAvgPool2d(1));                            // (N, w_last, h, w) -> (N, w_last, 1, 1)
        Features.Add(new Flatten());                                       // -> (N, w_last)
        RegisterModule("features", Features);
        Head = RegisterModule("head", new Linear(FeatureCount, numClasses)); // (N, w_last) -> (N, classes)
    }

    /// <summary>Outputs of the head.</summary>
    public int NumClasses { get; }

    /// <summary>Features per image at the end of <see cref="Features"/> (the last stage's width).</summary>
    public int FeatureCount { get; }

    /// <summary>Stem, residual stages, global average pooling and flatten: [N, C, H, W] → [N, FeatureCount].</summary>
    public Sequential Features { get; }

    /// <summary>The classifier: [N, FeatureCount] → logits [N, NumClasses].</summary>
    public Linear Head { get; }

    /// <summary>Images [N, C, H, W] → logits [N, NumClasses].</summary>
    public override Tensor Forward(Tensor input) => Head.Call(Features.Call(input));
}

/// <summary>
/// ResNet-18 for ImageNet-sized images (the paper's Table 1), as torchvision's <c>resnet18</c>: <c>conv1</c> (7×7,
/// stride 2, 64 channels, no bias) → <c>bn1</c> → ReLU → 3×3 max pool (stride 2) → <c>layer1</c> … <c>layer4</c>, two
/// <see cref="BasicBlock"/>s each of widths 64, 128, 256, 512 (<c>layer2</c>–<c>layer4</c> halve H and W in their first
/// block, which projects with <c>downsample</c>) → global average pool → flatten → <c>fc</c>. A 224×224 image goes
/// 112 → 56 → 56 → 28 → 14 → 7 → 1. Every parameter and buffer has torchvision's name and shape
/// (<c>layer2.0.downsample.0.weight</c> [128, 64, 1, 1], <c>fc.weight</c> [classes, 512], …), so a state dict saved from
/// torchvision as safetensors loads with <see cref="Module.LoadStateDict(string, bool)"/> unchanged.
/// </summary>
public sealed class ResNet18 : Module
{
    private static readonly int[] Widths = [64, 128, 256, 512];
    private readonly Module[] body;

    /// <summary>A ResNet-18 for [N, <paramref name="inChannels"/>, H, W] images with <paramref name="numClasses"/> outputs (1000: ImageNet's).</summary>
    public ResNet18(int numClasses = 1000, int inChannels = 3)
    {
        if (numClasses < 1 || inChannels < 1)
            throw new ArgumentException($"ResNet18: numClasses and inChannels must be positive, got {numClasses} and {inChannels}.");
        NumClasses = numClasses;
        var stem = new Module[]
        {
            RegisterModule("conv1", new Conv2d(inChannels, 64, 7, stride: 2, padding: 3, bias: false)), // (N, C, H, W) -> (N, 64, H/2, W/2)
            RegisterModule("bn1", new BatchNorm2d(64)),
            RegisterModule("relu", new ReLU()),
            RegisterModule("maxpool", new MaxPool2d(3, stride: 2, padding: 1)),                          // -> (N, 64, H/4, W/4)
        };
        int channels = 64;
        var layers = new Module[Widths.Length];
        for (int stage = 0; stage < Widths.Length; stage++)
        {
            int stride = stage == 0 ? 1 : 2;                                                              // halves H and W from layer2 on
            layers[stage] = RegisterModule($"layer{stage + 1}", new Sequential(
                new BasicBlock(channels, Widths[stage], stride), new BasicBlock(Widths[stage], Widths[stage])));
            channels = Widths[stage];
        }
        var pool = new Module[] { RegisterModule("avgpool", new AdaptiveAvgPool2d(1)), new Flatten() };  // (N, 512, h, w) -> (N, 512)
        Fc = RegisterModule("fc", new Linear(channels, numClasses));                                      // (N, 512) -> (N, classes)
        body = [.. stem, .. layers, .. pool];
    }

    /// <summary>Outputs of <see cref="Fc"/>.</summary>
    public int NumClasses { get; }

    /// <summary>Features per image before <see cref="Fc"/> (512).</summary>
    public int FeatureCount => Widths[^1];

    /// <summary>The classifier <c>fc</c>: [N, 512] → logits [N, NumClasses]; replace it by a new head for transfer learning.</summary>
    public Linear Fc { get; }

    /// <summary>Images [N, C, H, W] → the pooled features [N, 512], everything but <see cref="Fc"/>.</summary>
    public Tensor Features(Tensor input) => body.Aggregate(input, (x, layer) => layer.Call(x));

    /// <summary>Images [N, C, H, W] → logits [N, NumClasses].</summary>
    public override Tensor Forward(Tensor input) => Fc.Call(Features(input));
}
