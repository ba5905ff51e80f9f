#!/usr/bin/env bash
# Removes from node_modules what this board never loads. npm installs every Linux prebuilt of
# node-llama-cpp (@node-llama-cpp/*: CPU, CUDA, Vulkan builds for x64, arm64, armv7l) and every
# platform of onnxruntime-node (bin/napi-v6/<os>/<arch>), about 1.2 GB in all; the openWakeWord
# model package pulls onnxruntime-web, which edge-voice never loads (it uses the package's
# .onnx files only). A Pi keeps ~100 MB of that.
#
# Usage: scripts/prune-node-modules.sh [--dry-run] [--arch ARCH] [--gpu cuda|vulkan|none] NODE_MODULES
#   --arch   arm64, x64 or armv7l (default: this machine's, from uname -m)
#   --gpu    which GPU prebuilt to keep on x64 (default: none). A Jetson keeps none: there is
#            no arm64 CUDA prebuilt; install.sh builds llama.cpp with CUDA into node-llama-cpp's
#            own localBuilds directory, which this script leaves alone.
#   --dry-run  print what would be removed, remove nothing
# Idempotent: a second run finds nothing to remove.
set -euo pipefail

dry_run=0
arch=""
gpu="none"
dir=""

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=1 ;;
    --arch) arch="${2:?--arch needs a value}"; shift ;;
    --arch=*) arch="${1#--arch=}" ;;
    --gpu) gpu="${2:?--gpu needs a value}"; shift ;;
    --gpu=*) gpu="${1#--gpu=}" ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "prune-node-modules: unknown option $1" >&2; exit 2 ;;
    *) dir="$1" ;;
  esac
  shift
done

[ -n "$dir" ] || { usage >&2; exit 2; }
[ -d "$dir" ] || { echo "prune-node-modules: $dir is not a directory" >&2; exit 2; }

if [ -z "$arch" ]; then
  case "$(uname -m)" in
    aarch64 | arm64) arch=arm64 ;;
    x86_64 | amd64) arch=x64 ;;
    armv7l | armv6l) arch=armv7l ;;
    *) arch="$(uname -m)" ;;
  esac
fi
case "$arch" in arm64 | x64 | armv7l) ;; *) echo "prune-node-modules: unsupported arch $arch" >&2; exit 2 ;; esac
case "$gpu" in cuda | vulkan | none) ;; *) echo "prune-node-modules: --gpu must be cuda, vulkan or none" >&2; exit 2 ;; esac

removed=0

remove() {
  local path="$1" why="$2" size
  size="$(du -sh "$path" 2>/dev/null | cut -f1)"
  if [ "$dry_run" = 1 ]; then
    echo "would remove ${path#"$dir"/} ($size): $why"
  else
    rm -rf -- "$path"
    echo "removed ${path#"$dir"/} ($size): $why"
  fi
  removed=$((removed + 1))
}

# node-llama-cpp prebuilts: keep linux-<arch>, plus the x64 GPU flavour asked for.
keep_llama=("linux-$arch")
if [ "$arch" = x64 ] && [ "$gpu" = cuda ]; then keep_llama+=("linux-x64-cuda" "linux-x64-cuda-ext"); fi
if [ "$arch" = x64 ] && [ "$gpu" = vulkan ]; then keep_llama+=("linux-x64-vulkan"); fi
while IFS= read -r -d '' prebuilt; do
  name="$(basename "$prebuilt")"
  keep=0
  for k in "${keep_llama[@]}"; do [ "$name" = "$k" ] && keep=1; done
  [ "$keep" = 1 ] || remove "$prebuilt" "node-llama-cpp prebuilt for another board"
done < <(find "$dir" -type d -path '*/@node-llama-cpp/*' -prune -print0)

# onnxruntime-node: keep bin/napi-v6/linux/<arch> only.
while IFS= read -r -d '' platform_dir; do
  platform="$(basename "$(dirname "$platform_dir")")/$(basename "$platform_dir")"
  [ "$platform" = "linux/$arch" ] || remove "$platform_dir" "onnxruntime-node binary for $platform"
done < <(find "$dir" -type d -path '*/onnxruntime-node/bin/napi-v*/*/*' -prune -print0)
# ... and the platform directories (darwin/, win32/) left empty.
if [ "$dry_run" = 0 ]; then find "$dir" -type d -path '*/onnxruntime-node/bin/napi-v*/*' -empty -delete; fi

# onnxruntime-web (WebAssembly, for browsers): never loaded by edge-voice.
while IFS= read -r -d '' web; do
  [ "$(basename "$(dirname "$web")")" = node_modules ] || continue
  remove "$web" "onnxruntime-web is for browsers; edge-voice runs onnxruntime-node"
done < <(find "$dir" -type d -name onnxruntime-web -prune -print0)

# llama.cpp's source as a git bundle: only `node-llama-cpp source download` reads it
# (install.sh runs that on a Jetson before pruning).
while IFS= read -r -d '' bundle; do
  remove "$bundle" "llama.cpp source bundle (needed only to build llama.cpp)"
done < <(find "$dir" -type f -path '*/node-llama-cpp/llama/gitRelease.bundle' -print0)

if [ "$removed" = 0 ]; then echo "nothing to prune for linux-$arch (gpu: $gpu)"; fi
