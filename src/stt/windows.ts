import type { WindowDecodeResult } from "./decode.js";
import type { FreePass } from "./guided-types.js";
import type { DropReason } from "./quality.js";
import type { AudioReader, Transcript } from "./transcriber.js";

/**
 * Audio longer than Whisper's 30 s window goes window by window: how a window is cut and
 * padded, and how the windows' results make one transcript.
 */

export interface WindowOutcome {
  decoded: WindowDecodeResult;
  text: string;
  dropped: DropReason | null;
  encodeMs: number;
  decodeMs: number;
  /** What a guided pass over this window reuses. */
  free: FreePass;
}

/** What is kept of a window once the next one is decoded: not its encoder output or decoder caches. */
export type WindowSummary = Omit<WindowOutcome, "free">;

/** Audio already in memory, read as a long file is: in order, a window at a time. */
export function arrayReader(audio: Float32Array): AudioReader {
  let at = 0;
  return {
    samples: audio.length,
    async read(count: number) {
      const out = audio.subarray(at, Math.min(audio.length, at + count));
      at += out.length;
      return out;
    },
  };
}

/** One transcript from the windows: texts joined, scores from the windows that count. */
export function combine(outcomes: WindowSummary[], audioMs: number, fallbackLanguage: string): Transcript {
  const kept = outcomes.filter((o) => o.text);
  const scored = kept.length > 0 ? kept : outcomes;
  const tokens = scored.reduce((n, o) => n + o.decoded.tokens.length + 1, 0);
  const measured = scored.flatMap((o) => (o.decoded.noSpeechProb === null ? [] : [o.decoded.noSpeechProb]));
  const transcript: Transcript = {
    text: kept.map((o) => o.text).join(" "),
    language: scored[0]?.decoded.language ?? fallbackLanguage,
    noSpeechProb: scored.length === 0 ? 1 : measured.length > 0 ? Math.min(...measured) : null,
    avgLogprob: tokens
      ? scored.reduce((s, o) => s + o.decoded.avgLogprob * (o.decoded.tokens.length + 1), 0) / tokens
      : 0,
    encodeMs: outcomes.reduce((s, o) => s + o.encodeMs, 0),
    decodeMs: outcomes.reduce((s, o) => s + o.decodeMs, 0),
    audioMs,
  };
  const dropped = kept.length === 0 ? outcomes.find((o) => o.dropped)?.dropped : undefined;
  if (dropped) transcript.dropped = dropped;
  return transcript;
}

/** The encoder window for a chunk of `samples`: the short one when the whole chunk fits in it. */
export function encoderFrames(
  samples: number,
  mel: { nbMaxFrames: number; hopLength: number },
  shortFrames: number | undefined,
): number {
  const { nbMaxFrames, hopLength } = mel;
  const short = shortFrames ?? nbMaxFrames;
  return short < nbMaxFrames && samples <= short * hopLength ? short : nbMaxFrames;
}

/**
 * The first `frames` of each mel row of a [mels, total] window. Frames past the audio are
 * padding either way, so this is the log-mel of the audio padded to the shorter window (but
 * for the STFT's reflect padding at the window's end when the audio fills it exactly).
 */
export function firstFrames(
  features: Float32Array,
  mels: number,
  total: number,
  frames: number,
): Float32Array {
  if (frames === total) return features;
  const out = new Float32Array(mels * frames);
  for (let m = 0; m < mels; m++) out.set(features.subarray(m * total, m * total + frames), m * frames);
  return out;
}

export function withLeadIn(chunk: Float32Array, lead: number): Float32Array {
  if (lead === 0) return chunk;
  const out = new Float32Array(lead + chunk.length);
  out.set(chunk, lead);
  return out;
}
