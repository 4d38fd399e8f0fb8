// The classifiers' architecture as the papers give it: the MLP's layer order with its options, and LeNet-5's
// shapes and its 61,706 parameters worked out by hand.
using DeepLearnKit.Models;
using DeepLearnKit.NN;

namespace DeepLearnKit.Tests.Models;

[Collection(SharedRngCollection.Name)]
public sealed class ClassifierShapeTests
{
    [Fact]
    public void An_MLP_stacks_linear_batch_norm_activation_and_dropout_per_hidden_layer()
    {
        Rng.Seed(16);
        var mlp = new MLP(12, [8, 6], 3, () => new Tanh(), dropout: 0.25f, batchNorm: true);
        Assert.Equal(
            ["Flatten", "Linear", "BatchNorm1d", "Tanh", "Dropout", "Linear", "BatchNorm1d", "Tanh", "Dropout", "Linear"],
            mlp.Layers.NamedChildren().Select(c => c.Module.GetType().Name));
        Assert.Equal([5, 3], mlp.Call(Tensor.Randn(5, 3, 4)).Shape);                       // (N, 3, 4) flattened to (N, 12)
        Assert.Equal(12 * 8 + 8 + 2 * 8 + 8 * 6 + 6 + 2 * 6 + 6 * 3 + 3, mlp.ParameterCount());
        Assert.Equal("MLP(Sequential(Flatten, Linear(12→3)))", new MLP(12, [], 3).ToString());
    }

    [Fact]
    public void LeNet5_maps_28x28_images_through_16x5x5_features_to_logits_with_61706_parameters()
    {
        Rng.Seed(17);
        var lenet = new LeNet5();
        var x = Tensor.Randn(2, 1, 28, 28);
        Assert.Equal([2, 16, 5, 5], lenet.Features.Call(x).Shape);
        Assert.Equal([2, 10], lenet.Call(x).Shape);
        // conv1 6·(25 + 1), conv2 16·(6·25 + 1), fc 400·120 + 120, 120·84 + 84, 84·10 + 10
        Assert.Equal(156 + 2416 + 48120 + 10164 + 850, lenet.ParameterCount());
        Assert.Equal(3, new LeNet5(numClasses: 3, activation: () => new Tanh()).Call(x).Size(1));
    }
}
