/**
 * Similarity of a heard name to a registry name, for speech-to-text errors ("kitchen lite",
 * "bed room light", "garag door"). Written by hand because it must run thousands of times
 * per utterance with an early exit below the threshold, on strings of a few words, and
 * with a small English sound-alike fold; the libraries do one of these, not all three.
 */

export interface FuzzyKey {
  /** The text without spaces ("bed room" and "bedroom" compare equal). */
  spaceless: string;
  /** Its sound-alike fold. */
  folded: string;
  /** Letter counts of `spaceless` and `folded`, for a cheap lower bound before the edit distance. */
  spacelessBag: Uint8Array;
  foldedBag: Uint8Array;
}

export function fuzzyKey(text: string): FuzzyKey {
  const spaceless = text.replace(/ /g, "");
  const folded = soundFold(text);
  return { spaceless, folded, spacelessBag: bag(spaceless), foldedBag: bag(folded) };
}

const BAG_SIZE = 64;

function bag(text: string): Uint8Array {
  const counts = new Uint8Array(BAG_SIZE);
  for (let i = 0; i < text.length; i++) {
    const slot = text.charCodeAt(i) % BAG_SIZE;
    counts[slot] = Math.min(255, (counts[slot] as number) + 1);
  }
  return counts;
}

/**
 * Bag distance: a lower bound of the edit distance (each edit changes the letter counts by
 * at most one on each side), computed in one pass. Most candidates fail here, not in the DP.
 */
function bagDistance(a: Uint8Array, b: Uint8Array): number {
  let extraA = 0;
  let extraB = 0;
  for (let i = 0; i < BAG_SIZE; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d > 0) extraA += d;
    else extraB -= d;
  }
  return Math.max(extraA, extraB);
}

/** 0..1: 1 - (optimal string alignment distance / longer length), best of spelling and sound. */
export function similarity(heard: string, known: string, atLeast = 0): number {
  if (heard === known) return 1;
  return keySimilarity(fuzzyKey(heard), fuzzyKey(known), atLeast);
}

/** `similarity` on prepared keys; returns 0 early when the result would be below `atLeast`. */
export function keySimilarity(heard: FuzzyKey, known: FuzzyKey, atLeast = 0): number {
  const direct = possible(heard.spacelessBag, known.spacelessBag, heard.spaceless, known.spaceless, atLeast)
    ? stringSimilarity(heard.spaceless, known.spaceless, atLeast)
    : 0;
  if (direct === 1) return direct;
  // A match by sound only is a little less certain than the same score in spelling.
  const folded = possible(heard.foldedBag, known.foldedBag, heard.folded, known.folded, atLeast)
    ? stringSimilarity(heard.folded, known.folded, atLeast) * 0.98
    : 0;
  return Math.max(direct, folded);
}

function possible(bagA: Uint8Array, bagB: Uint8Array, a: string, b: string, atLeast: number): boolean {
  const longer = Math.max(a.length, b.length);
  const maxDistance = Math.floor((1 - atLeast) * longer + 1e-9);
  if (Math.abs(a.length - b.length) > maxDistance) return false;
  return bagDistance(bagA, bagB) <= maxDistance;
}

/** Rough English sound-alike key: "light"/"lite" -> "lit", "phone"/"fone" -> "fon". */
export function soundFold(text: string): string {
  return text
    .split(" ")
    .map((word) =>
      word
        .replace(/igh/g, "i")
        .replace(/ght/g, "t")
        .replace(/ph/g, "f")
        .replace(/ck/g, "k")
        .replace(/c(?=[eiy])/g, "s")
        .replace(/c/g, "k")
        .replace(/^kn/, "n")
        .replace(/^wr/, "r")
        .replace(/z/g, "s")
        .replace(/(.)\1+/g, "$1")
        .replace(/(?<=[^aeiou])e$/, "")
        .replace(/y$/, "i"),
    )
    .join("");
}

function stringSimilarity(a: string, b: string, atLeast: number): number {
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 1;
  const maxDistance = Math.floor((1 - atLeast) * longer + 1e-9);
  if (Math.abs(a.length - b.length) > maxDistance) return 0;
  const distance = osaDistance(a, b, maxDistance);
  return distance > maxDistance ? 0 : 1 - distance / longer;
}

/** Levenshtein with adjacent transpositions; stops early once every cell exceeds `limit`. */
function osaDistance(a: string, b: string, limit: number): number {
  const n = b.length;
  let prevPrev = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let row = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (prevPrev[j - 2] as number) + 1);
      }
      row[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    [prevPrev, prev, row] = [prev, row, prevPrev];
  }
  return prev[n] as number;
}
