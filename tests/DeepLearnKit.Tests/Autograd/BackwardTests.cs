// Backward's contract: accumulation, explicit gradients, freeing and retaining the graph, Detach,
// NoGrad, the inspectable graph, RetainGrad, and a two-layer example worked by hand.
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Autograd;

public class BackwardTests
{
    [Fact]
    public void A_tensor_used_twice_gets_both_gradients()
    {
        var x = Tensor.FromArray([1, -2, 3]).RequireGrad();
        (x * x).Sum().Backward();
        Close([2, -4, 6], x.Grad!.ToArray());
    }

    [Fact]
    public void A_tensor_reached_by_two_paths_gets_the_sum()
    {
        var x = Tensor.FromArray([0.5f, 2]).RequireGrad();
        var y = x.Exp();
        (y * 3f + y * x).Sum().Backward(); // d/dx (3eˣ + x·eˣ) = (4 + x)·eˣ
        Close([4.5f * MathF.Exp(0.5f), 6 * MathF.Exp(2)], x.Grad!.ToArray(), rtol: 1e-5);
    }

    [Fact]
    public void A_gradient_shared_by_two_inputs_is_not_changed_by_later_sums()
    {
        // Add hands the same gradient object to x and y; x's later gradients are then summed in place into a
        // buffer of the pass's own, never into the one y received.
        var x = Tensor.FromArray([1, 2]).RequireGrad();
        var y = Tensor.FromArray([3, 4]).RequireGrad();
        var z = (x + y) + x * 2f + x * 3f + x * 4f;
        z.Backward(Tensor.FromArray([1, 10]));
        Close([10, 100], x.Grad!.ToArray());
        Close([1, 10], y.Grad!.ToArray());
    }

    [Fact]
    public void Gradients_accumulate_across_two_Backward_calls()
    {
        var x = Tensor.FromArray([1, 2, 3]).RequireGrad();
        (x * 2f).Sum().Backward();
        (x * x).Sum().Backward();
        Close([2 + 2, 2 + 4, 2 + 6], x.Grad!.ToArray());
        x.ZeroGrad();
        Assert.Null(x.Grad);
        (x * 5f).Sum().Backward();
        Close([5, 5, 5], x.Grad!.ToArray());
    }

    [Fact]
    public void A_non_scalar_output_takes_an_explicit_gradient()
    {
        var x = Tensor.FromArray([1, 2, 3, 4], 2, 2).RequireGrad();
        var y = x * x;
        y.Backward(Tensor.FromArray([1, 0, 10, -1], 2, 2));
        Close([2, 0, 60, -8], x.Grad!.ToArray());
    }

    [Fact]
    public void A_non_scalar_output_without_a_gradient_throws()
    {
        var x = Tensor.FromArray([1, 2, 3]).RequireGrad();
        var y = x * 2f;
        var error = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("Backward", error.Message);
        Assert.Contains("[3]", error.Message);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void A_one_element_non_scalar_output_needs_no_gradient()
    {
        var x = Tensor.FromArray([3], 1).RequireGrad();
        (x * x).Backward();
        Close([6], x.Grad!.ToArray());
    }

    [Fact]
    public void Backward_on_a_tensor_that_does_not_require_grad_throws()
    {
        var y = Tensor.FromArray([1, 2]).Sum();
        var error = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("Backward", error.Message);
    }

    [Fact]
    public void A_second_Backward_through_a_freed_graph_throws_a_clear_error()
    {
        var x = Tensor.FromArray([1, 2]).RequireGrad();
        var loss = (x.Exp() * x).Sum();
        loss.Backward();
        var error = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains("retainGraph", error.Message);
        Assert.Contains("freed", error.Message);
        Assert.False(loss.GradFn!.IsAvailable);
    }

    [Fact]
    public void RetainGraph_allows_a_second_Backward_which_accumulates()
    {
        var x = Tensor.FromArray([1, 2]).RequireGrad();
        var loss = (x * x * x).Sum();
        loss.Backward(retainGraph: true);
        Assert.True(loss.GradFn!.IsAvailable);
        Close([3, 12], x.Grad!.ToArray());
        loss.Backward();
        Close([6, 24], x.Grad!.ToArray());
    }

    [Fact]
    public void Detach_stops_the_gradient()
    {
        var x = Tensor.FromArray([1, 2, 3]).RequireGrad();
        var d = x.Detach();
        Assert.False(d.RequiresGrad);
        Assert.Null(d.GradFn);
        var y = (x * d).Sum(); // the gradient sees only the first factor: ∂/∂x = d = x
        y.Backward();
        Close([1, 2, 3], x.Grad!.ToArray());
        Assert.Null(d.Grad);
    }

    [Fact]
    public void Detach_shares_storage_with_the_original()
    {
        var x = Tensor.FromArray([1, 2, 3]).RequireGrad();
        var d = x.Detach();
        d.Fill(7);
        Close([7, 7, 7], x.ToArray());
    }

    [Fact]
    public void NoGrad_records_nothing_and_restores_recording_afterwards()
    {
        var x = Tensor.FromArray([1, 2, 3]).RequireGrad();
        Tensor y;
        using (Tensor.NoGrad())
        {
            Assert.False(Tensor.IsGradEnabled);
            y = (x * 2f).Exp().Sum();
            using (Tensor.NoGrad()) Assert.False(Tensor.IsGradEnabled);
            Assert.False(Tensor.IsGradEnabled);
        }
        Assert.True(Tensor.IsGradEnabled);
        Assert.Null(y.GradFn);
        Assert.False(y.RequiresGrad);
        var z = x * 2f;
        Assert.NotNull(z.GradFn);
        Assert.True(z.RequiresGrad);
    }

    [Fact]
    public void Ops_on_tensors_without_grad_record_nothing()
    {
        var a = Tensor.FromArray([1, 2]);
        var y = (a * a + 1f).Exp();
        Assert.Null(y.GradFn);
        Assert.False(y.RequiresGrad);
        Assert.True(y.IsLeaf);
    }

    [Fact]
    public void The_graph_names_its_ops_and_inputs()
    {
        var a = Tensor.FromArray([1, 2]).RequireGrad();
        var b = Tensor.FromArray([3, 4]).RequireGrad();
        var c = Tensor.FromArray([5, 6]).RequireGrad();
        var y = a * b + c;
        Assert.Equal("Add", y.GradFn!.Name);
        Assert.Equal(2, y.GradFn.Inputs.Count);
        Assert.Equal("Mul", y.GradFn.Inputs[0].GradFn!.Name);
        Assert.Same(c, y.GradFn.Inputs[1]);
        Assert.Same(a, y.GradFn.Inputs[0].GradFn!.Inputs[0]);
        Assert.Same(b, y.GradFn.Inputs[0].GradFn!.Inputs[1]);
        Assert.True(a.IsLeaf);
        Assert.False(y.IsLeaf);
        Assert.Equal("<AddBackward>", y.GradFn.ToString());
    }

    [Theory]
    [InlineData("Sigmoid")]
    [InlineData("MatMul")]
    [InlineData("Sum")]
    [InlineData("Softmax")]
    [InlineData("Transpose")]
    public void Each_op_records_its_own_name(string op)
    {
        var x = Tensor.FromArray([1, 2, 3, 4], 2, 2).RequireGrad();
        var y = op switch
        {
            "Sigmoid" => x.Sigmoid(),
            "MatMul" => Tensor.MatMul(x, x),
            "Sum" => x.Sum(),
            "Softmax" => x.Softmax(),
            _ => x.Transpose(0, 1),
        };
        // A transpose is recorded as the permutation it is.
        Assert.Equal(op == "Transpose" ? "Permute" : op, y.GradFn!.Name);
        Assert.Same(x, y.GradFn.Inputs[0]);
    }

    [Fact]
    public void Intermediate_gradients_are_dropped_unless_retained()
    {
        var x = Tensor.FromArray([1, 2]).RequireGrad();
        var h = x * 3f;
        var k = (x * 2f).RetainGrad();
        var loss = (h * h + k * k).Sum();
        loss.Backward();
        Assert.Null(h.Grad);
        Close([4, 8], k.Grad!.ToArray()); // ∂/∂k k² = 2k = 4x
        Close([18 + 8, 36 + 16], x.Grad!.ToArray()); // 2·9x + 2·4x
    }

    [Fact]
    public void RequiresGrad_cannot_be_turned_off_on_a_computed_tensor()
    {
        var x = Tensor.FromArray([1, 2]).RequireGrad();
        var y = x * 2f;
        var error = Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
        Assert.Contains("Detach", error.Message);
    }

    [Fact]
    public void Backward_with_a_gradient_of_the_wrong_shape_throws_and_changes_nothing()
    {
        var x = Tensor.FromArray([1, 2, 3, 4], 2, 2).RequireGrad();
        var y = x * 2f;
        var error = Assert.Throws<ArgumentException>(() => y.Backward(Tensor.Ones(4)));
        Assert.Contains("Backward", error.Message);
        Assert.Contains("[4]", error.Message);
        Assert.Contains("[2, 2]", error.Message);
        Assert.Null(x.Grad);
        Assert.True(y.GradFn!.IsAvailable);
    }

    [Fact]
    public void Gradients_flow_into_a_broadcast_operand_summed_to_its_shape()
    {
        var w = Tensor.FromArray([1, 2, 3], 3).RequireGrad();
        var x = Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 3);
        (x * w).Sum().Backward();
        Close([5, 7, 9], w.Grad!.ToArray());
        Assert.Equal([3], w.Grad!.Shape);
    }

    [Fact]
    public void A_deep_chain_does_not_overflow_the_stack()
    {
        var x = Tensor.FromArray([1f]).RequireGrad();
        var y = x;
        for (int i = 0; i < 20_000; i++) y = y * 1f;
        y.Backward();
        Close([1], x.Grad!.ToArray());
    }

    [Fact]
    public void Two_layer_sigmoid_net_gradient_matches_the_hand_derivation()
    {
        // z = σ(Wx + b), L = ½ Σ (y − z)²  ⇒  ∂L/∂W = ((z − y) ⊙ z ⊙ (1 − z)) xᵀ, ∂L/∂b = (z − y) ⊙ z ⊙ (1 − z).
        const int outputs = 3, inputs = 4;
        float[] wData = Values(outputs * inputs, 1), bData = Values(outputs, 2), xData = Values(inputs, 3), yData = Values(outputs, 4, 0, 1);
        var w = Tensor.FromArray(wData, outputs, inputs).RequireGrad();
        var b = Tensor.FromArray(bData, outputs).RequireGrad();
        var x = Tensor.FromArray(xData, inputs);
        var target = Tensor.FromArray(yData, outputs);

        var z = (Tensor.MatMul(w, x) + b).Sigmoid();
        var diff = target - z;
        var loss = 0.5f * (diff * diff).Sum();
        loss.Backward();

        var expectedW = new float[outputs * inputs];
        var expectedB = new float[outputs];
        double expectedLoss = 0;
        for (int i = 0; i < outputs; i++)
        {
            double pre = bData[i];
            for (int j = 0; j < inputs; j++) pre += wData[i * inputs + j] * xData[j];
            double zi = 1 / (1 + Math.Exp(-pre));
            expectedLoss += 0.5 * (yData[i] - zi) * (yData[i] - zi);
            double delta = (zi - yData[i]) * zi * (1 - zi);
            expectedB[i] = (float)delta;
            for (int j = 0; j < inputs; j++) expectedW[i * inputs + j] = (float)(delta * xData[j]);
        }
        Assert.Equal(expectedLoss, loss.Item(), 1e-6);
        Assert.Equal([outputs, inputs], w.Grad!.Shape);
        Close(expectedW, w.Grad.ToArray(), atol: 1e-6, rtol: 1e-4);
        Close(expectedB, b.Grad!.ToArray(), atol: 1e-6, rtol: 1e-4);
    }
}
