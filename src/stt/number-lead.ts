import { BatchKvDecoder } from "./batch-decoder.js";
import { promptedSequence } from "./decode.js";
import type { FreePass } from "./guided-types.js";
import { leadOverAlternatives } from "./lead-tree.js";
import type { WhisperSpec } from "./model-spec.js";
import type { WhisperSessions } from "./onnx-whisper.js";
import type { WhisperTokenizer } from "./tokenizer.js";

/** How much likelier a command is than the same command with another value of its number. */
export interface NumberLead {
  /**
   * Total log-probability of the text minus its best alternative's (end-of-text included);
   * when `exact` is false, a lower bound (an alternative left unscored counted at its best).
   */
  lead: number;
  alternative: string;
  exact: boolean;
  /** Decoder calls, rows fed over all of them, and the time they took with the search around them. */
  steps: number;
  rows: number;
  ms: number;
}

/**
 * The alternatives as token sequences that share the text's own tokens up to where they
 * differ (`own` spells `ownText`, which holds `text`; each alternative is `text` edited):
 * the tree then has one path for the shared words, and `shared` of the text's tokens lie
 * before every difference. Pure but for the tokenizer.
 */
export function alignedAlternatives(
  own: readonly number[],
  text: string,
  alternatives: readonly string[],
  tokenizer: Pick<WhisperTokenizer, "decode" | "encode">,
): { sequences: number[][]; shared: number } {
  const pieces = own.map((id) => tokenizer.decode([id]));
  const ownText = pieces.join("");
  const at = Math.max(0, ownText.indexOf(text));
  // Where each of the text's tokens ends, in characters.
  const ends: number[] = [];
  pieces.reduce((length, piece) => {
    ends.push(length + piece.length);
    return length + piece.length;
  }, 0);
  let shared = own.length;
  const sequences = alternatives.map((alternative) => {
    const altText = ownText.slice(0, at) + alternative + ownText.slice(at + text.length);
    let same = 0;
    while (same < altText.length && altText[same] === ownText[same]) same++;
    const keep = ends.filter((end) => end <= same).length;
    shared = Math.min(shared, keep);
    const kept = ends[keep - 1] ?? 0;
    return [...own.slice(0, keep), ...tokenizer.encode(altText.slice(kept))];
  });
  return { sequences, shared };
}

/**
 * The text's lead over its alternatives over the free pass's encoder output and caches
 * (leadOverAlternatives through Whisper's decoder); null when there are no alternatives.
 * When the text is the free pass's own, its tokens are already in the free pass's
 * self-attention cache: the tree starts where the first alternative parts from it, not at
 * the sentence's start (a few decoder calls instead of one per token).
 */
export async function numberLead(
  sessions: WhisperSessions,
  spec: WhisperSpec,
  tokenizer: WhisperTokenizer,
  free: FreePass,
  text: string,
  alternatives: readonly string[],
  options: { enough: number; maxRows: number },
): Promise<NumberLead | null> {
  const started = performance.now();
  const caches = free.decoder.caches();
  const prefix = promptedSequence(spec, free.language, free.promptTokens, free.startTokens);
  const last = prefix[prefix.length - 1];
  if (alternatives.length === 0 || !caches || last === undefined) return null;
  const heard = free.tokenIds && tokenizer.decode([...free.tokenIds]).trim() === text.trim();
  const own = heard ? [...(free.tokenIds ?? [])] : tokenizer.encode(` ${text.trim()}`);
  const aligned = alignedAlternatives(own, text.trim(), alternatives, tokenizer);
  // The free pass fed its tokens but the last: so many of the shared ones are cached already.
  const skip = heard ? Math.min(aligned.shared, own.length) : 0;
  const first = skip > 0 ? (own[skip - 1] as number) : last;
  const eot = spec.tokens.eot;
  const decoder = () => new BatchKvDecoder(sessions, free.hidden, caches, prefix.length - 1 + skip);
  const found = await leadOverAlternatives(
    decoder,
    first,
    [...own.slice(skip), eot],
    aligned.sequences.map((s) => [...s.slice(skip), eot]),
    { suppressed: spec.suppressed, beginSuppressed: skip === 0 ? spec.beginSuppressed : [], ...options },
  );
  return {
    lead: found.lead,
    alternative: alternatives[found.closest] ?? "",
    exact: found.exact,
    steps: found.steps,
    rows: found.rows,
    ms: performance.now() - started,
  };
}
