import type { WhisperTokenizer } from "./tokenizer.js";

/** Words whose reverse a misheard guess may take instead ("bedroom light, home." -> "on"). */
const STATE_RIVALS: ReadonlyArray<[string, string]> = [
  [" on", " off"],
  [" On", " Off"],
];

/** True when `text` says "on" or "off" as a word (the words a guess's rivalLead is read for). */
export function hasStateWord(text: string): boolean {
  return /\b(on|off)\b/i.test(text);
}

/**
 * " on" <-> " off" and their capitalized spellings, as token ids both ways
 * (GuidedDecodeOptions.rivals); a spelling that is not one token each is left out.
 */
export function stateRivalTokens(tokenizer: WhisperTokenizer): ReadonlyMap<number, number> {
  const rivals = new Map<number, number>();
  for (const [a, b] of STATE_RIVALS) {
    const [x, y] = [tokenizer.encode(a), tokenizer.encode(b)];
    if (x.length !== 1 || y.length !== 1) continue;
    rivals.set(x[0] as number, y[0] as number);
    rivals.set(y[0] as number, x[0] as number);
  }
  return rivals;
}
