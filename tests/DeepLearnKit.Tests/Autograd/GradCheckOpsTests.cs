// Every differentiable op's backward checked against central finite differences (GradCheck), on
// several shapes, with broadcasting, size-1 dims and non-contiguous operands; inputs sit away from
// the points where an op has a kink (0 for Abs/ReLU, ties for Max, Clamp's edges).
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Autograd;

public class GradCheckOpsTests
{
    private sealed record Case(Func<Tensor[], Tensor> F, Tensor[] Inputs);

    private static readonly Dictionary<string, Case> cases = BuildCases();

    public static TheoryData<string> CaseNames => new(cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void GradCheck_passes(string name)
    {
        var c = cases[name];
        Passes(GradCheck.Check(c.F, c.Inputs, atol: 1e-3, rtol: 1e-3));
    }

    [Fact]
    public void Every_op_family_has_cases()
    {
        string[] expected =
        [
            "Add", "Sub", "Mul", "Div", "Neg", "Exp", "Log", "Sqrt", "Pow", "Abs", "Clamp", "Maximum", "Minimum", "Where",
            "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "Softmax", "LogSoftmax", "Sum", "Mean", "Max", "Min", "Var",
            "Std", "LogSumExp", "MatMul", "Reshape", "View", "Flatten", "Transpose", "T ", "Permute", "Squeeze",
            "Unsqueeze", "Expand", "Narrow", "Slice", "Select", "Indexer", "Cat", "Stack", "Split", "Chunk",
            "IndexSelect", "Gather", "To", "Clone", "Contiguous",
        ];
        foreach (var op in expected) Assert.Contains(cases.Keys, k => k.StartsWith(op, StringComparison.Ordinal));
    }

    [Fact]
    public void GradCheck_fails_when_autograd_misses_a_term()
    {
        // x ⊙ detach(x): autograd sees only one factor, so it reports x where the true gradient is 2x.
        var x = Between(1, 0.5f, 1.5f, 3, 4);
        var result = GradCheck.Check(t => t * t.Detach(), x);
        Assert.False(result.Passed, result.ToString());
        Assert.True(result.MaxAbsError > 0.3, result.ToString());
        Assert.Contains("FAILED", result.ToString());
    }

    [Fact]
    public void GradCheck_fails_for_a_gradient_with_the_wrong_sign_on_one_input()
    {
        // a − b written as a + detach(2b) − b: the value is a + b but autograd gives ∂/∂b = −1 instead of +1.
        var a = Random(2, 2, 3);
        var b = Random(3, 2, 3);
        var result = GradCheck.Check(xs => xs[0] + 2f * xs[1].Detach() - xs[1], [a, b]);
        Assert.False(result.Passed, result.ToString());
        Assert.Equal(1, result.WorstInput);
    }

    [Fact]
    public void GradCheck_passes_and_reports_a_small_error_for_a_correct_gradient()
    {
        var result = GradCheck.Check(t => t * t, Random(4, 3, 4));
        Assert.True(result.Passed, result.ToString());
        Assert.True(result.MaxAbsError < 1e-2, result.ToString());
    }

    [Fact]
    public void For_a_scalar_loss_GradCheck_reports_the_gradient_of_the_loss_itself()
    {
        // L = w² at w = 3: dL/dw = 2w = 6, by hand; no weighting of the output may change it.
        var result = GradCheck.Check(w => w.Square().Sum(), Tensor.FromArray([3f], 1));
        Assert.True(result.Passed, result.ToString());
        Assert.Equal(6, result.Analytic, 1e-6);
        Assert.Equal(6, result.Numeric, 1e-3);
        Assert.Equal("L = f(x)", result.Of);
        Assert.Contains("analytic 6,", result.ToString());
    }

    [Fact]
    public void GradCheck_fails_a_small_gradient_that_is_a_quarter_wrong_and_a_unit_gradient_that_is_one_percent_wrong()
    {
        // x − detach(x) is 0 in value but 1 in gradient: each loss below has the value of its first term and a wrong backward.
        var x = Between(4, 0.5f, 1.5f, 3);
        var quarter = GradCheck.Check(t => (0.04f * t + 0.01f * (t - t.Detach())).Sum(), x);    // true 0.04, autograd 0.05
        Assert.False(quarter.Passed, quarter.ToString());
        Assert.Equal(0.05, quarter.Analytic, 1e-6);
        Assert.Equal(0.04, quarter.Numeric, 1e-4);
        Assert.Equal(3, quarter.Failures);
        var percent = GradCheck.Check(t => (t + 0.01f * (t - t.Detach())).Sum(), x);             // true 1, autograd 1.01
        Assert.False(percent.Passed, percent.ToString());
    }

    [Fact]
    public void GradCheck_states_its_test_and_what_it_differentiated()
    {
        var result = GradCheck.Check(t => t * t, Random(4, 3, 4));
        Assert.Equal(GradCheck.DefaultAtol, result.Atol);
        Assert.Equal(GradCheck.DefaultRtol, result.Rtol);
        Assert.Equal("L = Σ v ⊙ f(x)", result.Of);
        Assert.Equal(12, result.Elements);
        Assert.Contains("|analytic − numeric| ≤ 0.001 + 0.001·|numeric| + ", result.ToString());
    }

    [Fact]
    public void The_rounding_floor_grows_with_the_loss_and_shrinks_with_a_larger_step()
    {
        // L = 1000·Σx ≈ 12 000: ulp(L) = 2⁻¹⁰, so the floor 4·ulp / 2ε is about 2 with ε = 1e-3 and ten times less with ε = 1e-2.
        var x = Between(5, 0.5f, 1.5f, 4, 3);
        var small = GradCheck.Check(t => 1000f * t.Sum(), x);
        var wide = GradCheck.Check(t => 1000f * t.Sum(), x, eps: 1e-2);
        double ulp = (double)MathF.BitIncrement(1000f * x.Sum().Item()) - 1000f * x.Sum().Item();
        Assert.Equal(4 * ulp / 2e-3, small.RoundingFloor, 0.05 * small.RoundingFloor);
        Assert.Equal(small.RoundingFloor / 10, wide.RoundingFloor, 0.05 * wide.RoundingFloor);
        Assert.True(small.Passed && wide.Passed, small.ToString());
        // The mean of the same values has a small L and a small floor: a gradient 5% off (1/12 against 1.05/12) fails.
        var mean = GradCheck.Check(t => t.Mean() + 0.05f * (t.Mean() - t.Mean().Detach()), x);
        Assert.True(mean.RoundingFloor < 1e-3, mean.ToString());
        Assert.False(mean.Passed, mean.ToString());
    }

    private static Tensor R(int seed, params int[] shape) => Random(seed, shape);

    private static Tensor P(int seed, params int[] shape) => Between(seed, 0.5f, 1.5f, shape);

    private static Tensor D(int seed, params int[] shape) => Distinct(seed, 0.05f, shape);

    private static Dictionary<string, Case> BuildCases()
    {
        var all = new Dictionary<string, Case>();
        void Add(string name, Func<Tensor[], Tensor> f, params Tensor[] inputs) => all.Add(name, new Case(f, inputs));
        void Add1(string name, Func<Tensor, Tensor> f, Tensor input) => all.Add(name, new Case(xs => f(xs[0]), [input]));

        // Binary arithmetic: same shapes, broadcasting both ways, size-1 dims, a 0-D operand, non-contiguous operands.
        (int[] A, int[] B)[] pairs =
        [
            ([3, 4], [3, 4]), ([3, 1], [1, 4]), ([2, 3, 4], [4]), ([1], [2, 3]), ([2, 1, 3], [4, 1]), ([], [2, 3]), ([2, 3], []),
        ];
        var binary = new (string Name, Func<Tensor, Tensor, Tensor> Op)[]
        {
            ("Add", (a, b) => a + b), ("Sub", (a, b) => a - b), ("Mul", (a, b) => a * b), ("Div", (a, b) => a / b),
        };
        int seed = 10;
        foreach (var (opName, op) in binary)
        {
            foreach (var (sa, sb) in pairs)
                Add($"{opName} {Show(sa)} {Show(sb)}", xs => op(xs[0], xs[1]), R(seed++, sa), P(seed++, sb));
            Add($"{opName} transposed with sliced", xs => op(xs[0].T, xs[1][.., 1..]), R(seed++, 4, 3), P(seed++, 3, 5));
            Add($"{opName} same tensor twice", xs => op(xs[0], xs[0]), P(seed++, 2, 3));
        }
        Add1("Add scalar right", x => x + 2f, R(20, 2, 3));
        Add1("Add scalar left", x => 2f + x, R(21, 2, 3));
        Add1("Sub scalar right", x => x - 2f, R(22, 2, 3));
        Add1("Sub scalar left", x => 2f - x, R(23, 2, 3));
        Add1("Mul scalar right", x => x * 3f, R(24, 2, 3));
        Add1("Mul scalar left", x => -3f * x, R(25, 2, 3));
        Add1("Div scalar right", x => x / 3f, R(26, 2, 3));
        Add1("Div scalar left", x => 3f / x, P(27, 2, 3));
        Add1("Div scalar left of negative", x => 2f / -x, P(28, 2, 3));

        // Unary elementwise.
        Add1("Neg", x => -x, R(30, 3, 4));
        Add1("Neg of transposed", x => -x.T, R(31, 3, 4));
        Add1("Exp", x => x.Exp(), R(32, 3, 4));
        Add1("Exp of sliced", x => x[.., 1..].Exp(), R(33, 3, 5));
        Add1("Log", x => x.Log(), P(34, 3, 4));
        Add1("Log of transposed", x => x.T.Log(), P(35, 3, 4));
        Add1("Sqrt", x => x.Sqrt(), P(36, 3, 4));
        Add1("Sqrt of 0-D", x => x.Sqrt(), Tensor.Scalar(0.7f));
        Add1("Pow 2", x => x.Pow(2f), R(37, 3, 4));
        Add1("Pow 3 of transposed", x => x.T.Pow(3f), R(38, 3, 4));
        Add1("Pow 0.5", x => x.Pow(0.5f), P(39, 3, 4));
        Add1("Pow -1.5", x => x.Pow(-1.5f), P(40, 3, 4));
        Add("Pow tensor exponent", xs => xs[0].Pow(xs[1]), P(41, 3, 4), R(42, 3, 4));
        Add("Pow tensor exponent broadcast", xs => xs[0].Pow(xs[1]), P(43, 2, 3, 4), R(44, 4));
        Add("Pow tensor exponent column", xs => xs[0].T.Pow(xs[1]), P(45, 4, 3), R(46, 3, 1));
        Add1("Abs", x => x.Abs(), D(47, 3, 4));
        Add1("Abs of sliced", x => x[1..].Abs(), D(48, 3, 4));
        Add1("Clamp both", x => x.Clamp(-0.5f, 0.5f), Distinct(49, 0.15f, 3, 4));
        Add1("Clamp min only", x => x.Clamp(min: -0.1f), Distinct(50, 0.15f, 3, 4));
        Add1("Clamp max only of transposed", x => x.T.Clamp(max: 0.2f), Distinct(51, 0.15f, 3, 4));
        // b sits half a grid step off a's grid, so no element of a equals one of b.
        Add("Maximum", xs => Tensor.Maximum(xs[0], xs[1]), D(52, 3, 4), D(53, 3, 4) + 0.025f);
        Add("Maximum broadcast", xs => Tensor.Maximum(xs[0], xs[1]), D(54, 3, 1), D(55, 1, 4) + 0.025f);
        Add("Minimum", xs => Tensor.Minimum(xs[0], xs[1]), D(56, 3, 4), D(57, 3, 4) + 0.025f);
        Add("Minimum broadcast transposed", xs => Tensor.Minimum(xs[0].T, xs[1]), D(58, 4, 3), D(59, 4) + 0.025f);
        var condition = Tensor.FromArray([1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1], 3, 4);
        Add("Where", xs => Tensor.Where(condition, xs[0], xs[1]), R(60, 3, 4), R(61, 3, 4));
        Add("Where broadcast", xs => Tensor.Where(condition, xs[0], xs[1]), R(62, 3, 1), R(63, 4));
        Add("Where broadcast condition", xs => Tensor.Where(condition[0], xs[0], xs[1]), R(64, 3, 4), R(65, 3, 4));

        // Activations.
        Add1("ReLU", x => x.ReLU(), D(70, 3, 4));
        Add1("ReLU of transposed", x => x.T.ReLU(), D(71, 3, 4));
        Add1("LeakyReLU", x => x.LeakyReLU(0.1f), D(72, 3, 4));
        Add1("LeakyReLU default slope of sliced", x => x[.., 1..].LeakyReLU(), D(73, 3, 5));
        Add1("Sigmoid", x => x.Sigmoid(), Between(74, -3, 3, 3, 4));
        Add1("Tanh", x => x.Tanh(), Between(75, -2, 2, 3, 4));
        Add1("GELU", x => x.GELU(), Between(76, -3, 3, 3, 4));
        Add1("GELU of transposed", x => x.T.GELU(), Between(77, -3, 3, 3, 4));
        Add1("Softmax last dim", x => x.Softmax(), Between(78, -2, 2, 3, 4));
        Add1("Softmax dim 0", x => x.Softmax(0), Between(79, -2, 2, 3, 4));
        Add1("Softmax middle dim", x => x.Softmax(1), Between(80, -2, 2, 2, 3, 4));
        Add1("Softmax of transposed", x => x.T.Softmax(-1), Between(81, -2, 2, 3, 4));
        Add1("Softmax size-1 dim", x => x.Softmax(1), Between(82, -2, 2, 3, 1));
        Add1("LogSoftmax last dim", x => x.LogSoftmax(), Between(83, -2, 2, 3, 4));
        Add1("LogSoftmax dim 0", x => x.LogSoftmax(0), Between(84, -2, 2, 3, 4));
        Add1("LogSoftmax middle dim", x => x.LogSoftmax(1), Between(85, -2, 2, 2, 3, 4));
        Add1("LogSoftmax of transposed", x => x.T.LogSoftmax(-1), Between(86, -2, 2, 3, 4));

        // Reductions: over everything and over chosen dims, keepDim both ways, on a [2, 3, 4] input and a transposed one.
        int[]?[] axesSets = [null, [1], [0, 2], [-1], [0, 1, 2]];
        var reductions = new (string Name, Func<Tensor, int[]?, bool, Tensor> Op)[]
        {
            ("Sum", (x, a, k) => x.Sum(a, k)),
            ("Mean", (x, a, k) => x.Mean(a, k)),
            ("Var", (x, a, k) => x.Var(a, keepDim: k)),
            ("Var population", (x, a, k) => x.Var(a, correction: 0, keepDim: k)),
            ("Std", (x, a, k) => x.Std(a, keepDim: k)),
            ("Std population", (x, a, k) => x.Std(a, correction: 0, keepDim: k)),
        };
        seed = 100;
        foreach (var (opName, op) in reductions)
            foreach (var axes in axesSets)
                foreach (bool keep in new[] { false, true })
                {
                    if (axes is null && keep) continue;
                    Add1($"{opName} over {(axes is null ? "all" : Show(axes))}{(keep ? " keepDim" : "")}", x => op(x, axes, keep), D(seed++, 2, 3, 4));
                }
        Add1("Sum of transposed dim 0", x => x.T.Sum(0), R(120, 3, 4));
        Add1("Sum of 0-D", x => x.Sum(), Tensor.Scalar(0.3f));
        Add1("Sum of sliced keepDim", x => x[.., 1..].Sum(1, keepDim: true), R(121, 3, 5));
        Add1("Mean of transposed dim 1", x => x.T.Mean(1), R(122, 3, 4));
        Add1("Var of transposed dim 0", x => x.T.Var(0), D(123, 3, 4));
        Add1("Std of sliced", x => x[1..].Std(), D(124, 3, 4));
        foreach (var (opName, isMax) in new[] { ("Max", true), ("Min", false) })
        {
            Add1($"{opName} over all", x => isMax ? x.Max() : x.Min(), D(seed++, 2, 3, 4));
            foreach (int dim in new[] { 0, 1, -1 })
                foreach (bool keep in new[] { false, true })
                    Add1($"{opName} dim {dim}{(keep ? " keepDim" : "")}", x => isMax ? x.Max(dim, keep) : x.Min(dim, keep), D(seed++, 2, 3, 4));
            Add1($"{opName} of transposed dim 1", x => isMax ? x.T.Max(1) : x.T.Min(1), D(seed++, 3, 4));
        }
        foreach (int dim in new[] { 0, 1, -1 })
            foreach (bool keep in new[] { false, true })
                Add1($"LogSumExp dim {dim}{(keep ? " keepDim" : "")}", x => x.LogSumExp(dim, keep), Between(seed++, -2, 2, 2, 3, 4));
        Add1("LogSumExp over all", x => x.Flatten().LogSumExp(0), Between(seed++, -2, 2, 3, 4));
        Add1("LogSumExp of transposed", x => x.T.LogSumExp(1), Between(seed++, -2, 2, 3, 4));

        // MatMul in every arity PyTorch's matmul accepts, batched with broadcast batch dims, and on transposed operands.
        (int[] A, int[] B)[] products =
        [
            ([4], [4]), ([3, 4], [4]), ([4], [4, 5]), ([3, 4], [4, 5]), ([1, 1], [1, 1]), ([2, 3, 4], [4, 5]), ([4], [2, 4, 3]),
            ([2, 3, 4], [2, 4, 5]), ([2, 1, 3, 4], [3, 4, 2]), ([1, 3, 4], [2, 4, 2]), ([2, 3, 4], [4]),
        ];
        seed = 200;
        foreach (var (sa, sb) in products)
            Add($"MatMul {Show(sa)} {Show(sb)}", xs => Tensor.MatMul(xs[0], xs[1]), R(seed++, sa), R(seed++, sb));
        Add("MatMul transposed left", xs => xs[0].T.MatMul(xs[1]), R(seed++, 4, 3), R(seed++, 4, 5));
        Add("MatMul transposed right", xs => xs[0].MatMul(xs[1].T), R(seed++, 3, 4), R(seed++, 5, 4));
        Add("MatMul both transposed batched", xs => Tensor.MatMul(xs[0].Transpose(1, 2), xs[1].Transpose(-1, -2)), R(seed++, 2, 4, 3), R(seed++, 2, 5, 4));
        Add("MatMul sliced operand", xs => Tensor.MatMul(xs[0][.., 1..], xs[1]), R(seed++, 3, 5), R(seed++, 4, 2));
        Add("MatMul expanded operand", xs => Tensor.MatMul(xs[0].Expand(3, 4), xs[1]), R(seed++, 1, 4), R(seed++, 4, 2));
        Add("MatMul same tensor twice", xs => Tensor.MatMul(xs[0], xs[0]), R(seed++, 3, 3));

        // Views. Each result is multiplied by a fixed weight inside GradCheck, so a misplaced gradient shows.
        Add1("Reshape", x => x.Reshape(4, 3), R(300, 3, 4));
        Add1("Reshape inferred", x => x.Reshape(-1, 2), R(301, 2, 3, 2));
        Add1("Reshape of transposed (copies)", x => x.T.Reshape(12), R(302, 3, 4));
        Add1("View", x => x.View(2, 6), R(303, 3, 4));
        Add1("Flatten", x => x.Flatten(), R(304, 2, 3, 4));
        Add1("Flatten from dim 1", x => x.Flatten(1), R(305, 2, 3, 4));
        Add1("Flatten of permuted", x => x.Permute(2, 0, 1).Flatten(0, 1), R(306, 2, 3, 4));
        Add1("Transpose", x => x.Transpose(0, 2), R(307, 2, 3, 4));
        Add1("Transpose then Exp", x => x.Transpose(1, -1).Exp(), R(308, 2, 3, 4));
        Add1("T ", x => x.T, R(309, 3, 4));
        Add1("T then MatMul with itself", x => Tensor.MatMul(x.T, x), R(310, 3, 4));
        Add1("Permute", x => x.Permute(2, 0, 1), R(311, 2, 3, 4));
        Add1("Permute then Sum", x => x.Permute(1, 2, 0).Sum(0), R(312, 2, 3, 4));
        Add1("Squeeze all", x => x.Squeeze(), R(313, 3, 1, 4, 1));
        Add1("Squeeze one dim", x => x.Squeeze(1), R(314, 3, 1, 4, 1));
        Add1("Unsqueeze front", x => x.Unsqueeze(0), R(315, 3, 4));
        Add1("Unsqueeze back", x => x.Unsqueeze(-1) * x.Unsqueeze(1), R(316, 3, 4));
        Add1("Expand", x => x.Expand(2, 3, 4), R(317, 3, 1));
        Add1("Expand with -1", x => x.Expand(-1, 4) * x, R(318, 3, 1));
        Add1("Expand new leading dims", x => x.Expand(2, 3, 4).Exp(), R(319, 4));
        Add1("Narrow", x => x.Narrow(1, 1, 2), R(320, 3, 4));
        Add1("Narrow twice", x => x.Narrow(0, 1, 2).Narrow(1, 0, 3), R(321, 3, 4));
        Add1("Slice", x => x.Slice(0, 1, 3), R(322, 3, 4));
        Add1("Slice with step", x => x.Slice(1, 0, 4, 2), R(323, 3, 4));
        Add1("Slice with step of transposed", x => x.T.Slice(1, 1, 5, 3), R(324, 5, 4));
        Add1("Select", x => x.Select(0, 1), R(325, 3, 4));
        Add1("Select last dim negative", x => x.Select(-1, -2), R(326, 2, 3, 4));
        Add1("Indexer integer", x => x[1], R(327, 3, 4));
        Add1("Indexer range", x => x[.., 1..3], R(328, 3, 4));
        Add1("Indexer from end", x => x[^1, ..2] * x[0, 2..], R(329, 3, 4));
        Add1("Indexer mixed 3-D", x => x[1.., 0, 1..], R(330, 3, 4, 5));

        // Joining and splitting.
        Add("Cat dim 0", xs => Tensor.Cat([xs[0], xs[1]], 0), R(400, 2, 3), R(401, 1, 3));
        Add("Cat dim 1 three", xs => Tensor.Cat([xs[0], xs[1].T, xs[2]], 1), R(402, 2, 3), R(403, 1, 2), R(404, 2, 2));
        Add("Cat same tensor twice", xs => Tensor.Cat([xs[0], xs[0] * 2f], -1), R(405, 2, 3));
        Add("Stack", xs => Tensor.Stack([xs[0], xs[1]]), R(406, 2, 3), R(407, 2, 3));
        Add("Stack dim 1 of transposed", xs => Tensor.Stack([xs[0].T, xs[1]], 1), R(408, 3, 2), R(409, 2, 3));
        Add("Stack last dim", xs => Tensor.Stack([xs[0], xs[1], xs[0]], -1), R(410, 2, 3), R(411, 2, 3));
        Add1("Split by size", x =>
        {
            var parts = x.Split(2, 1); // [3, 2], [3, 2], [3, 1]
            return Tensor.Cat([parts[2], parts[0] * 3f, parts[1].Exp()], 1);
        }, R(412, 3, 5));
        Add1("Split by sizes", x =>
        {
            var parts = x.Split([1, 2], 0);
            return parts[0] * parts[1];
        }, R(413, 3, 4));
        Add1("Chunk", x =>
        {
            var parts = x.Chunk(3, 0); // [2, 4], [2, 4], [1, 4]
            return Tensor.Cat([parts[1] * parts[0], parts[2].Tanh()], 0);
        }, R(414, 5, 4));
        Add1("Chunk last dim of transposed", x => x.T.Chunk(2, -1)[1], R(415, 4, 3));

        // Picking by index (repeated indices must add up).
        var rows = Tensor.FromArray([2, 0, 2, 1]);
        Add1("IndexSelect dim 0", x => x.IndexSelect(0, rows), R(500, 3, 4));
        Add1("IndexSelect dim 1", x => x.IndexSelect(1, rows), R(501, 2, 3, 2));
        Add1("IndexSelect of transposed", x => x.T.IndexSelect(-1, rows), R(502, 3, 4));
        var picks = Tensor.FromArray([0, 3, 3, 1, 2, 2], 3, 2);
        Add1("Gather dim 1", x => x.Gather(1, picks), R(503, 3, 4));
        Add1("Gather dim 0", x => x.Gather(0, Tensor.FromArray([2, 0, 1, 1, 0, 0, 2, 2], 2, 4)), R(504, 3, 4));
        Add1("Gather one element", x => x.Gather(1, Tensor.FromArray([2], 1, 1)), R(506, 3, 4));
        Add1("IndexSelect one index", x => x.IndexSelect(0, Tensor.FromArray([1])), R(507, 3, 4));
        Add1("Gather of transposed", x => x.T.Gather(1, Tensor.FromArray([0, 2, 1, 1], 4, 1)), R(505, 3, 4));

        // Copies.
        Add1("To same device", x => x.To(Device.Cpu) * x, R(600, 3, 4));
        Add1("Clone", x => x.Clone() * x, R(601, 3, 4));
        Add1("Clone of transposed", x => x.T.Clone(), R(602, 3, 4));
        Add1("Contiguous of transposed", x => x.T.Contiguous().Exp(), R(603, 3, 4));

        // A composition: softmax cross-entropy of a linear layer.
        var targets = Tensor.FromArray([2, 0, 1], 3, 1);
        Add("Linear then cross-entropy", xs =>
            -(Tensor.MatMul(xs[0], xs[1].T) + xs[2]).LogSoftmax().Gather(1, targets).Mean(),
            R(700, 3, 4), R(701, 5, 4), R(702, 5));
        return all;
    }

    private static string Show(int[] shape) => "[" + string.Join(",", shape) + "]";
}

/// <summary>Dropout draws its mask from the shared Rng, so these tests reseed it and must not run beside others.</summary>
[Collection(SharedRngCollection.Name)]
public class DropoutGradCheckTests
{
    [Fact]
    public void GradCheck_passes_for_Dropout_with_the_Rng_reseeded_before_each_evaluation()
    {
        var result = GradCheck.Check(x =>
        {
            Rng.Seed(11);
            return x.Dropout(0.4f);
        }, Random(1, 3, 5));
        Passes(result);
    }

    [Fact]
    public void GradCheck_passes_for_Dropout_of_a_transposed_input()
    {
        var result = GradCheck.Check(x =>
        {
            Rng.Seed(12);
            return x.T.Dropout(0.5f).Exp();
        }, Random(2, 4, 3));
        Passes(result);
    }

    [Fact]
    public void Dropout_gradient_is_its_mask()
    {
        var x = Between(3, 0.5f, 1.5f, 40, 50).RequireGrad();
        var y = x.Dropout(0.3f);
        y.Sum().Backward();
        var mask = (y.Detach() / x.Detach()).ToArray();
        var grad = x.Grad!.ToArray();
        Close(mask, grad, atol: 1e-5);
        float keep = 1f / 0.7f;
        Assert.All(mask, m => Assert.True(m == 0 || Math.Abs(m - keep) < 1e-5, $"mask value {m}"));
        int zeros = mask.Count(m => m == 0);
        Assert.InRange(zeros, 2000 * 0.3 - 150, 2000 * 0.3 + 150);
    }

    [Fact]
    public void Dropout_is_the_identity_in_eval_mode_and_for_p_zero()
    {
        var x = Random(4, 3, 4).RequireGrad();
        Assert.Same(x, x.Dropout(0.5f, training: false));
        Assert.Same(x, x.Dropout(0f));
    }
}
