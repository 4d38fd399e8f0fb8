#!/usr/bin/env bash
# Everything a Binder classroom needs after binder/Dockerfile's root steps, run as the user who will open the
# chapters, from a fresh clone, with nothing from the machine that wrote this repository: builds the DeepLearnKit
# package and dlk, installs dlk as this user's .NET tool and its kernelspec, restores every package the chapters
# reference, and makes the DeepLearnKit kernel the default for new notebooks. Idempotent. A test
# (BinderSetupTests) runs it as a fresh non-root user with an empty HOME, then executes chapter 01 with that user's
# Jupyter.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# No build server may outlive the script (an image layer, or the test's temporary user, keeps nothing running).
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0
export PATH="$HOME/.dotnet/tools:$PATH"

for tool in dotnet npm python3; do
    command -v "$tool" >/dev/null || { echo "binder/setup.sh: '$tool' is missing (binder/Dockerfile installs it)" >&2; exit 1; }
done

# 1. The front-end assets the build embeds (plotly.js, KaTeX, mermaid), pinned by each package-lock.json.
for folder in src/Formatters src/Cli; do
    [ -d "$folder/node_modules" ] || (cd "$folder" && npm ci --no-audit --no-fund --loglevel=error)
done

# 2. dlk and the DeepLearnKit package. Building dlk packs the package into artifacts/packages and copies it into
#    this user's NuGet source ~/.local/share/DeepLearnKit/packages, which #r "nuget: DeepLearnKit, <version>" restores
#    from; it also packs dlk's .NET tool package.
dotnet build src/Cli/DeepLearnKit.Cli.csproj -c Release -nodeReuse:false -p:UseSharedCompilation=false

# 3. dlk as this user's global .NET tool (~/.dotnet/tools/dlk); update installs it when it is not there yet.
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)
dotnet tool update --global DeepLearnKit.Cli --version "$version" --add-source "$repo/artifacts/packages"

# 4. The kernelspecs (deeplearnkit, and .net-csharp, the name the chapters' metadata gives) for this user.
dlk kernel install --user

# 5. Every package the chapters reference, restored once now rather than in each learner's first cell: one cell holds
#    the union of the chapters' #r "nuget: ..." lines, and dlk runs it.
warm=$(mktemp -d)
trap 'rm -rf "$warm"' EXIT
python3 - "$warm/restore.dib" notebooks/*.ipynb <<'PY'
import json, sys
lines = []
for path in sys.argv[2:]:
    for cell in json.load(open(path, encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        lines += [l.strip() for l in source.splitlines() if l.strip().startswith('#r "nuget:') and l.strip() not in lines]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("#!csharp\n\n" + "\n".join(lines) + "\n")
print("binder/setup.sh: restoring " + ", ".join(lines))
PY
if ! dlk run "$warm/restore.dib" -o "$warm"; then
    python3 -c 'import json, sys; [print(o.get("ename"), o.get("evalue"), file=sys.stderr) for c in json.load(open(sys.argv[1]))["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]' "$warm/restore.ipynb" || true
    exit 1
fi

# 6. New notebooks start on the DeepLearnKit kernel (JupyterLab and Notebook 7 read jupyter_server_config.py, the
#    classic Notebook jupyter_notebook_config.py); a setting the user already made is left alone.
config="${JUPYTER_CONFIG_DIR:-$HOME/.jupyter}"
mkdir -p "$config"
for file in jupyter_server_config.py jupyter_notebook_config.py; do
    grep -qs "default_kernel_name" "$config/$file" || echo 'c.MultiKernelManager.default_kernel_name = "deeplearnkit"' >> "$config/$file"
done

dotnet build-server shutdown >/dev/null 2>&1 || true
echo "binder/setup.sh: dlk $version is installed for $(id -un); the chapters in $repo/notebooks open with the DeepLearnKit kernel."
