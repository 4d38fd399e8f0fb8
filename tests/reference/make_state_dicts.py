#!/usr/bin/python3
"""PyTorch reference data for DeepLearnKit's state-dict loading tests.

Builds, with a fixed seed, PyTorch twins of DeepLearnKit models (same parameter names), writes each
model's state_dict as a safetensors file and, beside it, the model's input and outputs (eval mode) as a
second safetensors file:

    state_dicts/NAME.safetensors           the state_dict, under PyTorch's names
    state_dicts/NAME.outputs.safetensors   "input" and the outputs ("output", "h_n", "c_n", ...)

and, when torchvision is importable, torchvision's resnet18 parameter and buffer names and shapes as
state_dicts/torchvision_resnet18.json.

Run from the repository root with Debian's PyTorch (python3-torch 1.13.1):

    /usr/bin/python3 tests/reference/make_state_dicts.py

The safetensors files are written by hand (an 8-byte little-endian header length, a JSON header padded
with spaces to a multiple of 8, then the raw little-endian data), so no extra Python package is needed.
float32 tensors are stored as F32 and int64 ones (BatchNorm's num_batches_tracked) as I64, as
safetensors.torch.save_file would. The tests read these files and never run Python.
"""

import json
import os
import struct
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "state_dicts")

DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def save_safetensors(path, tensors):
    """Writes {name: tensor} in the safetensors format, tensors sorted by name as the reference writer does."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in blobs:
            f.write(data)
    print(f"{os.path.relpath(path, HERE)}: {os.path.getsize(path)} bytes, {len(tensors)} tensors")


def write(name, model, outputs):
    save_safetensors(os.path.join(OUT, f"{name}.safetensors"), model.state_dict())
    save_safetensors(os.path.join(OUT, f"{name}.outputs.safetensors"), outputs)


class LeNet5(nn.Module):
    """DeepLearnKit's Models/LeNet5.cs with its default ReLU: features.{0,3} conv, head.{1,3,5} linear."""

    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Sequential(
            nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, num_classes))

    def forward(self, x):
        return self.head(self.features(x))


class LSTMLanguageModel(nn.Module):
    """DeepLearnKit's Models/CharLanguageModel.cs with an LSTM: embed, rnn (batch first), head."""

    def __init__(self, vocab_size, embed_dim, hidden_size, num_layers):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.LSTM(embed_dim, hidden_size, num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids):
        output, (h_n, c_n) = self.rnn(self.embed(ids))
        return self.head(output), h_n, c_n


def perturb_(module, scale=0.1):
    """Moves every parameter off its initial value (LayerNorm's ones and zeros, attention's zero biases) so a
    swapped or ignored tensor changes the outputs."""
    with torch.no_grad():
        for p in module.parameters():
            p.add_(scale * torch.randn_like(p))


def lenet5():
    torch.manual_seed(0)
    model = LeNet5().eval()
    x = torch.randn(2, 1, 28, 28)
    with torch.no_grad():
        write("lenet5", model, {"input": x, "output": model(x)})


def conv_batchnorm():
    """Sequential(Conv2d, BatchNorm2d, ReLU) after three training steps' batch statistics: running_mean and running_var
    are no longer 0 and 1, and num_batches_tracked is the int64 scalar 3."""
    torch.manual_seed(3)
    model = nn.Sequential(nn.Conv2d(2, 4, 3), nn.BatchNorm2d(4), nn.ReLU())
    perturb_(model)
    with torch.no_grad():
        for _ in range(3):
            model(2 + 3 * torch.randn(5, 2, 6, 6))
    model.eval()
    x = 2 + 3 * torch.randn(2, 2, 6, 6)
    with torch.no_grad():
        write("conv_batchnorm", model, {"input": x, "output": model(x)})


def lstm_language_model():
    torch.manual_seed(1)
    model = LSTMLanguageModel(vocab_size=11, embed_dim=8, hidden_size=12, num_layers=2).eval()
    ids = torch.randint(0, 11, (3, 7))
    with torch.no_grad():
        logits, h_n, c_n = model(ids)
    write("lstm_lm", model, {"input": ids.float(), "output": logits, "h_n": h_n, "c_n": c_n})


def bidirectional():
    """Two-layer bidirectional RNN, LSTM and GRU, batch first, from a random initial state and from zeros."""
    for seed, (name, cls) in enumerate([("rnn", nn.RNN), ("lstm", nn.LSTM), ("gru", nn.GRU)]):
        torch.manual_seed(10 + seed)
        layer = cls(5, 4, num_layers=2, bidirectional=True, batch_first=True).eval()
        x = torch.randn(3, 6, 5)
        h0 = torch.randn(2 * 2, 3, 4)
        outputs = {"input": x, "h0": h0}
        with torch.no_grad():
            if cls is nn.LSTM:
                c0 = torch.randn(2 * 2, 3, 4)
                output, (h_n, c_n) = layer(x, (h0, c0))
                zero_output, (zero_h_n, zero_c_n) = layer(x)
                outputs.update(c0=c0, c_n=c_n, zero_c_n=zero_c_n)
            else:
                output, h_n = layer(x, h0)
                zero_output, zero_h_n = layer(x)
        outputs.update(output=output, h_n=h_n, zero_output=zero_output, zero_h_n=zero_h_n)
        write(f"bidirectional_{name}", layer, outputs)


def transformer_block():
    """DeepLearnKit's TransformerBlock (pre-norm, GELU MLP of width 4E, causal self-attention, batch first) is
    nn.TransformerEncoderLayer(norm_first=True, activation="gelu", batch_first=True) with a causal mask."""
    torch.manual_seed(2)
    embed_dim, heads, steps = 16, 2, 5
    block = nn.TransformerEncoderLayer(embed_dim, heads, dim_feedforward=4 * embed_dim, dropout=0.0,
                                       activation="gelu", batch_first=True, norm_first=True).eval()
    perturb_(block)
    x = torch.randn(2, steps, embed_dim)
    causal = torch.triu(torch.full((steps, steps), float("-inf")), diagonal=1)
    with torch.no_grad():
        write("transformer_block", block, {"input": x, "output": block(x, src_mask=causal)})


def resnet18_names():
    path = os.path.join(OUT, "torchvision_resnet18.json")
    try:
        import torchvision
    except ImportError:
        print(f"torchvision is not importable: {path} is left as it is", file=sys.stderr)
        return
    model = torchvision.models.resnet18()
    params = {name for name, _ in model.named_parameters()}
    entries = [{"name": name, "shape": list(t.shape), "kind": "parameter" if name in params else "buffer"}
               for name, t in model.state_dict().items()]
    with open(path, "w") as f:  # one name per line, so a diff reads as the names that changed
        f.write(f'{{"torchvision": {json.dumps(torchvision.__version__)}, "model": "resnet18", "state_dict": [\n')
        f.write(",\n".join(json.dumps(e) for e in entries))
        f.write("\n]}\n")
    print(f"{os.path.relpath(path, HERE)}: {len(entries)} names")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    lenet5()
    conv_batchnorm()
    lstm_language_model()
    bidirectional()
    transformer_block()
    resnet18_names()
