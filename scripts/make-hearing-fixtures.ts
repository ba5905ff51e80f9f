// Makes the hearing fixtures: "hey jarvis" + a command (or an out-of-grammar utterance) in
// several espeak-ng voices and speeds, clean, with noise at 10 dB SNR, and reverberant, as
// 16 kHz mono s16 WAV, with a manifest (manifest.json) of what each clip says and should do.
// Deterministic: espeak-ng and `sox -D` (no dither) give the same bytes on every run, and the
// noise comes from a seeded generator. Needs espeak-ng and sox (Debian packages).
//
//   npx tsx scripts/make-hearing-fixtures.ts                 all clips -> bench/out/hearing/
//   npx tsx scripts/make-hearing-fixtures.ts --committed     the CI subset -> test/fixtures/wav/hearing/
//   options: --out DIR  --voices en-us,en-029  --conditions clean,noisy  --count N (utterances)

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { encodeWav } from "../src/audio/wav-writer.js";
import { type Expected, midPauseSplit, UTTERANCES, type Utterance } from "./hearing-utterances.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RATE = 16_000;

export interface Voice {
  id: string;
  /** espeak-ng voice with variant. */
  voice: string;
  /** Words per minute for the command (the wake phrase is said at WAKE_SPEED). */
  speed: number;
}

/** Six accents, male and female variants, 120-170 words per minute. */
export const VOICES: Voice[] = [
  { id: "en-us", voice: "en-us", speed: 150 },
  { id: "en-gb-m3", voice: "en-gb+m3", speed: 140 },
  { id: "en-029", voice: "en-029", speed: 130 },
  { id: "en-gb-x-rp-f3", voice: "en-gb-x-rp+f3", speed: 160 },
  { id: "en-us-nyc-m4", voice: "en-us-nyc+m4", speed: 170 },
  { id: "en-gb-scotland", voice: "en-gb-scotland", speed: 120 },
  { id: "en-us-f3", voice: "en-us+f3", speed: 145 },
];

export const CONDITIONS = ["clean", "noisy", "reverb"] as const;
export type Condition = (typeof CONDITIONS)[number];

/** openWakeWord's hey_jarvis fires on espeak-ng at 110-140 words per minute, not at 150+. */
const WAKE_SPEED = 125;
/** Every NO_PAUSE_EVERY-th utterance is said in one breath with the wake phrase. */
const NO_PAUSE_EVERY = 8;
const LEAD_SECONDS = 0.5;
const GAP_SECONDS = 0.3;
const TAIL_SECONDS = 1.5;
const SNR_DB = 10;

export interface ManifestEntry {
  file: string;
  voice: string;
  speed: number;
  condition: Condition;
  /** Said in one breath with the wake phrase. */
  noPause: boolean;
  text: string;
  /** "reject" for out-of-grammar utterances. */
  expect: Expected | "reject";
  /** End of the last speech sample, from the clip's start (for felt latency). */
  speechEndMs: number;
  durationMs: number;
}

export interface ClipSpec {
  utterance: Utterance;
  index: number;
  voice: Voice;
  condition: Condition;
  /** Pause between the wake phrase and the command when it is not said in one breath (default GAP_SECONDS). */
  gapSeconds?: number;
  /** A pause this long inside the command (midPauseSplit), for the early endpoint's bench. */
  midPauseSeconds?: number;
}

/** Every utterance in every voice and condition, in a stable order. */
export function allSpecs(
  voices: readonly Voice[] = VOICES,
  conditions: readonly Condition[] = CONDITIONS,
  count = UTTERANCES.length,
): ClipSpec[] {
  const picked = pickUtterances(count);
  return picked.flatMap(({ utterance, index }) =>
    voices.flatMap((voice) => conditions.map((condition) => ({ utterance, index, voice, condition }))),
  );
}

/** `count` utterances spread over the list (in-grammar and out-of-grammar in proportion). */
function pickUtterances(count: number): Array<{ utterance: Utterance; index: number }> {
  const all = UTTERANCES.map((utterance, index) => ({ utterance, index }));
  if (count >= all.length) return all;
  const step = all.length / count;
  return Array.from({ length: count }, (_, i) => all[Math.floor(i * step)] as (typeof all)[number]);
}

export function clipName(spec: ClipSpec): string {
  const slug = spec.utterance.text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  const gap = spec.gapSeconds === undefined || isNoPause(spec.index) ? "" : `-gap${spec.gapSeconds}`;
  const pause = isNoPause(spec.index) ? "-nopause" : gap;
  const mid = spec.midPauseSeconds === undefined ? "" : `-mid${spec.midPauseSeconds}`;
  return `${String(spec.index).padStart(2, "0")}-${slug}${pause}${mid}--${spec.voice.id}--${spec.condition}.wav`;
}

export function isNoPause(index: number): boolean {
  return index % NO_PAUSE_EVERY === 3;
}

/** Writes the clip (unless it exists) and returns its manifest entry. */
export function makeClip(spec: ClipSpec, outDir: string): ManifestEntry {
  const file = path.join(outDir, clipName(spec));
  const noPause = isNoPause(spec.index);
  const { voice } = spec;
  const split = spec.midPauseSeconds === undefined ? null : midPauseSplit(spec.utterance.text);
  // With a pause inside, each part is said on its own, the pause between them: espeak-ng's own
  // silence around each part (~0.2 s each side) is cut, so the pause is as long as asked.
  const command = (speed: number, lead: string) =>
    split
      ? concat(
          loudPart(say(voice.voice, speed, `${lead}${split[0]}`)),
          zeros(spec.midPauseSeconds ?? 0),
          loudPart(say(voice.voice, speed, split[1])),
        )
      : say(voice.voice, speed, `${lead}${spec.utterance.text}`);
  const speech = noPause
    ? command(Math.min(voice.speed, 130), "hey jarvis ")
    : concat(
        say(voice.voice, WAKE_SPEED, "hey jarvis"),
        zeros(spec.gapSeconds ?? GAP_SECONDS),
        command(voice.speed, ""),
      );
  const clean = concat(zeros(LEAD_SECONDS), speech, zeros(TAIL_SECONDS));
  const speechEnd = lastLoud(clean);
  const samples =
    spec.condition === "noisy"
      ? addNoise(
          clean,
          SNR_DB,
          spec.index * 31 + VOICES.indexOf(voice) + 1,
          spec.index % 2 === 0 ? "pink" : "brown",
        )
      : spec.condition === "reverb"
        ? reverberate(clean)
        : clean;
  if (!existsSync(file)) writeFileSync(file, encodeWav(samples));
  return {
    file: path.basename(file),
    voice: voice.voice,
    speed: voice.speed,
    condition: spec.condition,
    noPause,
    text: spec.utterance.text,
    expect: spec.utterance.expect ?? "reject",
    speechEndMs: Math.round((speechEnd / RATE) * 1000),
    durationMs: Math.round((samples.length / RATE) * 1000),
  };
}

/**
 * The command audio the pipeline hands Whisper once the wake word fired: the command alone
 * (or, said in one breath, the wake phrase with it), 0.3 s before and 0.7 s after, in the
 * clip's condition. bench/hearing-decode.ts measures decoding on these, the wake word bypassed.
 * `followUpLead` (seconds): a follow-up's audio instead, the command alone (no wake phrase
 * ever) after that much quiet (or noise) since the follow-up window opened. `withWakePhrase`:
 * the paused clips' wake phrase and pause too, as the daemon's pre-roll hands them to Whisper
 * when it finds where the phrase began (pipeline/pre-roll.ts).
 */
export function commandAudio(spec: ClipSpec, followUpLead?: number, withWakePhrase = false): Int16Array {
  const { voice } = spec;
  const oneBreath = isNoPause(spec.index) && followUpLead === undefined;
  const command = oneBreath
    ? say(voice.voice, Math.min(voice.speed, 130), `hey jarvis ${spec.utterance.text}`)
    : say(voice.voice, voice.speed, spec.utterance.text);
  const speech =
    withWakePhrase && !oneBreath && followUpLead === undefined
      ? concat(say(voice.voice, WAKE_SPEED, "hey jarvis"), zeros(spec.gapSeconds ?? GAP_SECONDS), command)
      : command;
  const clean = concat(zeros(followUpLead ?? 0.3), speech, zeros(0.7));
  if (spec.condition === "noisy") {
    const seed = spec.index * 31 + VOICES.indexOf(voice) + 1;
    return addNoise(clean, SNR_DB, seed, spec.index % 2 === 0 ? "pink" : "brown");
  }
  return spec.condition === "reverb" ? reverberate(clean) : clean;
}

/** espeak-ng -> 16 kHz mono s16, no dither. */
export function say(voice: string, speed: number, text: string): Int16Array {
  const espeak = spawnSync("espeak-ng", ["-v", voice, "-s", String(speed), "--stdout", text], {
    maxBuffer: 64 << 20,
  });
  if (espeak.status !== 0) throw new Error(`espeak-ng failed: ${espeak.stderr}`);
  return sox(espeak.stdout, ["-t", "wav", "-"], []);
}

/** sox from the given input type to raw 16 kHz mono s16, with effects. */
function sox(input: Buffer, inputArgs: string[], effects: string[]): Int16Array {
  const args = [
    "-D",
    ...inputArgs,
    "-t",
    "raw",
    "-r",
    String(RATE),
    "-c",
    "1",
    "-b",
    "16",
    "-e",
    "signed",
    "-",
    ...effects,
  ];
  const run = spawnSync("sox", args, { input, maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`sox failed: ${run.stderr}`);
  const bytes = run.stdout as Buffer;
  return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

/** A living room: sox's reverb and a low-pass (a far, dull microphone), same length as the input. */
export function reverberate(samples: Int16Array): Int16Array {
  const raw = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const input = ["-t", "raw", "-r", String(RATE), "-c", "1", "-b", "16", "-e", "signed", "-"];
  const out = sox(raw, input, ["gain", "-3", "reverb", "50", "50", "80", "lowpass", "3000"]);
  return out.length > samples.length ? out.subarray(0, samples.length) : out;
}

/** Mixes seeded pink or brown noise at `snrDb` below the speech's RMS (measured on its non-zero samples). */
export function addNoise(
  samples: Int16Array,
  snrDb: number,
  seed: number,
  color: "pink" | "brown",
): Int16Array {
  const noise = color === "pink" ? pinkNoise(samples.length, seed) : brownNoise(samples.length, seed);
  const speechRms = rms(samples.filter((s) => s !== 0));
  const scale = speechRms / 10 ** (snrDb / 20) / rms(noise);
  return Int16Array.from(samples, (s, i) =>
    Math.max(-32768, Math.min(32767, Math.round(s + (noise[i] ?? 0) * scale))),
  );
}

export function rms(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i] ?? 0) ** 2;
  return Math.sqrt(sum / Math.max(1, values.length));
}

export function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Paul Kellet's pink filter over seeded white noise. */
export function pinkNoise(n: number, seed: number): Float64Array {
  const random = prng(seed);
  const out = new Float64Array(n);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < n; i++) {
    const white = random() * 2 - 1;
    b0 = 0.99765 * b0 + white * 0.099046;
    b1 = 0.963 * b1 + white * 0.2965164;
    b2 = 0.57 * b2 + white * 1.0526913;
    out[i] = b0 + b1 + b2 + white * 0.1848;
  }
  return out;
}

/** A leaky random walk: rumble (fans, traffic), most energy low. */
function brownNoise(n: number, seed: number): Float64Array {
  const random = prng(seed);
  const out = new Float64Array(n);
  let value = 0;
  for (let i = 0; i < n; i++) {
    value = 0.98 * value + (random() * 2 - 1) * 0.2;
    out[i] = value;
  }
  return out;
}

export function zeros(seconds: number): Int16Array {
  return new Int16Array(Math.round(seconds * RATE));
}

export function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The last sample louder than -36 dBFS (espeak-ng's own trailing silence is not speech). */
function lastLoud(samples: Int16Array): number {
  for (let i = samples.length - 1; i >= 0; i--) if (Math.abs(samples[i] ?? 0) > 500) return i;
  return 0;
}

/** The samples from the first loud one to the last (the silence around them cut). */
function loudPart(samples: Int16Array): Int16Array {
  const first = samples.findIndex((x) => Math.abs(x) > 500);
  return first < 0 ? samples : samples.slice(first, lastLoud(samples) + 1);
}

/** The clips committed for CI: a few voices, a noisy and a reverberant one, four out-of-grammar, four without a pause. */
export function committedSpecs(): ClipSpec[] {
  const voice = (id: string) => VOICES.find((v) => v.id === id) as Voice;
  const at = (text: string) => UTTERANCES.findIndex((u) => u.text === text);
  const spec = (text: string, voiceId: string, condition: Condition): ClipSpec => {
    const index = at(text);
    if (index < 0) throw new Error(`no utterance "${text}"`);
    return { utterance: UTTERANCES[index] as Utterance, index, voice: voice(voiceId), condition };
  };
  return [
    spec("turn on the kitchen light", "en-gb-m3", "clean"),
    spec("set the bedroom light to forty percent", "en-029", "clean"),
    spec("set the thermostat to twenty one degrees", "en-gb-x-rp-f3", "clean"),
    spec("set a timer for ten minutes", "en-us-nyc-m4", "clean"),
    spec("turn off the lights in the kitchen", "en-gb-scotland", "clean"),
    spec("lock the front door", "en-us-f3", "clean"),
    spec("turn off the bedroom fan", "en-us", "noisy"),
    spec("close the garage door", "en-gb-m3", "reverb"),
    spec("tell me a joke", "en-us", "clean"),
    spec("what is the capital of France", "en-gb-x-rp-f3", "clean"),
    // A half sentence Whisper finishes itself ("Hey Jarvis, turn on the lights."), and one
    // it leaves half for the grammar to finish ("Hey Jarvis, turn on the" -> "... light.").
    spec("turn on the", "en-gb-m3", "clean"),
    spec("turn on the", "en-us-f3", "noisy"),
    // Whisper goes on with its prompt after the wake phrase: "Hey Jarvis, kitchen light, living room lamp,".
    spec("switch on the living room lamp", "en-gb-m3", "clean"),
    // The same after the wake phrase misheard: "Here Jarvis, kitchen light, bedroom fan,".
    spec("kill the bedroom fan", "en-gb-scotland", "clean"),
    // Said in one breath with the wake phrase (index % 8 == 3).
    spec("switch off the living room lamp", "en-us-f3", "clean"),
    spec("bedroom light off", "en-gb-x-rp-f3", "clean"),
    spec("switch the coffee maker off", "en-us", "clean"),
  ];
}

/**
 * Command audio committed for the real-model tests of guided decoding
 * (test/fixtures/wav/hearing/commands/): clips whose decoding was a wrong action.
 */
export function committedCommandSpecs(): ClipSpec[] {
  const index = UTTERANCES.findIndex((u) => u.text === "set the living room lamp to fifty percent");
  const voice = VOICES.find((v) => v.id === "en-029") as Voice;
  // Whisper writes "15%", as likely as "50%": taken as it was, the lamp went to 15.
  return [{ utterance: UTTERANCES[index] as Utterance, index, voice, condition: "clean" }];
}

export function writeManifest(outDir: string, entries: ManifestEntry[]): void {
  writeFileSync(path.join(outDir, "manifest.json"), `${JSON.stringify(entries, null, 2)}\n`);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: "string" },
      committed: { type: "boolean" },
      voices: { type: "string" },
      conditions: { type: "string" },
      count: { type: "string" },
    },
  });
  const committed = values.committed === true;
  const outDir = path.resolve(
    ROOT,
    values.out ?? (committed ? "test/fixtures/wav/hearing" : "bench/out/hearing"),
  );
  mkdirSync(outDir, { recursive: true });
  const voices = values.voices ? VOICES.filter((v) => values.voices?.split(",").includes(v.id)) : VOICES;
  const conditions = values.conditions ? (values.conditions.split(",") as Condition[]) : [...CONDITIONS];
  const specs = committed
    ? committedSpecs()
    : allSpecs(voices, conditions, values.count ? Number(values.count) : UTTERANCES.length);
  const entries = specs.map((spec) => makeClip(spec, outDir));
  writeManifest(outDir, entries);
  if (committed) {
    mkdirSync(path.join(outDir, "commands"), { recursive: true });
    for (const spec of committedCommandSpecs()) {
      const file = path.join(outDir, "commands", clipName(spec));
      if (!existsSync(file)) writeFileSync(file, encodeWav(commandAudio(spec)));
    }
  }
  console.log(`${entries.length} clips and manifest.json in ${path.relative(ROOT, outDir)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
