import { promptedSequence } from "./decode.js";
import type { TranscriptGuide } from "./guide.js";
import type { GuidedDecodeResult } from "./guided-decode.js";
import type { FreePass, Hypothesis } from "./guided-types.js";
import type { WhisperSpec } from "./model-spec.js";
import type { WhisperSessions } from "./onnx-whisper.js";

// The pieces of guided decoding's second search (GuidedPass.#second) that need no pass.

/**
 * The free pass's audio read after other prompt tokens: a fresh decoder over the same encoder
 * output (one call), for a guided pass conditioned on that prompt (measuring tools).
 */
export async function withPrompt(
  sessions: WhisperSessions,
  spec: WhisperSpec,
  free: FreePass,
  promptTokens: readonly number[],
): Promise<FreePass> {
  // The free pass's cross-attention cache (the same audio's): no copy out, no tiles filled again.
  const decoder = sessions.decoder(free.hidden, free.decoder.caches()?.cross);
  await decoder.step(promptedSequence(spec, free.language, promptTokens, free.startTokens), {
    lastRowOnly: true,
  });
  return { ...free, promptTokens, decoder, tokenIds: undefined };
}

/** The first search's refusals a second search may overturn (not a contradiction, nor a number). */
export const RESCUED = new Set(["no-hypothesis", "low-score", "other-words", "low-margin", "below-free"]);

/**
 * The second search's best, its margin also taken over the first search's best when that
 * says something else: a sentence Whisper scores higher but the second search could not end
 * (it keeps none of the free text's words) is still a rival.
 */
export function againstFirst(
  second: Hypothesis,
  first: Hypothesis | null,
  guide: TranscriptGuide,
): Hypothesis {
  if (!first || guide.meaning(first.text) === guide.meaning(second.text)) return second;
  const lead = second.score - first.score;
  return { ...second, margin: second.margin === null ? lead : Math.min(second.margin, lead) };
}

/** Two searches' decoder calls, rows and time together (the first one's best). */
export function added(a: GuidedDecodeResult, b: GuidedDecodeResult): GuidedDecodeResult {
  return {
    best: a.best,
    steps: a.steps + b.steps,
    rows: a.rows + b.rows,
    decoderMs: a.decoderMs + b.decoderMs,
    searchMs: a.searchMs + b.searchMs,
  };
}
