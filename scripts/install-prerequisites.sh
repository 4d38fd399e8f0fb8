#!/usr/bin/env bash
# Installs what building and testing DeepLearnKit needs on Debian 12 with the .NET 10 SDK:
# Debian packages (when missing), the npm package the formatters embed (plotly.js), and the NuGet packages of the solution.
set -euo pipefail
cd "$(dirname "$0")/.."

# dataset-fashion-mnist: the real data the learning tests train on; wamerican: the word list of the
# character corpus; chromium: the headless browser the formatter tests render their pictures in; npm (Debian's, unless
# some Node.js install already provides the command): fetches plotly.js.
required=(dataset-fashion-mnist wamerican chromium "$@")
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

# plotly.js, pinned in src/Formatters/package-lock.json, embedded into DeepLearnKit.Formatters at build time.
(cd src/Formatters && npm ci --no-audit --no-fund)

dotnet restore DeepLearnKit.sln
