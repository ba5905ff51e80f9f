// The embedding verifier's training clips (scripts/train-wake-verifier.ts reads them). Sixteen
// espeak-ng voices that are NOT the benchmark's (bench/wake-noise.ts reports on its seven, held
// out; two of its accents, en-029 and en-us-nyc, appear here in no variant at all, and no voice
// here is one of the benchmark's babble voices) say "hey jarvis" + a command (after a pause, and since
// session 23 also run on in one breath: TrainClip.oneBreath), and near-misses
// ("hey Charlie, set a timer"), clean, in pink noise and in babble (other voices, other prose
// than the benchmark's) at 10 and 5 dB, and reverberant; and read prose; plus noise. openWakeWord
// runs over each clip as the daemon runs it, and every chunk is kept: its hey_jarvis score and
// its 96-value embedding, so training can take a window at any chunk (the best one, those
// around it) and replay the daemon's candidate trigger over whole clips on held-out voices.
// Deterministic. Output (never committed): bench/out/wake-train/clips-K.json (per clip: what it
// is, where the wake phrase ends, the chunk scores) and clips-K.f32 (the embedding rows, clip
// after clip); `--part K/N` makes the K-th of N shares of the voices (run the N at once).
// `--more-babble` (session 12) makes only more babble, into clips-K-babble.json/.f32 beside the
// rest: the same wake phrases and near-misses mixed with four other babble tracks (MORE_BABBLES:
// 3 to 8 talkers, other voices and other prose again, none of the benchmark's) at SNRs spread
// over 0-12 dB, and those tracks as noise; the fitting scripts fit on them only when asked.
// `--music` (session 15) makes only music-like negatives, into clips-K-music.json/.f32: tones and
// chords (wake-music.ts) of TRAIN_MUSIC_SEEDS, seeds no music judged on draws from
// (checkMusicHeldOut), each seed's two clips in one fold (kind "music", voice music-SEED).
// `--in-sentence` (session 43) makes only "Jarvis" said inside sentences (IN_SENTENCE, kind
// "near-miss"), into clips-K-sentence.json/.f32. What each voice says is wake-verifier-clips.ts.
//
//   nice -n 10 npx tsx scripts/wake-verifier-data.ts [--out DIR] [--part 0/1] [--more-babble | --music | --in-sentence]

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { FRAME_SAMPLES } from "../src/audio/format.js";
import { ModelStore } from "../src/models/store.js";
import { silentLogger } from "../src/util/logger.js";
import { EMBEDDING_DIM } from "../src/wake/embedding-stream.js";
import { CANDIDATE_FRAMES, OpenWakeWordDetector } from "../src/wake/openwakeword.js";
import { pinkNoise } from "./make-hearing-fixtures.js";
import { babbleTrack, proseWords, type WakeCondition, withCondition } from "./make-wake-fixtures.js";
import { clipMels, openMel } from "./wake-mels.js";
import { checkMusicHeldOut, musicClip, musicSet, musicShare, TRAIN_MUSIC_SEEDS } from "./wake-music.js";
import { type BabbleMix, checkBabbleHeldOut, MORE_BABBLES, moreBabbleMixes } from "./wake-verifier-babble.js";
import {
  addNearMisses,
  addProse,
  addWakeClips,
  type ClipSink,
  checkSentencesHeldOut,
  checkVoicesHeldOut,
  type Mix,
  MORE_TRAIN_VOICES,
  TRAIN_VOICES,
} from "./wake-verifier-clips.js";

const RATE = 16_000;

/** The training prose: none of the benchmark's files (checkBabbleHeldOut). */
export const TRAIN_PROSE = ["BSD", "GPL-2", "LGPL-3", "MPL-1.1", "CC0-1.0"];

/** Wake phrases and near-misses alike (the one false wake of session 7 was "hey Charlie" in babble). */
const CONDITIONS: WakeCondition[] = ["clean", "pink10", "pink5", "babble10", "babble5", "reverb"];

export type ClipKind = "wake" | "near-miss" | "prose" | "noise" | "music";

/** One scored clip: what it is, and where its chunks are in the .f32 file. */
export interface TrainClip {
  voice: string;
  kind: ClipKind;
  condition: string;
  text: string;
  /** The wake phrase's end (samples from the clip's start); null: no wake phrase in it. */
  wakeEndSample: number | null;
  /** First embedding row of this clip in the .f32 file: CANDIDATE_FRAMES noise rows, then one per chunk. */
  firstRow: number;
  /** hey_jarvis's score per 80 ms chunk (chunk i ends at (i + 1) x 1280 samples). */
  scores: number[];
  /** Said in one breath: the command run on from the wake phrase, no pause (session 23). */
  oneBreath?: true;
  /** Session 12's more babble (`--more-babble`): which MORE_BABBLES track, at what SNR. */
  mix?: BabbleMix;
  /** `--mels` (session 39): the clip's first row in NAME.mel.f32 and its frame count (x 32 values). */
  firstMel?: number;
  mels?: number;
}

export interface TrainShare {
  frames: number;
  clips: TrainClip[];
}

const store = new ModelStore({ modelsDir: "models", cacheFile: null });

/**
 * openWakeWord's hey_jarvis as the scripts and benches read it: every chunk scored, no
 * detection of its own (threshold above 1), one thread.
 */
export async function openScoringDetector(models: ModelStore = store): Promise<OpenWakeWordDetector> {
  const modelPath = async (id: string) => Object.values((await models.verify(id)).paths)[0] as string;
  return OpenWakeWordDetector.create({
    models: [
      {
        id: "hey_jarvis",
        path: await modelPath("hey_jarvis"),
        threshold: 1.1,
        triggerLevel: 1,
        refractorySeconds: 2,
      },
    ],
    melPath: await modelPath("oww_melspectrogram"),
    embeddingPath: await modelPath("oww_embedding"),
    threads: 1,
    logger: silentLogger(),
  });
}

const clips: TrainClip[] = [];
const rows: Float32Array[] = [];
let rowCount = 0;
/** `--mels`: the mel model, and every clip's frames in order. */
let melModel: Awaited<ReturnType<typeof openMel>> | null = null;
const melRows: Float32Array[] = [];
let melCount = 0;

/** Runs openWakeWord over a clip as the daemon would, keeping every chunk's score and embedding. */
async function addClip(
  wake: OpenWakeWordDetector,
  samples: Int16Array,
  clip: Omit<TrainClip, "firstRow" | "scores">,
): Promise<void> {
  wake.reset();
  const first = wake.recentEmbeddings(CANDIDATE_FRAMES) as Float32Array;
  const scores: number[] = [];
  const chunkRows: Float32Array[] = [first];
  wake.onScores = (s) => {
    scores.push(Number((s.scores.hey_jarvis ?? 0).toPrecision(4)));
    chunkRows.push(wake.recentEmbeddings(1) as Float32Array);
  };
  for (let i = 0; i < samples.length; i += FRAME_SAMPLES)
    await wake.process({ samples: samples.subarray(i, i + FRAME_SAMPLES), startSample: i });
  const mels = melModel ? await clipMels(melModel, samples) : null;
  const melFields = mels ? { firstMel: melCount, mels: mels.length / 32 } : {};
  if (mels) {
    melRows.push(mels);
    melCount += mels.length / 32;
  }
  clips.push({ ...clip, firstRow: rowCount, scores, ...melFields });
  for (const r of chunkRows) {
    rows.push(r);
    rowCount += r.length / EMBEDDING_DIM;
  }
}

/** The mixes of one clean clip: the six conditions, or (more babble) MORE_MIXES of the new tracks. */
function mixesOf(clean: Int16Array, seed: number, babble: Float64Array, more: Float64Array[] | null): Mix[] {
  if (!more)
    return CONDITIONS.map((condition) => ({
      condition,
      samples: withCondition(clean, condition, seed, babble),
    }));
  return moreBabbleMixes(clean, seed, more);
}

const toInt16 = (x: Float64Array, scale: number) =>
  Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v * scale))));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: "string" },
      part: { type: "string" },
      "more-babble": { type: "boolean" },
      music: { type: "boolean" },
      mels: { type: "boolean" },
      "more-voices": { type: "boolean" },
      "in-sentence": { type: "boolean" },
    },
  });
  const outDir = path.resolve(values.out ?? "bench/out/wake-train");
  const [part, parts] = (values.part ?? "0/1").split("/").map(Number) as [number, number];
  mkdirSync(outDir, { recursive: true });
  const wake = await openScoringDetector();
  if (values.mels) melModel = await openMel();
  checkBabbleHeldOut(
    [...TRAIN_VOICES, ...MORE_TRAIN_VOICES].map((v) => v.voice),
    TRAIN_PROSE,
  );
  checkVoicesHeldOut(MORE_TRAIN_VOICES.map((v) => v.voice));
  checkSentencesHeldOut();
  const moreVoices = values["more-voices"] === true;
  // The extra voices come after the first sixteen: their seeds and prose are their own.
  const voices = (moreVoices ? MORE_TRAIN_VOICES : TRAIN_VOICES).map((voice, i) => ({
    voice,
    v: i + (moreVoices ? TRAIN_VOICES.length : 0),
  }));
  const trainProse = proseWords(TRAIN_PROSE);
  const babbleVoices = ["en-gb-x-gbcwmd+m2", "en-us+f5", "en-gb-x-rp+m6", "en-gb+f1", "en-us+m7"];
  const babble = babbleTrack(120, babbleVoices, trainProse);
  checkMusicHeldOut(TRAIN_MUSIC_SEEDS);
  const music = values.music === true;
  const more = values["more-babble"]
    ? MORE_BABBLES.map((b) => babbleTrack(120, b.voices, trainProse.slice(b.from)))
    : null;
  const inSentence = values["in-sentence"] === true;
  const sink: ClipSink = {
    add: (samples, clip) => addClip(wake, samples, clip),
    mixes: (clean, seed) => mixesOf(clean, seed, babble, more),
  };
  for (const [i, { voice, v }] of voices.entries()) {
    if (i % parts !== part || music) continue;
    const started = performance.now();
    if (!inSentence) await addWakeClips(sink, voice, v);
    await addNearMisses(sink, voice, v, inSentence);
    if (!more && !inSentence) await addProse(sink, voice, v, trainProse);
    console.log(
      `${voice.id}: ${clips.length} clips so far (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
  const noises: Array<[string, Int16Array, BabbleMix?]> = more
    ? more.map((track, t) => [
        `babble${t + 1}`,
        toInt16(track.subarray(0, 60 * RATE), 3000),
        { track: t, talkers: MORE_BABBLES[t]?.voices.length ?? 0, snrDb: Number.NaN },
      ])
    : [
        ["pink", Int16Array.from(pinkNoise(60 * RATE, 4242), (x) => Math.round(x * 3000))],
        ["babble", toInt16(babble.subarray(0, 60 * RATE), 3000)],
      ];
  for (const seed of music ? musicShare(part, parts) : [])
    for (const { kind, file, samples } of musicSet(seed))
      await addClip(wake, samples, musicClip(seed, kind, file));
  for (const [name, samples, mix] of part === 0 && !music && !moreVoices && !inSentence ? noises : [])
    await addClip(wake, samples, {
      voice: "-",
      kind: "noise",
      condition: name,
      text: name,
      wakeEndSample: null,
      ...(mix ? { mix } : {}),
    });
  await wake.dispose();
  const name = `clips-${part}${moreVoices ? "-voices" : ""}${more ? "-babble" : music ? "-music" : inSentence ? "-sentence" : ""}`;
  writeShare(outDir, name);
}

/** Rows laid end to end in one array (`width` values per row). */
function flatten(parts: readonly Float32Array[], count: number, width: number): Float32Array {
  const flat = new Float32Array(count * width);
  let at = 0;
  for (const r of parts) {
    flat.set(r, at);
    at += r.length;
  }
  return flat;
}

/** Writes NAME.f32 (the embedding rows), NAME.mel.f32 with `--mels`, and NAME.json (the clips). */
function writeShare(outDir: string, name: string): void {
  const flat = flatten(rows, rowCount, EMBEDDING_DIM);
  writeFileSync(path.join(outDir, `${name}.f32`), Buffer.from(flat.buffer));
  if (melModel) {
    const mels = flatten(melRows, melCount, 32);
    writeFileSync(path.join(outDir, `${name}.mel.f32`), Buffer.from(mels.buffer));
  }
  const share: TrainShare = { frames: CANDIDATE_FRAMES, clips };
  writeFileSync(path.join(outDir, `${name}.json`), `${JSON.stringify(share)}\n`);
  console.log(`${clips.length} clips, ${rowCount} embedding rows in ${path.relative(process.cwd(), outDir)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
