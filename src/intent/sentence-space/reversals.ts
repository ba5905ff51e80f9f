/**
 * Actions whose opposite is the same word with a syllable in front: whisper-tiny drops or
 * mishears that syllable. Held out on the hearing bench, *unlock the front door* came out as
 * "And lock the front door." and "I'm locked in front door." (then guessed "Lock the front
 * door."): a lock for an unlock. So such a command is scored against its reverse over the
 * same audio before it is taken (stt.guided_min_action_lead).
 */
const PREFIXED: ReadonlyArray<readonly [base: string, prefixed: string]> = [
  ["lock", "unlock"],
  ["arm", "disarm"],
];

const WORD = /[A-Za-z']+/g;

/** `word` written with the capital of `like` (only the first letter counts). */
function cased(word: string, like: string): string {
  return /^[A-Z]/.test(like) ? word.charAt(0).toUpperCase() + word.slice(1) : word;
}

/**
 * The text with its action reversed, in the form Whisper writes: "Lock the front door." ->
 * "Unlock the front door."; "And lock the front door." -> "And unlock the front door." and
 * "Unlock the front door." (a short word before may be the syllable misheard); "Unlock ..." ->
 * "Lock ...". Only whole words; the caller keeps those the templates read. Pure.
 */
export function reversedForms(text: string): string[] {
  const out = new Set<string>();
  const words = [...text.matchAll(WORD)];
  words.forEach((match, i) => {
    const word = match[0];
    const at = match.index ?? 0;
    const before = text.slice(0, at);
    const after = text.slice(at + word.length);
    for (const [base, prefixed] of PREFIXED) {
      if (word.toLowerCase() === prefixed) out.add(before + cased(base, word) + after);
      if (word.toLowerCase() !== base) continue;
      out.add(before + cased(prefixed, word) + after);
      const previous = words[i - 1];
      // The syllable misheard is a short word ("And", "I'm", "On"), never "Jarvis" or "please".
      if (!previous || previous[0].length > 3) continue;
      const from = previous.index ?? 0;
      out.add(text.slice(0, from) + cased(prefixed, previous[0]) + after);
    }
  });
  out.delete(text);
  return [...out];
}

const STATE_SWAP: Readonly<Record<string, string>> = { on: "off", off: "on" };

/**
 * The text with each "on" or "off" the other way, one at a time, in Whisper's casing: "Turn
 * off the fan." -> "Turn on the fan.". Whisper writes one of the two by a hair at times (a
 * fan switched off for *turn on*, hearing bench, session 35). Pure.
 */
export function swappedStates(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const other = STATE_SWAP[match[0].toLowerCase()];
    if (other === undefined) continue;
    const at = match.index ?? 0;
    out.push(text.slice(0, at) + cased(other, match[0]) + text.slice(at + match[0].length));
  }
  return out;
}
