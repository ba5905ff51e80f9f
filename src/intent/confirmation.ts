import { tokenize } from "./text/normalize.js";
import type { RecognizedIntent } from "./types.js";

/** Whole utterances that confirm. Anything else, "yes but..." included, does not. */
const YES = new Set([
  "yes",
  "yes please",
  "yeah",
  "yep",
  "yup",
  "sure",
  "confirm",
  "confirmed",
  "do it",
  "yes do it",
  "go ahead",
  "yes go ahead",
  "affirmative",
  "correct",
]);

export function isYes(text: string): boolean {
  return YES.has(tokenize(text).join(" "));
}

interface Pending {
  intent: RecognizedIntent;
  askedAt: number;
  expiresAt: number;
}

export type ConfirmationAnswer =
  | { kind: "confirmed"; intent: RecognizedIntent }
  | { kind: "cancelled"; intent: RecognizedIntent }
  | { kind: "expired"; intent: RecognizedIntent }
  /** The window had passed and this is not a yes: the text is a new utterance. */
  | { kind: "none" };

/**
 * Sensitive actions waiting for a spoken yes, one per site. Time is the pipeline's audio
 * clock passed in (`nowSeconds`), never a wall clock, so tests need no timers and a slow
 * machine cannot stretch a window.
 */
export class ConfirmationBook {
  readonly #pending = new Map<string, Pending>();

  ask(site: string, intent: RecognizedIntent, nowSeconds: number, windowSeconds: number): void {
    this.#pending.set(site, { intent, askedAt: nowSeconds, expiresAt: nowSeconds + windowSeconds });
  }

  has(site: string): boolean {
    return this.#pending.has(site);
  }

  /** Consumes the pending confirmation of `site` with the person's answer. */
  answer(site: string, text: string, nowSeconds: number): ConfirmationAnswer {
    const pending = this.#pending.get(site);
    if (!pending) return { kind: "none" };
    this.#pending.delete(site);
    const yes = isYes(text);
    // A clock that went backwards (a new input file) cannot confirm an old question either.
    if (nowSeconds > pending.expiresAt || nowSeconds < pending.askedAt) {
      return yes ? { kind: "expired", intent: pending.intent } : { kind: "none" };
    }
    return yes
      ? { kind: "confirmed", intent: pending.intent }
      : { kind: "cancelled", intent: pending.intent };
  }

  clear(): void {
    this.#pending.clear();
  }
}
