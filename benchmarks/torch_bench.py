"""The PyTorch side of benchmarks/run.sh: runs ONE workload (warm-up, then timed repetitions)
at a given thread count and prints one JSON line, which compare.py pairs with the C# side's.
The timing protocol is the same as Program.cs's Harness.Measure; change both together.

  OPENBLAS_NUM_THREADS=2 /usr/bin/python3 torch_bench.py --workload sgemm-512 [--threads 2]
      [--reps 7] [--warmup 1.0] [--rep-time 0.2] [--quick]

--quick makes the training workloads do a tenth of their steps (checks the harness only).

To add a workload: one function here and an entry in FAMILIES, one of each in
DeepLearnKit.Benchmarks/Workloads.cs, one line in compare.py's WORKLOADS.
"""
import argparse
import ctypes
import gzip
import json
import math
import os
import platform
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class Prepared:
    """A workload ready to time: run() is one call, result() what the last call reached.
    flops (per call) turns times into GFLOP/s, ops (per call) into microseconds per op;
    detail() (optional, untimed) describes the result in words, e.g. loss and test accuracy."""

    def __init__(self, run, result, flops=0.0, ops=0, detail=None):
        self.run, self.result, self.flops, self.ops, self.detail = run, result, flops, ops, detail


def gemm_inputs(n):
    """n x n matrices of small multiples of 1/8, the same formula as Workloads.cs: the product
    is exact in float32 for n <= 4096, so the checksum does not depend on summation order."""
    i = torch.arange(n, dtype=torch.int64).unsqueeze(1)
    j = torch.arange(n, dtype=torch.int64).unsqueeze(0)
    a = ((i * 7 + j * 3) % 11 - 3).to(torch.float32) / 8
    b = ((i * 5 + j * 2) % 13 - 4).to(torch.float32) / 8
    return a.contiguous(), b.contiguous()


def checksum(t):
    return float(t.double().sum())


def gemm_checksum(c):
    """sum of C[i,j] * ((i + 2j) % 7 + 1), exact in float64, so both sides must agree exactly."""
    n = c.shape[0]
    i = torch.arange(n, dtype=torch.int64).unsqueeze(1)
    j = torch.arange(n, dtype=torch.int64).unsqueeze(0)
    return float((c.double() * ((i + 2 * j) % 7 + 1).double()).sum())


def sgemm(n):
    """C = A @ B, result allocated per call (as torch.matmul does for a user)."""
    a, b = gemm_inputs(n)
    out = {}

    def run():
        out["c"] = torch.matmul(a, b)

    return Prepared(run, lambda: gemm_checksum(out["c"]), flops=2.0 * n ** 3)


def linear_layer(n, quantized):
    """y = x W^T for x [n, n] and a bias-free Linear(n, n) whose W is gemm_inputs' b, without gradients: in float32,
    or through torch.ao.quantization.quantize_dynamic (qint8 weights, one scale per tensor, x quantized on each call),
    as Workloads.cs's LinearLayer. The detail is the quantized output's largest error relative to max |y|."""
    a, b = gemm_inputs(n)
    linear = torch.nn.Linear(n, n, bias=False)
    with torch.no_grad():
        linear.weight.copy_(b)
    layer = torch.ao.quantization.quantize_dynamic(torch.nn.Sequential(linear), {torch.nn.Linear}, dtype=torch.qint8) if quantized else linear
    out = {}

    def run():
        with torch.no_grad():
            out["y"] = layer(a)

    def detail():
        with torch.no_grad():
            exact, got = linear(a), layer(a)
        return f"max error / max |y| = {float((exact - got).abs().max() / exact.abs().max()):.3g}"

    return Prepared(run, lambda: gemm_checksum(out["y"]), flops=2.0 * n ** 3, detail=detail)


def tiny_adds(requires_grad):
    """10,000 additions of two 16-element tensors per call: the fixed cost of one op."""
    count = 10_000
    x = (torch.arange(16, dtype=torch.float32) / 8).requires_grad_(requires_grad)
    y = ((16 - torch.arange(16, dtype=torch.float32)) / 4).requires_grad_(requires_grad)
    out = {}

    def run():
        for _ in range(count):
            z = x + y
        out["z"] = z

    def result():
        z = out["z"]
        return -math.inf if (z.grad_fn is None) == requires_grad else checksum(z.detach())

    return Prepared(run, result, ops=count)


# ---- Training workloads ("Models that learn"); DeepLearnKit.Benchmarks/Training.cs does the same work with
# the zoo's models. One call trains a fresh model from a seeded init with an explicit loop (zero_grad,
# forward, loss, backward, step); what it reached is read after the timed calls, untimed.

QUICK = False   # --quick: the training workloads do a tenth of their steps
LOSS_WINDOW = 10  # the reported loss is the mean of the last 10 steps' losses


def shrink(steps):
    return (steps + 9) // 10 if QUICK else steps


def tail(losses):
    last = losses[-LOSS_WINDOW:]
    return sum(last) / len(last)


# Fashion-MNIST: the same IDX(.gz) files DeepLearnKit's loader finds (MnistFamily.Locate's order, without
# its download), read with gzip + numpy; standardised with the same constants as FashionMnist.cs.
FASHION_MEAN, FASHION_STD = 0.2860406, 0.3530242


def fashion_folder():
    data = os.environ.get("DLK_DATA")
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folders = ([os.path.join(data, "fashion-mnist"), data] if data else []) + [
        "/usr/share/datasets/fashion-mnist", os.path.join(cache, "deeplearnkit", "fashion-mnist")]
    for folder in folders:
        if all(os.path.exists(os.path.join(folder, f)) or os.path.exists(os.path.join(folder, f + ".gz"))
               for f in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                         "t10k-labels-idx1-ubyte")):
            return folder
    raise SystemExit("torch_bench.py: Fashion-MNIST not found (install dataset-fashion-mnist; run.sh does)")


def read_idx(folder, name):
    path = os.path.join(folder, name + ".gz")
    path = path if os.path.exists(path) else os.path.join(folder, name)
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    magic = int.from_bytes(data[:4], "big")
    dims = [int.from_bytes(data[4 + 4 * k:8 + 4 * k], "big") for k in range(magic & 0xFF)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


_fashion = {}


def fashion(train, normalize=True):
    """(images [N, 1, 28, 28] float32, labels [N] int64), pixels x/255 or (x/255 - mean)/std."""
    key = (train, normalize)
    if key not in _fashion:
        folder = fashion_folder()
        prefix = "train" if train else "t10k"
        x = torch.from_numpy(read_idx(folder, f"{prefix}-images-idx3-ubyte").astype(np.float32) / 255)
        if normalize:
            x = (x - FASHION_MEAN) / FASHION_STD
        y = torch.from_numpy(read_idx(folder, f"{prefix}-labels-idx1-ubyte").astype(np.int64))
        _fashion[key] = (x.unsqueeze(1).contiguous(), y)
    return _fashion[key]


def test_accuracy(model):
    x, y = fashion(train=False)
    model.eval()
    with torch.no_grad():
        correct = sum(int((model(x[i:i + 1000]).argmax(-1) == y[i:i + 1000]).sum()) for i in range(0, len(y), 1000))
    model.train()
    return correct / len(y)


def classifier_epoch(make_model, batch):
    """One epoch (a tenth with --quick) of Fashion-MNIST: 60,000 images shuffled (a fresh randperm, sliced
    into batches: the fast idiom, not torch.utils.data.DataLoader's per-example collation), the last batch
    smaller, Adam lr 1e-3, cross-entropy."""
    x, y = fashion(train=True)
    fashion(train=False)
    n = len(y)
    steps = shrink((n + batch - 1) // batch)
    out = {"losses": []}

    def run():
        torch.manual_seed(0)
        model = make_model()
        model.train()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        losses = []
        order = torch.randperm(n)
        for step in range(steps):
            idx = order[step * batch:(step + 1) * batch]
            xb, yb = x[idx], y[idx]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        out["model"], out["losses"] = model, losses

    def detail():
        return (f"{len(out['losses'])} steps: loss {tail(out['losses']):.4f}, "
                f"test acc {100 * test_accuracy(out['model']):.2f}%")

    return Prepared(run, lambda: tail(out["losses"]), detail=detail)


def mlp():
    """The zoo's MLP(784, [256, 128], 10): Flatten, Linear, ReLU, Linear, ReLU, Linear (PyTorch's default init)."""
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                         nn.Linear(128, 10))


def lenet5():
    """The zoo's LeNet5(10): conv 6@5x5 pad 2, ReLU, max-pool 2, conv 16@5x5, ReLU, max-pool 2, 400-120-84-10."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def words_corpus(path="/usr/share/dict/words"):
    """CharCorpus.FromFile: lower-cased words made only of a-z, each followed by '\\n'; ids in the ordinal
    order of the distinct characters ('\\n' = 0, a = 1, ...)."""
    with open(path, encoding="utf-8") as f:
        words = [w for w in (line.strip().lower() for line in f) if w and all("a" <= c <= "z" for c in w)]
    text = "".join(w + "\n" for w in words)
    chars = sorted(set(text))
    lookup = {c: i for i, c in enumerate(chars)}
    return np.array([lookup[c] for c in text], dtype=np.int64), len(chars)


class CharLM(nn.Module):
    """The zoo's CharLanguageModel(V, embedDim 128, hiddenSize 256): Embedding, LSTM (batch first), Linear."""

    def __init__(self, vocab, embed=128, hidden=256):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.rnn = nn.LSTM(embed, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, ids):
        return self.head(self.rnn(self.embed(ids))[0])


def lstm(n):
    """n steps (a tenth with --quick): batch 32 x 35 characters, non-overlapping windows in order (step s:
    windows 32s ... 32s+31, as CharCorpus.Sequences + an unshuffled DataLoader), zero initial state, Adam 2e-3."""
    batch, length = 32, 35
    ids, vocab = words_corpus()
    windows = (len(ids) - length - 1) // length + 1
    steps = shrink(n)
    if steps * batch > windows:
        raise SystemExit(f"torch_bench.py: lstm-{n}: the corpus has {windows} windows, fewer than {steps} x {batch}")
    starts = np.arange(steps * batch) * length
    x = torch.from_numpy(ids[starts[:, None] + np.arange(length)]).view(steps, batch, length)
    y = torch.from_numpy(ids[starts[:, None] + np.arange(length) + 1]).view(steps, batch, length)
    out = {"losses": []}

    def run():
        torch.manual_seed(0)
        model = CharLM(vocab)
        model.train()
        optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
        losses = []
        for step in range(steps):
            optimizer.zero_grad()
            logits = model(x[step])                                     # (32, 35, V)
            loss = F.cross_entropy(logits.reshape(-1, vocab), y[step].reshape(-1))
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        out["losses"] = losses

    def detail():
        return f"{len(out['losses'])} steps: loss {tail(out['losses']):.4f} (vocab {vocab}, chance {math.log(vocab):.2f})"

    return Prepared(run, lambda: tail(out["losses"]), detail=detail)


def dcgan_init(model):
    """Models/DCGAN.cs's DCGANInit: conv weights N(0, 0.02), batch-norm weight N(1, 0.02) and bias 0."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                m.weight.normal_(0, 0.02)
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.normal_(1, 0.02)
                m.bias.zero_()
    return model


def dcgan_generator(nz=100, f=64):
    """The zoo's DCGANGenerator(nz, F): ConvT 7x7 -> 2F@7x7, BN, ReLU, ConvT 4/2/1 -> F@14x14, BN, ReLU,
    ConvT 4/2/1 -> 1@28x28, tanh."""
    return dcgan_init(nn.Sequential(
        nn.ConvTranspose2d(nz, 2 * f, 7, bias=False), nn.BatchNorm2d(2 * f), nn.ReLU(),
        nn.ConvTranspose2d(2 * f, f, 4, 2, 1, bias=False), nn.BatchNorm2d(f), nn.ReLU(),
        nn.ConvTranspose2d(f, 1, 4, 2, 1), nn.Tanh()))


def dcgan_discriminator(f=64):
    """The zoo's DCGANDiscriminator(F): conv 4/2/1 -> F@14x14, LeakyReLU 0.2, conv 4/2/1 -> 2F@7x7, BN,
    LeakyReLU 0.2, conv 7x7 -> one logit per image."""
    return dcgan_init(nn.Sequential(
        nn.Conv2d(1, f, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(f, 2 * f, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * f), nn.LeakyReLU(0.2),
        nn.Conv2d(2 * f, 1, 7), nn.Flatten(0)))


def dcgan(n):
    """n steps (a tenth with --quick), batch 64 of training images in order scaled to [-1, 1], Adam 2e-4
    betas (0.5, 0.999) per net; D on a real and a fake batch, then G (non-saturating), as PyTorch's DCGAN
    example."""
    batch, nz = 64, 100
    steps = shrink(n)
    images = fashion(train=True, normalize=False)[0][:steps * batch] * 2 - 1
    ones, zeros = torch.ones(batch), torch.zeros(batch)
    out = {"d": [], "g": []}

    def run():
        torch.manual_seed(0)
        g, d = dcgan_generator(nz), dcgan_discriminator()
        g.train(), d.train()
        opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
        opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
        loss_d, loss_g = [], []
        for step in range(steps):
            real = images[step * batch:(step + 1) * batch]
            opt_d.zero_grad()
            fake = g(torch.randn(batch, nz, 1, 1))
            err_d = (F.binary_cross_entropy_with_logits(d(real), ones)
                     + F.binary_cross_entropy_with_logits(d(fake.detach()), zeros))
            err_d.backward()
            opt_d.step()
            opt_g.zero_grad()
            err_g = F.binary_cross_entropy_with_logits(d(fake), ones)
            err_g.backward()
            opt_g.step()
            loss_d.append(err_d.item())
            loss_g.append(err_g.item())
        out["d"], out["g"] = loss_d, loss_g

    def detail():
        return f"{len(out['d'])} steps: D {tail(out['d']):.4f}, G {tail(out['g']):.4f}"

    return Prepared(run, lambda: tail(out["d"]), detail=detail)


# Workload families, as in Workloads.cs; a name "family-N" passes N (a size) to the function.
FAMILIES = {
    "sgemm": sgemm,
    # The C# side runs each call inside a Tensor.Scope(), so its output reuses memory; PyTorch's allocator already
    # reuses the freed result of the previous call, so its side of the pair is the same program as sgemm's.
    "sgemm-scoped": sgemm,
    "linear": lambda n: linear_layer(n, quantized=False),
    "int8-linear": lambda n: linear_layer(n, quantized=True),
    "add-nograd": lambda _: tiny_adds(False),
    "add-autograd": lambda _: tiny_adds(True),
    "mlp-epoch": lambda _: classifier_epoch(mlp, 256),
    "lenet-epoch": lambda _: classifier_epoch(lenet5, 64),
    "lstm": lstm,    # lstm-N: N steps
    "dcgan": dcgan,  # dcgan-N: N steps
}


def prepare(name):
    if name in FAMILIES:
        return FAMILIES[name](0)
    family, _, size = name.rpartition("-")
    if size.isdigit() and int(size) > 0 and family in FAMILIES:
        return FAMILIES[family](int(size))
    raise SystemExit(f"torch_bench.py: unknown workload '{name}'; known: {', '.join(FAMILIES)}")


def measure(run, warmup, rep_time, reps):
    """Warm-up until `warmup` seconds have passed (at least one call); then enough calls per
    repetition to last `rep_time` at the fastest warm-up pace (one for workloads longer than
    that, so training workloads take the same steps on both sides); `reps` repetitions.
    Returns (calls per repetition, seconds per call of each repetition)."""
    start = time.perf_counter()
    fastest = math.inf
    while True:
        t0 = time.perf_counter()
        run()
        fastest = min(fastest, time.perf_counter() - t0)
        if time.perf_counter() - start >= warmup:
            break
    calls = max(1, math.ceil(rep_time / max(fastest, 1e-9)))
    seconds = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(calls):
            run()
        seconds.append((time.perf_counter() - t0) / calls)
    return calls, seconds


def blas_name():
    """Which BLAS this process really loaded (the baseline is weak without OpenBLAS)."""
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "blas" in line.split()[-1]}
    for lib in sorted(libs):
        if "openblas" in lib:
            try:
                core = ctypes.CDLL(lib).openblas_get_corename
                core.restype = ctypes.c_char_p
                return f"OpenBLAS {core().decode()}"
            except (OSError, AttributeError):
                return "OpenBLAS"
    return "BLAS: " + (", ".join(sorted(libs)) or "none found")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workload", required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--reps", type=int, default=7)
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--rep-time", type=float, default=0.2)
    p.add_argument("--quick", action="store_true", help="training workloads do a tenth of their steps")
    args = p.parse_args()
    global QUICK
    QUICK = args.quick
    torch.set_num_threads(args.threads)
    work = prepare(args.workload)
    calls, seconds = measure(work.run, args.warmup, args.rep_time, args.reps)
    print(json.dumps({
        "side": "PyTorch", "workload": args.workload, "threads": torch.get_num_threads(),
        "calls": calls, "seconds": seconds, "result": work.result(),
        "detail": work.detail() if work.detail else None,
        "flops": work.flops, "ops": work.ops,
        "note": f"torch {torch.__version__}, Python {platform.python_version()}, {blas_name()}",
    }))


if __name__ == "__main__":
    main()
