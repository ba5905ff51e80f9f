import { tokenize } from "./text/normalize.js";
import type { IntentOrigin, RecognizedIntent } from "./types.js";

/**
 * Whole utterances that confirm. Anything else, "yes but..." included, does not. "please" and
 * "okay" alone are a yes as people answer, and heard well: whisper-tiny wrote "Please." for
 * "yes please" in 6 of 30 clips of bench/answer-words.ts (docs/conversation.md), "Okay." for
 * "okay" in 30 of 30 and for "go ahead" in 4, and no other word or noise there came out as
 * either (nor any free text of the stored hearing decode runs).
 */
const YES = new Set([
  "yes",
  "yes please",
  "please",
  "okay",
  "ok",
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

/** Words that open an answer refusing a question, before the request said again ("no, I meant ..."). */
const NO = new Set(["no", "nope", "nah", "not", "that", "sorry", "i", "meant", "said"]);

/**
 * An answer without the refusal it opens with: "No, I meant turn off the hallway light." ->
 * "turn off the hallway light"; "no" -> "". Lower case words, as the templates read them.
 */
export function afterNo(text: string): string {
  const words = tokenize(text);
  let start = 0;
  while (start < words.length && NO.has(words[start] as string)) start++;
  return words.slice(start).join(" ");
}

/** The two clocks a window is measured on, in seconds: the input audio's and a monotonic wall clock. */
export interface ConfirmationTimes {
  audioSeconds: number;
  wallSeconds: number;
}

interface Pending {
  intent: RecognizedIntent;
  origin: IntentOrigin;
  asked: ConfirmationTimes;
  windowSeconds: number;
  /** The question is a guess asked back ("did you mean ...?"), not a sensitive action's yes. */
  guessed: boolean;
}

export type ConfirmationAnswer =
  | { kind: "confirmed"; intent: RecognizedIntent }
  /** `guessed`: the question was a guess asked back, so the answer may be the request said again. */
  | { kind: "cancelled"; intent: RecognizedIntent; guessed: boolean }
  | { kind: "expired"; intent: RecognizedIntent }
  /** A yes from the other origin (a typed yes to a spoken question): refused, the question stays open. */
  | { kind: "wrong-origin"; intent: RecognizedIntent }
  /** Nothing pending for this origin, or the window had passed and this is not a yes: a new utterance. */
  | { kind: "none" };

/**
 * Sensitive actions waiting for a yes, one per site. A question is answered only from the
 * origin that asked it (voice or text) on the same site, so a message on the broker can
 * never say yes to a spoken request. The window ends on whichever clock passes it first:
 * the audio clock (a slow machine cannot stretch it) and a monotonic wall clock (stalled
 * audio, a paused recorder, cannot hold it open). Both are passed in, so this stays pure.
 */
export class ConfirmationBook {
  readonly #pending = new Map<string, Pending>();

  ask(
    site: string,
    intent: RecognizedIntent,
    origin: IntentOrigin,
    now: ConfirmationTimes,
    windowSeconds: number,
    guessed = false,
  ): void {
    this.#pending.set(site, { intent, origin, asked: { ...now }, windowSeconds, guessed });
  }

  has(site: string): boolean {
    return this.#pending.has(site);
  }

  /** Consumes the pending confirmation of `site` with the person's answer, if it came from the same origin. */
  answer(site: string, text: string, origin: IntentOrigin, now: ConfirmationTimes): ConfirmationAnswer {
    const pending = this.#pending.get(site);
    if (!pending) return { kind: "none" };
    const yes = isYes(text);
    // Another origin neither confirms nor cancels: a stray typed message must not cancel a
    // spoken question either.
    if (pending.origin !== origin)
      return yes ? { kind: "wrong-origin", intent: pending.intent } : { kind: "none" };
    this.#pending.delete(site);
    if (!withinWindow(pending, now))
      return yes ? { kind: "expired", intent: pending.intent } : { kind: "none" };
    return yes
      ? { kind: "confirmed", intent: pending.intent }
      : { kind: "cancelled", intent: pending.intent, guessed: pending.guessed };
  }

  clear(): void {
    this.#pending.clear();
  }
}

/** Inside the window on both clocks; a clock that went backwards (a new input file) is outside. */
function withinWindow(pending: Pending, now: ConfirmationTimes): boolean {
  const { asked, windowSeconds } = pending;
  const audio = now.audioSeconds - asked.audioSeconds;
  const wall = now.wallSeconds - asked.wallSeconds;
  return audio >= 0 && audio <= windowSeconds && wall >= 0 && wall <= windowSeconds;
}
