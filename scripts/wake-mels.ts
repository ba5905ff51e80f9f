// openWakeWord's log-mel frames of a whole clip, for experiments that train their own wake
// models on what openWakeWord's front end sees (session 39: a mel CNN with babble in its
// training, issue 17). The streaming front end (src/wake/oww-features.ts) runs the mel model
// per 80 ms chunk on 1760 samples (8 frames; 5 for the first chunk), so a window ending at
// chunk i ends before frame 8i + 5 (melEndFrame).

import { ModelStore } from "../src/models/store.js";
import { floatTensor, loadSession, type ort } from "../src/onnx/session.js";
import { MEL_BINS } from "../src/wake/embedding-stream.js";

const CHUNK = 1280;
/** The mel model sees each chunk with the 480 samples before it, as the daemon runs it. */
const BEFORE = 480;

export async function openMel(store = new ModelStore({ modelsDir: "models", cacheFile: null })) {
  const file = Object.values((await store.verify("oww_melspectrogram")).paths)[0] as string;
  return loadSession(file, 1, "the openWakeWord melspectrogram model", false);
}

/**
 * The clip's frames (frames x 32) as the daemon computes them, chunk by chunk (a whole-clip
 * pass differs by up to 0.15 in quiet frames: the model's floor follows its input's loudest
 * frame), scaled x / 10 + 2 as the embedding model reads them. The first chunk runs alone (5
 * frames), every later one with the 480 samples before it (8 frames).
 */
export async function clipMels(mel: ort.InferenceSession, samples: Int16Array): Promise<Float32Array> {
  const chunks = Math.floor(samples.length / CHUNK);
  const all = new Float32Array(chunks > 0 ? (5 + 8 * (chunks - 1)) * MEL_BINS : 0);
  let at = 0;
  for (let i = 0; i < chunks; i++) {
    const input = Float32Array.from(samples.subarray(i === 0 ? 0 : i * CHUNK - BEFORE, (i + 1) * CHUNK));
    const out = await mel.run({ [mel.inputNames[0] as string]: floatTensor(input, [1, input.length]) });
    const frames = out[mel.outputNames[0] as string]?.data as Float32Array;
    for (let k = 0; k < frames.length; k++) all[at + k] = (frames[k] as number) / 10 + 2;
    at += frames.length;
  }
  return all;
}

/** The end (exclusive) of the frames the daemon has after chunk `i`. */
export const melEndFrame = (chunk: number) => 8 * chunk + 5;
