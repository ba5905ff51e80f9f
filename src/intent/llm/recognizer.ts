import type { LlamaGrammar } from "node-llama-cpp";
import type { Logger } from "../../util/logger.js";
import type { DeviceRegistry } from "../registry.js";
import { tokenize } from "../text/normalize.js";
import type { RecognizedIntent } from "../types.js";
import { parseAnswer } from "./answer.js";
import type { Generation, LlmEngine } from "./engine.js";
import { type GroundingWords, isGrounded } from "./grounding.js";
import { buildPrompt } from "./prompt.js";
import { answerJsonSchema } from "./schema.js";

export interface LlmRecognizerOptions {
  engine: LlmEngine;
  registry: DeviceRegistry;
  allowedIntents: readonly string[];
  /** Colour words the grammar may use (the template colour list). */
  colors: readonly string[];
  /** Words for each kind of device, so answers can be checked against what was said. */
  grounding: GroundingWords;
  /** Per-utterance limit (llm.timeout_seconds); the generation is aborted when it passes. */
  timeoutSeconds: number;
  logger: Logger;
  /** Benchmarks only: evaluate the whole prompt for every utterance. Defaults to true. */
  reusePrefix?: boolean;
}

export type LlmResult =
  | { kind: "intent"; intent: RecognizedIntent; generation: Generation }
  | { kind: "unknown"; generation: Generation | null }
  | { kind: "invalid"; why: string; generation: Generation }
  | { kind: "timeout" };

/** Longer utterances are not commands; they are refused without asking the model. */
export const MAX_LLM_WORDS = 40;

interface Prepared {
  version: number;
  /** Prompt tokens the warm-up evaluated (0 when a saved state was loaded). */
  warmed: number;
  grammar: LlamaGrammar;
  intents: ReadonlySet<string>;
  entityIds: ReadonlySet<string>;
}

/**
 * The LLM path: prompt and grammar built from the registry (rebuilt and re-warmed when it
 * changes), one grammar-constrained generation per utterance under a time limit, and the
 * answer parsed and validated before anyone sees it.
 */
export class LlmRecognizer {
  #prepared: Promise<Prepared> | null = null;
  readonly #unsubscribe: () => void;

  private constructor(private readonly options: LlmRecognizerOptions) {
    this.#unsubscribe = options.registry.onChange(() => {
      // Rebuild in the background so the next utterance finds the new prefix already evaluated.
      this.#prepare().catch((error: unknown) =>
        options.logger.warn({ err: error }, "LLM prompt rebuild failed"),
      );
    });
  }

  /** Builds the grammar and prompt and evaluates the prompt prefix (the warm-up). */
  static async create(options: LlmRecognizerOptions): Promise<LlmRecognizer> {
    const recognizer = new LlmRecognizer(options);
    await recognizer.#prepare();
    return recognizer;
  }

  get engine(): LlmEngine {
    return this.options.engine;
  }

  async recognize(text: string, signal?: AbortSignal): Promise<LlmResult> {
    const words = tokenize(text);
    if (words.length === 0 || words.length > MAX_LLM_WORDS) return { kind: "unknown", generation: null };
    const prepared = await this.#current();
    const limit = AbortSignal.timeout(Math.max(1, this.options.timeoutSeconds * 1000));
    let generation: Generation;
    try {
      generation = await this.options.engine.generate(words.join(" "), prepared.grammar, {
        signal: signal ? AbortSignal.any([signal, limit]) : limit,
        reusePrefix: this.options.reusePrefix,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      if (limit.aborted) return { kind: "timeout" };
      throw error;
    }
    const { registry } = this.options;
    const answer = parseAnswer(generation.text, { ...prepared, domainOf: (id) => registry.get(id)?.domain });
    if (answer.kind === "intent") {
      if (!isGrounded(answer.intent, text, this.options.registry, this.options.grounding)) {
        return { kind: "invalid", why: "the answer names nothing that was said", generation };
      }
      return { kind: "intent", intent: answer.intent, generation };
    }
    if (answer.kind === "unknown") return { kind: "unknown", generation };
    return { kind: "invalid", why: answer.why, generation };
  }

  /** What the current grammar and prompt were built from (tests, `doctor`). */
  async state(): Promise<{
    version: number;
    entityIds: ReadonlySet<string>;
    prefixTokens: number;
    warmed: number;
  }> {
    const prepared = await this.#current();
    return {
      version: prepared.version,
      warmed: prepared.warmed,
      entityIds: prepared.entityIds,
      prefixTokens: this.options.engine.prefixTokens,
    };
  }

  async dispose(): Promise<void> {
    this.#unsubscribe();
    await this.options.engine.dispose();
  }

  #current(): Promise<Prepared> {
    const prepared = this.#prepared;
    if (!prepared) return this.#prepare();
    return prepared.then((p) => (p.version === this.options.registry.version ? p : this.#prepare()));
  }

  #prepare(): Promise<Prepared> {
    const { registry, allowedIntents, colors, engine, logger } = this.options;
    const version = registry.version;
    const devices = registry.all();
    const previous = this.#prepared;
    const run = (async (): Promise<Prepared> => {
      const grammar = await engine.createGrammar(
        answerJsonSchema({ intents: allowedIntents, devices, colors }),
      );
      const { prefixTokens } = engine.setPrompt(buildPrompt(devices, allowedIntents));
      // Without reuse (benchmarks) a warm prefix would be thrown away by the first utterance.
      const evaluated = this.options.reusePrefix === false ? 0 : await engine.warm();
      logger.info({ prefixTokens, evaluated, devices: devices.length }, "LLM prompt prefix evaluated");
      return {
        version,
        warmed: evaluated,
        grammar,
        intents: new Set(allowedIntents),
        entityIds: new Set(devices.map((d) => d.id)),
      };
    })();
    // At start a failure is the caller's (a config error); later, keep serving the last good prompt.
    this.#prepared = previous
      ? run.catch(async (error: unknown) => {
          logger.warn(
            { err: error },
            "LLM prompt not rebuilt after a registry change; keeping the previous one",
          );
          return { ...(await previous), version };
        })
      : run;
    return this.#prepared;
  }
}
