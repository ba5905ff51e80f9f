// Makes the wake-word benchmark set (bench/wake-noise.ts): "hey jarvis" + a command in seven
// espeak-ng voices, after a pause and (since session 23) in one breath, clean, with pink and
// babble noise at 10 and 5 dB SNR, and reverberant; and over 30 minutes of negatives: prose read
// by several voices (the license texts in /usr/share/common-licenses), near-misses ("hey Travis",
// "hey Marvin", "a service", "jars"), noise, tones and chords. 16 kHz mono s16 WAV and a manifest.json. Deterministic
// (espeak-ng, `sox -D`, seeded noise). Never committed: the output goes to bench/out/wake/.
//
//   npx tsx scripts/make-wake-fixtures.ts [--out DIR] [--negative-minutes 32]
//   npx tsx scripts/make-wake-fixtures.ts --out bench/out/wake-music --music-seed 101[,202...]
// (--music-seed: only tones and chords, 5 minutes each per seed, drawn with other seeds than the
// benchmark's and the verifier's training music (scripts/wake-music.ts): a check of a verifier's
// false wakes on music-like sound it never met; several seeds make one set)

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { encodeWav } from "../src/audio/wav-writer.js";
import {
  addNoise,
  concat,
  pinkNoise,
  reverberate,
  rms,
  say,
  VOICES,
  zeros,
} from "./make-hearing-fixtures.js";
import { phraseEndInBreath } from "./phrase-end.js";
import { checkMusicHeldOut, chords, musicSet, scaleTo, TRAIN_MUSIC_SEEDS, tones } from "./wake-music.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RATE = 16_000;

export const WAKE_CONDITIONS = ["clean", "pink10", "pink5", "babble10", "babble5", "reverb"] as const;
export type WakeCondition = (typeof WAKE_CONDITIONS)[number];

export const COMMANDS = [
  "turn on the kitchen light",
  "what time is it",
  "set a timer for five minutes",
  "close the garage door",
  "turn off the bedroom fan",
];

/** Said like the wake phrase, not it: what a verifier must turn away. */
export const NEAR_MISSES = [
  "hey travis turn on the light",
  "hey marvin what time is it",
  "a service is due next week",
  "put the jars on the shelf",
  "hey jeremy close the door",
  "hey charlie set a timer",
  "the harvest was good this year",
  "hey alexa are you there",
];

/**
 * "Jarvis" inside a sentence (session 43; the tests' fixture is the first). None is a training
 * sentence (wake-verifier-clips.ts IN_SENTENCE). Made after the prose, so the earlier negatives
 * stay as they were.
 */
export const IN_SENTENCE = [
  "i told jarvis about the meeting",
  "my friend jarvis is here",
  "so jarvis what do you think",
  "say hello to jarvis",
  "where did jarvis go",
];

/** What scripts/make-fixtures.sh says into the tests' test/fixtures/wav/negative/jarvis-in-sentence.wav. */
export const FIXTURE_IN_SENTENCE = "I told Jarvis about the meeting, and Harvey said hey to everyone.";

export interface WakeClip {
  file: string;
  voice: string;
  condition: WakeCondition;
  text: string;
  /** End of the wake phrase in the clip (ms): a detection near it is a hit. */
  wakeEndMs: number;
  durationMs: number;
  /** The command run on from the wake phrase with no pause (session 23). */
  oneBreath?: true;
}

export interface NegativeFile {
  file: string;
  kind: "prose" | "near-miss" | "noise" | "tones" | "chords";
  durationMs: number;
}

export interface WakeManifest {
  clips: WakeClip[];
  negatives: NegativeFile[];
}

/** The wake phrase's speed: openWakeWord's hey_jarvis is trained on 110-150 words per minute. */
export function wakeSpeed(speed: number): number {
  return Math.max(120, Math.min(150, speed));
}

/** The benchmark's babble talkers (no training babble may use them). */
export const BABBLE_VOICES = ["en-us+m3", "en-gb+f2", "en-029+m1", "en-us+f4", "en-gb-scotland+m2"];

/** Voices talking over each other (prose, offset), the "babble" of a room or a TV: built once. */
export function babbleTrack(seconds: number, voices = BABBLE_VOICES, words = proseWords()): Float64Array {
  const text = words.slice(0, 400).join(" ");
  const out = new Float64Array(seconds * RATE);
  voices.forEach((voice, v) => {
    const speech = say(
      voice,
      160,
      text
        .split(" ")
        .slice(v * 60)
        .join(" "),
    );
    const level = 1 / rms(speech.filter((s) => s !== 0));
    for (let i = 0; i < out.length; i++)
      out[i] = (out[i] ?? 0) + (speech[(i + v * 7919) % speech.length] ?? 0) * level;
  });
  return out;
}

export function mixAt(samples: Int16Array, noise: Float64Array, snrDb: number, offset: number): Int16Array {
  const speechRms = rms(samples.filter((s) => s !== 0));
  const window = Float64Array.from(samples, (_, i) => noise[(offset + i) % noise.length] ?? 0);
  const scale = speechRms / 10 ** (snrDb / 20) / rms(window);
  return Int16Array.from(samples, (s, i) =>
    Math.max(-32768, Math.min(32767, Math.round(s + (window[i] ?? 0) * scale))),
  );
}

export function withCondition(
  clean: Int16Array,
  condition: WakeCondition,
  seed: number,
  babble: Float64Array,
): Int16Array {
  switch (condition) {
    case "clean":
      return clean;
    case "pink10":
    case "pink5":
      return addNoise(clean, condition === "pink10" ? 10 : 5, seed, "pink");
    case "babble10":
    case "babble5":
      return mixAt(clean, babble, condition === "babble10" ? 10 : 5, (seed * 104_729) % babble.length);
    case "reverb":
      return reverberate(clean);
  }
}

/** The benchmark's prose (no training clip may read it). */
export const BENCH_PROSE = ["Apache-2.0", "GPL-3", "MPL-2.0", "Artistic", "GFDL-1.3", "LGPL-2.1"];

export function proseWords(files = BENCH_PROSE): string[] {
  return files
    .flatMap((f) => readFileSync(path.join("/usr/share/common-licenses", f), "utf8").split(/\s+/))
    .map((w) => w.replace(/[^A-Za-z',.;:-]/g, ""))
    .filter((w) => /[a-z]/i.test(w));
}

function write(outDir: string, name: string, samples: Int16Array): number {
  writeFileSync(path.join(outDir, name), encodeWav(samples));
  return Math.round((samples.length / RATE) * 1000);
}

function makeClips(outDir: string, babble: Float64Array): WakeClip[] {
  const clips: WakeClip[] = [];
  VOICES.forEach((voice, v) => {
    COMMANDS.forEach((command, c) => {
      const speed = wakeSpeed(voice.speed + c * 5 - 10);
      const wake = say(voice.voice, speed, "hey jarvis");
      const lead = zeros(0.6);
      const clean = concat(lead, wake, zeros(0.25), say(voice.voice, voice.speed, command), zeros(1));
      const wakeEndMs = Math.round(((lead.length + lastLoud(wake)) / RATE) * 1000);
      const text = `hey jarvis ${command}`;
      /** Every condition of one clean clip (one-breath files are named "--breath--"). */
      const addClips = (audio: Int16Array, seed: number, phraseEndMs: number, oneBreath: boolean) => {
        for (const condition of WAKE_CONDITIONS) {
          const file = `${voice.id}--${c}--${oneBreath ? "breath--" : ""}${condition}.wav`;
          const durationMs = write(outDir, file, withCondition(audio, condition, seed, babble));
          clips.push({
            file,
            voice: voice.id,
            condition,
            text,
            wakeEndMs: phraseEndMs,
            durationMs,
            ...(oneBreath ? { oneBreath: true as const } : {}),
          });
        }
      };
      addClips(clean, v * 101 + c * 7 + 1, wakeEndMs, false);
      // Session 23: the same words run on in one breath, as people say them. Reported apart from
      // the paused clips. Since session 41 the phrase's end is found in the run-on words
      // (scripts/phrase-end.ts): the phrase said alone ends ~140 ms later.
      const spoken = say(voice.voice, speed, text);
      const breathEnd = lead.length + phraseEndInBreath(wake, lastLoud(wake), spoken);
      addClips(
        concat(lead, spoken, zeros(1)),
        5000 + v * 101 + c * 7,
        Math.round((breathEnd / RATE) * 1000),
        true,
      );
    });
  });
  return clips;
}

/** The report's cell of a clip: its condition, "1b-" before it when said in one breath. */
export const cellOf = (clip: Pick<WakeClip, "condition" | "oneBreath">): string =>
  clip.oneBreath ? `1b-${clip.condition}` : clip.condition;

function makeNegatives(outDir: string, minutes: number, babble: Float64Array): NegativeFile[] {
  const negatives: NegativeFile[] = [];
  const add = (kind: NegativeFile["kind"], file: string, samples: Int16Array) =>
    negatives.push({ file, kind, durationMs: write(outDir, file, samples) });
  /** Phrases said one after another in every voice, clean and in babble at 10 dB. */
  const addSaid = (prefix: string, phrases: readonly string[], speed: (s: number) => number, seed: number) =>
    VOICES.forEach((voice) => {
      const parts = phrases.flatMap((t) => [say(voice.voice, speed(voice.speed), t), zeros(1.2)]);
      const clean = concat(zeros(0.5), ...parts);
      add("near-miss", `${prefix}--${voice.id}--clean.wav`, clean);
      add("near-miss", `${prefix}--${voice.id}--babble10.wav`, mixAt(clean, babble, 10, seed));
    });
  addSaid("near-miss", NEAR_MISSES, wakeSpeed, 31_337);
  // Noise, tones, chords: two minutes each.
  add(
    "noise",
    "pink-noise.wav",
    Int16Array.from(pinkNoise(120 * RATE, 7), (x) => Math.round(x * 3000)),
  );
  add("noise", "babble.wav", scaleTo(babble.subarray(0, Math.min(babble.length, 120 * RATE)), 4000));
  add("tones", "tones.wav", tones(120));
  add("chords", "chords.wav", chords(120));
  // Prose until the negatives reach `minutes`, one file per voice and passage.
  const words = proseWords();
  const have = () => negatives.reduce((s, n) => s + n.durationMs, 0) / 60_000;
  let at = 0;
  for (let i = 0; have() < minutes && at < words.length; i++) {
    const voice = VOICES[i % VOICES.length] as (typeof VOICES)[number];
    const passage = words.slice(at, at + 450).join(" ");
    at += 450;
    add(
      "prose",
      `prose-${String(i).padStart(2, "0")}--${voice.id}.wav`,
      say(voice.voice, voice.speed, passage),
    );
  }
  addSaid("in-sentence", IN_SENTENCE, (speed) => speed, 41_337);
  return negatives;
}

export function lastLoud(samples: Int16Array): number {
  for (let i = samples.length - 1; i >= 0; i--) if (Math.abs(samples[i] ?? 0) > 500) return i;
  return samples.length;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: "string" },
      "negative-minutes": { type: "string" },
      "music-seed": { type: "string" },
    },
  });
  const outDir = path.resolve(ROOT, values.out ?? "bench/out/wake");
  mkdirSync(outDir, { recursive: true });
  if (values["music-seed"]) {
    const seeds = values["music-seed"].split(",").map(Number);
    checkMusicHeldOut(TRAIN_MUSIC_SEEDS, seeds);
    const negatives: NegativeFile[] = seeds.flatMap((seed) =>
      musicSet(seed).map(({ kind, file, samples }) => ({
        file,
        kind,
        durationMs: write(outDir, file, samples),
      })),
    );
    writeFileSync(
      path.join(outDir, "manifest.json"),
      `${JSON.stringify({ clips: [], negatives }, null, 2)}\n`,
    );
    console.log(
      `${seeds.length * 10} minutes of tones and chords (seeds ${seeds.join(", ")}) in ${path.relative(ROOT, outDir)}`,
    );
    return;
  }
  const babble = babbleTrack(180);
  const clips = makeClips(outDir, babble);
  const negatives = makeNegatives(outDir, Number(values["negative-minutes"] ?? 32), babble);
  const manifest: WakeManifest = { clips, negatives };
  writeFileSync(path.join(outDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const minutes = negatives.reduce((s, n) => s + n.durationMs, 0) / 60_000;
  console.log(
    `${clips.length} wake clips and ${minutes.toFixed(1)} minutes of negatives in ${path.relative(ROOT, outDir)}`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
