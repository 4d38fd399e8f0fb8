// Parameter groups with their own options, the one-group-per-parameter rule, and the named state a
// chapter reads (PyTorch's names).
using DeepLearnKit.Optim;
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Optim;

public class ParamGroupTests
{
    [Fact]
    public void Two_groups_with_different_learning_rates_update_differently()
    {
        var a = Tensor.Ones(2).RequireGrad();
        var b = Tensor.Ones(2).RequireGrad();
        var optimizer = new Adam([new ParamGroup([a], new AdamOptions(LearningRate: 0.1)), new ParamGroup([b])], new AdamOptions(LearningRate: 0.01));
        Assert.Equal(0.01, optimizer.ParamGroups[1].LearningRate);
        a.Grad = Tensor.Ones(2);
        b.Grad = Tensor.Ones(2);
        optimizer.Step();
        // Adam's first step moves each element by γ (m̂/√v̂ = 1).
        Close([0.9f, 0.9f], a.ToArray(), atol: 1e-6);
        Close([0.99f, 0.99f], b.ToArray(), atol: 1e-6);
    }

    [Fact]
    public void A_parameter_in_two_groups_is_refused()
    {
        var a = Tensor.Ones(2).RequireGrad();
        var b = Tensor.Ones(2).RequireGrad();
        var error = Assert.Throws<ArgumentException>(() => new SGD([new ParamGroup([a, b]), new ParamGroup([a])], new SGDOptions()));
        Assert.Contains("more than one group", error.Message);
        var optimizer = new RMSprop([a]);
        Assert.Throws<ArgumentException>(() => optimizer.AddParamGroup(new ParamGroup([b, a])));
        Assert.Single(optimizer.ParamGroups);
    }

    [Fact]
    public void A_group_with_another_optimizers_options_is_refused()
    {
        var a = Tensor.Ones(2).RequireGrad();
        var error = Assert.Throws<ArgumentException>(() => new AdamW([new ParamGroup([a], new AdamOptions())], new AdamWOptions()));
        Assert.Contains("AdamOptions", error.Message);
    }

    [Fact]
    public void State_exposes_the_moments_under_PyTorchs_names()
    {
        var p = Tensor.FromArray([1f, 2f]).RequireGrad();
        var optimizer = new Adam([p], amsgrad: true);
        p.Grad = Tensor.FromArray([0.5f, -2f]);
        optimizer.Step();
        var state = optimizer.State[p];
        Assert.Equal(1, state.Step);
        Close([0.05f, -0.2f], state.Tensors["exp_avg"].ToArray(), atol: 1e-7);          // (1 − β₁)g
        Close([0.00025f, 0.004f], state.Tensors["exp_avg_sq"].ToArray(), atol: 1e-8);   // (1 − β₂)g²
        Close([0.00025f, 0.004f], state.Tensors["max_exp_avg_sq"].ToArray(), atol: 1e-8);
        optimizer.Step();
        Assert.Equal(2, optimizer.State[p].Step);
    }

    [Fact]
    public void Each_optimizer_keeps_its_state_under_PyTorchs_names()
    {
        string[] Keys(Func<Tensor, Optimizer> make)
        {
            var p = Tensor.FromArray([1f, 2f]).RequireGrad();
            var optimizer = make(p);
            p.Grad = Tensor.FromArray([0.5f, -2f]);
            optimizer.Step();
            return optimizer.State[p].Tensors.Keys.Order().ToArray();
        }
        Assert.Equal(["sum"], Keys(p => new Adagrad([p])));
        Assert.Equal(["grad_avg", "momentum_buffer", "square_avg"], Keys(p => new RMSprop([p], momentum: 0.9, centered: true)));
        Assert.Equal(["acc_delta", "square_avg"], Keys(p => new Adadelta([p])));
        Assert.Equal(["exp_avg", "exp_avg_sq"], Keys(p => new AdamW([p])));
        Assert.Equal(["momentum_buffer"], Keys(p => new SGD([p], momentum: 0.9)));
    }

    [Fact]
    public void Parameters_without_a_gradient_are_left_alone()
    {
        var a = Tensor.Ones(2).RequireGrad();
        var b = Tensor.Ones(2).RequireGrad();
        var optimizer = new Adagrad([a, b], learningRate: 0.1);
        a.Grad = Tensor.Ones(2);
        optimizer.Step();
        Assert.Equal([1f, 1f], b.ToArray());
        Assert.False(optimizer.State.ContainsKey(b));
        Assert.NotEqual([1f, 1f], a.ToArray());
    }
}
