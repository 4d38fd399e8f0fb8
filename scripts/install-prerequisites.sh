#!/usr/bin/env bash
# Installs what building and testing DeepLearnKit needs on Debian 12 with the .NET 10 SDK:
# Debian packages (when missing), the npm package the formatters embed (plotly.js), and the NuGet packages of the solution.
set -euo pipefail
cd "$(dirname "$0")/.."

# dataset-fashion-mnist: the real data the learning tests train on; wamerican: the word list of the
# character corpus; chromium: the headless browser the formatter and book tests render pages in; python3-nbformat: the
# tests validate the notebooks dlk writes with Jupyter's own validator; python3-jupyter-client and python3-nbclient:
# Jupyter's own client and notebook executor, which the kernel tests drive `dlk kernel` with; jupyter-notebook: the
# classic Notebook web application (6.4), which a test opens chapter 01 in through headless Chromium; npm (Debian's, unless
# some Node.js install already provides the command): fetches plotly.js, KaTeX and mermaid.
required=(dataset-fashion-mnist wamerican chromium python3-nbformat python3-jupyter-client python3-nbclient jupyter-notebook "$@")
command -v npm >/dev/null 2>&1 || required+=(npm)
packages=()
for p in "${required[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || packages+=("$p")
done
if [ ${#packages[@]} -gt 0 ]; then
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${packages[@]}"
fi

# Front-end assets, pinned by each package-lock.json and embedded at build time: plotly.js into
# DeepLearnKit.Formatters, KaTeX into dlk.
(cd src/Formatters && npm ci --no-audit --no-fund --loglevel=error)
(cd src/Cli && npm ci --no-audit --no-fund --loglevel=error)

dotnet restore DeepLearnKit.sln
