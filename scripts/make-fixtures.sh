#!/usr/bin/env bash
# Makes the speech fixtures under test/fixtures/wav from espeak-ng and sox (Debian's
# packages), so every committed clip can be made again. Output: 16 kHz mono s16 WAV.
# The clips are committed; run this only to change them:  scripts/make-fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/fixtures/wav
mkdir -p "$out"/{wake,commands,e2e,negative}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# say FILE VOICE SPEED TEXT: synthesize, convert to 16 kHz mono s16.
say() {
  espeak-ng -v "$2" -s "$3" -w "$tmp/raw.wav" "$4"
  sox "$tmp/raw.wav" -r 16000 -c 1 -b 16 "$1"
}

# silence FILE SECONDS
silence() {
  sox -n -r 16000 -c 1 -b 16 "$1" trim 0 "$2"
}

# join OUT IN...: concatenate clips already in the internal format.
join() {
  local dest=$1
  shift
  sox "$@" "$dest"
}

# --- commands (STT and intent fixtures) ---------------------------------------------
say "$out/commands/turn-on-kitchen-light.wav" en-us 150 "Turn on the kitchen light."
say "$out/commands/turn-off-living-room-lamp.wav" en-us 150 "Turn off the living room lamp."
say "$out/commands/bedroom-light-forty-percent.wav" en-us 150 "Set the bedroom light to forty percent."
say "$out/commands/thermostat-twenty-one.wav" en-us 150 "Set the thermostat to twenty one degrees."
say "$out/commands/timer-five-minutes.wav" en-us 150 "Set a timer for five minutes."
say "$out/commands/lock-front-door.wav" en-us 150 "Lock the front door."

# --- end to end: wake word, a short pause, a command, then silence -------------------
silence "$tmp/lead.wav" 0.5
silence "$tmp/gap.wav" 0.3
silence "$tmp/tail.wav" 1.5
say "$tmp/wake.wav" en-us 130 "hey jarvis"
say "$tmp/cmd.wav" en-us 150 "turn on the kitchen light"
join "$out/e2e/hey-jarvis-kitchen-on.wav" "$tmp/lead.wav" "$tmp/wake.wav" "$tmp/gap.wav" "$tmp/cmd.wav" "$tmp/tail.wav"
# The same with no pause after the wake word: the command must not be clipped.
join "$out/e2e/hey-jarvis-kitchen-on-nopause.wav" "$tmp/lead.wav" "$tmp/wake.wav" "$tmp/cmd.wav" "$tmp/tail.wav"

echo "fixtures written to $out"
