import { tokenize } from "../text/normalize.js";
import type { RecognizedIntent } from "../types.js";
import type { VocabularyCache } from "../vocabulary.js";
import { MAX_TEMPLATE_TOKENS, UtteranceMatcher } from "./matcher.js";
import { resolveMatch } from "./resolve.js";
import type { CompiledTemplates } from "./types.js";

const HOUSE_WORDS = new Set(["all", "every", "everywhere", "whole", "house"]);

/**
 * The fast path: exact words first; only if nothing matches, a second pass that accepts
 * misheard names and areas (similarity >= fuzzyThreshold). Most utterances never pay for
 * the fuzzy pass.
 */
export class TemplateRecognizer {
  constructor(
    private readonly compiled: CompiledTemplates,
    private readonly vocabulary: VocabularyCache,
    private readonly fuzzyThreshold: number,
  ) {}

  /** `siteArea`: the board's room, where "the lights" (no name, no room) are looked for first. */
  recognize(text: string, siteArea: string | null = null): RecognizedIntent | null {
    const tokens = stripFiller(tokenize(text), this.compiled.skipPhrases);
    if (tokens.length === 0 || tokens.length > MAX_TEMPLATE_TOKENS) return null;
    const vocabulary = this.vocabulary.get();
    // "All the lights", "every light", "the whole house": the person means the house, not this room.
    const area = tokens.some((t) => HOUSE_WORDS.has(t)) ? null : siteArea;
    const passes = this.fuzzyThreshold < 1 ? [null, this.fuzzyThreshold] : [null];
    for (const threshold of passes) {
      const matches = new UtteranceMatcher(tokens, this.compiled, vocabulary, threshold).matchAll();
      for (const match of matches) {
        const intent = resolveMatch(match, vocabulary, area);
        if (intent) return intent;
      }
    }
    return null;
  }

  /**
   * Why `recognize` found nothing, when a name it heard is shared by devices the words did not
   * tell apart ("the ceiling light" in two rooms, none said, the board in neither): said in the
   * rejection's detail, so `edge-voice intent` points at the fix instead of "no template matched".
   */
  explainMiss(text: string): string | null {
    const tokens = stripFiller(tokenize(text), this.compiled.skipPhrases);
    if (tokens.length === 0 || tokens.length > MAX_TEMPLATE_TOKENS) return null;
    const vocabulary = this.vocabulary.get();
    for (const match of new UtteranceMatcher(tokens, this.compiled, vocabulary, null).matchAll()) {
      for (const { value } of match.captures) {
        if (value.kind !== "name" || value.entry.devices.length < 2) continue;
        const areas = [...new Set(value.entry.devices.map((d) => d.area ?? "no area"))];
        return `"${value.entry.key}" names ${value.entry.devices.length} devices (${areas.join(", ")}): say the room, or give one an alias`;
      }
    }
    return null;
  }
}

/** Drops filler phrases ("please", "can you") at either end, repeatedly. */
export function stripFiller(tokens: string[], phrases: readonly string[][]): string[] {
  let start = 0;
  let end = tokens.length;
  let changed = true;
  while (changed && start < end) {
    changed = false;
    for (const phrase of phrases) {
      if (phrase.length <= end - start && phrase.every((w, i) => tokens[start + i] === w)) {
        start += phrase.length;
        changed = true;
      }
      if (phrase.length <= end - start && phrase.every((w, i) => tokens[end - phrase.length + i] === w)) {
        end -= phrase.length;
        changed = true;
      }
    }
  }
  return tokens.slice(start, end);
}

/** How many words at the start are filler phrases, as stripFiller() drops them. */
export function leadingFillers(words: readonly string[], phrases: readonly string[][]): number {
  let start = 0;
  for (let changed = true; changed && start < words.length; ) {
    changed = false;
    for (const phrase of phrases) {
      if (phrase.length > 0 && phrase.every((w, i) => words[start + i] === w)) {
        start += phrase.length;
        changed = true;
      }
    }
  }
  return start;
}
