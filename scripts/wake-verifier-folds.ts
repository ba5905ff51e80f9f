// Verifiers fitted on some training voices and run on the others (scripts/train-wake-verifier.ts
// and scripts/choose-wake-every-chunk.ts): every chunk of every clip gets a probability from a
// model that never saw its voice, so what is chosen on them is chosen on held-out voices. Each fold
// holds one seed of the training music too (session 15), so music is held out as voices are. The
// rule that chooses on them is in wake-verifier-rule.ts.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { EmbeddingVerifier, type EmbeddingVerifierWeights } from "../src/wake/embedding-verifier.js";
import { prng } from "./make-hearing-fixtures.js";
import { musicVoice, TRAIN_MUSIC_SEEDS } from "./wake-music.js";
import { TRAIN_VOICES } from "./wake-verifier-clips.js";
import { type Data, type FitOptions, fitVerifier } from "./wake-verifier-fit.js";
import { meanLogits, membersOf, mergeNets } from "./wake-verifier-members.js";
import { type Clips, type Example, examplesOf, isMoreBabble, windowAt } from "./wake-verifier-replay.js";

/**
 * `hard`: the share of every-chunk negatives fitted on; `more` and `anchor` (0-3):
 * session 12's more babble and positives anchored at the clean clip; `music` (0..1): session
 * 15's music (wake-verifier-replay.ts ExampleOptions).
 */
export type Config = FitOptions & {
  jitter: number;
  hard: number;
  more: number;
  anchor: number;
  music: number;
  /** Nets fitted with seeds seed, seed + 1, ...: their logits averaged (one wider net, mergeNets). */
  members: number;
  /** 0: the one-breath wake clips left out of fitting (ExampleOptions.breath); 1: fitted on. */
  breath: number;
};

/**
 * hidden:L2:jitter[:hard[:more[:anchor[:seed[:members[:music[:breath]]]]]]], comma-separated (0
 * hidden units: logistic regression; seed 7 unless given; members: that many nets averaged, seeds
 * counting up; music: the share of the training music's chunks fitted on; breath 0: no one-breath
 * clips fitted on, ExampleOptions).
 */
export function parseConfigs(text: string): Config[] {
  return text.split(",").map((c) => {
    const [hidden, l2, jitter, hard, more, anchor, seed, members, music, breath] = c.split(":").map(Number);
    return {
      hidden: hidden ?? 8,
      l2: l2 ?? 0.001,
      jitter: jitter ?? 1,
      hard: hard ?? 0,
      more: more ?? 0,
      anchor: anchor ?? 0,
      music: music ?? 0,
      epochs: hidden ? 12 : 15,
      learningRate: 0.002,
      batch: 64,
      seed: seed ?? 7,
      members: members ?? 1,
      breath: breath ?? 1,
    };
  });
}

/** A configuration as parseConfigs reads it. */
export const configText = (c: Config): string => {
  const tail = !c.breath
    ? [c.seed, c.members, c.music, c.breath]
    : c.music
      ? [c.seed, c.members, c.music]
      : c.members > 1
        ? [c.seed, c.members]
        : c.seed !== 7
          ? [c.seed]
          : [];
  return [c.hidden, c.l2, c.jitter, c.hard, c.more, c.anchor, ...tail].join(":");
};

/** The examples a configuration fits on. */
export const examplesFor = (data: Clips, options: Config): Example[] =>
  examplesOf(data, options.jitter, prng(99), options.hard, options);

/** The training voices in eight folds of two, and the training music's seeds, one per fold. */
export const FOLDS: string[][] = [0, 1, 2, 3, 4, 5, 6, 7].map((f) => [
  ...TRAIN_VOICES.map((v) => v.id).filter((_, i) => i % 8 === f),
  ...TRAIN_MUSIC_SEEDS.filter((_, i) => i % 8 === f).map(musicVoice),
]);

/** The examples' windows, copied into one matrix for the fitter. */
function matrix(data: Clips, examples: Example[]): Data {
  const d = data.frames * 96;
  const x = new Float32Array(examples.length * d);
  examples.forEach((e, i) => {
    x.set(windowAt(data, data.clips[e.clip] as Clips["clips"][number], e.chunk), i * d);
  });
  return { x, d, y: Uint8Array.from(examples, (e) => e.label) };
}

export function weightsOf(
  data: Clips,
  options: Config,
  examples: Example[],
  threshold: number,
): EmbeddingVerifierWeights {
  if (options.members > 1)
    return mergeNets(membersOf(options).map((m) => weightsOf(data, m, examples, threshold)));
  const fitted = fitVerifier(
    matrix(data, examples),
    examples.map((_, i) => i),
    options,
  );
  return {
    format: "edge-voice-wake-verifier/1",
    wakeWord: "hey_jarvis",
    frames: data.frames,
    threshold,
    trainedOn: {},
    ...fitted,
  };
}

/**
 * Every chunk's probability (from the sixth on: the first five are never scored), each clip
 * scored by the model fitted without its voice's fold. `folds`: only these (indexes into FOLDS;
 * a quick look: the other folds' clips stay at 0, so evaluate only `heldOutSet`).
 */
export function heldOut(
  data: Clips,
  options: Config,
  folds: readonly number[] = FOLDS.map((_, f) => f),
): Float32Array[] {
  const { clips } = data;
  const examples = examplesFor(data, options);
  const out: Float32Array[] = clips.map((c) => new Float32Array(c.scores.length));
  for (const fold of folds.map((f) => FOLDS[f] as string[])) {
    const train = examples.filter((e) => !fold.includes(clips[e.clip]?.voice ?? ""));
    const verifier = EmbeddingVerifier.fromWeights(weightsOf(data, options, train, 0.5));
    clips.forEach((c, i) => {
      if (!fold.includes(c.voice)) return;
      const p = out[i] as Float32Array;
      for (let j = 5; j < c.scores.length; j++) p[j] = verifier.score(windowAt(data, c, j));
    });
  }
  return out;
}

/**
 * The clips (and their probabilities) a held-out figure is taken on: the voices of `folds`, and
 * without session 12's more babble unless `more` (so figures compare with sessions 8 and 11's).
 */
/**
 * heldOut, kept beside the data per configuration, folds and data (minutes of fitting), so the
 * choosing scripts share one fit.
 */
export function cachedHeldOut(
  dir: string,
  data: Clips,
  config: Config,
  folds: readonly number[],
): Float32Array[] {
  if (config.members > 1) return meanLogits(membersOf(config).map((m) => cachedHeldOut(dir, data, m, folds)));
  // Keyed as before members, music and breath existed, so single nets' caches stay valid.
  const { members: _, music, breath, ...rest } = config;
  const one = { ...rest, ...(music ? { music } : {}), ...(breath === 0 ? { breath } : {}) };
  const key = createHash("sha256")
    .update(JSON.stringify({ config: one, folds, clips: data.clips.length, rows: data.rows.length }))
    .digest("hex")
    .slice(0, 12);
  const file = path.join(dir, `held-out-${key}.f32`);
  const lengths = data.clips.map((c) => c.scores.length);
  if (existsSync(file)) {
    const bytes = readFileSync(file);
    const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    let at = 0;
    return lengths.map((n) => {
      at += n;
      return all.slice(at - n, at);
    });
  }
  const p = heldOut(data, config, folds);
  const all = new Float32Array(lengths.reduce((a, b) => a + b, 0));
  let at = 0;
  for (const x of p) {
    all.set(x, at);
    at += x.length;
  }
  writeFileSync(file, Buffer.from(all.buffer));
  return p;
}

export function heldOutSet(
  data: Clips,
  p: Float32Array[],
  folds: readonly number[],
  more: boolean,
): { data: Clips; p: Float32Array[] } {
  const voices = new Set(folds.flatMap((f) => FOLDS[f] ?? []));
  const keep = data.clips.map((c) => (c.voice === "-" || voices.has(c.voice)) && (more || !isMoreBabble(c)));
  return {
    data: { ...data, clips: data.clips.filter((_, i) => keep[i]) },
    p: p.filter((_, i) => keep[i]),
  };
}

/** The bundled weights of hey_jarvis. */
export const WEIGHTS_FILE = "assets/wake-verifier/hey_jarvis.json";

/** Writes the bundled weights and pins their sha256 where the daemon checks them. */
export function writePinned(weights: EmbeddingVerifierWeights): void {
  mkdirSync(path.dirname(WEIGHTS_FILE), { recursive: true });
  const text = `${JSON.stringify(weights)}\n`;
  writeFileSync(WEIGHTS_FILE, text);
  const sha256 = createHash("sha256").update(text).digest("hex");
  const PIN_FILE = "src/wake/embedding-verifier.ts";
  const source = readFileSync(PIN_FILE, "utf8");
  const pinned = source.replace(
    /(file: "assets\/wake-verifier\/hey_jarvis\.json",\s*sha256: ")[0-9a-f]{64}"/,
    `$1${sha256}"`,
  );
  if (pinned === source && !source.includes(sha256))
    throw new Error(`cannot find hey_jarvis's sha256 pin in ${PIN_FILE}`);
  writeFileSync(PIN_FILE, pinned);
  console.log(`wrote ${WEIGHTS_FILE}; sha256 ${sha256}, pinned in ${PIN_FILE}`);
}
