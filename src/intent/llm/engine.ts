import { existsSync } from "node:fs";
import {
  type ChatWrapper,
  getLlama,
  InputLookupTokenPredictor,
  type Llama,
  LlamaCompletion,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  LlamaLogLevel,
  type LlamaModel,
  LlamaText,
  resolveChatWrapper,
  type Token,
} from "node-llama-cpp";
import { EdgeVoiceError, ExitCode } from "../../errors.js";
import type { Logger } from "../../util/logger.js";
import { PrefixCache } from "./prefix-cache.js";
import type { PromptSpec } from "./prompt.js";

export interface LlmEngineOptions {
  modelPath: string;
  /** llama.cpp backend. Defaults to `"auto"` (CUDA, Vulkan or Metal when present, else CPU). */
  gpu: "auto" | "cuda" | "vulkan" | "metal" | false;
  /** CPU threads; the caller resolves "physical cores". */
  threads: number;
  /** Context window in tokens; the prompt prefix plus one utterance and its answer must fit. */
  contextSize: number;
  logger: Logger;
  /** Predict tokens from the prompt (the examples repeat the JSON keys) and verify them in batches. Defaults to true. */
  tokenPrediction?: boolean;
  /** Directory where the evaluated prompt prefix is kept between runs; null (the default) keeps nothing. */
  prefixCacheDir?: string | null;
}

export interface GenerateOptions {
  signal?: AbortSignal;
  /** Defaults to 96: an answer is one short JSON object. */
  maxTokens?: number;
  /** Keep the evaluated prompt prefix in the KV cache (true) or evaluate everything again (benchmarks). */
  reusePrefix?: boolean;
}

export interface Generation {
  text: string;
  /** Tokens evaluated for the prompt in this call (prefix reuse makes this the utterance's own tokens). */
  inputTokens: number;
  outputTokens: number;
  promptTokens: number;
}

const PLACEHOLDER = "\u0001UTTERANCE\u0001";
/** Room after the prefix for an utterance (at most 40 words) and its answer. */
const ANSWER_ROOM = 192;

/**
 * One llama.cpp model, context and sequence, serving one utterance at a time. The prompt
 * is split at the utterance: the prefix (system prompt, device list, examples) is tokenized
 * once and stays in the KV cache; LlamaCompletion reuses the longest matching prefix of the
 * sequence, so each utterance evaluates only its own tokens.
 */
export class LlmEngine {
  #queue: Promise<unknown> = Promise.resolve();
  #prefix: Token[] = [];
  #suffix: LlamaText = LlamaText("");
  #disposed = false;

  private constructor(
    readonly llama: Llama,
    readonly model: LlamaModel,
    private readonly context: LlamaContext,
    readonly sequence: LlamaContextSequence,
    private readonly completion: LlamaCompletion,
    private readonly chatWrapper: ChatWrapper,
    private readonly modelPath: string,
    private readonly cache: PrefixCache | null,
  ) {}

  static async load(options: LlmEngineOptions): Promise<LlmEngine> {
    if (!existsSync(options.modelPath)) {
      throw new EdgeVoiceError("model-missing", `LLM model file not found: ${options.modelPath}`, {
        exitCode: ExitCode.config,
        hint: "set llm.model to an existing .gguf file, or llm.model: null to run without an LLM",
      });
    }
    const llama = await loadLlama(options);
    try {
      const model = await llama.loadModel({ modelPath: options.modelPath });
      const context = await model.createContext({
        contextSize: options.contextSize,
        threads: options.threads,
        sequences: 1,
      });
      const sequence = context.getSequence(
        options.tokenPrediction === false ? undefined : { tokenPredictor: new InputLookupTokenPredictor() },
      );
      const completion = new LlamaCompletion({ contextSequence: sequence });
      const cache = options.prefixCacheDir ? new PrefixCache(options.prefixCacheDir, options.logger) : null;
      return new LlmEngine(
        llama,
        model,
        context,
        sequence,
        completion,
        resolveChatWrapper(model),
        options.modelPath,
        cache,
      );
    } catch (error) {
      await llama.dispose();
      throw new EdgeVoiceError(
        "model-load-failed",
        `cannot load LLM model ${options.modelPath}: ${describe(error)}`,
        {
          exitCode: ExitCode.config,
          hint: "check that the file is a complete GGUF model (sha256) and that llm.context_size fits in memory",
          cause: error,
        },
      );
    }
  }

  /** Sets the prompt around the utterance; the next `warm()` or generation evaluates the new prefix. */
  setPrompt(spec: PromptSpec): { prefixTokens: number } {
    const history = [
      { type: "system" as const, text: spec.system },
      ...spec.examples.flatMap((e) => [
        { type: "user" as const, text: e.user },
        { type: "model" as const, response: [JSON.stringify(e.answer)] },
      ]),
      { type: "user" as const, text: PLACEHOLDER },
      { type: "model" as const, response: [] },
    ];
    const { contextText } = this.chatWrapper.generateContextState({ chatHistory: history });
    const [before, after] = splitAt(contextText, PLACEHOLDER);
    let prefix = before.tokenize(this.model.tokenizer);
    // LlamaCompletion prepends BOS itself when the model wants one; a second would break prefix reuse.
    const { bos, shouldPrependBosToken } = this.model.tokens;
    if (shouldPrependBosToken && bos !== null && prefix[0] === bos) prefix = prefix.slice(1);
    const needed = prefix.length + ANSWER_ROOM;
    if (needed > this.sequence.contextSize) {
      throw new EdgeVoiceError(
        "config-invalid",
        `the LLM prompt (${prefix.length} tokens for ${spec.deviceCount} devices) does not fit llm.context_size ${this.sequence.contextSize}`,
        { exitCode: ExitCode.config, hint: `set llm.context_size to at least ${needed}` },
      );
    }
    this.#prefix = prefix;
    this.#suffix = after;
    return { prefixTokens: prefix.length };
  }

  get prefixTokens(): number {
    return this.#prefix.length;
  }

  /**
   * Evaluates the prompt prefix now, so the first utterance does not pay for it. It runs
   * through LlamaCompletion (one generated token) so the cached tokens are exactly the ones
   * a generation will ask for, BOS handling included. With a prefix cache, a state saved by
   * an earlier run for the same model and prompt is loaded instead (returns 0 evaluated).
   */
  warm(): Promise<number> {
    return this.#exclusive(async () => {
      const file = this.cache?.fileFor(this.modelPath, this.sequence.contextSize, this.#prefix);
      if (this.cache && file && (await this.cache.load(this.sequence, file, this.#prefix))) return 0;
      const before = this.sequence.tokenMeter.getState();
      await this.completion.generateCompletion(this.#prefix, { maxTokens: 1, temperature: 0 });
      const evaluated = this.sequence.tokenMeter.diff(before).usedInputTokens;
      if (this.cache && file) await this.cache.save(this.sequence, file);
      return evaluated;
    });
  }

  createGrammar(schema: Record<string, unknown>): Promise<LlamaGrammar> {
    return this.llama.createGrammarForJsonSchema(schema as never);
  }

  generate(utterance: string, grammar: LlamaGrammar, options: GenerateOptions = {}): Promise<Generation> {
    return this.#exclusive(async () => {
      if (options.reusePrefix === false) await this.sequence.clearHistory();
      const tail = LlamaText([utterance, this.#suffix]).tokenize(this.model.tokenizer, "trimLeadingSpace");
      const tokens = [...this.#prefix, ...tail];
      if (tokens.length + (options.maxTokens ?? 96) > this.sequence.contextSize) {
        throw new EdgeVoiceError("intent-failed", "the LLM prompt does not fit llm.context_size", {
          hint: `raise llm.context_size above ${tokens.length + (options.maxTokens ?? 96)} or list fewer devices`,
        });
      }
      const before = this.sequence.tokenMeter.getState();
      const text = await this.completion.generateCompletion(tokens, {
        grammar,
        maxTokens: options.maxTokens ?? 96,
        temperature: 0,
        // The default repeat penalty punishes tokens seen in the last 64, i.e. the intent names and
        // ids of the examples just before: it pushed a 1B model to the least recent intent.
        repeatPenalty: false,
        signal: options.signal,
      });
      const used = this.sequence.tokenMeter.diff(before);
      return {
        text,
        inputTokens: used.usedInputTokens,
        outputTokens: used.usedOutputTokens,
        promptTokens: tokens.length,
      };
    });
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#queue.catch(() => undefined);
    this.completion.dispose();
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }

  /** One generation at a time on the single sequence. */
  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    if (this.#disposed) return Promise.reject(new Error("LLM engine disposed"));
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

async function loadLlama(options: LlmEngineOptions): Promise<Llama> {
  const log = options.logger;
  try {
    return await getLlama({
      gpu: options.gpu,
      // Nothing may download or compile at run time: use the installed prebuilt binaries.
      build: "never",
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => {
        const text = message.trim();
        if (!text) return;
        if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal)
          log.error({ llama: text }, "llama.cpp");
        else log.debug({ llama: text }, "llama.cpp");
      },
    });
  } catch (error) {
    throw new EdgeVoiceError(
      "llm-unavailable",
      `llama.cpp backend "${options.gpu}" is not available: ${describe(error)}`,
      {
        exitCode: ExitCode.config,
        hint: "set llm.gpu: auto (or false for CPU only); `npx node-llama-cpp inspect gpu` shows what is usable",
        cause: error,
      },
    );
  }
}

/** Splits a chat-template text at the placeholder inside one of its string values. */
function splitAt(text: LlamaText, placeholder: string): [LlamaText, LlamaText] {
  const values = text.values;
  const index = values.findIndex((v) => typeof v === "string" && v.includes(placeholder));
  const value = values[index];
  if (typeof value !== "string") throw new Error("chat template lost the utterance placeholder");
  const cut = value.indexOf(placeholder);
  return [
    LlamaText([...values.slice(0, index), value.slice(0, cut)]),
    LlamaText([value.slice(cut + placeholder.length), ...values.slice(index + 1)]),
  ];
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
}
