// Adam and AdamW write large parameters in place; a parameter that is a view must get the same update.
using DeepLearnKit.Optim;
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Optim;

public class InPlaceUpdateTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_transposed_parameter_gets_the_same_update_as_a_contiguous_one(bool decoupled)
    {
        var values = Values(12, seed: 5);
        var gradient = Values(12, seed: 6);
        var plain = Tensor.FromArray(values, 3, 4).RequireGrad();
        var transposed = Tensor.FromArray(values, 3, 4).T.Contiguous().T.Detach().RequireGrad();   // same values, column-major
        Optimizer Make(Tensor p) => decoupled ? new AdamW([p], 0.1, weightDecay: 0.1) : new Adam([p], 0.1);
        var first = Make(plain);
        var second = Make(transposed);
        for (int step = 0; step < 2; step++)
        {
            plain.Grad = Tensor.FromArray(gradient, 3, 4);
            transposed.Grad = Tensor.FromArray(gradient, 3, 4);
            first.Step();
            second.Step();
        }
        Assert.False(transposed.IsContiguous);
        Close(plain.ToArray(), transposed.ToArray(), atol: 1e-6);
        Assert.NotEqual(values, plain.ToArray());
    }
}
