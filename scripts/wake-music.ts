// Music-like sound for the wake benchmark and the embedding verifier's training: tones (beeps and
// sweeps) and chords (triads with their harmonics), each drawn from a seed. The benchmark's own
// (make-wake-fixtures.ts: tones 11, chords 23), the report sets (`--music-seed S`: tones S,
// chords S + 1) and the verifier's training negatives (session 15, wake-verifier-data.ts
// --music) are drawn from seeds that never meet (checkMusicHeldOut): the music a verifier is
// judged on is music it never heard.

import { prng, rms } from "./make-hearing-fixtures.js";

const RATE = 16_000;

export function scaleTo(values: Float64Array, peakRms: number): Int16Array {
  const scale = peakRms / rms(values);
  return Int16Array.from(values, (x) => Math.max(-32768, Math.min(32767, Math.round(x * scale))));
}

/** Beeps and sweeps: a microwave, an alarm, a phone. */
export function tones(seconds: number, seed = 11): Int16Array {
  const random = prng(seed);
  const out = new Int16Array(seconds * RATE);
  let i = 0;
  while (i < out.length) {
    const length = Math.round((0.1 + random() * 0.9) * RATE);
    const f0 = 300 + random() * 2500;
    const f1 = random() < 0.5 ? f0 : 300 + random() * 2500;
    let phase = 0;
    for (let k = 0; k < length && i + k < out.length; k++) {
      phase += (2 * Math.PI * (f0 + ((f1 - f0) * k) / length)) / RATE;
      out[i + k] = Math.round(Math.sin(phase) * 8000);
    }
    i += length + Math.round(random() * 0.5 * RATE);
  }
  return out;
}

/** Music-like: triads with their harmonics, a new chord every half second or so. */
export function chords(seconds: number, seed = 23): Int16Array {
  const random = prng(seed);
  const out = new Float64Array(seconds * RATE);
  let i = 0;
  while (i < out.length) {
    const length = Math.round((0.3 + random() * 0.6) * RATE);
    const root = 110 * 2 ** (Math.floor(random() * 24) / 12);
    const notes = [root, root * 2 ** (4 / 12), root * 2 ** (7 / 12)];
    for (let k = 0; k < length && i + k < out.length; k++) {
      const t = k / RATE;
      const envelope = Math.exp(-3 * t);
      for (const f of notes)
        for (let h = 1; h <= 3; h++)
          out[i + k] = (out[i + k] ?? 0) + (Math.sin(2 * Math.PI * f * h * t) * envelope) / h;
    }
    i += length;
  }
  return scaleTo(out, 5000);
}

export type MusicKind = "tones" | "chords";

/** One music seed's sound: 5 minutes of tones (drawn from `seed`) and 5 of chords (`seed + 1`). */
export function musicSet(seed: number): Array<{ kind: MusicKind; file: string; samples: Int16Array }> {
  return (["tones", "chords"] as const).map((kind) => ({
    kind,
    file: `${kind}-${seed}.wav`,
    samples: kind === "tones" ? tones(300, seed) : chords(300, seed + 1),
  }));
}

/** The benchmark's own tones.wav and chords.wav (make-wake-fixtures.ts), as generator seeds. */
export const BENCH_MUSIC_SEEDS = { tones: 11, chords: 23 } as const;

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Music seeds (`--music-seed`) judged on, never trained on: the report sets of session 13
 * (101-404, 505-808, 1001-1012) and session 15's fresh set (7001-7012, made after training).
 */
export const EVAL_MUSIC_SEEDS: readonly number[] = [
  101,
  202,
  303,
  404,
  505,
  606,
  707,
  808,
  ...range(1001, 1012),
  ...range(7001, 7012),
];

/** Session 15: the verifier's training music, one seed per fold (wake-verifier-folds.ts FOLDS). */
export const TRAIN_MUSIC_SEEDS: readonly number[] = range(3001, 3008);

/** What a music clip of the training data says in its `voice` field (its fold's key). */
export const musicVoice = (seed: number): string => `music-${seed}`;

/** The training music seeds of share `part` of `parts` (wake-verifier-data.ts --part K/N --music). */
export const musicShare = (part: number, parts: number): number[] =>
  TRAIN_MUSIC_SEEDS.filter((_, s) => s % parts === part);

/** A training music clip's description (wake-verifier-data.ts TrainClip, less its scores). */
export const musicClip = (seed: number, kind: MusicKind, file: string) => ({
  voice: musicVoice(seed),
  kind: "music" as const,
  condition: kind,
  text: file,
  wakeEndSample: null,
});

/** Every generator seed a music seed draws from (tones `seed`, chords `seed + 1`). */
const generatorSeeds = (seeds: readonly number[]) => seeds.flatMap((s) => [s, s + 1]);

/**
 * Throws when a training music seed draws from a generator seed that any music judged on draws
 * from (the benchmark's, `EVAL_MUSIC_SEEDS`, `more`: e.g. a bench directory's own), or when
 * training seeds repeat.
 */
export function checkMusicHeldOut(trainSeeds: readonly number[], more: readonly number[] = []): void {
  const judged = new Set([
    BENCH_MUSIC_SEEDS.tones,
    BENCH_MUSIC_SEEDS.chords,
    ...generatorSeeds([...EVAL_MUSIC_SEEDS, ...more]),
  ]);
  const clash = [...new Set(generatorSeeds(trainSeeds).filter((s) => judged.has(s)))];
  if (clash.length || new Set(trainSeeds).size !== trainSeeds.length)
    throw new Error(`music not held out: generator seeds ${clash.join(", ") || "repeated"}`);
}

/**
 * The music seeds of a bench set's files (`tones-S.wav`, `chords-S.wav`: `--music-seed S`), for
 * checkMusicHeldOut's `more` (the benchmark's own tones.wav and chords.wav are always in it).
 */
export function musicSeedsOf(files: readonly string[]): number[] {
  return files.flatMap((f) => {
    const m = /^(tones|chords)-(\d+)\.wav$/.exec(f);
    return m ? [Number(m[2])] : [];
  });
}
