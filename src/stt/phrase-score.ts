import { BatchKvDecoder } from "./batch-decoder.js";
import { promptedSequence } from "./decode.js";
import type { BatchDecoder } from "./guided-decode.js";
import type { FreePass } from "./guided-types.js";
import { logitsRow, normMask, rowNorm } from "./logits.js";
import type { WhisperSpec } from "./model-spec.js";
import type { WhisperSessions } from "./onnx-whisper.js";
import type { WhisperTokenizer } from "./tokenizer.js";

/** How a phrase scored against what Whisper heard in the same audio (the wake word's verifier). */
export interface PhraseScores {
  /** Best average log-probability per token of the phrase's spellings, forced as the transcript's start. */
  phrase: number;
  /** Average log-probability of Whisper's own first tokens, as many as the phrase's best spelling has. */
  heard: number;
  /** The free transcript, kept even when Whisper's quality filter would drop it. */
  text: string;
}

export interface ForcedOptions {
  /** Never generated (Whisper's suppressed tokens): left out of the normalization, as in the free pass. */
  suppressed: Uint8Array;
  /** Not generated as the first token. */
  beginSuppressed: readonly number[];
}

/**
 * Teacher forcing: the log-probability of each token of each sequence given the ones before
 * it, all sequences in one batched decoder call per step (rows of unequal length are padded
 * and their padding ignored). Normalized over Whisper's whole distribution but the suppressed
 * tokens, as the free and guided passes are, so their scores compare.
 */
export async function forcedLogprobs(
  decoder: BatchDecoder,
  firstId: number,
  sequences: readonly (readonly number[])[],
  options: ForcedOptions,
): Promise<number[][]> {
  const out = sequences.map(() => [] as number[]);
  const longest = Math.max(0, ...sequences.map((s) => s.length));
  const identity = sequences.map((_, i) => i);
  let ids = sequences.map(() => firstId);
  let parents = sequences.map(() => 0);
  for (let t = 0; t < longest; t++) {
    const extra = t === 0 ? options.beginSuppressed : [];
    const step = await decoder.step(parents, ids, normMask(options.suppressed, extra));
    sequences.forEach((sequence, r) => {
      const id = sequence[t];
      if (id === undefined) return;
      const row = logitsRow(step.logits, step.vocab, r);
      out[r]?.push((row[id] as number) - rowNorm(step, r, options.suppressed, extra));
    });
    ids = sequences.map((s) => s[t] ?? s[s.length - 1] ?? firstId);
    parents = identity;
  }
  return out;
}

/** Ways Whisper writes a phrase at a transcript's start: with or without the leading space, a comma, lower case. */
export function phraseSpellings(phrase: string): string[] {
  const words = phrase.trim().split(/\s+/);
  const plain = words.join(" ");
  const comma = words.length > 1 ? `${words[0]}, ${words.slice(1).join(" ")}` : plain;
  const lower = plain.toLowerCase();
  return [...new Set([plain, comma, lower].flatMap((s) => [` ${s}`, s]))];
}

/**
 * The phrase against the free transcript, over the free pass's own encoder output and caches
 * (no second encoder run): each spelling of the phrase and the free tokens (then end-of-text)
 * are forced together; the phrase's best spelling is compared with as many of the free tokens.
 */
export async function scorePhrase(
  sessions: WhisperSessions,
  spec: WhisperSpec,
  tokenizer: WhisperTokenizer,
  free: FreePass,
  freeTokens: readonly number[],
  phrase: string,
): Promise<PhraseScores> {
  // What Whisper heard, even when its quality filter dropped it: on a second or two of audio its
  // no-speech guess is unreliable (it dropped "Hey, darling." said clearly, no-speech 0.62), and
  // the phrase's margin over those words is what decides (bench/wake-noise.ts).
  const text = free.text || tokenizer.decode([...freeTokens]).trim();
  const spellings = phraseSpellings(phrase).map((s) => tokenizer.encode(s));
  const heardRow = [...freeTokens, spec.tokens.eot];
  const scores = await forcedAfterFree(sessions, spec, free, [...spellings, heardRow]);
  if (!scores) return { phrase: Number.NEGATIVE_INFINITY, heard: 0, text };
  return compareWithHeard(scores.slice(0, -1), scores[scores.length - 1] ?? [], text);
}

/**
 * forcedLogprobs after the free pass's own prompt, over its encoder output and caches (no
 * second encoder run); null when its decoder kept no caches.
 */
export async function forcedAfterFree(
  sessions: WhisperSessions,
  spec: WhisperSpec,
  free: FreePass,
  sequences: readonly (readonly number[])[],
): Promise<number[][] | null> {
  const caches = free.decoder.caches();
  const prefix = promptedSequence(spec, free.language, free.promptTokens, free.startTokens);
  const first = prefix[prefix.length - 1];
  if (!caches || first === undefined) return null;
  const decoder = new BatchKvDecoder(sessions, free.hidden, caches, prefix.length - 1);
  return forcedLogprobs(decoder, first, sequences, spec);
}

/** The phrase's best spelling (by average) against the same number of heard tokens. Pure. */
export function compareWithHeard(
  spellings: readonly (readonly number[])[],
  heard: readonly number[],
  text: string,
): PhraseScores {
  let best = { avg: Number.NEGATIVE_INFINITY, length: 1 };
  for (const s of spellings) {
    const avg = average(s);
    if (s.length > 0 && avg > best.avg) best = { avg, length: s.length };
  }
  const span = heard.slice(0, Math.max(1, best.length));
  return { phrase: best.avg, heard: span.length > 0 ? average(span) : 0, text };
}

function average(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NEGATIVE_INFINITY;
}
