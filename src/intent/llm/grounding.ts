import type { DeviceRegistry } from "../registry.js";
import { similarity } from "../text/fuzzy.js";
import { tokenize } from "../text/normalize.js";
import type { RecognizedIntent } from "../types.js";

/** Words too common to tie an utterance to a device. */
const WEAK = new Set(["the", "and", "room", "light", "lights", "door", "on", "off", "in", "of", "my", "a"]);
const TIMER_WORDS = new Set([
  "timer",
  "timers",
  "hour",
  "hours",
  "minute",
  "minutes",
  "second",
  "seconds",
  "min",
  "mins",
]);

export interface GroundingWords {
  /** Spoken words for each domain ("lamp", "lights" -> light), from the template domain list. */
  domainWords: ReadonlyMap<string, readonly string[]>;
}

/**
 * Whether an LLM answer is about something the person actually said: every target must be
 * named by its name, an alias, its area or a word for its kind, and a timer needs a timer
 * word. A small model asked "tell me a joke" still has to pick some intent; this catches
 * the guess, and it also means an injected instruction cannot reach a device that the
 * sentence does not mention.
 */
export function isGrounded(
  intent: RecognizedIntent,
  text: string,
  registry: DeviceRegistry,
  words: GroundingWords,
) {
  const heard = tokenize(text);
  const said = (word: string) =>
    heard.some((h) => h === word || (word.length >= 4 && similarity(h, word, 0.8) >= 0.8));
  if (/^Hass\w*Timer$/.test(intent.intent)) {
    return heard.some((w) => TIMER_WORDS.has(w));
  }
  return intent.targets.every((id) => {
    const device = registry.get(id);
    if (!device) return false;
    const strong = [device.name, ...device.aliases, device.area?.replace(/_/g, " ") ?? ""]
      .flatMap((phrase) => tokenize(phrase))
      .filter((w) => !WEAK.has(w) && w.length >= 2);
    const kind = words.domainWords.get(device.domain) ?? [];
    return strong.some(said) || kind.some(said);
  });
}
