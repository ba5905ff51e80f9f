/**
 * The number check as it was before every value of the slot was scored (the hearing
 * bench's peer, `--try partners`): only a teen and its ten ("fifteen" / "fifty", 13-19 /
 * 30-90), which differ by one unstressed syllable. Digits and words, as Whisper writes them.
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
