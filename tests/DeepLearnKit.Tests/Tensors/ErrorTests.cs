// Every shape error names the op and the shapes involved, and leaves its inputs as they were:
// same values, same shape, no gradient, no graph node.
namespace DeepLearnKit.Tests.Tensors;

public class ErrorTests
{
    private sealed record Failure(Func<Tensor[], object?> Act, int[][] Shapes, string[] MessageParts);

    private static readonly Dictionary<string, Failure> failures = new()
    {
        ["Add"] = new(xs => xs[0] + xs[1], [[2, 3], [4]], ["Add", "[2, 3]", "[4]"]),
        ["Sub"] = new(xs => xs[0] - xs[1], [[3, 1, 2], [4, 3]], ["Sub", "[3, 1, 2]", "[4, 3]"]),
        ["Mul"] = new(xs => xs[0] * xs[1], [[2, 3], [3, 2]], ["Mul", "[2, 3]", "[3, 2]"]),
        ["Div"] = new(xs => xs[0] / xs[1], [[5], [2]], ["Div", "[5]", "[2]"]),
        ["Add of a transposed view"] = new(xs => xs[0].T + xs[1], [[2, 3], [2, 3]], ["Add", "[3, 2]", "[2, 3]"]),
        ["Pow"] = new(xs => xs[0].Pow(xs[1]), [[2, 3], [2]], ["Pow", "[2, 3]", "[2]"]),
        ["Maximum"] = new(xs => Tensor.Maximum(xs[0], xs[1]), [[2, 3], [2]], ["Maximum", "[2, 3]", "[2]"]),
        ["Minimum"] = new(xs => Tensor.Minimum(xs[0], xs[1]), [[4], [3]], ["Minimum", "[4]", "[3]"]),
        ["Where"] = new(xs => Tensor.Where(Tensor.Ones(2, 3), xs[0], xs[1]), [[2, 3], [2]], ["Where", "[2, 3]", "[2]"]),
        ["Comparison"] = new(xs => xs[0] < xs[1], [[2, 3], [2]], ["Lt", "[2, 3]", "[2]"]),
        ["MatMul"] = new(xs => Tensor.MatMul(xs[0], xs[1]), [[2, 3], [4, 5]], ["MatMul", "[2, 3]", "[4, 5]"]),
        ["MatMul batch"] = new(xs => Tensor.MatMul(xs[0], xs[1]), [[2, 3, 4], [3, 4, 5]], ["MatMul", "[2, 3, 4]", "[3, 4, 5]"]),
        ["Cat"] = new(xs => Tensor.Cat([xs[0], xs[1]], 0), [[2, 3], [2, 4]], ["Cat", "[2, 3]", "[2, 4]"]),
        ["Cat rank"] = new(xs => Tensor.Cat([xs[0], xs[1]], 1), [[2, 3], [2, 3, 1]], ["Cat", "[2, 3]", "[2, 3, 1]"]),
        ["Stack"] = new(xs => Tensor.Stack([xs[0], xs[1]]), [[2, 3], [3, 2]], ["Stack", "[2, 3]", "[3, 2]"]),
        ["Reshape"] = new(xs => xs[0].Reshape(4, 2), [[2, 3]], ["Reshape", "[2, 3]", "[4, 2]"]),
        ["Reshape inferred"] = new(xs => xs[0].Reshape(-1, 4), [[2, 3]], ["Reshape", "[2, 3]", "[-1, 4]"]),
        ["Reshape of a view"] = new(xs => xs[0].T.Reshape(5), [[2, 3]], ["Reshape", "[3, 2]", "[5]"]),
        ["View"] = new(xs => xs[0].View(7), [[2, 3]], ["View", "[2, 3]", "[7]"]),
        ["Expand"] = new(xs => xs[0].Expand(3, 4), [[3, 2]], ["Expand", "[3, 2]", "[3, 4]"]),
        ["Expand new dim of -1"] = new(xs => xs[0].Expand(-1, 3, 1), [[3, 1]], ["Expand", "[3, 1]", "[-1, 3, 1]"]),
        ["Expand fewer dims"] = new(xs => xs[0].Expand(4), [[3, 1]], ["Expand", "[3, 1]", "[4]"]),
        ["Permute"] = new(xs => xs[0].Permute(0, 0), [[2, 3]], ["Permute", "[0, 0]"]),
        ["Split"] = new(xs => xs[0].Split([2, 2], 1), [[2, 3]], ["Split", "[2, 2]", "[2, 3]"]),
        ["Slice"] = new(xs => xs[0].Slice(1, 1, 5), [[2, 3]], ["Slice", "[2, 3]"]),
        ["Select"] = new(xs => xs[0].Select(0, 2), [[2, 3]], ["Select", "[2, 3]"]),
        ["CopyFrom"] = new(xs => Tensor.Zeros(2, 3).CopyFrom(xs[0]), [[3, 2]], ["CopyFrom", "[3, 2]", "[2, 3]"]),
        ["IndexSelect out of range"] = new(xs => xs[0].IndexSelect(0, Tensor.FromArray([0, 3])), [[3, 2]], ["IndexSelect", "3", "size 3"]),
        ["IndexSelect negative"] = new(xs => xs[0].IndexSelect(1, Tensor.FromArray([-1, 0])), [[3, 2]], ["IndexSelect", "-1", "size 2"]),
        ["IndexSelect not integer"] = new(xs => xs[0].IndexSelect(1, Tensor.FromArray([0.5f, 0])), [[3, 2]], ["IndexSelect", "0.5"]),
        ["IndexSelect 2-D index"] = new(xs => xs[0].IndexSelect(0, Tensor.Zeros(1, 2)), [[3, 2]], ["IndexSelect", "[1, 2]"]),
        ["Gather out of range"] = new(xs => xs[0].Gather(1, Tensor.FromArray([0, 4], 2, 1)), [[2, 4]], ["Gather", "4", "size 4"]),
        ["Gather rank"] = new(xs => xs[0].Gather(1, Tensor.FromArray([0, 1])), [[2, 4]], ["Gather", "[2]", "[2, 4]"]),
        ["Gather larger index"] = new(xs => xs[0].Gather(1, Tensor.Zeros(3, 1)), [[2, 4]], ["Gather", "[3, 1]", "[2, 4]"]),
        ["Backward gradient shape"] = new(xs => { (xs[0] * 2f).Backward(Tensor.Ones(3, 2)); return null; }, [[2, 3]], ["Backward", "[3, 2]", "[2, 3]"]),
        ["Dimension out of range"] = new(xs => xs[0].Sum(2), [[2, 3]], ["Sum", "dimension 2", "rank 2"]),
        ["Transpose dimension"] = new(xs => xs[0].Transpose(0, -3), [[2, 3]], ["Transpose", "-3", "rank 2"]),
        ["Squeeze dimension"] = new(xs => xs[0].Squeeze(5), [[2, 3]], ["Squeeze", "5"]),
        ["Unsqueeze dimension"] = new(xs => xs[0].Unsqueeze(4), [[2, 3]], ["Unsqueeze", "4"]),
        ["Softmax dimension"] = new(xs => xs[0].Softmax(2), [[2, 3]], ["Softmax", "dimension 2", "rank 2"]),
        ["LogSoftmax dimension"] = new(xs => xs[0].LogSoftmax(-3), [[2, 3]], ["LogSoftmax", "dimension -3", "rank 2"]),
        ["LogSumExp dimension"] = new(xs => xs[0].LogSumExp(2), [[2, 3]], ["LogSumExp", "dimension 2", "rank 2"]),
        ["Std dimension"] = new(xs => xs[0].Std(3), [[2, 3]], ["Std", "dimension 3", "rank 2"]),
        ["Item"] = new(xs => xs[0].Item(), [[2, 3]], ["Item", "[2, 3]"]),
        ["T of 3-D"] = new(xs => xs[0].T, [[2, 3, 4]], ["T", "[2, 3, 4]"]),
        ["Indexer too many"] = new(xs => xs[0][0, 0, 0], [[2, 3]], ["Indexer", "3 indices", "rank 2"]),
    };

    public static TheoryData<string> Names => new(failures.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void An_error_names_the_op_and_shapes_and_leaves_the_inputs_unchanged(string name)
    {
        var failure = failures[name];
        var inputs = failure.Shapes.Select((s, i) => Tensor.Arange(Count(s)).Reshape(s).Clone().RequireGrad()).ToArray();
        var before = inputs.Select(x => (Values: x.ToArray(), Shape: x.Shape, Strides: x.Strides)).ToArray();

        var error = Assert.ThrowsAny<Exception>(() => failure.Act(inputs));
        Assert.True(error is ArgumentException or InvalidOperationException, $"{error.GetType().Name}: {error.Message}");
        foreach (var part in failure.MessageParts) Assert.Contains(part, error.Message);

        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(before[i].Values, inputs[i].ToArray());
            Assert.Equal(before[i].Shape, inputs[i].Shape);
            Assert.Equal(before[i].Strides, inputs[i].Strides);
            Assert.Null(inputs[i].GradFn);
            Assert.Null(inputs[i].Grad);
            Assert.True(inputs[i].RequiresGrad);
        }
    }

    [Fact]
    public void A_failed_Backward_leaves_the_graph_usable()
    {
        var x = Tensor.FromArray([1, 2, 3], 3).RequireGrad();
        var y = x * x;
        Assert.Throws<ArgumentException>(() => y.Backward(Tensor.Ones(4)));
        Assert.Null(x.Grad);
        y.Backward(Tensor.Ones(3));
        Assert.Equal([2, 4, 6], x.Grad!.ToArray());
    }

    [Fact]
    public void A_broadcast_error_also_says_which_dimension_disagrees()
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor.Ones(2, 3) + Tensor.Ones(4));
        Assert.Contains("dimension 1 is 3 vs 4", error.Message);
    }

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);
}
