import type { Config } from "../config/schema.js";
import { configError } from "../errors.js";
import type { ModelStore } from "../models/store.js";
import { componentLogger, type Logger } from "../util/logger.js";
import { readWhisperJson, type WhisperSpec, whisperSpec } from "./model-spec.js";
import { pickOnnxFiles, WhisperSessions } from "./onnx-whisper.js";
import { WhisperTokenizer } from "./tokenizer.js";
import type { Transcriber } from "./transcriber.js";
import { WhisperTranscriber } from "./whisper.js";

/**
 * Verifies the configured Whisper model through the model store (sizes and sha256 pins:
 * a changed file is refused), loads its ONNX sessions once, and returns the transcriber
 * the daemon reuses for every run. Throws model-missing / model-corrupt / config-invalid.
 */
export async function createTranscriber(
  config: Config,
  store: ModelStore,
  logger: Logger,
): Promise<Transcriber> {
  const log = componentLogger(logger, "stt");
  const stt = config.stt;
  const entry = store.entry(stt.model);
  if (entry.kind !== "stt") {
    throw configError(
      `stt.model "${stt.model}" is a ${entry.kind} model, not a speech-to-text model`,
      sttModelHint(store),
    );
  }
  const started = performance.now();
  const model = await store.verify(stt.model);
  const spec = whisperSpec(readWhisperJson(model.paths, stt.model));
  const language = resolveLanguage(stt.language, spec, stt.model, log);
  const tokenizer = WhisperTokenizer.fromFiles(
    model.paths["tokenizer.json"] as string,
    model.paths["tokenizer_config.json"],
  );
  const sessions = await WhisperSessions.load(pickOnnxFiles(model.paths, stt.model), stt.threads, {
    heads: spec.decoderHeads,
    headDim: spec.headDim,
  });
  log.info(
    { model: stt.model, language, threads: stt.threads, ms: Math.round(performance.now() - started) },
    "Whisper loaded",
  );
  return new WhisperTranscriber(sessions, spec, tokenizer, {
    modelId: stt.model,
    language,
    maxTokens: stt.max_tokens,
    leadInSeconds: stt.lead_in_seconds,
    thresholds: {
      noSpeech: stt.no_speech_threshold,
      logprob: stt.logprob_threshold,
      compressionRatio: stt.compression_ratio_threshold,
    },
    logger: log,
  });
}

/** "auto", or a code the model knows; English-only models always transcribe English. */
function resolveLanguage(language: string, spec: WhisperSpec, modelId: string, log: Logger): string {
  const code = language.trim().toLowerCase();
  if (!spec.multilingual) {
    if (code !== "en" && code !== "auto") {
      log.warn(
        { model: modelId, language: code },
        "English-only model: stt.language is ignored, transcribing English",
      );
    }
    return "en";
  }
  if (code === "auto" || spec.tokens.languages.has(code)) return code;
  throw configError(
    `stt.language "${language}" is not a language Whisper knows`,
    `use an ISO 639-1 code such as en, de, fr, es, or auto to detect it`,
  );
}

function sttModelHint(store: ModelStore): string {
  const ids = store.manifest.models.filter((m) => m.kind === "stt").map((m) => m.id);
  return `set stt.model to one of: ${ids.join(", ")}`;
}
