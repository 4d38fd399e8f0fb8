// LeNet-5 for 28×28 images, the CNN of chapter 06.
// Reference: LeCun, Bottou, Bengio & Haffner 1998, "Gradient-based learning applied to document recognition".
// As in most modern re-implementations, the subsampling layers are max pools and the nonlinearity is ReLU by
// default (the paper used trainable average subsampling and a scaled tanh); the 28×28 input is padded by 2 so
// the first convolution sees the paper's 32×32.
using DeepLearnKit.NN;

namespace DeepLearnKit.Models;

/// <summary>
/// LeNet-5: <see cref="Features"/> (conv 6@5×5 pad 2 → act → pool 2 → conv 16@5×5 → act → pool 2, giving
/// [N, 16, 5, 5]) and <see cref="Head"/> (flatten → 400→120 → act → 120→84 → act → 84→classes). The two halves
/// are separate modules, so transfer learning can freeze the features and put a new head on them:
/// <c>new Sequential(lenet.Features.RequiresGrad(false), new Flatten(), new Linear(400, 5))</c>.
/// </summary>
public sealed class LeNet5 : Module
{
    /// <summary>The number of features <see cref="Features"/> gives per image: 16·5·5.</summary>
    public const int FeatureCount = 16 * 5 * 5;

    /// <summary>LeNet-5 for [N, <paramref name="inChannels"/>, 28, 28] images and <paramref name="numClasses"/> classes.</summary>
    /// <param name="numClasses">Outputs of the last layer.</param>
    /// <param name="activation">Makes each nonlinearity (default ReLU; <c>() =&gt; new Tanh()</c> for the paper's choice).</param>
    /// <param name="inChannels">Image channels (1 for grey).</param>
    public LeNet5(int numClasses = 10, Func<Module>? activation = null, int inChannels = 1)
    {
        activation ??= () => new ReLU();
        NumClasses = numClasses;
        Features = RegisterModule("features", new Sequential(
            new Conv2d(inChannels, 6, 5, padding: 2), // (N, C, 28, 28) -> (N, 6, 28, 28)
            activation(),
            new MaxPool2d(2),                         // -> (N, 6, 14, 14)
            new Conv2d(6, 16, 5),                     // -> (N, 16, 10, 10)
            activation(),
            new MaxPool2d(2)));                       // -> (N, 16, 5, 5)
        Head = RegisterModule("head", new Sequential(
            new Flatten(),                            // (N, 16, 5, 5) -> (N, 400)
            new Linear(FeatureCount, 120),
            activation(),
            new Linear(120, 84),
            activation(),
            new Linear(84, numClasses)));             // -> (N, classes)
    }

    /// <summary>Outputs of the last layer.</summary>
    public int NumClasses { get; }

    /// <summary>The convolutional feature extractor: [N, C, 28, 28] → [N, 16, 5, 5].</summary>
    public Sequential Features { get; }

    /// <summary>The classifier: [N, 16, 5, 5] → logits [N, NumClasses].</summary>
    public Sequential Head { get; }

    /// <summary>Images [N, C, 28, 28] → logits [N, NumClasses].</summary>
    public override Tensor Forward(Tensor input) => Head.Call(Features.Call(input));
}
