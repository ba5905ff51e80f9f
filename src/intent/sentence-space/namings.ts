/**
 * Whisper drops a name it heard poorly and keeps the rest: *turn off the bedroom light* came
 * out as "Turn off the light.", and the lights of the board's area went off (hearing bench,
 * session 31: four such free texts, two of them for devices the home lacks). A command that
 * picks its devices by kind alone is therefore scored against the same text with each of the
 * home's names before its device word (stt.guided_min_name_lead): where nothing was said
 * there, a name costs Whisper 10-16 nats; where one was, 2-6.
 */

const WORD = /[A-Za-z']+/g;

/**
 * The words a name can stand before in a command, from the home's names and aliases ("kitchen
 * light" -> "light" and "lights"), and what can stand before them: every name's words but its
 * last ("kitchen", "living room", "coffee") and every area ("hall"). Pure.
 */
export function namingWords(
  names: readonly string[],
  areas: readonly string[],
): { kinds: ReadonlySet<string>; modifiers: string[] } {
  const kinds = new Set<string>();
  const modifiers = new Set<string>();
  for (const name of names) {
    const words = name.toLowerCase().match(WORD) ?? [];
    const last = words.at(-1);
    if (!last || words.length < 2) continue;
    kinds.add(last);
    kinds.add(last.endsWith("s") ? last.slice(0, -1) : `${last}s`);
    modifiers.add(words.slice(0, -1).join(" "));
  }
  for (const area of areas) {
    const words = area.toLowerCase().match(WORD) ?? [];
    if (words.length > 0) modifiers.add(words.join(" "));
  }
  return { kinds, modifiers: [...modifiers] };
}

/**
 * The text with each modifier put before its last word of a kind ("Turn off the light." ->
 * "Turn off the bedroom light.", "Turn off the kitchen light.", ...); empty when it has no
 * such word. Whole words only; the rest of the text is kept as written. Pure.
 */
export function namedForms(text: string, kinds: ReadonlySet<string>, modifiers: readonly string[]): string[] {
  const last = [...text.matchAll(WORD)].findLast((m) => kinds.has(m[0].toLowerCase()));
  if (!last || last.index === undefined) return [];
  const before = text.slice(0, last.index);
  const after = text.slice(last.index);
  return modifiers.map((modifier) => `${before}${modifier} ${after}`);
}

/** A device's area as said ("living_room" -> "living room"); "" for none. */
export function spokenArea(device: { area?: string | null | undefined }): string {
  return device.area?.replace(/_/g, " ") ?? "";
}
