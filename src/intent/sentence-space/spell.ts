/**
 * What a piece of Whisper's output spells in the sentence space's alphabet: lower-case
 * letters and digits, " " for anything that separates words, and "." (a separator, or the
 * point of "21.5": the graph decides, as one token cannot). It follows
 * text/normalize.ts (the transcript side of template matching) piece by piece, so a token
 * can be judged without its neighbours: " Turn" -> " turn", "." -> " ", "%" -> " percent ",
 * "'s" -> "s". Returns null for text that spells nothing (it would let a decoder loop
 * without moving); letters the graph has no word for simply find no way through it.
 */
export function spellText(text: string): string | null {
  let s = text.normalize("NFKC").toLowerCase();
  s = s
    .replace(/%/g, " percent ")
    .replace(/°\s*[cf]\b/g, " degrees ")
    .replace(/°/g, " degrees ")
    .replace(/&/g, " and ")
    .replace(/['’`]/g, "")
    .replace(/[^\p{L}\p{N}.]+/gu, " ");
  if (s.length === 0) return null;
  // "5min", "2nd": digits and letters are separate words, as tokenize() splits them.
  return s.replace(/(\d)([a-z])/g, "$1 $2").replace(/([a-z])(\d)/g, "$1 $2");
}
