// Optimizers and learning-rate schedules against PyTorch 1.13 (tests/reference/ops, written by make_op_reference.py):
// 20 steps of each optimizer on one least-squares problem, the parameters after every step; and each schedule's
// rate per epoch for two parameter groups.
using DeepLearnKit.Optim;
using DeepLearnKit.Tests.IO;

namespace DeepLearnKit.Tests.Reference;

public sealed class OptimizerReferenceTests
{
    private const int Steps = 20;

    private static readonly Dictionary<string, Func<Tensor[], Optimizer>> optimizers = new()
    {
        ["sgd"] = p => new SGD(p, 0.1),
        ["sgd_momentum"] = p => new SGD(p, 0.05, momentum: 0.9),
        ["sgd_momentum_dampening"] = p => new SGD(p, 0.05, momentum: 0.9, dampening: 0.5),
        ["sgd_nesterov_weight_decay"] = p => new SGD(p, 0.05, momentum: 0.9, weightDecay: 0.01, nesterov: true),
        ["adam"] = p => new Adam(p, 0.1),
        ["adam_betas_weight_decay_amsgrad"] = p => new Adam(p, 0.1, betas: (0.8, 0.9), weightDecay: 0.1, amsgrad: true),
        ["adamw"] = p => new AdamW(p, 0.1, weightDecay: 0.1),
        ["adamw_amsgrad"] = p => new AdamW(p, 0.1, weightDecay: 0.5, amsgrad: true),
        ["rmsprop"] = p => new RMSprop(p, 0.01),
        ["rmsprop_centered_momentum_weight_decay"] = p => new RMSprop(p, 0.01, alpha: 0.9, weightDecay: 0.01, momentum: 0.5, centered: true),
        ["adagrad"] = p => new Adagrad(p, 0.5),
        ["adagrad_lr_decay_weight_decay_initial"] = p => new Adagrad(p, 0.5, lrDecay: 0.01, weightDecay: 0.01, initialAccumulatorValue: 0.1),
        ["adadelta"] = p => new Adadelta(p, 1.0, rho: 0.9, weightDecay: 0.01),
        ["sgd_nesterov"] = p => new SGD(p, 0.05, momentum: 0.8, nesterov: true),
        ["adam_eps0.1"] = p => new Adam(p, 0.1, eps: 0.1),
        ["adamw_eps0.1"] = p => new AdamW(p, 0.1, eps: 0.1, weightDecay: 0.1),
        ["rmsprop_eps0.1"] = p => new RMSprop(p, 0.05, eps: 0.1),
        ["rmsprop_centered_eps0.1"] = p => new RMSprop(p, 0.05, eps: 0.1, centered: true),
        ["adagrad_eps0.1"] = p => new Adagrad(p, 0.5, eps: 0.1),
        ["adadelta_eps0.1"] = p => new Adadelta(p, 1.0, eps: 0.1),
        ["sgd_two_groups"] = p => new SGD([new ParamGroup([p[0]], new SGDOptions(0.1, Momentum: 0.9)), new ParamGroup([p[1]], new SGDOptions(0.01))],
            new SGDOptions(0.1)),
        ["adam_step_lr"] = p => new Adam(p, 0.1),
    };

    /// <summary>The schedule stepped after every optimizer step, for the cases that have one.</summary>
    private static readonly Dictionary<string, Func<Optimizer, LRScheduler>> stepSchedules = new()
    {
        ["adam_step_lr"] = o => new StepLR(o, stepSize: 5, gamma: 0.5),
    };

    private static readonly Dictionary<string, Func<Optimizer, LRScheduler>> schedules = new()
    {
        ["step_lr"] = o => new StepLR(o, stepSize: 5, gamma: 0.5),
        ["multi_step_lr"] = o => new MultiStepLR(o, [3, 7, 12], gamma: 0.3),
        ["exponential_lr"] = o => new ExponentialLR(o, gamma: 0.9),
        ["cosine_annealing_lr"] = o => new CosineAnnealingLR(o, tMax: 10, etaMin: 0.001),
        ["multi_step_lr_repeated_milestones"] = o => new MultiStepLR(o, [3, 3, 7], gamma: 0.5),
        ["linear_lr"] = o => new LinearLR(o, startFactor: 0.25, endFactor: 1.0, totalIters: 8),
        ["linear_lr_decay"] = o => new LinearLR(o, startFactor: 1.0, endFactor: 0.1, totalIters: 10),
        ["one_cycle_lr_cos"] = o => new OneCycleLR(o, maxLr: 1.0, totalSteps: 25, pctStart: 0.3),
        ["one_cycle_lr_linear"] = o => new OneCycleLR(o, maxLr: 0.5, totalSteps: 25, pctStart: 0.4, AnnealStrategy.Linear, divFactor: 10,
            finalDivFactor: 100),
    };

    /// <summary>Each clipping case: clips the parameters' gradients and returns the total norm (null for clipping by value).</summary>
    private static readonly Dictionary<string, Func<Tensor[], double?>> clippings = new()
    {
        ["clip_grad_norm_2"] = p => GradClip.ClipGradNorm(p, 1.5),
        ["clip_grad_norm_1"] = p => GradClip.ClipGradNorm(p, 2.0, normType: 1),
        ["clip_grad_norm_inf"] = p => GradClip.ClipGradNorm(p, 1.0, normType: double.PositiveInfinity),
        ["clip_grad_norm_not_exceeded"] = p => GradClip.ClipGradNorm(p, 100.0),
        ["clip_grad_value"] = p =>
        {
            GradClip.ClipGradValue(p, 1.0);
            return null;
        },
    };

    public static TheoryData<string> Optimizers => new(optimizers.Keys);

    public static TheoryData<string> Clippings => new(clippings.Keys);

    public static TheoryData<string> Schedules => new(schedules.Keys);

    [Fact]
    public void Every_PyTorch_optimizer_and_schedule_case_has_its_DeepLearnKit_call()
    {
        Assert.Equal(ReferenceCase.CaseNames("optimizers"), optimizers.Keys.Concat(clippings.Keys).Append("problem").Order());
        Assert.Equal(ReferenceCase.CaseNames("schedules"), plateaus.Keys.Concat(schedules.Keys).Order());
    }

    /// <summary>L(w, b) = mean((X·w + b − y)²) from PyTorch's w₀ and b₀; w and b after each of 20 steps must be PyTorch's.</summary>
    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Optimizer_trajectories_on_a_least_squares_problem_match_PyTorch(string name)
    {
        var problem = new ReferenceCase("optimizers", "problem");
        var (x, y) = (problem.Reference("input.x"), problem.Reference("input.y"));
        var w = problem.Reference("input.w0").Clone().RequireGrad();
        var b = problem.Reference("input.b0").Clone().RequireGrad();
        var optimizer = optimizers[name]([w, b]);
        var schedule = stepSchedules.TryGetValue(name, out var make) ? make(optimizer) : null;
        List<Tensor> ws = [], bs = [];
        for (int step = 0; step < Steps; step++)
        {
            optimizer.ZeroGrad();
            (Tensor.MatMul(x, w) + b - y).Square().Mean().Backward();
            optimizer.Step();
            schedule?.Step();
            ws.Add(w.Detach().Clone());
            bs.Add(b.Detach().Clone());
        }
        var reference = ReferenceCase.File("optimizers");
        PyTorchReference.AssertMatches(reference, $"{name}/trajectory.w", Tensor.Stack(ws));
        PyTorchReference.AssertMatches(reference, $"{name}/trajectory.b", Tensor.Stack(bs));
    }

    [Theory]
    [MemberData(nameof(Clippings))]
    public void Gradient_clipping_by_norm_and_by_value_matches_PyTorch(string name)
    {
        var c = new ReferenceCase("optimizers", name);
        Tensor[] parameters = [.. new[] { "g0", "g1" }.Select(g => Tensor.ZerosLike(c.Reference($"input.{g}")).RequireGrad())];
        parameters[0].Grad = c.Reference("input.g0").Clone();
        parameters[1].Grad = c.Reference("input.g1").Clone();
        var totalNorm = clippings[name](parameters);
        var outputs = new Dictionary<string, Tensor> { ["g0"] = parameters[0].Grad!, ["g1"] = parameters[1].Grad! };
        if (totalNorm is double norm) outputs["total_norm"] = Tensor.Scalar((float)norm);
        c.Check(outputs);
    }

    [Theory]
    [MemberData(nameof(Schedules))]
    public void Learning_rate_schedules_for_two_groups_match_PyTorch_epoch_by_epoch(string name)
    {
        var optimizer = TwoGroups();
        var schedule = schedules[name](optimizer);
        var rates = new List<float>();
        for (int epoch = 0; epoch < 25; epoch++)
        {
            rates.AddRange(optimizer.ParamGroups.Select(g => (float)g.LearningRate));
            schedule.Step();
        }
        PyTorchReference.AssertMatches(ReferenceCase.File("schedules"), $"{name}/lr", Tensor.FromArray([.. rates], 25, 2));
    }

    private static readonly Dictionary<string, Func<Optimizer, ReduceLROnPlateau>> plateaus = new()
    {
        ["reduce_lr_on_plateau"] = o => new ReduceLROnPlateau(o, PlateauMode.Min, factor: 0.5, patience: 2, threshold: 1e-3, cooldown: 1, minLr: 0.005),
        ["reduce_lr_on_plateau_max_abs"] = o => new ReduceLROnPlateau(o, PlateauMode.Max, factor: 0.2, patience: 1, threshold: 0.01,
            ThresholdMode.Absolute),
    };

    public static TheoryData<string> Plateaus => new(plateaus.Keys);

    [Theory]
    [MemberData(nameof(Plateaus))]
    public void ReduceLROnPlateau_with_patience_threshold_cooldown_and_a_floor_matches_PyTorch(string name)
    {
        var optimizer = TwoGroups();
        var plateau = plateaus[name](optimizer);
        var reference = ReferenceCase.File("schedules");
        var rates = new List<float>();
        foreach (float metric in reference[$"{name}/input.metrics"].ToArray())
        {
            plateau.Step(metric);
            rates.AddRange(plateau.LastLearningRates.Select(r => (float)r));
        }
        PyTorchReference.AssertMatches(reference, $"{name}/lr", Tensor.FromArray([.. rates], rates.Count / 2, 2));
    }

    /// <summary>SGD over two groups of one parameter each, with base rates 0.1 and 0.02 (as the script's).</summary>
    private static SGD TwoGroups() => new(
        [new ParamGroup([Tensor.Zeros(1)], new SGDOptions(0.1)), new ParamGroup([Tensor.Zeros(1)], new SGDOptions(0.02))],
        new SGDOptions());
}
