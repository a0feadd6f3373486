#!/usr/bin/env bash
# The main job on the built-in default, in one command: packs Lora.Sdk into a local feed, creates a
# `dotnet new lora-experiment` project on the built-in base model lora-tiny-en, and builds it — which trains the
# LoRA adapter, merges it and evaluates base and tuned models — then prints the report. Offline: the packages come
# from this repository and the machine's NuGet source. Usage: templates/quickstart.sh [WORK_FOLDER]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d -t lora-quickstart-XXXX)}
mkdir -p "$work" && work=$(cd "$work" && pwd)
# A fresh version per run: NuGet would otherwise serve an older package of the same version from its cache.
version=0.1.0-local.$(date +%Y%m%d%H%M%S)
echo "Packing Lora.Sdk $version into $work/feed"
# LoraPackTool=false: the `lora` tool package (libtorch inside) is not needed here; hard links instead of copies of libtorch.
dotnet pack "$root/sdk/Lora.Sdk.Packages.slnf" -c Release -o "$work/feed" -p:PackageVersion="$version" -p:LoraPackTool=false \
  -p:CreateHardLinksForCopyLocalIfPossible=true -v q -nologo
dotnet new install "$work/feed/Lora.Templates.$version.nupkg" --debug:custom-hive "$work/hive" >/dev/null
# The project's nuget.config (from the template) names the feed it was packed into: no edits before the build.
dotnet new lora-experiment -n QuickStart -o "$work/QuickStart" --debug:custom-hive "$work/hive" --no-update-check >/dev/null
echo "Building $work/QuickStart (trains, merges, evaluates)"
dotnet build "$work/QuickStart" -tl:off -nologo -v:n | grep -E "^ +[a-z0-9/-]+ step [0-9]+/|up to date|error (LORA|CS)[0-9]+|warning LORA[0-9]+|artifacts in" || true
report=$(ls "$work"/QuickStart/artifacts/lora/*/report.md)
echo; cat "$report"
