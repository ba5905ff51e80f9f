import type { Logger } from "../util/logger.js";
import { printable } from "../util/printable.js";
import { afterNo, ConfirmationBook, type ConfirmationTimes, isYes } from "./confirmation.js";
import { freshPrevious, repeatSentence, resolveCorrection, resolveFollowUp } from "./follow-up.js";
import type { LlmRecognizer } from "./llm/recognizer.js";
import { checkIntent, type PolicyOptions } from "./policy.js";
import type { DeviceRegistry } from "./registry.js";
import { settleRelative } from "./relative.js";
import type { SentenceSpaceCache } from "./sentence-space/cache.js";
import type { SentenceSpace } from "./sentence-space/space.js";
import type { TemplateRecognizer } from "./templates/recognizer.js";
import { tokenize } from "./text/normalize.js";
import type { IntentContext, IntentDecision, IntentHandler, RecognizedIntent } from "./types.js";

export interface IntentHandlerParts {
  registry: DeviceRegistry;
  /** Null when llm.mode is `always`. */
  templates: TemplateRecognizer | null;
  /** The templates' sentence space, for guided speech to text; null without templates. */
  sentences?: SentenceSpaceCache | null;
  /** Null when llm.mode is `off` (or no model is set). */
  llm: LlmRecognizer | null;
  policy: PolicyOptions;
  confirmWindowSeconds: number;
  logger: Logger;
}

type Decision =
  | Omit<Extract<IntentDecision, { kind: "reject" }>, "ms">
  | { kind: "execute"; intent: RecognizedIntent };
type Recognition = { intent: RecognizedIntent } | { intent: null; detail: string };

/**
 * Text -> decision: a pending confirmation first (a "yes" is matched literally, never by a
 * model), then templates, then the LLM, then the safety policy for whatever was recognized.
 */
export class DefaultIntentHandler implements IntentHandler {
  readonly #confirmations = new ConfirmationBook();
  #disposed = false;

  constructor(private readonly parts: IntentHandlerParts) {}

  get llm(): LlmRecognizer | null {
    return this.parts.llm;
  }

  transcriptGuide(): SentenceSpace | null {
    return this.parts.sentences?.get() ?? null;
  }

  async handle(text: string, context: IntentContext): Promise<IntentDecision> {
    const started = performance.now();
    const decision = await this.#decide(text, context);
    const ms = Math.round((performance.now() - started) * 100) / 100;
    const { logger } = this.parts;
    logger.debug({ runId: context.runId, text: printable(text) }, "intent input");
    logger.info(
      {
        runId: context.runId,
        kind: decision.kind,
        intent: decision.intent?.intent,
        targets: decision.intent?.targets,
        source: decision.intent?.source,
        reason: decision.kind === "reject" ? decision.reason : undefined,
        detail: decision.kind === "reject" ? decision.detail : undefined,
        origin: context.origin,
        ms,
      },
      "intent decision",
    );
    return { ...decision, ms } as IntentDecision;
  }

  async #decide(text: string, context: IntentContext): Promise<Decision> {
    const { registry, policy } = this.parts;
    const { site, origin } = context;
    const now = { audioSeconds: context.nowSeconds, wallSeconds: context.wallSeconds };
    // Nothing heard to act on, only a sentence speech to text asks about (IntentContext.askBack):
    // no answer to a question pending, no request.
    if (!text.trim())
      return this.#askBack(context, now) ?? { kind: "reject", reason: "not-recognized", detail: "no words" };
    const answer = this.#confirmations.answer(site, text, origin, now);
    if (answer.kind === "confirmed") {
      const verdict = checkIntent(answer.intent, registry, policy, { origin, confirmed: true });
      if (verdict.kind === "execute") return { kind: "execute", intent: verdict.intent };
      return { kind: "reject", reason: "not-allowed", intent: answer.intent, detail: "no longer allowed" };
    }
    if (answer.kind === "cancelled") {
      const cancelled: Decision = { kind: "reject", reason: "cancelled", intent: answer.intent };
      return answer.guessed
        ? await this.#answerToGuess(text, answer.intent, context, now, cancelled)
        : cancelled;
    }
    if (answer.kind === "expired") {
      return { kind: "reject", reason: "confirmation-expired", intent: answer.intent };
    }
    if (answer.kind === "wrong-origin") {
      const detail =
        origin === "text"
          ? "a typed yes cannot confirm a spoken request: say yes"
          : "confirm a typed request by text";
      return { kind: "reject", reason: "voice-only", intent: answer.intent, detail };
    }
    if (isYes(text)) return { kind: "reject", reason: "not-recognized", detail: "nothing to confirm" };
    return this.#request(text, context, now);
  }

  /** A request (not an answer to a question): recognized, checked by the policy, asked about when it must be. */
  async #request(
    text: string,
    context: IntentContext,
    now: ConfirmationTimes,
    asked?: RecognizedIntent,
  ): Promise<Decision> {
    const recognized = await this.#recognize(text, context, asked);
    if (!recognized.intent)
      return (
        this.#askBack(context, now) ?? { kind: "reject", reason: "not-recognized", detail: recognized.detail }
      );
    const verdict = this.#check(recognized.intent, context);
    if (verdict.kind === "execute") return verdict;
    if (verdict.kind === "reject") {
      return { kind: "reject", reason: verdict.reason, intent: verdict.intent, detail: verdict.why };
    }
    return this.#askFor(verdict.intent, context, now, { prompt: verdict.prompt });
  }

  /**
   * "Did you mean lock the front door?" - "no, unlock it": the answer to a guess asked back is
   * often the request said again, its "it" what was asked about. Understood, it goes on as
   * one; else it was a no (and no new guess is asked about a "no").
   */
  async #answerToGuess(
    text: string,
    asked: RecognizedIntent,
    context: IntentContext,
    now: ConfirmationTimes,
    cancelled: Decision,
  ): Promise<Decision> {
    const said = afterNo(text);
    if (!said) return cancelled;
    const { askBack: _, ...plain } = context;
    const previous = { runId: context.runId, intent: asked, wallSeconds: context.wallSeconds };
    const again = await this.#request(said, { ...plain, previous }, now, asked);
    return again.kind === "reject" && again.reason === "not-recognized" ? cancelled : again;
  }

  /** The policy's verdict on a request not yet confirmed; "brighter" after "set it to 40 percent" is 60 (intent/relative.ts). */
  #check(intent: RecognizedIntent, context: IntentContext): ReturnType<typeof checkIntent> {
    const { registry, policy } = this.parts;
    const settled = settleRelative(intent, freshPrevious(context));
    return checkIntent(settled, registry, policy, { origin: context.origin, confirmed: false });
  }

  /** Asks the site for a spoken (or typed, for text) yes to `intent`, open for confirm_window_seconds. */
  #askFor(
    intent: RecognizedIntent,
    context: IntentContext,
    now: ConfirmationTimes,
    question: { prompt: string; guessed?: string; alternatives?: string[]; detail?: string },
  ): Decision {
    const { confirmWindowSeconds } = this.parts;
    const guessed = question.guessed !== undefined;
    this.#confirmations.ask(context.site, intent, context.origin, now, confirmWindowSeconds, guessed);
    return { kind: "reject", reason: "needs-confirmation", intent, confirmWindowSeconds, ...question };
  }

  /**
   * Nothing said was understood, but speech to text guessed a sentence of the home it would
   * not act on (IntentContext.askBack): the person is asked "did you mean ...?", and a spoken
   * yes carries it out, as a confirmation does. Only for spoken runs, only by the templates
   * (the guess is one of their sentences), and never for what needs a confirmation of its own
   * (unlock, open): a guess never guards the home, even with a yes.
   */
  #askBack(context: IntentContext, now: ConfirmationTimes): Decision | null {
    const { templates } = this.parts;
    const guessed = context.askBack;
    if (!guessed || !templates || context.origin !== "voice") return null;
    const intent = templates.recognize(guessed, context.area ?? null);
    const verdict = intent && this.#check(intent, context);
    // "Did you mean pause the timer?" with no timer running asks for a yes that changes nothing.
    if (verdict?.kind !== "execute" || context.wouldAct?.(verdict.intent) === false) return null;
    const alternatives = this.#alternatives(verdict.intent, context);
    const offered = alternatives.map((sentence) => `"${sentence}"`).join(" or ");
    const prompt = `did you mean "${guessed}"? say yes${offered ? `, or say ${offered}` : ""}`;
    return this.#askFor(verdict.intent, context, now, {
      prompt,
      guessed,
      ...(alternatives.length > 0 ? { alternatives } : {}),
      detail: "a guess, asked back",
    });
  }

  /**
   * The same request about each other device what was heard fits (IntentContext.otherNames),
   * and the other requests speech to text offers (IntentContext.otherRequests: the doubted
   * "on" or "off" the other way), each as a whole request the templates read: a bare name or
   * state said alone is what whisper-tiny hears worst (espeak-ng's "the living room light"
   * came out as no speech), a command is what it is guided to hear.
   */
  #alternatives(asked: RecognizedIntent, context: IntentContext): string[] {
    const { templates } = this.parts;
    const named = (context.otherNames ?? []).map((name) => repeatSentence(asked, `the ${name}`));
    // As the templates read them: "Turn on, the fan." -> "turn on the fan".
    const requests = (context.otherRequests ?? []).map((r) => tokenize(r).join(" "));
    const sentences = [...named, ...requests].filter(
      (sentence): sentence is string =>
        !!sentence && templates?.recognize(sentence, context.area ?? null) != null,
    );
    return [...new Set(sentences)];
  }

  /** `asked`: the guess this text answers ("no, the living room one": resolveCorrection). */
  async #recognize(text: string, context: IntentContext, asked?: RecognizedIntent): Promise<Recognition> {
    const { templates, llm, logger } = this.parts;
    const { signal } = context;
    const area = context.area ?? null;
    const fromTemplates = templates?.recognize(text, area);
    if (fromTemplates) return { intent: fromTemplates };
    if (templates) {
      const parts = {
        recognize: (sentence: string) => templates.recognize(sentence, area),
        device: (id: string) => this.parts.registry.get(id),
      };
      const previous = freshPrevious(context);
      const followUp = previous && resolveFollowUp(text, previous, parts);
      if (followUp) return { intent: followUp };
      const corrected = asked && resolveCorrection(text, asked, parts);
      if (corrected) return { intent: corrected };
    }
    if (!llm) return { intent: null, detail: templates?.explainMiss(text) ?? "no template matched" };
    try {
      const result = await llm.recognize(text, signal);
      if (result.kind === "intent") return { intent: result.intent };
      if (result.kind === "timeout") {
        logger.warn(
          { code: "llm-timeout" },
          "LLM passed its time limit (llm.timeout_seconds); generation aborted",
        );
        return { intent: null, detail: "llm-timeout" };
      }
      if (result.kind === "invalid") logger.warn({ why: result.why }, "LLM answer rejected by validation");
      return {
        intent: null,
        detail: result.kind === "invalid" ? `llm answer invalid: ${result.why}` : "llm: unknown",
      };
    } catch (error) {
      if (signal?.aborted) throw error;
      logger.error({ err: error, code: "intent-failed" }, "LLM failed");
      return { intent: null, detail: "llm-error" };
    }
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#confirmations.clear();
    this.parts.sentences?.dispose();
    await this.parts.llm?.dispose();
  }
}
