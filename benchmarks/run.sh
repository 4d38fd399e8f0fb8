#!/usr/bin/env bash
# The one command for the DeepLearnKit vs PyTorch comparison (see benchmarks/README.md):
# installs PyTorch + OpenBLAS if missing, builds DeepLearnKit.Benchmarks in Release, then runs
# every workload on both sides, alternating, and prints a Markdown table.
#
#   benchmarks/run.sh [--threads T] [--quick] [--only NAME,...]
#
# --threads T  threads on both sides (default: all logical CPUs)
# --quick      few repetitions and small sizes: checks the harness, not a result to publish
# --only       run just these workloads (names from compare.py's WORKLOADS)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# PyTorch with a real BLAS (BENCHMARKS.md: the reference BLAS makes a baseline 20x too weak), and the
# data of the training workloads: Fashion-MNIST's IDX files (dataset-fashion-mnist, read by both sides)
# and the word list of the char-LSTM (wamerican, /usr/share/dict/words).
missing=()
if ! /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null; then missing+=(python3-torch python3-numpy); fi
for pkg in libopenblas0-pthread dataset-fashion-mnist wamerican; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]}..." >&2
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    # Waits for another apt/dpkg run to finish instead of failing on its lock.
    $sudo apt-get -o DPkg::Lock::Timeout=1800 install -y --no-install-recommends "${missing[@]}" >&2
fi

# Outputs go under benchmarks/artifacts (git-ignored), apart from src/'s own bin/ and obj/.
echo "Building DeepLearnKit.Benchmarks (Release)..." >&2
dotnet build "$here/DeepLearnKit.Benchmarks/DeepLearnKit.Benchmarks.csproj" -c Release \
    --artifacts-path "$here/artifacts" -nologo -v quiet >&2
dll="$here/artifacts/bin/DeepLearnKit.Benchmarks/release/DeepLearnKit.Benchmarks.dll"

exec /usr/bin/python3 "$here/compare.py" --dll "$dll" "$@"
