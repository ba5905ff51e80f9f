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
# Note: plain sox dithers with a random seed, so the commands/ and e2e/ clips below come out
# with different low bits on each run. The committed ones are kept as they are: whisper-tiny
# (int8) is sensitive enough that its exact words on them (which tests check) can change with
# the dither ("lamp" became "ram" without it). The listening clips further down use -D.
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

# --- listening fixtures (wake, negatives, a command with a pause) ----------------------
# say_exact FILE VOICE SPEED TEXT [ESPEAK OPTIONS...]: like say, but without sox's dither
# (-D), so these clips come out byte for byte the same on every run (tests depend on them).
say_exact() {
  local file=$1 voice=$2 speed=$3 text=$4
  shift 4
  espeak-ng -v "$voice" -s "$speed" "$@" -w "$tmp/raw.wav" "$text"
  sox -D "$tmp/raw.wav" -r 16000 -c 1 -b 16 "$file"
}

# silence_exact FILE SECONDS: digital silence (plain `sox -n` output is dithered, not zeros).
silence_exact() {
  sox -D -n -r 16000 -c 1 -b 16 "$1" trim 0 "$2"
}

# --- wake word: "hey jarvis" at several speeds and voices, with silence around it -----
# openWakeWord's hey_jarvis fires on espeak-ng en-us at speeds 110-140 (not at 150+).
silence_exact "$tmp/lead.wav" 0.5
silence_exact "$tmp/tail1.wav" 1.0
for speed in 110 120 130 140; do
  say_exact "$tmp/w.wav" en-us "$speed" "hey jarvis"
  join "$out/wake/hey-jarvis-en-us-$speed.wav" "$tmp/lead.wav" "$tmp/w.wav" "$tmp/tail1.wav"
done
say_exact "$tmp/w.wav" en-us+m3 125 "hey jarvis"
join "$out/wake/hey-jarvis-en-us-m3-125.wav" "$tmp/lead.wav" "$tmp/w.wav" "$tmp/tail1.wav"
say_exact "$tmp/w.wav" en-us 125 "hey jarvis" -p 70
join "$out/wake/hey-jarvis-en-us-high-125.wav" "$tmp/lead.wav" "$tmp/w.wav" "$tmp/tail1.wav"

# --- endpointing: a command with a pause inside it ------------------------------------
# espeak-ng already ends and starts each clip with ~0.2 s of silence: with 0.1 s more the
# pause is ~0.5 s, shorter than the default trailing silence (0.7 s) that ends a command.
silence_exact "$tmp/pause.wav" 0.1
say_exact "$tmp/c1.wav" en-us 150 "set the bedroom light"
say_exact "$tmp/c2.wav" en-us 150 "to forty percent"
join "$out/commands/bedroom-light-pause-forty-percent.wav" "$tmp/c1.wav" "$tmp/pause.wav" "$tmp/c2.wav"

# --- negatives: speech that must not wake (noise, silence and tones are made in the tests) --
say_exact "$out/negative/what-time-is-it.wav" en-us 130 "What time is it? I think it is almost half past seven."
say_exact "$out/negative/weather-sentence.wav" en-us 130 "The weather is nice today, let us go for a walk in the park."
say_exact "$out/negative/jarvis-turn-on-light.wav" en-us 130 "Jarvis, turn on the kitchen light."
say_exact "$out/negative/jarvis-in-sentence.wav" en-us 130 "I told Jarvis about the meeting, and Harvey said hey to everyone."
say_exact "$out/negative/hey-there-travis.wav" en-us 130 "Hey there, Travis, hey Marvin."
