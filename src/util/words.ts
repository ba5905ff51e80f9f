/**
 * Text normalisation shared by transcripts, template words and registry names, so
 * "Turn on the Kitchen-Light." and "turn on the kitchen light" become the same tokens.
 * Whisper writes capitals, punctuation, digits and symbols ("40%", "21°C", "AC/Heater");
 * the same function runs on both sides of every comparison, so a device named "AC/Heater"
 * is said and matched as "ac heater".
 */

const SYMBOL_WORDS: ReadonlyArray<[RegExp, string]> = [
  [/%/g, " percent "],
  [/°\s*c\b/g, " degrees "],
  [/°\s*f\b/g, " degrees "],
  [/°/g, " degrees "],
  [/&/g, " and "],
];

/** Lower-cased word tokens: letters and digits; decimals ("21.5") stay one token. */
export function tokenize(text: string): string[] {
  let s = text.normalize("NFKC").toLowerCase();
  for (const [pattern, word] of SYMBOL_WORDS) s = s.replace(pattern, word);
  // Apostrophes join ("what's" -> "whats"); templates are normalised the same way.
  s = s.replace(/['’`]/g, "");
  // Keep a dot or comma only between digits (21.5, 1,000 -> 1000); everything else separates.
  s = s.replace(/(\d),(?=\d{3}\b)/g, "$1");
  s = s.replace(/(?<!\d)\.|\.(?!\d)/g, " ");
  s = s.replace(/[^\p{L}\p{N}.]+/gu, " ");
  // "40percent", "5min", "2nd": split digits from letters.
  s = s.replace(/(\d)(\p{L})/gu, "$1 $2").replace(/(\p{L})(\d)/gu, "$1 $2");
  return s.split(" ").filter((t) => t.length > 0);
}

/** Tokens joined with single spaces: the key used for exact name lookups. */
export function normalizeText(text: string): string {
  return tokenize(text).join(" ");
}

/**
 * An area as people write it, for comparing: "Living Room", "living room", "living_room"
 * and "living-room" (the spelling of a site id) are one room.
 */
export function areaKey(area: string): string {
  return area
    .toLowerCase()
    .replace(/[-_\s]+/g, " ")
    .trim();
}
