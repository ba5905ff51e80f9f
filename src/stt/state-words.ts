import type { WindowDecodeOptions } from "./decode.js";
import { sentenceStops } from "./last-word.js";
import type { WhisperTokenizer } from "./tokenizer.js";

/**
 * Words whose rival says another thing at the same place ("bedroom light, home." -> "on",
 * said *off*): the state words, and with `directions` the relative ones too, since the
 * grammar reads "turn the cooker light up" (brighter) where *off* was said, and whisper-tiny
 * heard "door" there (a wrong action on the hearing bench, session 33).
 */
const STATES = ["on", "off"];
const DIRECTIONS = ["up", "down"];

/**
 * True when `text` says one of the words a guess's rivalLead is read for ("on", "off" and,
 * with `directions`, "up", "down"): the guess's word was then heard, not the grammar's pick.
 */
export function hasStateWord(text: string, directions = true): boolean {
  const said = new Set(text.toLowerCase().match(/[a-z']+/g) ?? []);
  return rivalWords(directions).some((word) => said.has(word));
}

/** The words that are each other's rivals: on / off, and with `directions` up / down too. */
function rivalWords(directions: boolean): readonly string[] {
  return directions ? [...STATES, ...DIRECTIONS] : STATES;
}

/**
 * Each state word's token, lower-case and capitalized with a leading space, mapped to the
 * tokens of the other words of its set in the same spelling (GuidedDecodeOptions.rivals); a
 * spelling that is not one token is left out. `directions` false: on / off alone (the rivals
 * before session 34, a bench peer).
 */
export function stateRivalTokens(
  tokenizer: WhisperTokenizer,
  directions = true,
): ReadonlyMap<number, readonly number[]> {
  const words = rivalWords(directions);
  const rivals = new Map<number, number[]>();
  const spellings = [(w: string) => ` ${w}`, (w: string) => ` ${w.charAt(0).toUpperCase()}${w.slice(1)}`];
  for (const spell of spellings) {
    const tokens = words.map((w) => tokenizer.encode(spell(w))).filter((t) => t.length === 1);
    const ids = tokens.map((t) => t[0] as number);
    for (const id of ids)
      rivals.set(
        id,
        ids.filter((other) => other !== id),
      );
  }
  return rivals;
}

/**
 * For a row of logits and the tokens the grammar allows after a hypothesis: a function giving
 * a token's lead (log-probability, nats) over the likeliest of its rivals also allowed there,
 * or null when it has none ("up" is no rival of "on" where only a state word may follow).
 * The allowed ids are gathered only when some allowed token has rivals. Pure.
 */
export function rivalLeads(
  row: Float32Array,
  norm: number,
  allowed: ReadonlyArray<{ id: number }>,
  rivals: ReadonlyMap<number, readonly number[]> | undefined,
): (id: number, logprob: number) => number | null {
  if (!rivals || !allowed.some(({ id }) => rivals.has(id))) return () => null;
  const ids = new Set(allowed.map(({ id }) => id));
  return (id, logprob) => {
    let best = Number.NEGATIVE_INFINITY;
    for (const rival of rivals.get(id) ?? []) if (ids.has(rival)) best = Math.max(best, row[rival] as number);
    return best === Number.NEGATIVE_INFINITY ? null : logprob - (best - norm);
  };
}

/**
 * What the free pass reads from its rows as it decodes (decode.ts): the likeliest sentence
 * stop at each place (last-word.ts) and the lead of an "on" or "off" it writes over the other
 * word (FreePass.stateLead; directions left out: Whisper's own "up" is no guess).
 */
export function freePassMarks(
  tokenizer: WhisperTokenizer,
  eot: number,
): Pick<WindowDecodeOptions, "stopTokens" | "rivalTokens"> {
  return { stopTokens: sentenceStops(tokenizer, eot), rivalTokens: stateRivalTokens(tokenizer, false) };
}
