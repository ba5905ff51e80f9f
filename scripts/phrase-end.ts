// Where the wake phrase ends when the command runs on from it in one breath (session 41,
// issue 17). The wake fixtures and the verifiers' training clips used to date a one-breath
// phrase's end where "hey jarvis" said alone at the same speed ends; but espeak-ng lengthens a
// phrase's last syllable when nothing follows, so in one breath the phrase ends earlier: 80-200
// ms earlier over the 480 one-breath training clips and the benchmark's 210 (median 140 ms;
// docs/listening.md "Measured 2026-12-07, session 41"). A network trained on the old dates learned that a one-breath window
// ending at the phrase's end is not yet the phrase, and the bench counted such wakes as early.
//
// The end is found by aligning the one-breath audio's start with the phrase said alone
// (dynamic time warping over log-mel frames, both from the same first sample, open at the
// one-breath end) and reading where the alone phrase's last frame lands. Written here: the DTW
// is a few lines over a small matrix, and npm's dtw packages return a distance, not the open
// end of the path.
import { LogMelSpectrogram } from "../src/stt/mel.js";

const HOP = 160;
const BINS = 40;
/** How far past the alone phrase's end the one-breath audio is searched (samples). */
const SLACK = 8000;

/** Log-mel frames (10 ms), each less its mean: the spectrum's shape, not its level. */
function frames(samples: Int16Array, count: number): Float64Array[] {
  const length = count * HOP;
  const audio = new Float32Array(length);
  for (let i = 0; i < Math.min(length, samples.length); i++) audio[i] = (samples[i] as number) / 32768;
  const mel = new LogMelSpectrogram({
    featureSize: BINS,
    nFft: 400,
    hopLength: HOP,
    nSamples: length,
    nbMaxFrames: count,
    samplingRate: 16000,
  }).compute(audio);
  const out: Float64Array[] = [];
  for (let t = 0; t < count; t++) {
    const f = new Float64Array(BINS);
    let mean = 0;
    for (let m = 0; m < BINS; m++) mean += f[m] = mel[m * count + t] as number;
    mean /= BINS;
    for (let m = 0; m < BINS; m++) f[m] = (f[m] as number) - mean;
    out.push(f);
  }
  return out;
}

function distance(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let m = 0; m < a.length; m++) sum += ((a[m] as number) - (b[m] as number)) ** 2;
  return Math.sqrt(sum);
}

/**
 * The sample where the phrase ends in `breath`, which starts as `alone` does (same lead-in) and
 * runs on past the phrase; `aloneEnd` is where the phrase ends in `alone`.
 */
export function phraseEndInBreath(alone: Int16Array, aloneEnd: number, breath: Int16Array): number {
  const a = frames(alone, Math.floor(aloneEnd / HOP) + 1);
  const b = frames(
    breath,
    Math.min(Math.ceil(breath.length / HOP), Math.floor((aloneEnd + SLACK) / HOP) + 1),
  );
  // row[j]: the cheapest path from both starts to (alone frame i, breath frame j); `previous`
  // holds row i - 1.
  let previous = new Float64Array(b.length).fill(Number.POSITIVE_INFINITY);
  for (const [i, frame] of a.entries()) {
    const row = new Float64Array(b.length);
    for (let j = 0; j < b.length; j++) {
      const before =
        i === 0 && j === 0
          ? 0
          : Math.min(
              previous[j] as number,
              j > 0 ? (row[j - 1] as number) : Infinity,
              j > 0 ? (previous[j - 1] as number) : Infinity,
            );
      row[j] = before + distance(frame, b[j] as Float64Array);
    }
    previous = row;
  }
  // Open end: the column where the alone phrase's last frame costs least per step taken.
  let best = 0;
  for (let j = 1; j < b.length; j++)
    if ((previous[j] as number) / (a.length + j) < (previous[best] as number) / (a.length + best)) best = j;
  return Math.min(breath.length, best * HOP + (aloneEnd % HOP));
}
