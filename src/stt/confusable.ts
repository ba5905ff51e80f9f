import { BatchKvDecoder } from "./batch-decoder.js";
import { promptedSequence } from "./decode.js";
import type { FreePass } from "./guided-pass.js";
import type { WhisperSpec } from "./model-spec.js";
import type { WhisperSessions } from "./onnx-whisper.js";
import { forcedLogprobs } from "./phrase-score.js";
import type { WhisperTokenizer } from "./tokenizer.js";

/**
 * Numbers whisper-tiny mixes up: a teen and its ten differ by one unstressed syllable
 * ("fifteen" / "fifty"), and the bench's wrong actions with guided decoding were mostly
 * "fifty percent" taken as "15%". Digits and words, as Whisper writes them.
 */
const TEENS = ["thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const TENS = ["thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const PARTNER = new Map<string, string>();
TEENS.forEach((teen, i) => {
  const ten = TENS[i] as string;
  const pairs: Array<[string, string]> = [
    [teen, ten],
    [String(13 + i), String(30 + 10 * i)],
  ];
  for (const [a, b] of pairs) {
    PARTNER.set(a, b);
    PARTNER.set(b, a);
  }
});
const UNITS = /^[-\s]+(one|two|three|four|five|six|seven|eight|nine)\b/i;
const NUMBER = /\b(\d+|[a-z]+)\b/gi;

/**
 * The text with one confusable number swapped for its partner, one alternative per such
 * number ("Set the lamp to 15%." -> ["Set the lamp to 50%."]). A ten followed by a unit
 * ("forty five", "forty-five") is part of another number and kept. Pure.
 */
export function confusableAlternatives(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(NUMBER)) {
    const word = match[0];
    const partner = PARTNER.get(word.toLowerCase());
    if (!partner) continue;
    const at = match.index ?? 0;
    const after = text.slice(at + word.length);
    if (TENS.includes(word.toLowerCase()) && UNITS.test(after)) continue;
    const swapped = /^[A-Z]/.test(word) ? partner[0]?.toUpperCase() + partner.slice(1) : partner;
    out.push(text.slice(0, at) + swapped + after);
  }
  return out;
}

/** How much likelier the text is than its likeliest confusable alternative. */
export interface NumberLead {
  /** Total log-probability of the text minus its best alternative's (end-of-text included). */
  lead: number;
  alternative: string;
}

/**
 * Teacher forcing of the text and its alternatives over the free pass's encoder output and
 * caches (all in one batched decoder call per token): null when the text has no confusable
 * number. Totals, not averages: the alternatives say the same but for one number.
 */
export async function numberLead(
  sessions: WhisperSessions,
  spec: WhisperSpec,
  tokenizer: WhisperTokenizer,
  free: FreePass,
  text: string,
): Promise<NumberLead | null> {
  const alternatives = confusableAlternatives(text);
  const caches = free.decoder.caches();
  const prefix = promptedSequence(spec, free.language, free.promptTokens);
  const first = prefix[prefix.length - 1];
  if (alternatives.length === 0 || !caches || first === undefined) return null;
  const rows = [text, ...alternatives].map((t) => [...tokenizer.encode(` ${t.trim()}`), spec.tokens.eot]);
  const decoder = new BatchKvDecoder(sessions, free.hidden, caches, prefix.length - 1);
  const scores = await forcedLogprobs(decoder, first, rows, {
    suppressed: spec.suppressed,
    beginSuppressed: spec.beginSuppressed,
  });
  const totals = scores.map((s) => s.reduce((a, b) => a + b, 0));
  const own = totals[0] as number;
  let best = 1;
  for (let i = 2; i < totals.length; i++) if ((totals[i] as number) > (totals[best] as number)) best = i;
  return { lead: own - (totals[best] as number), alternative: alternatives[best - 1] as string };
}
