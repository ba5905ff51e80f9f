import path from "node:path";
import type { Config } from "../config/schema.js";
import { EdgeVoiceError, ExitCode } from "../errors.js";
import { resolveModelPath } from "../models/resolve.js";
import type { ModelStore } from "../models/store.js";
import { componentLogger, type Logger } from "../util/logger.js";
import { DefaultIntentHandler } from "./handler.js";
import type { LlmEngine } from "./llm/engine.js";
import { LlmRecognizer, type LlmRecognizerOptions } from "./llm/recognizer.js";
import { resolveThreads } from "./llm/threads.js";
import type { DeviceRegistry } from "./registry.js";
import { SentenceSpaceCache } from "./sentence-space/cache.js";
import { loadTemplates } from "./templates/file.js";
import { TemplateRecognizer } from "./templates/recognizer.js";
import type { CompiledTemplates } from "./templates/types.js";
import { VocabularyCache } from "./vocabulary.js";

export interface CreateIntentOptions {
  /** Tests and benchmarks: an already loaded engine instead of config llm.model. */
  engine?: LlmEngine;
  /** Benchmarks: evaluate the whole prompt for every utterance. */
  reusePrefix?: boolean;
  /**
   * The shared model store where llm.model is found: the daemon's, built from its working
   * directory and environment, or a CLI command's. Needed when an LLM is loaded from llm.model.
   */
  store?: ModelStore;
  /** Where the LLM's evaluated prompt prefix is kept between starts (`llmPrefixCacheDir`); absent or null keeps none. */
  prefixCacheDir?: string | null;
}

/** The config sections the intent stage reads: its own, the LLM's, and the wake phrases (for guided STT). */
export type IntentStageConfig = Pick<Config, "intent" | "llm" | "wake">;

export type LlmMode = "off" | "fallback" | "always";

/** llm.mode, except that without a model there is no LLM at all. */
export function effectiveLlmMode(config: Pick<Config, "llm">, hasEngine = false): LlmMode {
  return config.llm.model === null && !hasEngine ? "off" : config.llm.mode;
}

/**
 * Builds the intent stage from the config: templates (built-in + intent.templates_file),
 * the LLM when llm.model is set and llm.mode is not off (loaded, prompt evaluated: the
 * warm-up), and the policy. Throws EdgeVoiceError (exit 78) for a bad templates file or model.
 */
export async function createIntentHandler(
  config: IntentStageConfig,
  registry: DeviceRegistry,
  logger: Logger,
  options: CreateIntentOptions = {},
): Promise<DefaultIntentHandler> {
  const log = componentLogger(logger, "intent");
  const compiled = loadTemplates(config.intent.templates_file);
  const mode = effectiveLlmMode(config, options.engine !== undefined);
  const templates =
    mode === "always"
      ? null
      : new TemplateRecognizer(compiled, new VocabularyCache(registry), config.intent.fuzzy_threshold);
  const sentences = templates ? sentenceSpace(config, registry, compiled) : null;
  let llm: LlmRecognizer | null = null;
  if (mode !== "off") {
    const engine = options.engine ?? (await loadEngine(config.llm, options, log));
    try {
      llm = await LlmRecognizer.create({
        engine,
        registry,
        allowedIntents: config.intent.allowed_intents,
        ...llmWords(compiled),
        timeoutSeconds: config.llm.timeout_seconds,
        logger: log,
        reusePrefix: options.reusePrefix,
      });
    } catch (error) {
      await engine.dispose();
      throw error;
    }
  }
  log.info(
    { llm: mode, templates: compiled.templates.length, devices: registry.all().length },
    "intent stage ready",
  );
  return new DefaultIntentHandler({
    registry,
    templates,
    sentences,
    llm,
    policy: {
      allowedIntents: config.intent.allowed_intents,
      confirmSensitive: config.intent.confirm_sensitive,
      allowSensitiveFromText: config.intent.allow_sensitive_from_text,
    },
    confirmWindowSeconds: config.intent.confirm_window_seconds,
    logger: log,
  });
}

/**
 * The home's sentence space for guided speech to text, following the registry. It asks
 * whether a free text is understood word for word (no fuzzy names): a misheard name is
 * better fixed from the audio than guessed from the letters.
 */
export function sentenceSpace(
  config: Pick<Config, "intent" | "wake">,
  registry: DeviceRegistry,
  compiled: CompiledTemplates = loadTemplates(config.intent.templates_file),
): SentenceSpaceCache {
  const vocabulary = new VocabularyCache(registry);
  const exact = new TemplateRecognizer(compiled, vocabulary, 1);
  const fuzzy = new TemplateRecognizer(compiled, vocabulary, config.intent.fuzzy_threshold);
  return new SentenceSpaceCache(compiled, registry, exact, wakePhrases(config), fuzzy);
}

/** The configured wake phrases as words ("hey_jarvis" -> "hey jarvis"; a .ppn path -> its name). */
export function wakePhrases(config: Pick<Config, "wake">): string[] {
  const names =
    config.wake.engine === "porcupine"
      ? config.wake.porcupine.keywords.map(
          (k) =>
            path
              .basename(k.keyword)
              .replace(/\.ppn$/, "")
              .split("_")[0] ?? "",
        )
      : config.wake.models.map((m) => m.id.replace(/_v\d.*$/, ""));
  return names.map((name) => name.replace(/[_-]+/g, " ").trim()).filter(Boolean);
}

/** What the LLM path takes from the templates: colour words for its grammar, kind words for grounding. */
export function llmWords(compiled: CompiledTemplates): Pick<LlmRecognizerOptions, "colors" | "grounding"> {
  const colors = [...new Set([...(compiled.lists.get("color")?.values.values() ?? [])].map(String))];
  const domainWords = new Map<string, string[]>();
  for (const [spoken, domain] of compiled.lists.get("domain")?.values ?? []) {
    domainWords.set(String(domain), [...(domainWords.get(String(domain)) ?? []), spoken]);
  }
  return { colors, grounding: { domainWords } };
}

async function loadEngine(
  llm: Config["llm"],
  options: CreateIntentOptions,
  logger: Logger,
): Promise<LlmEngine> {
  const threads = resolveThreads(llm.threads);
  if (llm.threads > threads) {
    logger.warn({ configured: llm.threads, threads }, "llm.threads is above the physical cores; using fewer");
  }
  // Imported here, not at the top: node-llama-cpp and its dependencies cost ~45 MB of RSS
  // and ~0.3 s at start, which a daemon without an LLM should not pay.
  const { LlmEngine } = await import("./llm/engine.js");
  return LlmEngine.load({
    modelPath: await modelPath(llm, options.store, logger),
    gpu: llm.gpu,
    threads,
    contextSize: llm.context_size,
    logger,
    prefixCacheDir: options.prefixCacheDir ?? null,
  });
}

/** llm.model: a manifest id (size and sha256 verified, hash cache in the state dir) or a .gguf path. */
async function modelPath(llm: Config["llm"], store: ModelStore | undefined, logger: Logger): Promise<string> {
  if (llm.model === null) {
    throw new EdgeVoiceError("llm-unavailable", "no LLM model configured", { exitCode: ExitCode.config });
  }
  // A caller's mistake, not a user's: every command that may load an LLM passes its store.
  if (!store) throw new Error("createIntentHandler: llm.model is set but no model store was given");
  return (await resolveModelPath(store, llm.model, "llm", { logger })).path;
}
