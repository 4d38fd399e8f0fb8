#!/usr/bin/python3
"""PyTorch reference data for DeepLearnKit's ops, layers, losses, optimizers and learning-rate schedules.

Run from the repository root with Debian's PyTorch (python3-torch 1.13.1):

    /usr/bin/python3 tests/reference/make_op_reference.py

It writes one safetensors file per family into tests/reference/ops/ (with make_state_dicts.py's writer), read by
tests/DeepLearnKit.Tests/Reference/*. Every tensor is float32 (indices and class targets as floats, as DeepLearnKit
keeps them) and is named CASE/KIND.NAME:

    CASE/input.X      an input of the case (X = x, y, weight, target, ...)
    CASE/param.P      a module's state_dict entry P before the call (parameters and buffers)
    CASE/output.O     an output (O = y for a single one; indices, h_n, c_n, ...)
    CASE/upstream.O   the fixed upstream gradient ∂L/∂O: backward runs on L = Σ_O Σ(O ⊙ upstream.O)
    CASE/grad.X       ∂L/∂X for each input X that has one; CASE/grad.param.P for a module's parameters
    CASE/after.P      a buffer after the call (BatchNorm's running statistics after one training step)

optimizers.safetensors holds the problem (problem/input.*) and, per optimizer, each parameter after every one of
20 steps (CASE/trajectory.P, [20, ...]), and gradient clipping's cases (the gradients before, as input.*, and after, as
output.*, with the total norm); schedules.safetensors holds CASE/lr, [epochs, groups]: each group's rate
before each scheduler step (after each ReduceLROnPlateau step). Seeds are fixed, so the files change only when the
cases do; together they are well under 1 MB. The cases' settings are written twice, here and in the tests'
DeepLearnKit calls; a test also checks that it covers every case of its file.

Values are drawn so that no case sits on a kink or a tie (|x| ≥ 0.1 for relu/abs, no equal maxima in reductions and
pooling windows, clamp's edges avoided), where the two libraries may legitimately pick different subgradients.

What PyTorch has here and DeepLearnKit lacks (so no case is written for it):
    elementwise   silu, softplus, elu, selu, mish, hardtanh, log1p, expm1, erf, sin/cos, rsqrt, reciprocal as a method;
                  sign's gradient (DeepLearnKit's Sign records none; PyTorch's is 0), so the sign case is forward only
    reductions    prod, median, mode, amax/amin over several dims at once, norm, std_mean/var_mean
    max(dim)      torch.max(x, dim) returns (values, indices) and sends the whole gradient to the returned index;
                  DeepLearnKit's Max(dim) returns the values only (ArgMax(dim) the indices) and shares the gradient
                  evenly among tied maxima, as torch.amax does (and x.max() over all elements): the *_ties cases
                  compare its gradient with amax's and its ArgMax with torch.max(x, dim).indices (the first index)
    losses        cross_entropy's weight= and ignore_index=, nll_loss's weight= and ignore_index=, bce's weight= and
                  pos_weight=, poisson_nll, gaussian_nll, ctc, margin_ranking, cosine_embedding, triplet_margin;
                  binary_cross_entropy's gradient at p = 0 or 1 (PyTorch's ±1e12, DeepLearnKit's 0): bce_saturated is
                  forward only
    layers        conv1d/conv3d, pooling's ceil_mode, max_unpool, lp_pool, adaptive_max_pool2d, group_norm, instance_norm, embedding's
                  padding_idx/max_norm, MultiheadAttention's kdim/vdim, add_bias_kv, add_zero_attn, need_weights
                  per head (DeepLearnKit keeps per-head weights; PyTorch averages them, compared averaged here)
    optimizers    Adamax, NAdam, RAdam, ASGD, Rprop, LBFGS, SGD's maximize=, Adam's maximize= and foreach/fused
    schedules     LambdaLR, MultiplicativeLR, ConstantLR, SequentialLR, ChainedScheduler, CyclicLR,
                  CosineAnnealingWarmRestarts, PolynomialLR, OneCycleLR's three_phase and momentum cycling, MultiStepLR's
                  unsorted milestones (PyTorch sorts them; DeepLearnKit rejects them)
    dropout       not deterministic across libraries: no case.
"""

import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_state_dicts import save_safetensors  # noqa: E402  (one writer for every reference file)

OUT = os.path.join(HERE, "ops")


def randn(*shape, low=None):
    """Standard normal values; with low, values whose magnitude is at least low (no kinks at 0)."""
    x = torch.randn(*shape)
    if low is not None:
        x = torch.where(x.abs() < low, torch.sign(x + 1e-12) * (low + x.abs()), x)
    return x


def distinct(*shape, gap=0.05):
    """A shuffled ladder of values at least gap apart and away from 0: no ties anywhere."""
    n = 1
    for d in shape:
        n *= d
    values = (torch.arange(n, dtype=torch.float32) - n // 2 + 0.5) * gap
    return values[torch.randperm(n)].reshape(shape)


def record(store, name, fn, inputs, grads=None, module=None):
    """Runs fn(**inputs) (a tensor or a dict of outputs), backward from fixed upstream gradients, and stores the case.

    grads names the inputs that get a gradient (default: every float input). With module, its state_dict before the
    call is stored as param.*, its parameters' gradients as grad.param.* and its buffers after the call as after.*."""
    grads = set(inputs) if grads is None else set(grads)
    leaves = {k: v.detach().clone().requires_grad_(k in grads) for k, v in inputs.items()}
    if module is not None:
        for k, v in module.state_dict().items():
            store[f"{name}/param.{k}"] = v.detach().clone().float()
    outputs = fn(**leaves)
    if not isinstance(outputs, dict):
        outputs = {"y": outputs}
    loss = 0
    for k, out in outputs.items():
        store[f"{name}/output.{k}"] = out.detach().float()
        if out.requires_grad:
            upstream = torch.randn_like(out)
            store[f"{name}/upstream.{k}"] = upstream
            loss = loss + (out * upstream).sum()
    if isinstance(loss, torch.Tensor):
        loss.backward()
    for k, v in leaves.items():
        store[f"{name}/input.{k}"] = v.detach().float()
        if k in grads:
            store[f"{name}/grad.{k}"] = v.grad.detach().clone()
    if module is not None:
        for k, p in module.named_parameters():
            store[f"{name}/grad.param.{k}"] = p.grad.detach().clone()
        for k, b in module.named_buffers():
            store[f"{name}/after.{k}"] = b.detach().clone().float()


def write(family, store):
    save_safetensors(os.path.join(OUT, f"{family}.safetensors"), store)


def elementwise():
    torch.manual_seed(100)
    s = {}
    positive = lambda *shape: torch.rand(*shape) * 2 + 0.2  # noqa: E731
    unary = {
        "exp": (torch.exp, randn(3, 4)),
        "log": (torch.log, positive(3, 4)),
        "sqrt": (torch.sqrt, positive(3, 4)),
        "tanh": (torch.tanh, randn(3, 4)),
        "sigmoid": (torch.sigmoid, randn(3, 4)),
        "relu": (torch.relu, randn(3, 4, low=0.1)),
        "leaky_relu": (lambda x: F.leaky_relu(x, 0.1), randn(3, 4, low=0.1)),
        "gelu": (F.gelu, randn(3, 4)),
        "abs": (torch.abs, randn(3, 4, low=0.1)),
        "neg": (torch.neg, randn(3, 4)),
        "square": (torch.square, randn(3, 4)),
        "pow_scalar": (lambda x: x ** 2.5, positive(3, 4)),
        "clamp": (lambda x: x.clamp(-0.5, 0.7), distinct(3, 4, gap=0.13)),
        "affine_scalar": (lambda x: 2.5 * x - 1.5, randn(3, 4)),
        "scalar_divide": (lambda x: 1.5 / x, positive(3, 4)),
        "rsub_scalar": (lambda x: 3 - x, randn(3, 4)),
    }
    for name, (fn, x) in unary.items():
        record(s, name, lambda x, fn=fn: fn(x), {"x": x})
    # [3, 1, 4] with [2, 4]: both sides broadcast, to [3, 2, 4].
    binary = {
        "add": (torch.add, randn(3, 1, 4), randn(2, 4)),
        "sub": (torch.sub, randn(3, 1, 4), randn(2, 4)),
        "mul": (torch.mul, randn(3, 1, 4), randn(2, 4)),
        "div": (torch.div, randn(3, 1, 4), positive(2, 4)),
        "pow": (torch.pow, positive(3, 1, 4), randn(2, 4)),
        "maximum": (torch.maximum, distinct(3, 1, 4, gap=0.1), distinct(2, 4, gap=0.1) + 0.03),
        "minimum": (torch.minimum, distinct(3, 1, 4, gap=0.1), distinct(2, 4, gap=0.1) + 0.03),
        "add_same_shape": (torch.add, randn(2, 3), randn(2, 3)),
        "mul_scalar_tensor": (torch.mul, randn(2, 3), randn(())),
    }
    for name, (fn, x, y) in binary.items():
        record(s, name, lambda x, y, fn=fn: fn(x, y), {"x": x, "y": y})
    # At the kinks and edges, where a subgradient is a choice: PyTorch's choices (relu'(0) = 0, |x|'(0) = 0,
    # leaky_relu'(0) = slope, clamp passes the gradient at its edges, d/dx x⁰ = 0, d/db aᵇ = 0 at a = 0).
    edges = torch.tensor([[-1., 0., 0.5, -0.5], [0.7, 2., 0., -0.3]])
    record(s, "relu_at_zero", torch.relu, {"x": edges})
    record(s, "abs_at_zero", torch.abs, {"x": edges})
    record(s, "leaky_relu_at_zero", lambda x: F.leaky_relu(x, 0.1), {"x": edges})
    record(s, "clamp_at_edges", lambda x: x.clamp(-0.5, 0.7), {"x": edges})
    record(s, "sign", torch.sign, {"x": edges}, grads=[])  # forward only: DeepLearnKit's Sign records no gradient (it is 0)
    record(s, "sqrt_at_zero", torch.sqrt, {"x": torch.tensor([0., 1., 4., 0.25])})
    record(s, "pow_scalar_zero_exponent", lambda x: x ** 0.0, {"x": edges})
    record(s, "pow_scalar_one_at_zero", lambda x: x ** 1.0, {"x": edges})
    record(s, "pow_scalar_two_at_zero", lambda x: x ** 2.0, {"x": edges})
    record(s, "pow_zero_base", lambda input, exponent: torch.pow(input, exponent), {"input": torch.tensor([0., 0., 1., 2., 0.]), "exponent": torch.tensor([2., 0.5, 3., 1.5, 0.])})
    # Ties split the gradient in halves, in both libraries.
    record(s, "maximum_ties", torch.maximum, {"input": torch.tensor([1., 2., 3., -1.]), "other": torch.tensor([1., 1., 3., 0.])})
    record(s, "minimum_ties", torch.minimum, {"input": torch.tensor([1., 2., 3., -1.]), "other": torch.tensor([1., 1., 3., 0.])})
    record(s, "where", lambda condition, x, y: torch.where(condition > 0, x, y),
           {"condition": (torch.rand(3, 4) > 0.5).float(), "x": randn(3, 4), "y": randn(1, 4)}, grads=["x", "y"])
    write("elementwise", s)


def reductions():
    torch.manual_seed(101)
    s = {}
    for dims, keep in [((1,), False), ((0, 2), True), ((-1,), True)]:
        tag = "_".join(str(d) for d in dims) + ("_keepdim" if keep else "")
        record(s, f"sum_{tag}", lambda x, d=dims, k=keep: x.sum(d, keepdim=k), {"x": randn(2, 3, 4)})
        record(s, f"mean_{tag}", lambda x, d=dims, k=keep: x.mean(d, keepdim=k), {"x": randn(2, 3, 4)})
        for correction in (0, 1):
            record(s, f"var_{tag}_correction{correction}",
                   lambda x, d=dims, k=keep, c=correction: torch.var(x, d, unbiased=c == 1, keepdim=k), {"x": randn(2, 3, 4)})
            record(s, f"std_{tag}_correction{correction}",
                   lambda x, d=dims, k=keep, c=correction: torch.std(x, d, unbiased=c == 1, keepdim=k), {"x": randn(2, 3, 4)})
    record(s, "sum_all", lambda x: x.sum(), {"x": randn(2, 3, 4)})
    record(s, "mean_all", lambda x: x.mean(), {"x": randn(2, 3, 4)})
    record(s, "max_all", lambda x: x.max(), {"x": distinct(2, 3, 4)})
    record(s, "min_all", lambda x: x.min(), {"x": distinct(2, 3, 4)})
    for dim, keep in [(0, False), (1, True), (-1, False)]:
        tag = f"{dim}{'_keepdim' if keep else ''}".replace("-", "m")
        for op in ("max", "min"):
            def fn(x, op=op, dim=dim, keep=keep):
                values, indices = getattr(torch, op)(x, dim, keepdim=keep)
                return {"y": values, "indices": indices.float()}
            record(s, f"{op}_dim{tag}", fn, {"x": distinct(2, 3, 4)})
        record(s, f"logsumexp_dim{tag}", lambda x, d=dim, k=keep: torch.logsumexp(x, d, keepdim=k), {"x": 3 * randn(2, 3, 4)})
    for dim in (0, 1, -1):
        tag = str(dim).replace("-", "m")
        record(s, f"softmax_dim{tag}", lambda x, d=dim: torch.softmax(x, d), {"x": 2 * randn(2, 3, 4)})
        record(s, f"log_softmax_dim{tag}", lambda x, d=dim: torch.log_softmax(x, d), {"x": 2 * randn(2, 3, 4)})
        record(s, f"cumsum_dim{tag}", lambda x, d=dim: torch.cumsum(x, d), {"x": randn(2, 3, 4)})
    record(s, "var_all", lambda x: x.var(), {"x": randn(2, 3, 4)})
    record(s, "std_all_correction0", lambda x: x.std(unbiased=False), {"x": randn(2, 3, 4)})
    # Infinities: -∞ entries (a masked score) in softmax, log_softmax and logsumexp, and logsumexp of rows whose
    # maximum is ±∞ (PyTorch gives ±∞ there, not ∞ − ∞).
    inf = float("inf")
    masked = torch.tensor([[1., -inf, 0.5, 2.], [-inf, 0., -inf, -1.]])
    record(s, "softmax_neg_inf", lambda x: torch.softmax(x, -1), {"x": masked})
    record(s, "log_softmax_neg_inf", lambda x: torch.log_softmax(x, -1), {"x": masked})
    record(s, "logsumexp_neg_inf", lambda x: torch.logsumexp(x, -1), {"x": masked})
    record(s, "logsumexp_infinite_rows", lambda x: torch.logsumexp(x, -1),
           {"x": torch.tensor([[-inf, -inf, -inf], [1., inf, 2.], [0., -inf, 1.]])}, grads=[])
    record(s, "argmax_flat", lambda x: {"indices": x.argmax().float()}, {"x": distinct(3, 4)}, grads=[])
    record(s, "sort_descending", lambda x: dict(zip(("y", "indices"), (lambda r: (r.values, r.indices.float()))(x.sort(-1, descending=True)))),
           {"x": distinct(3, 5)})
    record(s, "topk", lambda x: dict(zip(("y", "indices"), (lambda r: (r.values, r.indices.float()))(x.topk(2, dim=1)))),
           {"x": distinct(3, 5)})
    # Ties: the first index wins in argmax/argmin and torch.max/min(dim)'s indices (PyTorch 1.13, CPU), as in DeepLearnKit;
    # DeepLearnKit's Max/Min(dim) share the gradient among tied elements as torch.amax/amin and the full x.max() do, so
    # their gradients are compared with those (torch.max(x, dim) would send it all to the returned index).
    ties = torch.tensor([[1., 3., 3., 2.], [5., 5., 5., 0.], [0., 1., 0., 1.]])
    record(s, "amax_dim1_ties", lambda x: torch.amax(x, 1), {"x": ties})
    record(s, "amin_dim0_ties_keepdim", lambda x: torch.amin(x, 0, keepdim=True), {"x": ties})
    record(s, "max_all_ties", lambda x: x.max(), {"x": ties})
    record(s, "max_dim1_ties_indices", lambda x: {"indices": torch.max(x, 1).indices.float()}, {"x": ties}, grads=[])
    record(s, "min_dim0_ties_indices", lambda x: {"indices": torch.min(x, 0).indices.float()}, {"x": ties}, grads=[])
    record(s, "argmax_flat_ties", lambda x: {"indices": x.argmax().float()}, {"x": ties}, grads=[])
    write("reductions", s)


def matmul():
    torch.manual_seed(102)
    s = {}
    cases = {
        "matrix_matrix": ((3, 4), (4, 5)),
        "vector_matrix": ((4,), (4, 5)),
        "matrix_vector": ((3, 4), (4,)),
        "vector_vector": ((4,), (4,)),
        "bmm": ((2, 3, 4), (2, 4, 5)),
        "batched_broadcast": ((2, 1, 3, 4), (5, 4, 2)),
        "batched_matrix": ((2, 3, 4), (4, 5)),
        "vector_batched": ((4,), (2, 4, 5)),
        "batched_vector": ((2, 3, 4), (4,)),
    }
    for name, (a, b) in cases.items():
        record(s, name, torch.matmul, {"input": randn(*a), "other": randn(*b)})
    write("matmul", s)


def indexing():
    """Selecting, joining and reshaping: their backward passes scatter and add (repeated indices add up)."""
    torch.manual_seed(109)
    s = {}
    ids = lambda *values: torch.tensor(values).float()  # noqa: E731
    record(s, "index_select_repeats", lambda x, index: x.index_select(1, index.long()), {"x": randn(3, 4), "index": ids(2, 0, 2, 3)},
           grads=["x"])
    record(s, "gather", lambda x, index: x.gather(1, index.long()),
           {"x": randn(3, 4), "index": torch.tensor([[0, 0, 3], [1, 2, 1], [3, 3, 3]]).float()}, grads=["x"])
    record(s, "masked_fill", lambda x, mask: x.masked_fill(mask > 0, -2.5), {"x": randn(3, 4), "mask": (torch.rand(1, 4) > 0.5).float()},
           grads=["x"])
    record(s, "cat_dim1", lambda a, b: torch.cat([a, b], 1), {"a": randn(2, 3), "b": randn(2, 2)})
    record(s, "stack_dim1", lambda a, b: torch.stack([a, b], 1), {"a": randn(2, 3), "b": randn(2, 3)})
    record(s, "split_sizes", lambda x: dict(zip(("y0", "y1"), x.split([1, 3], 1))), {"x": randn(2, 4, 2)})
    record(s, "chunk", lambda x: dict(zip(("y0", "y1", "y2"), x.chunk(3, 0))), {"x": randn(5, 2)})
    record(s, "transpose_reshape", lambda x: x.transpose(0, 2).reshape(4, -1), {"x": randn(2, 3, 4)})
    record(s, "permute", lambda x: x.permute(2, 0, 1), {"x": randn(2, 3, 4)})
    record(s, "expand_sum", lambda x: x.expand(3, 2, 4) * 1.0, {"x": randn(2, 1)})
    record(s, "narrow", lambda x: x.narrow(1, 1, 2), {"x": randn(3, 4)})
    record(s, "slice", lambda x: x[1:, 1:4], {"x": randn(3, 5)})
    record(s, "flip", lambda x: x.flip(0, 2), {"x": randn(2, 3, 4)})
    record(s, "tril_triu", lambda x: {"tril": x.tril(-1), "triu": x.triu(1)}, {"x": randn(4, 4)})
    write("indexing", s)


def convolution():
    torch.manual_seed(103)
    s = {}
    conv = {
        "conv2d": dict(),
        "conv2d_stride2_padding1": dict(stride=2, padding=1),
        "conv2d_dilation2": dict(dilation=2, padding=2),
        "conv2d_groups2": dict(groups=2, padding=1),
        "conv2d_rectangular": dict(stride=(2, 1), padding=(1, 0), dilation=(1, 2)),
        "conv2d_stride3_padding2": dict(stride=3, padding=2),
    }
    for name, options in conv.items():
        groups = options.get("groups", 1)
        record(s, name, lambda input, weight, bias, o=options: F.conv2d(input, weight, bias, **o),
               {"input": randn(2, 4, 7, 6), "weight": randn(6, 4 // groups, 3, 3), "bias": randn(6)})
    record(s, "conv2d_depthwise_kernel2x3", lambda input, weight, bias: F.conv2d(input, weight, bias, padding=(1, 2), stride=(1, 2), groups=4),
           {"input": randn(2, 4, 5, 6), "weight": randn(8, 1, 2, 3), "bias": randn(8)})
    record(s, "conv2d_unbatched", lambda input, weight, bias: F.conv2d(input, weight, bias, padding=1),
           {"input": randn(3, 5, 5), "weight": randn(2, 3, 3, 3), "bias": randn(2)})
    record(s, "conv2d_no_bias", lambda input, weight: F.conv2d(input, weight, padding=1),
           {"input": randn(1, 3, 5, 5), "weight": randn(2, 3, 3, 3)})
    transpose = {
        "conv_transpose2d": dict(),
        "conv_transpose2d_stride2_padding1_output_padding1": dict(stride=2, padding=1, output_padding=1),
        "conv_transpose2d_groups2_dilation2": dict(groups=2, dilation=2),
        "conv_transpose2d_rectangular": dict(stride=(2, 3), padding=(0, 1), output_padding=(1, 2)),
    }
    for name, options in transpose.items():
        groups = options.get("groups", 1)
        record(s, name, lambda input, weight, bias, o=options: F.conv_transpose2d(input, weight, bias, **o),
               {"input": randn(2, 4, 4, 5), "weight": randn(4, 6 // groups, 3, 3), "bias": randn(6)})
    pools = {
        "max_pool2d_k2": lambda x: F.max_pool2d(x, 2),
        "max_pool2d_k3_s2_p1": lambda x: F.max_pool2d(x, 3, stride=2, padding=1),
        "max_pool2d_k2_dilation2": lambda x: F.max_pool2d(x, 2, stride=1, dilation=2),
        "avg_pool2d_k2": lambda x: F.avg_pool2d(x, 2),
        "avg_pool2d_k3_s2_p1": lambda x: F.avg_pool2d(x, 3, stride=2, padding=1),
        "avg_pool2d_k3_s2_p1_exclude_pad": lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False),
        "adaptive_avg_pool2d_3x2": lambda x: F.adaptive_avg_pool2d(x, (3, 2)),
        "adaptive_avg_pool2d_upsampling_8x9": lambda x: F.adaptive_avg_pool2d(x, (8, 9)),
        "max_pool2d_rectangular": lambda x: F.max_pool2d(x, (2, 3), stride=(1, 2), padding=(1, 1)),
        "avg_pool2d_rectangular": lambda x: F.avg_pool2d(x, (3, 2), stride=(2, 1), padding=(1, 0)),
    }
    for name, fn in pools.items():
        record(s, name, lambda x, fn=fn: fn(x), {"x": distinct(2, 3, 7, 6, gap=0.01)})
    # Ties inside a window: PyTorch's backward sends the gradient to the first maximum of the window (row-major).
    record(s, "max_pool2d_ties", lambda x: F.max_pool2d(x, 2, stride=1), {"x": torch.randint(0, 3, (1, 2, 4, 5)).float()})
    write("convolution", s)


def layers():
    torch.manual_seed(104)
    s = {}

    def module_case(name, module, inputs, call=None):
        call = call or (lambda x: module(x))
        record(s, name, call, inputs, module=module)

    def perturbed(module):
        with torch.no_grad():
            for p in module.parameters():
                p.add_(0.3 * torch.randn_like(p))
        return module

    bn = perturbed(nn.BatchNorm2d(3))
    module_case("batch_norm2d_train", bn, {"x": 1 + 2 * randn(4, 3, 3, 2)})
    bn = perturbed(nn.BatchNorm2d(3, momentum=0.3))
    with torch.no_grad():
        bn.running_mean.copy_(randn(3))
        bn.running_var.copy_(torch.rand(3) + 0.5)
    module_case("batch_norm2d_momentum0.3_train", bn, {"x": randn(4, 3, 3, 2)})
    bn = perturbed(nn.BatchNorm2d(3))
    with torch.no_grad():
        bn.running_mean.copy_(randn(3))
        bn.running_var.copy_(torch.rand(3) + 0.5)
    module_case("batch_norm2d_eval", bn.eval(), {"x": randn(4, 3, 3, 2)})
    bn = perturbed(nn.BatchNorm2d(3, momentum=None, eps=1e-3))
    record(s, "batch_norm2d_cumulative_two_steps", lambda x0, x1: {"y0": bn(x0), "y1": bn(x1)},
           {"x0": randn(4, 3, 2, 2), "x1": 2 + randn(3, 3, 2, 2)}, module=bn)
    module_case("batch_norm1d_features_train", perturbed(nn.BatchNorm1d(5)), {"x": randn(6, 5)})
    module_case("batch_norm1d_sequence_train", perturbed(nn.BatchNorm1d(3, affine=False)), {"x": randn(4, 3, 5)})
    module_case("layer_norm_last", perturbed(nn.LayerNorm(5)), {"x": randn(2, 3, 5)})
    module_case("layer_norm_last_two", perturbed(nn.LayerNorm([3, 5])), {"x": randn(2, 3, 5)})
    module_case("layer_norm_no_affine", nn.LayerNorm(4, elementwise_affine=False, eps=1e-3), {"x": randn(3, 4)})
    embedding = nn.Embedding(7, 3)
    ids = torch.tensor([[1, 4, 4, 0], [6, 1, 2, 1]])
    record(s, "embedding", lambda ids: embedding(ids.long()), {"ids": ids.float()}, grads=[], module=embedding)
    module_case("linear", nn.Linear(4, 3), {"x": randn(2, 5, 4)})
    module_case("linear_no_bias", nn.Linear(4, 3, bias=False), {"x": randn(5, 4)})
    write("layers", s)


def losses():
    torch.manual_seed(105)
    s = {}
    classes = lambda *shape: torch.randint(0, 5, shape).float()  # noqa: E731
    for reduction in ("mean", "sum", "none"):
        record(s, f"cross_entropy_{reduction}", lambda input, target, r=reduction: F.cross_entropy(input, target.long(), reduction=r),
               {"input": 2 * randn(6, 5), "target": classes(6)}, grads=["input"])
    record(s, "cross_entropy_label_smoothing0.1", lambda input, target: F.cross_entropy(input, target.long(), label_smoothing=0.1),
           {"input": 2 * randn(6, 5), "target": classes(6)}, grads=["input"])
    record(s, "cross_entropy_spatial_label_smoothing0.2_sum",
           lambda input, target: F.cross_entropy(input, target.long(), label_smoothing=0.2, reduction="sum"),
           {"input": randn(2, 5, 3, 2), "target": classes(2, 3, 2)}, grads=["input"])
    record(s, "cross_entropy_spatial", lambda input, target: F.cross_entropy(input, target.long()),
           {"input": randn(2, 5, 3), "target": classes(2, 3)}, grads=["input"])
    record(s, "nll", lambda input, target: F.nll_loss(input, target.long()),
           {"input": torch.log_softmax(randn(6, 5), 1), "target": classes(6)}, grads=["input"])
    record(s, "nll_sum", lambda input, target: F.nll_loss(input, target.long(), reduction="sum"),
           {"input": torch.log_softmax(randn(6, 5), 1), "target": classes(6)}, grads=["input"])
    regression = {
        "mse": lambda p, t: F.mse_loss(p, t),
        "mse_sum": lambda p, t: F.mse_loss(p, t, reduction="sum"),
        "l1": lambda p, t: F.l1_loss(p, t),
        "l1_none": lambda p, t: F.l1_loss(p, t, reduction="none"),
        "smooth_l1": lambda p, t: F.smooth_l1_loss(p, t),
        "smooth_l1_beta0.5": lambda p, t: F.smooth_l1_loss(p, t, beta=0.5),
        "huber": lambda p, t: F.huber_loss(p, t),
        "huber_delta2_sum": lambda p, t: F.huber_loss(p, t, delta=2.0, reduction="sum"),
    }
    for name, fn in regression.items():
        # Differences at least 0.05 from 0 and from the kinks at ±0.5, ±1 and ±2.
        d = distinct(4, 5, gap=0.21) + 0.03
        target = randn(4, 5)
        record(s, name, lambda input, target, fn=fn: fn(input, target), {"input": target + d, "target": target}, grads=["input", "target"])
    probabilities = torch.rand(4, 3) * 0.9 + 0.05
    binary_targets = (torch.rand(4, 3) > 0.5).float()
    record(s, "bce", lambda input, target: F.binary_cross_entropy(input, target), {"input": probabilities, "target": binary_targets},
           grads=["input"])
    record(s, "bce_with_logits", lambda input, target: F.binary_cross_entropy_with_logits(input, target),
           {"input": 2 * randn(4, 3), "target": torch.rand(4, 3)}, grads=["input", "target"])
    record(s, "bce_with_logits_sum", lambda input, target: F.binary_cross_entropy_with_logits(input, target, reduction="sum"),
           {"input": 2 * randn(4, 3), "target": binary_targets}, grads=["input"])
    # p = 0 and 1: each log clamped at -100 (forward only: there PyTorch's gradient is (p - y)/max(p(1 - p), 1e-12) = ±1e12,
    # DeepLearnKit's 0; see Loss.BinaryCrossEntropy).
    record(s, "bce_saturated", lambda input, target: F.binary_cross_entropy(input, target, reduction="none"),
           {"input": torch.tensor([0., 1., 0.5, 1., 0.]), "target": torch.tensor([1., 0., 1., 1., 0.])}, grads=[])
    record(s, "smooth_l1_at_beta", lambda input, target: F.smooth_l1_loss(input, target, reduction="sum"),
           {"input": torch.tensor([1., -1., 0., 2.5]), "target": torch.tensor([0., 0., 0., 0.5])}, grads=["input"])
    # q = 0 entries contribute 0 (0·log 0 = 0); only the gradient for log p is compared (for q PyTorch's is NaN there).
    record(s, "kl_div_zero_targets", lambda input, target: F.kl_div(input, target, reduction="batchmean"),
           {"input": torch.log_softmax(randn(2, 3), 1), "target": torch.tensor([[0., 0.5, 0.5], [1., 0., 0.]])}, grads=["input"])
    q = torch.softmax(randn(4, 5), 1)
    for reduction in ("batchmean", "mean", "sum"):
        record(s, f"kl_div_{reduction}", lambda input, target, r=reduction: F.kl_div(input, target, reduction=r),
               {"input": torch.log_softmax(randn(4, 5), 1), "target": q}, grads=["input", "target"])
    record(s, "kl_div_log_target", lambda input, target: F.kl_div(input, target, reduction="batchmean", log_target=True),
           {"input": torch.log_softmax(randn(4, 5), 1), "target": torch.log_softmax(randn(4, 5), 1)}, grads=["input", "target"])
    scores = distinct(4, 5, gap=0.13)
    record(s, "multi_margin", lambda input, target: F.multi_margin_loss(input, target.long()),
           {"input": scores, "target": classes(4)}, grads=["input"])
    write("losses", s)


def recurrent():
    torch.manual_seed(106)
    s = {}
    n, t, features, hidden = 2, 5, 3, 4
    for name, cls, layers_, bidirectional in [("lstm", nn.LSTM, 2, False), ("lstm_bidirectional", nn.LSTM, 1, True),
                                              ("gru", nn.GRU, 1, False), ("gru_bidirectional", nn.GRU, 2, True),
                                              ("rnn_tanh", nn.RNN, 2, False)]:
        layer = cls(features, hidden, num_layers=layers_, batch_first=True, bidirectional=bidirectional)
        states = layers_ * (2 if bidirectional else 1)
        inputs = {"x": randn(n, t, features), "h0": randn(states, n, hidden)}
        if cls is nn.LSTM:
            inputs["c0"] = randn(states, n, hidden)

            def call(x, h0, c0, layer=layer):
                output, (h_n, c_n) = layer(x, (h0, c0))
                return {"y": output, "h_n": h_n, "c_n": c_n}
        else:
            def call(x, h0, layer=layer):
                output, h_n = layer(x, h0)
                return {"y": output, "h_n": h_n}
        record(s, name, call, inputs, module=layer)
    # Sequence first, no biases and no initial state; one unbatched sequence; a ReLU RNN both ways.
    for name, layer, x in [("lstm_sequence_first_no_bias", nn.LSTM(features, hidden, num_layers=2, bias=False), randn(t, n, features)),
                           ("gru_unbatched", nn.GRU(features, hidden, num_layers=2), randn(t, features)),
                           ("rnn_relu_bidirectional", nn.RNN(features, hidden, nonlinearity="relu", bidirectional=True,
                                                             batch_first=True), randn(n, t, features))]:
        def call(x, layer=layer):
            output, state = layer(x)
            outputs = {"y": output}
            (outputs["h_n"], outputs["c_n"]) = state if isinstance(state, tuple) else (state, None)
            return {k: v for k, v in outputs.items() if v is not None}
        record(s, name, call, {"x": x}, module=layer)
    write("recurrent", s)


def attention():
    torch.manual_seed(107)
    s = {}
    embed, heads = 8, 2

    def mha():
        layer = nn.MultiheadAttention(embed, heads, batch_first=True)
        with torch.no_grad():
            layer.in_proj_bias.copy_(0.3 * torch.randn(3 * embed))
            layer.out_proj.bias.copy_(0.3 * torch.randn(embed))
        return layer

    def attended(result):
        """The output and the head-averaged weights, detached: DeepLearnKit keeps its weights for drawing, outside the graph."""
        output, weights = result
        return {"y": output, "weights": weights.detach()}

    layer = mha()
    record(s, "self_attention", lambda x, layer=layer: attended(layer(x, x, x)), {"x": randn(2, 4, embed)}, module=layer)
    layer = mha()
    record(s, "cross_attention", lambda query, key, value, layer=layer: attended(layer(query, key, value)),
           {"query": randn(2, 3, embed), "key": randn(2, 5, embed), "value": randn(2, 5, embed)}, module=layer)
    layer = mha()
    causal = torch.triu(torch.full((4, 4), float("-inf")), diagonal=1)
    record(s, "causal_self_attention", lambda x, layer=layer: attended(layer(x, x, x, attn_mask=causal)),
           {"x": randn(2, 4, embed)}, module=layer)
    layer = mha()
    padding = torch.tensor([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0]]).float()
    record(s, "key_padding_mask",
           lambda query, key, key_padding_mask, layer=layer: attended(layer(query, key, key, key_padding_mask=key_padding_mask > 0)),
           {"query": randn(2, 3, embed), "key": randn(2, 5, embed), "key_padding_mask": padding}, grads=["query", "key"], module=layer)
    layer = nn.MultiheadAttention(embed, heads, bias=False, batch_first=True)
    record(s, "no_bias", lambda x, layer=layer: attended(layer(x, x, x)), {"x": randn(2, 4, embed)}, module=layer)
    layer = mha()
    record(s, "float_mask_and_key_padding",
           lambda x, mask, key_padding_mask, layer=layer: attended(layer(x, x, x, attn_mask=mask, key_padding_mask=key_padding_mask > 0)),
           {"x": randn(2, 4, embed), "mask": randn(4, 4), "key_padding_mask": torch.tensor([[0, 0, 0, 1], [0, 1, 0, 0]]).float()},
           grads=["x"], module=layer)
    # DeepLearnKit's TransformerBlock is nn.TransformerEncoderLayer(norm_first, gelu, batch_first) with a causal mask.
    block = nn.TransformerEncoderLayer(embed, heads, dim_feedforward=4 * embed, dropout=0.0, activation="gelu", batch_first=True,
                                       norm_first=True)
    with torch.no_grad():
        for p in block.parameters():
            p.add_(0.1 * torch.randn_like(p))
    causal = torch.triu(torch.full((5, 5), float("-inf")), diagonal=1)
    record(s, "transformer_block_causal", lambda x: block(x, src_mask=causal), {"x": randn(2, 5, embed)}, module=block)
    write("attention", s)


OPTIMIZERS = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1),
    "sgd_momentum": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
    "sgd_momentum_dampening": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.5),
    "sgd_nesterov_weight_decay": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    "adam": lambda p: torch.optim.Adam(p, lr=0.1),
    "adam_betas_weight_decay_amsgrad": lambda p: torch.optim.Adam(p, lr=0.1, betas=(0.8, 0.9), weight_decay=0.1, amsgrad=True),
    "adamw": lambda p: torch.optim.AdamW(p, lr=0.1, weight_decay=0.1),
    "adamw_amsgrad": lambda p: torch.optim.AdamW(p, lr=0.1, weight_decay=0.5, amsgrad=True),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.01),
    "rmsprop_centered_momentum_weight_decay": lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, momentum=0.5, centered=True,
                                                                            weight_decay=0.01),
    "adagrad": lambda p: torch.optim.Adagrad(p, lr=0.5),
    "adagrad_lr_decay_weight_decay_initial": lambda p: torch.optim.Adagrad(p, lr=0.5, lr_decay=0.01, weight_decay=0.01,
                                                                           initial_accumulator_value=0.1),
    "adadelta": lambda p: torch.optim.Adadelta(p, lr=1.0, rho=0.9, weight_decay=0.01),
    # A large ε, so where each optimizer adds it (inside or outside the square root, before or after bias correction) shows.
    "sgd_nesterov": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True),
    "adam_eps0.1": lambda p: torch.optim.Adam(p, lr=0.1, eps=0.1),
    "adamw_eps0.1": lambda p: torch.optim.AdamW(p, lr=0.1, eps=0.1, weight_decay=0.1),
    "rmsprop_eps0.1": lambda p: torch.optim.RMSprop(p, lr=0.05, eps=0.1),
    "rmsprop_centered_eps0.1": lambda p: torch.optim.RMSprop(p, lr=0.05, eps=0.1, centered=True),
    "adagrad_eps0.1": lambda p: torch.optim.Adagrad(p, lr=0.5, eps=0.1),
    "adadelta_eps0.1": lambda p: torch.optim.Adadelta(p, lr=1.0, eps=0.1),
    # Two groups with their own options; and a schedule stepped after every step, so the rate changes between steps.
    "sgd_two_groups": lambda p: torch.optim.SGD([{"params": [p[0]], "momentum": 0.9}, {"params": [p[1]], "lr": 0.01}], lr=0.1),
    "adam_step_lr": lambda p: (lambda o: (o, torch.optim.lr_scheduler.StepLR(o, step_size=5, gamma=0.5)))(torch.optim.Adam(p, lr=0.1)),
}


def optimizers(steps=20):
    """20 steps of each optimizer on the least-squares loss L(w, b) = mean((X·w + b − y)²), from the same start."""
    torch.manual_seed(108)
    s = {}
    problem = {"x": randn(8, 4), "y": randn(8), "w0": randn(4), "b0": randn(1)}
    for k, v in problem.items():
        s[f"problem/input.{k}"] = v
    for name, make in OPTIMIZERS.items():
        w = problem["w0"].clone().requires_grad_()
        b = problem["b0"].clone().requires_grad_()
        optimizer, schedule = (lambda made: made if isinstance(made, tuple) else (made, None))(make([w, b]))
        trajectory = {"w": [], "b": []}
        for _ in range(steps):
            optimizer.zero_grad()
            loss = ((problem["x"] @ w + b - problem["y"]) ** 2).mean()
            loss.backward()
            optimizer.step()
            if schedule is not None:
                schedule.step()
            trajectory["w"].append(w.detach().clone())
            trajectory["b"].append(b.detach().clone())
        for k, values in trajectory.items():
            s[f"{name}/trajectory.{k}"] = torch.stack(values)
    # Gradient clipping of two fixed gradients: the total norm returned, and the gradients after clipping.
    gradients = {"g0": 3 * randn(3, 2), "g1": 3 * randn(4)}
    for name, clip in [("clip_grad_norm_2", lambda p: torch.nn.utils.clip_grad_norm_(p, 1.5)),
                       ("clip_grad_norm_1", lambda p: torch.nn.utils.clip_grad_norm_(p, 2.0, norm_type=1)),
                       ("clip_grad_norm_inf", lambda p: torch.nn.utils.clip_grad_norm_(p, 1.0, norm_type=float("inf"))),
                       ("clip_grad_norm_not_exceeded", lambda p: torch.nn.utils.clip_grad_norm_(p, 100.0)),
                       ("clip_grad_value", lambda p: torch.nn.utils.clip_grad_value_(p, 1.0))]:
        params = [torch.zeros_like(g, requires_grad=True) for g in gradients.values()]
        for p, g in zip(params, gradients.values()):
            p.grad = g.clone()
        total = clip(params)
        for k, g in gradients.items():
            s[f"{name}/input.{k}"] = g
        for k, p in zip(gradients, params):
            s[f"{name}/output.{k}"] = p.grad
        if total is not None:
            s[f"{name}/output.total_norm"] = total.detach().float()
    write("optimizers", s)


SCHEDULES = {
    "step_lr": lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=5, gamma=0.5),
    "multi_step_lr": lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[3, 7, 12], gamma=0.3),
    "exponential_lr": lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
    "cosine_annealing_lr": lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
    "multi_step_lr_repeated_milestones": lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[3, 3, 7], gamma=0.5),
    "linear_lr": lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=8),
    "linear_lr_decay": lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=10),
    "one_cycle_lr_cos": lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=25, pct_start=0.3,
                                                                      cycle_momentum=False),
    "one_cycle_lr_linear": lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.5, total_steps=25, pct_start=0.4,
                                                                         anneal_strategy="linear", div_factor=10,
                                                                         final_div_factor=100, cycle_momentum=False),
}

PLATEAU_METRICS = [1.0, 0.9, 0.95, 0.92, 0.91, 0.93, 0.5, 0.5, 0.5, 0.5, 0.5, 0.49999, 0.5, 0.45, 0.46,
                   0.47, 0.48, 0.49, 0.5, 0.51, 0.52, 0.53, 0.54, 0.55, 0.56]


def schedules(epochs=25):
    """Each schedule over two parameter groups (base rates 0.1 and 0.02): the rates before each of 25 steps."""
    s = {}
    for name, make in SCHEDULES.items():
        optimizer = torch.optim.SGD([{"params": [torch.zeros(1)], "lr": 0.1}, {"params": [torch.zeros(1)], "lr": 0.02}])
        scheduler = make(optimizer)
        rates = []
        for _ in range(epochs):
            rates.append([g["lr"] for g in optimizer.param_groups])
            optimizer.step()
            scheduler.step()
        s[f"{name}/lr"] = torch.tensor(rates, dtype=torch.float32)
    optimizer = torch.optim.SGD([{"params": [torch.zeros(1)], "lr": 0.1}, {"params": [torch.zeros(1)], "lr": 0.02}])
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=2, threshold=1e-3,
                                                         cooldown=1, min_lr=0.005)
    rates = []
    for metric in PLATEAU_METRICS:
        plateau.step(metric)
        rates.append([g["lr"] for g in optimizer.param_groups])
    s["reduce_lr_on_plateau/lr"] = torch.tensor(rates, dtype=torch.float32)
    s["reduce_lr_on_plateau/input.metrics"] = torch.tensor(PLATEAU_METRICS, dtype=torch.float32)
    optimizer = torch.optim.SGD([{"params": [torch.zeros(1)], "lr": 0.1}, {"params": [torch.zeros(1)], "lr": 0.02}])
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="max", factor=0.2, patience=1, threshold=0.01,
                                                         threshold_mode="abs")
    rates = []
    for metric in PLATEAU_METRICS:
        plateau.step(-metric)
        rates.append([g["lr"] for g in optimizer.param_groups])
    s["reduce_lr_on_plateau_max_abs/lr"] = torch.tensor(rates, dtype=torch.float32)
    s["reduce_lr_on_plateau_max_abs/input.metrics"] = -torch.tensor(PLATEAU_METRICS, dtype=torch.float32)
    write("schedules", s)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    elementwise()
    reductions()
    matmul()
    indexing()
    convolution()
    layers()
    losses()
    recurrent()
    attention()
    optimizers()
    schedules()
