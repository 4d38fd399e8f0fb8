// The op case table shared by the GradCheck tests and the device op suite: every op family as a function of its
// input tensors, with inputs away from the points where an op has a kink or a tie. A case moves the constants it
// captures (conditions, index tensors, targets, masks) to its inputs' device, so it runs on any device.
using DeepLearnKit.NN;
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Devices;

/// <summary>One op under test: a function of input tensors and the (CPU) inputs to call it with.</summary>
/// <param name="F">The op, written as a function of its inputs; its constants follow <c>xs[0].Device</c>.</param>
/// <param name="Inputs">The inputs, on the CPU; callers move them to the device under test.</param>
internal sealed record OpCase(Func<Tensor[], Tensor> F, Tensor[] Inputs);

/// <summary>The shared table of op cases, by name.</summary>
internal static class OpCases
{
    /// <summary>Every case, by a name that says the op and its configuration.</summary>
    public static IReadOnlyDictionary<string, OpCase> All { get; } = BuildCases();

    /// <summary>The case names, as theory data.</summary>
    public static TheoryData<string> Names => new(All.Keys);

    /// <summary>Collects cases and refuses a duplicate name.</summary>
    private sealed class CaseTable
    {
        public Dictionary<string, OpCase> Cases { get; } = new();

        public void Add(string name, Func<Tensor[], Tensor> f, params Tensor[] inputs) => Cases.Add(name, new OpCase(f, inputs));

        public void Add1(string name, Func<Tensor, Tensor> f, Tensor input) => Cases.Add(name, new OpCase(xs => f(xs[0]), [input]));
    }

    private static Tensor R(int seed, params int[] shape) => Random(seed, shape);

    private static Tensor P(int seed, params int[] shape) => Between(seed, 0.5f, 1.5f, shape);

    private static Tensor D(int seed, params int[] shape) => Distinct(seed, 0.05f, shape);

    private static Dictionary<string, OpCase> BuildCases()
    {
        var all = new CaseTable();
        AddGradCheckFamilies(all);
        AddConvolutions(all);
        AddPooling(all);
        AddRecurrent(all);
        AddAttention(all);
        AddNormalization(all);
        AddLosses(all);
        AddElementwiseExtras(all);
        return all.Cases;
    }

    /// <summary>The families first written for GradCheckOpsTests: elementwise, reductions, MatMul, views, joining, indexing, copies.</summary>
    private static void AddGradCheckFamilies(CaseTable all)
    {
        void Add(string name, Func<Tensor[], Tensor> f, params Tensor[] inputs) => all.Add(name, f, inputs);
        void Add1(string name, Func<Tensor, Tensor> f, Tensor input) => all.Add1(name, f, input);

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
        Add("Where", xs => Tensor.Where(condition.To(xs[0].Device), xs[0], xs[1]), R(60, 3, 4), R(61, 3, 4));
        Add("Where broadcast", xs => Tensor.Where(condition.To(xs[0].Device), xs[0], xs[1]), R(62, 3, 1), R(63, 4));
        Add("Where broadcast condition", xs => Tensor.Where(condition[0].To(xs[0].Device), xs[0], xs[1]), R(64, 3, 4), R(65, 3, 4));

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
        Add1("IndexSelect dim 0", x => x.IndexSelect(0, rows.To(x.Device)), R(500, 3, 4));
        Add1("IndexSelect dim 1", x => x.IndexSelect(1, rows.To(x.Device)), R(501, 2, 3, 2));
        Add1("IndexSelect of transposed", x => x.T.IndexSelect(-1, rows.To(x.Device)), R(502, 3, 4));
        var picks = Tensor.FromArray([0, 3, 3, 1, 2, 2], 3, 2);
        Add1("Gather dim 1", x => x.Gather(1, picks.To(x.Device)), R(503, 3, 4));
        Add1("Gather dim 0", x => x.Gather(0, Tensor.FromArray([2, 0, 1, 1, 0, 0, 2, 2], 2, 4).To(x.Device)), R(504, 3, 4));
        Add1("Gather one element", x => x.Gather(1, Tensor.FromArray([2], 1, 1).To(x.Device)), R(506, 3, 4));
        Add1("IndexSelect one index", x => x.IndexSelect(0, Tensor.FromArray([1]).To(x.Device)), R(507, 3, 4));
        Add1("Gather of transposed", x => x.T.Gather(1, Tensor.FromArray([0, 2, 1, 1], 4, 1).To(x.Device)), R(505, 3, 4));

        // Copies.
        Add1("To same device", x => x.To(x.Device) * x, R(600, 3, 4));
        Add1("Clone", x => x.Clone() * x, R(601, 3, 4));
        Add1("Clone of transposed", x => x.T.Clone(), R(602, 3, 4));
        Add1("Contiguous of transposed", x => x.T.Contiguous().Exp(), R(603, 3, 4));

        // A composition: softmax cross-entropy of a linear layer.
        var targets = Tensor.FromArray([2, 0, 1], 3, 1);
        Add("Linear then cross-entropy", xs =>
            -(Tensor.MatMul(xs[0], xs[1].T) + xs[2]).LogSoftmax().Gather(1, targets.To(xs[0].Device)).Mean(),
            R(700, 3, 4), R(701, 5, 4), R(702, 5));
    }


    /// <summary>Conv2d and ConvTranspose2d with stride, padding, dilation and groups, with and without bias.</summary>
    private static void AddConvolutions(CaseTable all)
    {
        all.Add("Conv2d 3x3 with bias", xs => Tensor.Conv2d(xs[0], xs[1], xs[2]), R(800, 2, 3, 5, 5), R(801, 4, 3, 3, 3), R(802, 4));
        all.Add("Conv2d stride 2 no bias", xs => Tensor.Conv2d(xs[0], xs[1], stride: 2), R(803, 1, 2, 6, 5), R(804, 3, 2, 3, 2));
        all.Add("Conv2d padding 1", xs => Tensor.Conv2d(xs[0], xs[1], xs[2], padding: 1), R(805, 2, 2, 4, 4), R(806, 3, 2, 3, 3), R(807, 3));
        all.Add("Conv2d stride (2,1) padding (1,0)", xs => Tensor.Conv2d(xs[0], xs[1], xs[2], stride: (2, 1), padding: (1, 0)),
            R(808, 1, 2, 5, 4), R(809, 2, 2, 3, 2), R(810, 2));
        all.Add("Conv2d dilation 2 padding 2", xs => Tensor.Conv2d(xs[0], xs[1], dilation: 2, padding: 2), R(811, 1, 2, 6, 7), R(812, 2, 2, 3, 3));
        all.Add("Conv2d groups 2", xs => Tensor.Conv2d(xs[0], xs[1], xs[2], groups: 2), R(813, 2, 4, 4, 5), R(814, 6, 2, 3, 3), R(815, 6));
        all.Add("Conv2d depthwise padding 1", xs => Tensor.Conv2d(xs[0], xs[1], padding: 1, groups: 3), R(816, 1, 3, 4, 4), R(817, 3, 1, 3, 3));
        all.Add("Conv2d 1x1", xs => Tensor.Conv2d(xs[0], xs[1], xs[2]), R(818, 2, 3, 3, 2), R(819, 4, 3, 1, 1), R(820, 4));
        all.Add("Conv2d of 3-D input", xs => Tensor.Conv2d(xs[0], xs[1], xs[2], stride: 2, padding: 1), R(821, 2, 5, 5), R(822, 3, 2, 3, 3), R(823, 3));
        all.Add("Conv2d of permuted input", xs => Tensor.Conv2d(xs[0].Permute(0, 1, 3, 2), xs[1]), R(824, 1, 2, 5, 4), R(825, 2, 2, 2, 2));
        all.Add("Conv2d then Tanh then Conv2d", xs => Tensor.Conv2d(Tensor.Conv2d(xs[0], xs[1], padding: 1).Tanh(), xs[2], stride: 2),
            R(826, 1, 2, 4, 4), R(827, 3, 2, 3, 3), R(828, 2, 3, 2, 2));

        all.Add("ConvTranspose2d with bias", xs => Tensor.ConvTranspose2d(xs[0], xs[1], xs[2]), R(830, 2, 3, 3, 3), R(831, 3, 2, 3, 3), R(832, 2));
        all.Add("ConvTranspose2d stride 2 output padding 1 no bias", xs => Tensor.ConvTranspose2d(xs[0], xs[1], stride: 2, outputPadding: 1),
            R(833, 1, 2, 3, 3), R(834, 2, 3, 3, 3));
        all.Add("ConvTranspose2d stride 2 padding 1", xs => Tensor.ConvTranspose2d(xs[0], xs[1], xs[2], stride: 2, padding: 1),
            R(835, 1, 2, 3, 4), R(836, 2, 2, 3, 3), R(837, 2));
        all.Add("ConvTranspose2d dilation 2", xs => Tensor.ConvTranspose2d(xs[0], xs[1], dilation: 2), R(838, 1, 2, 3, 3), R(839, 2, 2, 2, 2));
        all.Add("ConvTranspose2d groups 2", xs => Tensor.ConvTranspose2d(xs[0], xs[1], xs[2], groups: 2), R(840, 1, 4, 3, 3), R(841, 4, 1, 3, 3), R(842, 2));
        all.Add("ConvTranspose2d stride (2,1) padding (0,1)", xs => Tensor.ConvTranspose2d(xs[0], xs[1], stride: (2, 1), padding: (0, 1)),
            R(843, 2, 2, 3, 3), R(844, 2, 3, 2, 3));
        all.Add("ConvTranspose2d of 3-D input", xs => Tensor.ConvTranspose2d(xs[0], xs[1], xs[2], stride: 2), R(845, 2, 2, 3), R(846, 2, 2, 2, 2), R(847, 2));
    }

    /// <summary>MaxPool2d (distinct values, so no ties), AvgPool2d counting padding or not, AdaptiveAvgPool2d with equal and unequal bins.</summary>
    private static void AddPooling(CaseTable all)
    {
        all.Add1("MaxPool2d 2", x => x.MaxPool2d(2), D(900, 2, 2, 4, 4));
        all.Add1("MaxPool2d 3 stride 1 overlapping", x => x.MaxPool2d(3, stride: 1), D(901, 1, 2, 5, 5));
        all.Add1("MaxPool2d 3 stride 2 padding 1", x => x.MaxPool2d(3, stride: 2, padding: 1), D(902, 2, 1, 5, 6));
        all.Add1("MaxPool2d 2 stride 1 dilation 2", x => x.MaxPool2d(2, stride: 1, dilation: 2), D(903, 1, 2, 5, 5));
        all.Add1("MaxPool2d (3,2) stride (2,1) padding (1,0)", x => x.MaxPool2d((3, 2), stride: (2, 1), padding: (1, 0)), D(904, 1, 2, 5, 4));
        all.Add1("MaxPool2d padding 1 of negative input", x => x.MaxPool2d(2, stride: 1, padding: 1), D(905, 1, 2, 3, 3) - 2f);
        all.Add1("MaxPool2d of 3-D input", x => x.MaxPool2d(2, stride: 1), D(906, 2, 4, 4));
        all.Add1("MaxPool2d of permuted input", x => x.Permute(0, 1, 3, 2).MaxPool2d(2), D(907, 1, 2, 4, 6));

        all.Add1("AvgPool2d 2", x => x.AvgPool2d(2), R(910, 2, 2, 4, 4));
        all.Add1("AvgPool2d 3 stride 1 overlapping", x => x.AvgPool2d(3, stride: 1), R(911, 1, 2, 5, 5));
        all.Add1("AvgPool2d 3 stride 2 padding 1 counting padding", x => x.AvgPool2d(3, stride: 2, padding: 1, countIncludePad: true), R(912, 2, 1, 5, 6));
        all.Add1("AvgPool2d 3 stride 2 padding 1 not counting padding", x => x.AvgPool2d(3, stride: 2, padding: 1, countIncludePad: false), R(913, 2, 1, 5, 6));
        all.Add1("AvgPool2d (3,2) stride 1 padding 1 not counting padding", x => x.AvgPool2d((3, 2), stride: 1, padding: 1, countIncludePad: false),
            R(914, 1, 2, 4, 5));
        all.Add1("AvgPool2d of transposed input", x => x.Transpose(2, 3).AvgPool2d(2, stride: 1), R(915, 1, 2, 4, 3));

        all.Add1("AdaptiveAvgPool2d 2 of divisible size", x => x.AdaptiveAvgPool2d(2), R(920, 2, 2, 4, 6));
        all.Add1("AdaptiveAvgPool2d (3,2) of non-divisible size", x => x.AdaptiveAvgPool2d((3, 2)), R(921, 1, 2, 5, 5));
        all.Add1("AdaptiveAvgPool2d 1 global", x => x.AdaptiveAvgPool2d(1), R(922, 2, 3, 3, 5));
        all.Add1("AdaptiveAvgPool2d (3,4) of 3-D input", x => x.AdaptiveAvgPool2d((3, 4)), R(923, 2, 7, 5));
        all.Add1("AdaptiveAvgPool2d larger than its input", x => x.AdaptiveAvgPool2d(4), R(924, 1, 1, 3, 3));
    }

    /// <summary>The LSTM cell (fused on some backends) at hidden sizes around SIMD widths, and GRU and RNN steps.</summary>
    private static void AddRecurrent(CaseTable all)
    {
        int seed = 1000;
        foreach (var (n, hidden) in new[] { (1, 1), (3, 3), (2, 8), (1, 9), (3, 17) })
            all.Add($"LSTMCell N={n} H={hidden}", xs => Tensor.LSTMCell(xs[0], xs[1]),
                Between(seed++, -3, 3, n, 4 * hidden), Between(seed++, -2, 2, n, hidden));
        all.Add("LSTMCell of sliced gates and transposed state", xs => Tensor.LSTMCell(xs[0][.., 1..13], xs[1].T),
            Between(1020, -3, 3, 2, 14), Between(1021, -2, 2, 3, 2));
        all.Add("LSTMCell two steps through a hidden projection", xs =>
        {
            var first = Tensor.LSTMCell(xs[0], xs[2]);
            return Tensor.LSTMCell(xs[1] + Tensor.MatMul(first[0], xs[3].T), first[1]);
        }, Between(1022, -3, 3, 2, 12), Between(1023, -3, 3, 2, 12), Between(1024, -2, 2, 2, 3), R(1025, 12, 3));
        all.Add("GRU step", xs => GRUCell.Step(xs[0], xs[1], xs[2], xs[3]), R(1030, 2, 9), R(1031, 2, 3), R(1032, 9, 3), R(1033, 9));
        all.Add("GRU step no hidden bias", xs => GRUCell.Step(xs[0], xs[1], xs[2], null), R(1034, 3, 12), R(1035, 3, 4), R(1036, 12, 4));
        all.Add("RNN tanh step", xs => RNNCell.Step(xs[0], xs[1], xs[2], xs[3], Nonlinearity.Tanh), R(1040, 2, 4), R(1041, 2, 4), R(1042, 4, 4), R(1043, 4));
        all.Add("RNN tanh step no hidden bias", xs => RNNCell.Step(xs[0], xs[1], xs[2], null, Nonlinearity.Tanh), R(1044, 3, 5), R(1045, 3, 5), R(1046, 5, 5));
        all.Add("AddMatMul bias row", xs => Tensor.AddMatMul(xs[0], xs[1], xs[2]), R(1050, 5), R(1051, 3, 4), R(1052, 4, 5));
        all.Add("AddMatMul full", xs => Tensor.AddMatMul(xs[0], xs[1], xs[2]), R(1053, 3, 5), R(1054, 3, 4), R(1055, 4, 5));
        all.Add("AddMatMul transposed operand", xs => Tensor.AddMatMul(xs[0], xs[1], xs[2].T), R(1056, 5), R(1057, 3, 4), R(1058, 5, 4));
    }

    /// <summary>Scaled dot-product attention, unmasked, with a causal mask, with a learned additive mask and with broadcast heads.</summary>
    private static void AddAttention(CaseTable all)
    {
        var causal = MultiHeadAttention.CausalMask(4, 4);
        all.Add("Attention", xs => MultiHeadAttention.ScaledDotProductAttention(xs[0], xs[1], xs[2]), R(1100, 2, 3, 4), R(1101, 2, 5, 4), R(1102, 2, 5, 3));
        all.Add("Attention causal mask", xs => MultiHeadAttention.ScaledDotProductAttention(xs[0], xs[1], xs[2], causal.To(xs[0].Device)),
            R(1103, 1, 4, 4), R(1104, 1, 4, 4), R(1105, 1, 4, 2));
        all.Add("Attention additive mask as input", xs => MultiHeadAttention.ScaledDotProductAttention(xs[0], xs[1], xs[2], xs[3]),
            R(1106, 2, 3, 4), R(1107, 2, 5, 4), R(1108, 2, 5, 3), R(1109, 3, 5));
        all.Add("Attention heads with broadcast keys", xs => MultiHeadAttention.ScaledDotProductAttention(xs[0], xs[1], xs[2]),
            R(1110, 2, 2, 3, 4), R(1111, 2, 1, 3, 4), R(1112, 2, 1, 3, 2));
        all.Add("Attention written with public ops of transposed keys", xs =>
            (Tensor.MatMul(xs[0], xs[1]) * 0.5f).Softmax().MatMul(xs[2]), R(1113, 2, 3, 4), R(1114, 2, 4, 5), R(1115, 2, 5, 3));
    }

    /// <summary>Layer norm and batch norm (training statistics) written as the NN layers compose them, with γ and β as inputs.</summary>
    private static void AddNormalization(CaseTable all)
    {
        static Tensor Normalize(Tensor x, int[] axes)
        {
            var centered = x - x.Mean(axes, keepDim: true);
            var variance = (centered * centered).Mean(axes, keepDim: true);
            return centered / (variance + 1e-5f).Sqrt();
        }
        all.Add("LayerNorm last dim", xs => Normalize(xs[0], [-1]) * xs[1] + xs[2], R(1200, 3, 6), P(1201, 6), R(1202, 6));
        all.Add("LayerNorm last two dims", xs => Normalize(xs[0], [1, 2]) * xs[1] + xs[2], R(1203, 2, 3, 4), P(1204, 3, 4), R(1205, 3, 4));
        all.Add("BatchNorm1d batch statistics", xs => Normalize(xs[0], [0]) * xs[1] + xs[2], R(1206, 4, 3), P(1207, 3), R(1208, 3));
        all.Add("BatchNorm2d batch statistics", xs => Normalize(xs[0], [0, 2, 3]) * xs[1].Reshape(1, 3, 1, 1) + xs[2].Reshape(1, 3, 1, 1),
            R(1209, 2, 3, 2, 2), P(1210, 3), R(1211, 3));
    }

    /// <summary>The classification and regression losses of <see cref="Loss"/>, targets kept away from their kinks.</summary>
    private static void AddLosses(CaseTable all)
    {
        var classes = Tensor.FromArray([2, 0, 4, 1], 4);
        var spatialClasses = Tensor.FromArray([0, 2, 1, 1, 2, 0, 0, 1], 2, 4);
        all.Add1("Loss.CrossEntropy", x => Loss.CrossEntropy(x, classes.To(x.Device)), Between(1300, -2, 2, 4, 5));
        all.Add1("Loss.CrossEntropy sum", x => Loss.CrossEntropy(x, classes.To(x.Device), Reduction.Sum), Between(1301, -2, 2, 4, 5));
        all.Add1("Loss.CrossEntropy unreduced", x => Loss.CrossEntropy(x, classes.To(x.Device), Reduction.None), Between(1302, -2, 2, 4, 5));
        all.Add1("Loss.CrossEntropy label smoothing", x => Loss.CrossEntropy(x, classes.To(x.Device), labelSmoothing: 0.1), Between(1303, -2, 2, 4, 5));
        all.Add1("Loss.CrossEntropy spatial", x => Loss.CrossEntropy(x, spatialClasses.To(x.Device)), Between(1304, -2, 2, 2, 3, 4));
        all.Add1("Loss.NLL of LogSoftmax", x => Loss.NLL(x.LogSoftmax(1), classes.To(x.Device)), Between(1305, -2, 2, 4, 5));
        all.Add("Loss.MSE", xs => Loss.MSE(xs[0], xs[1]), R(1306, 3, 4), R(1307, 3, 4));
        all.Add("Loss.MSE sum", xs => Loss.MSE(xs[0], xs[1], Reduction.Sum), R(1308, 3, 4), R(1309, 3, 4));
        // b sits half a grid step off a's grid, so no difference is 0.
        all.Add("Loss.L1", xs => Loss.L1(xs[0], xs[1]), D(1310, 3, 4), D(1311, 3, 4) + 0.025f);
        all.Add("Loss.SmoothL1", xs => Loss.SmoothL1(xs[0], xs[1]), Between(1312, -1.5f, 1.5f, 3, 4), R(1313, 3, 4));
        all.Add("Loss.Huber", xs => Loss.Huber(xs[0], xs[1], Reduction.Sum, delta: 0.5), Between(1314, -1.5f, 1.5f, 3, 4), R(1315, 3, 4));
        all.Add("Loss.BinaryCrossEntropy", xs => Loss.BinaryCrossEntropy(xs[0], xs[1]), Between(1316, 0.1f, 0.9f, 3, 4), Between(1317, 0, 1, 3, 4));
        all.Add("Loss.BinaryCrossEntropyWithLogits", xs => Loss.BinaryCrossEntropyWithLogits(xs[0], xs[1]),
            Between(1318, -3, 3, 3, 4), Between(1319, 0, 1, 3, 4));
        all.Add("Loss.KLDivergence", xs => Loss.KLDivergence(xs[0].LogSoftmax(1), xs[1].Softmax(1)), R(1320, 3, 4), R(1321, 3, 4));
    }

    /// <summary>Erf, Floor and Sign (no gradient through them), and activations at sizes past a SIMD width and with strided gradients.</summary>
    private static void AddElementwiseExtras(CaseTable all)
    {
        all.Add1("Erf", x => x.Erf(), Between(1400, -2, 2, 3, 4));
        all.Add1("Erf of transposed", x => x.T.Erf(), Between(1401, -2, 2, 3, 4));
        all.Add1("Erf wide range", x => x.Erf(), Between(1402, -4, 4, 5, 7));
        all.Add1("Floor times input", x => x.Floor() * x, AwayFromIntegers(1403, 3, 4));
        all.Add1("Floor of transposed plus Exp", x => x.T.Floor() + x.T.Exp(), AwayFromIntegers(1404, 3, 4));
        all.Add1("Sign times Exp", x => x.Sign() * x.Exp(), D(1405, 3, 4));

        var activations = new (string Name, Func<Tensor, Tensor> Op, float Range)[]
        {
            ("ReLU", x => x.ReLU(), 0), ("LeakyReLU", x => x.LeakyReLU(0.2f), 0), ("Sigmoid", x => x.Sigmoid(), 8),
            ("Tanh", x => x.Tanh(), 5), ("GELU", x => x.GELU(), 6),
        };
        int seed = 1410;
        foreach (var (name, op, range) in activations)
        {
            Tensor Input(params int[] shape) => range == 0 ? D(seed++, shape) : Between(seed++, -range, range, shape);
            all.Add1($"{name} [5,7]", op, Input(5, 7));
            all.Add1($"{name} [3,17] then transposed", x => op(x).T, Input(3, 17));
            all.Add1($"{name} then sliced", x => op(x)[1.., ..^1], Input(4, 9));
            all.Add1($"{name} then expanded", x => op(x).Expand(3, 2, 5), Input(2, 5));
        }
        all.Add1("GELU then Tanh then Sigmoid", x => x.GELU().Tanh().Sigmoid(), Between(1440, -3, 3, 4, 9));
        all.Add1("Softmax wide row", x => x.Softmax(), Between(1441, -3, 3, 2, 37));
        // Only a few columns of the wide log-softmax are weighted: every output shares the row's rounded log-sum-exp, and
        // 37 of them together move L by more than finite differences at ε = 10⁻³ can resolve.
        all.Add1("LogSoftmax wide row first columns", x => x.LogSoftmax()[.., ..6], Between(1442, -3, 3, 2, 37));
    }

    /// <summary>Values in [−3, 3) at least 0.1 from every integer, so Floor is constant near each.</summary>
    private static Tensor AwayFromIntegers(int seed, params int[] shape) =>
        Tensor.FromArray(Values(Count(shape), seed, -3, 3).Select(v => MathF.Floor(v) + 0.1f + 0.8f * (v - MathF.Floor(v))).ToArray(), shape);

    private static string Show(int[] shape) => "[" + string.Join(",", shape) + "]";
}
