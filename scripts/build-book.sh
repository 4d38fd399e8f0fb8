#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine with the .NET 10 SDK: install the prerequisites, build the solution (which
# packs artifacts/packages/DeepLearnKit.<version>.nupkg, the package the chapters load), run every chapter in
# notebooks/ headless on the CPU with dlk, and write the offline HTML book to artifacts/book (or the folder given).
set -euo pipefail
cd "$(dirname "$0")/.."
site="${1:-artifacts/book}"

./scripts/install-prerequisites.sh
dotnet build DeepLearnKit.sln -c Release --no-restore
dotnet run --project src/Cli -c Release --no-build -- book notebooks -o "$site"
