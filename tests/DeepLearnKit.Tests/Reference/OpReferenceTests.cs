// Tensor ops against PyTorch 1.13 (tests/reference/ops, written by make_op_reference.py): for each case the forward
// output and, for a fixed upstream gradient, the gradient of every input. The calls repeat the script's settings.
namespace DeepLearnKit.Tests.Reference;

public sealed class OpReferenceTests
{
    private static Dictionary<string, Tensor> Y(Tensor y) => new() { ["y"] = y };

    private static Dictionary<string, Tensor> ValuesAndIndices((Tensor Values, Tensor Indices) result) =>
        new() { ["y"] = result.Values, ["indices"] = result.Indices };

    private static readonly Dictionary<string, Func<ReferenceCase, Dictionary<string, Tensor>>> elementwise = new()
    {
        ["exp"] = c => Y(c["x"].Exp()),
        ["log"] = c => Y(c["x"].Log()),
        ["sqrt"] = c => Y(c["x"].Sqrt()),
        ["tanh"] = c => Y(c["x"].Tanh()),
        ["sigmoid"] = c => Y(c["x"].Sigmoid()),
        ["relu"] = c => Y(c["x"].ReLU()),
        ["leaky_relu"] = c => Y(c["x"].LeakyReLU(0.1f)),
        ["gelu"] = c => Y(c["x"].GELU()),
        ["abs"] = c => Y(c["x"].Abs()),
        ["neg"] = c => Y(-c["x"]),
        ["square"] = c => Y(c["x"].Square()),
        ["pow_scalar"] = c => Y(c["x"].Pow(2.5f)),
        ["clamp"] = c => Y(c["x"].Clamp(-0.5f, 0.7f)),
        ["affine_scalar"] = c => Y(2.5f * c["x"] - 1.5f),
        ["scalar_divide"] = c => Y(1.5f / c["x"]),
        ["rsub_scalar"] = c => Y(3f - c["x"]),
        ["add"] = c => Y(c["x"] + c["y"]),
        ["sub"] = c => Y(c["x"] - c["y"]),
        ["mul"] = c => Y(c["x"] * c["y"]),
        ["div"] = c => Y(c["x"] / c["y"]),
        ["pow"] = c => Y(c["x"].Pow(c["y"])),
        ["maximum"] = c => Y(Tensor.Maximum(c["x"], c["y"])),
        ["minimum"] = c => Y(Tensor.Minimum(c["x"], c["y"])),
        ["add_same_shape"] = c => Y(c["x"] + c["y"]),
        ["mul_scalar_tensor"] = c => Y(c["x"] * c["y"]),
        ["relu_at_zero"] = c => Y(c["x"].ReLU()),
        ["abs_at_zero"] = c => Y(c["x"].Abs()),
        ["leaky_relu_at_zero"] = c => Y(c["x"].LeakyReLU(0.1f)),
        ["clamp_at_edges"] = c => Y(c["x"].Clamp(-0.5f, 0.7f)),
        ["sign"] = c => Y(c["x"].Sign()),
        ["sqrt_at_zero"] = c => Y(c["x"].Sqrt()),
        ["pow_scalar_zero_exponent"] = c => Y(c["x"].Pow(0f)),
        ["pow_scalar_one_at_zero"] = c => Y(c["x"].Pow(1f)),
        ["pow_scalar_two_at_zero"] = c => Y(c["x"].Pow(2f)),
        ["pow_zero_base"] = c => Y(c["input"].Pow(c["exponent"])),
        ["maximum_ties"] = c => Y(Tensor.Maximum(c["input"], c["other"])),
        ["minimum_ties"] = c => Y(Tensor.Minimum(c["input"], c["other"])),
        ["where"] = c => Y(Tensor.Where(c["condition"], c["x"], c["y"])),
    };

    private static readonly Dictionary<string, Func<ReferenceCase, Dictionary<string, Tensor>>> reductions = Reductions();

    private static Dictionary<string, Func<ReferenceCase, Dictionary<string, Tensor>>> Reductions()
    {
        var cases = new Dictionary<string, Func<ReferenceCase, Dictionary<string, Tensor>>>
        {
            ["sum_all"] = c => Y(c["x"].Sum()),
            ["mean_all"] = c => Y(c["x"].Mean()),
            ["max_all"] = c => Y(c["x"].Max()),
            ["min_all"] = c => Y(c["x"].Min()),
            ["var_all"] = c => Y(c["x"].Var()),
            ["std_all_correction0"] = c => Y(c["x"].Std(correction: 0)),
            ["softmax_neg_inf"] = c => Y(c["x"].Softmax(-1)),
            ["log_softmax_neg_inf"] = c => Y(c["x"].LogSoftmax(-1)),
            ["logsumexp_neg_inf"] = c => Y(c["x"].LogSumExp(-1)),
            ["logsumexp_infinite_rows"] = c => Y(c["x"].LogSumExp(-1)),
            ["argmax_flat"] = c => new() { ["indices"] = c["x"].ArgMax() },
            ["sort_descending"] = c => ValuesAndIndices(c["x"].Sort(-1, descending: true)),
            ["topk"] = c => ValuesAndIndices(c["x"].TopK(2, dim: 1)),
            // With ties: Max/Min(dim) share the gradient as torch.amax/amin (the script's reference for them), unlike
            // torch.max(x, dim), whose gradient all goes to its index; the indices are the first tied ones in both libraries.
            ["amax_dim1_ties"] = c => Y(c["x"].Max(1)),
            ["amin_dim0_ties_keepdim"] = c => Y(c["x"].Min(0, keepDim: true)),
            ["max_all_ties"] = c => Y(c["x"].Max()),
            ["max_dim1_ties_indices"] = c => new() { ["indices"] = c["x"].ArgMax(1) },
            ["min_dim0_ties_indices"] = c => new() { ["indices"] = c["x"].ArgMin(0) },
            ["argmax_flat_ties"] = c => new() { ["indices"] = c["x"].ArgMax() },
        };
        foreach (var (dims, keep) in new[] { (new[] { 1 }, false), ([0, 2], true), ([-1], true) })
        {
            string tag = string.Join("_", dims) + (keep ? "_keepdim" : "");
            cases[$"sum_{tag}"] = c => Y(c["x"].Sum(dims, keep));
            cases[$"mean_{tag}"] = c => Y(c["x"].Mean(dims, keep));
            foreach (int correction in new[] { 0, 1 })
            {
                cases[$"var_{tag}_correction{correction}"] = c => Y(c["x"].Var(dims, correction, keep));
                cases[$"std_{tag}_correction{correction}"] = c => Y(c["x"].Std(dims, correction, keep));
            }
        }
        foreach (var (dim, keep) in new[] { (0, false), (1, true), (-1, false) })
        {
            string tag = $"{dim}{(keep ? "_keepdim" : "")}".Replace("-", "m");
            cases[$"max_dim{tag}"] = c => new() { ["y"] = c["x"].Max(dim, keep), ["indices"] = c["x"].ArgMax(dim, keep) };
            cases[$"min_dim{tag}"] = c => new() { ["y"] = c["x"].Min(dim, keep), ["indices"] = c["x"].ArgMin(dim, keep) };
            cases[$"logsumexp_dim{tag}"] = c => Y(c["x"].LogSumExp(dim, keep));
        }
        foreach (int dim in new[] { 0, 1, -1 })
        {
            string tag = $"{dim}".Replace("-", "m");
            cases[$"softmax_dim{tag}"] = c => Y(c["x"].Softmax(dim));
            cases[$"log_softmax_dim{tag}"] = c => Y(c["x"].LogSoftmax(dim));
            cases[$"cumsum_dim{tag}"] = c => Y(c["x"].Cumsum(dim));
        }
        return cases;
    }

    private static readonly Dictionary<string, Func<ReferenceCase, Dictionary<string, Tensor>>> matmul =
        new[] { "matrix_matrix", "vector_matrix", "matrix_vector", "vector_vector", "bmm", "batched_broadcast", "batched_matrix", "vector_batched", "batched_vector" }
            .ToDictionary(name => name, name => (Func<ReferenceCase, Dictionary<string, Tensor>>)(c => Y(Tensor.MatMul(c["input"], c["other"]))));

    private static readonly Dictionary<string, Func<ReferenceCase, Dictionary<string, Tensor>>> convolution = new()
    {
        ["conv2d"] = c => Y(Tensor.Conv2d(c["input"], c["weight"], c["bias"])),
        ["conv2d_stride2_padding1"] = c => Y(Tensor.Conv2d(c["input"], c["weight"], c["bias"], stride: 2, padding: 1)),
        ["conv2d_dilation2"] = c => Y(Tensor.Conv2d(c["input"], c["weight"], c["bias"], padding: 2, dilation: 2)),
        ["conv2d_groups2"] = c => Y(Tensor.Conv2d(c["input"], c["weight"], c["bias"], padding: 1, groups: 2)),
        ["conv2d_rectangular"] = c => Y(Tensor.Conv2d(c["input"], c["weight"], c["bias"], stride: (2, 1), padding: (1, 0), dilation: (1, 2))),
        ["conv2d_stride3_padding2"] = c => Y(Tensor.Conv2d(c["input"], c["weight"], c["bias"], stride: 3, padding: 2)),
        ["conv2d_depthwise_kernel2x3"] = c => Y(Tensor.Conv2d(c["input"], c["weight"], c["bias"], stride: (1, 2), padding: (1, 2), groups: 4)),
        ["conv2d_unbatched"] = c => Y(Tensor.Conv2d(c["input"], c["weight"], c["bias"], padding: 1)),
        ["conv2d_no_bias"] = c => Y(Tensor.Conv2d(c["input"], c["weight"], padding: 1)),
        ["conv_transpose2d"] = c => Y(Tensor.ConvTranspose2d(c["input"], c["weight"], c["bias"])),
        ["conv_transpose2d_stride2_padding1_output_padding1"] = c =>
            Y(Tensor.ConvTranspose2d(c["input"], c["weight"], c["bias"], stride: 2, padding: 1, outputPadding: 1)),
        ["conv_transpose2d_groups2_dilation2"] = c => Y(Tensor.ConvTranspose2d(c["input"], c["weight"], c["bias"], dilation: 2, groups: 2)),
        ["conv_transpose2d_rectangular"] = c =>
            Y(Tensor.ConvTranspose2d(c["input"], c["weight"], c["bias"], stride: (2, 3), padding: (0, 1), outputPadding: (1, 2))),
        ["max_pool2d_k2"] = c => Y(c["x"].MaxPool2d(2)),
        ["max_pool2d_k3_s2_p1"] = c => Y(c["x"].MaxPool2d(3, stride: 2, padding: 1)),
        ["max_pool2d_k2_dilation2"] = c => Y(c["x"].MaxPool2d(2, stride: 1, dilation: 2)),
        ["avg_pool2d_k2"] = c => Y(c["x"].AvgPool2d(2)),
        ["avg_pool2d_k3_s2_p1"] = c => Y(c["x"].AvgPool2d(3, stride: 2, padding: 1)),
        ["avg_pool2d_k3_s2_p1_exclude_pad"] = c => Y(c["x"].AvgPool2d(3, stride: 2, padding: 1, countIncludePad: false)),
        ["adaptive_avg_pool2d_3x2"] = c => Y(c["x"].AdaptiveAvgPool2d((3, 2))),
        ["adaptive_avg_pool2d_upsampling_8x9"] = c => Y(c["x"].AdaptiveAvgPool2d((8, 9))),
        ["max_pool2d_rectangular"] = c => Y(c["x"].MaxPool2d((2, 3), stride: (1, 2), padding: (1, 1))),
        ["avg_pool2d_rectangular"] = c => Y(c["x"].AvgPool2d((3, 2), stride: (2, 1), padding: (1, 0))),
        ["max_pool2d_ties"] = c => Y(c["x"].MaxPool2d(2, stride: 1)),
    };

    private static readonly Dictionary<string, Func<ReferenceCase, Dictionary<string, Tensor>>> indexing = new()
    {
        ["index_select_repeats"] = c => Y(c["x"].IndexSelect(1, c["index"])),
        ["gather"] = c => Y(c["x"].Gather(1, c["index"])),
        ["masked_fill"] = c => Y(c["x"].MaskedFill(c["mask"], -2.5f)),
        ["cat_dim1"] = c => Y(Tensor.Cat([c["a"], c["b"]], 1)),
        ["stack_dim1"] = c => Y(Tensor.Stack([c["a"], c["b"]], 1)),
        ["split_sizes"] = c => Parts(c["x"].Split([1, 3], 1)),
        ["chunk"] = c => Parts(c["x"].Chunk(3, 0)),
        ["transpose_reshape"] = c => Y(c["x"].Transpose(0, 2).Reshape(4, -1)),
        ["permute"] = c => Y(c["x"].Permute(2, 0, 1)),
        ["expand_sum"] = c => Y(c["x"].Expand(3, 2, 4) * 1f),
        ["narrow"] = c => Y(c["x"].Narrow(1, 1, 2)),
        ["slice"] = c => Y(c["x"][1.., 1..4]),
        ["flip"] = c => Y(c["x"].Flip(0, 2)),
        ["tril_triu"] = c => new() { ["tril"] = c["x"].Tril(-1), ["triu"] = c["x"].Triu(1) },
    };

    private static Dictionary<string, Tensor> Parts(Tensor[] parts) => parts.Select((p, i) => ($"y{i}", p)).ToDictionary();

    private static readonly Dictionary<string, Dictionary<string, Func<ReferenceCase, Dictionary<string, Tensor>>>> families = new()
    {
        ["indexing"] = indexing,
        ["elementwise"] = elementwise,
        ["reductions"] = reductions,
        ["matmul"] = matmul,
        ["convolution"] = convolution,
    };

    public static TheoryData<string> Cases(string family) => new(families[family].Keys);

    [Theory]
    [InlineData("elementwise")]
    [InlineData("reductions")]
    [InlineData("matmul")]
    [InlineData("convolution")]
    [InlineData("indexing")]
    public void Every_PyTorch_case_of_the_family_has_its_DeepLearnKit_call(string family) =>
        Assert.Equal(ReferenceCase.CaseNames(family), families[family].Keys.Order());

    [Theory]
    [MemberData(nameof(Cases), "elementwise")]
    public void Elementwise_ops_with_broadcasting_and_their_gradients_match_PyTorch(string name) => Check("elementwise", name);

    [Theory]
    [MemberData(nameof(Cases), "reductions")]
    public void Reductions_along_dims_softmax_sort_and_their_gradients_match_PyTorch(string name) => Check("reductions", name);

    [Theory]
    [MemberData(nameof(Cases), "matmul")]
    public void MatMul_with_batch_broadcasting_and_its_gradients_match_PyTorch(string name) => Check("matmul", name);

    [Theory]
    [MemberData(nameof(Cases), "convolution")]
    public void Convolution_transposed_convolution_pooling_and_their_gradients_match_PyTorch(string name) => Check("convolution", name);

    [Theory]
    [MemberData(nameof(Cases), "indexing")]
    public void Indexing_joining_and_views_and_their_gradients_match_PyTorch(string name) => Check("indexing", name);

    private static void Check(string family, string name)
    {
        var c = new ReferenceCase(family, name);
        c.Check(families[family][name](c));
    }
}
