import { readdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Config } from "../config/schema.js";
import { configError } from "../errors.js";
import { resolveModelPath } from "../models/resolve.js";
import type { ModelStore } from "../models/store.js";
import { cpuSummary, hostCpu } from "../system/cpu.js";
import { componentLogger, type Logger } from "../util/logger.js";
import type { GuidedSettings } from "./guided-types.js";
import { readWhisperJson, type WhisperSpec, whisperSpec } from "./model-spec.js";
import { pickOnnxFiles, WhisperSessions } from "./onnx-whisper.js";
import { chooseOutputLayer, memoryForProcess } from "./output-layer-choice.js";
import { openSelfTested } from "./self-test.js";
import { WhisperTokenizer } from "./tokenizer.js";
import type { Transcriber } from "./transcriber.js";
import { WhisperTranscriber } from "./whisper.js";

export interface CreateTranscriberOptions {
  /** Where the edited models are kept between starts (`preparedModelsDir(stateDir)`); null keeps none. */
  preparedDir: string | null;
}

/**
 * Verifies the configured Whisper model through the model store (sizes and sha256 pins:
 * a changed file is refused) or takes a model directory given by path (transformers.js
 * layout, unpinned), loads its ONNX sessions once, and returns the transcriber the daemon
 * reuses for every run. Throws model-missing / model-corrupt / model-load-failed / config-invalid.
 */
export async function createTranscriber(
  stt: Config["stt"],
  store: ModelStore,
  logger: Logger,
  options: CreateTranscriberOptions,
): Promise<Transcriber> {
  const log = componentLogger(logger, "stt");
  const started = performance.now();
  const resolved = await resolveModelPath(store, stt.model, "stt", { logger: log });
  const model = { paths: resolved.entry ? resolved.paths : modelDirFiles(resolved.path) };
  const spec = whisperSpec(readWhisperJson(model.paths, stt.model));
  const language = resolveLanguage(stt.language, spec, stt.model, log);
  const tokenizer = WhisperTokenizer.fromFiles(
    model.paths["tokenizer.json"] as string,
    model.paths["tokenizer_config.json"],
  );
  const { samplingRate, hopLength, nbMaxFrames } = spec.mel;
  const window = {
    // Even: the encoder's stride-2 convolution maps 2N frames to N positions.
    frames: Math.min(
      nbMaxFrames,
      2 * Math.floor((stt.encoder_window_seconds * samplingRate) / hopLength / 2),
    ),
    fullFrames: nbMaxFrames,
  };
  const memory = memoryForProcess(os.totalmem(), process.constrainedMemory?.());
  const outputLayer = chooseOutputLayer(stt.output_layer, stt.int8_output_layer, memory);
  const open = async (safeKernels: boolean): Promise<Transcriber> => {
    const sessions = await WhisperSessions.load(pickOnnxFiles(model.paths, stt.model), {
      threads: stt.threads,
      decoderThreads: stt.decoder_threads,
      shape: { heads: spec.decoderHeads, headDim: spec.headDim },
      positions: nbMaxFrames / 2,
      window,
      outputLayer,
      layers: stt.layers,
      preparedDir: options.preparedDir,
      safeKernels,
      encoderThread: stt.encoder_thread,
      logger: log,
    });
    return new WhisperTranscriber(sessions, spec, tokenizer, {
      modelId: stt.model,
      language,
      maxTokens: stt.max_tokens,
      leadInSeconds: stt.lead_in_seconds,
      encoderWindowFrames: window.frames,
      thresholds: {
        noSpeech: stt.no_speech_threshold,
        logprob: stt.logprob_threshold,
        compressionRatio: stt.compression_ratio_threshold,
      },
      guided: stt.guided ? guidedSettings(stt) : undefined,
      logger: log,
    });
  };
  // The first run also warms onnxruntime up: it allocates its arena and is ~0.6 s slower
  // (measured 1.47 s against 0.89 s for a 3 s command), which would otherwise land on the
  // first person to speak; a model that cannot run fails here, not then.
  let transcriber: Transcriber;
  if (stt.self_test) {
    transcriber = await openSelfTested(open, cpuSummary(hostCpu()), log);
  } else {
    transcriber = await open(false);
    await transcriber.transcribe(new Float32Array(spec.mel.samplingRate));
  }
  log.info(
    {
      model: stt.model,
      language,
      threads: stt.threads,
      decoderThreads: stt.decoder_threads,
      encoderThread: stt.encoder_thread,
      windowSeconds: stt.encoder_window_seconds,
      // With auto, what the memory chose (docs/stt.md, Memory).
      outputLayer,
      layers: stt.layers,
      memoryGiB: Number((memory / 1024 ** 3).toFixed(1)),
      ms: Math.round(performance.now() - started),
    },
    "Whisper loaded",
  );
  return transcriber;
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

/** Files of a model directory given by path (transformers.js layout), by their names relative to it. */
function modelDirFiles(dir: string): Record<string, string> {
  const paths: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    const full = path.join(dir, name);
    if (statSync(full).isFile()) paths[name.split(path.sep).join("/")] = full;
  }
  return paths;
}

/** Guided decoding's settings from the stt section (the daemon's, and the hearing benches'). */
export function guidedSettings(stt: Config["stt"]): GuidedSettings {
  return {
    beam: stt.guided_beam,
    perGroup: stt.guided_per_word || undefined,
    promptEnding: stt.guided_prompt.trim() || undefined,
    rescue: stt.guided_rescue_beam ? { beam: stt.guided_rescue_beam } : undefined,
    // A command is a dozen tokens; the budget only stops a beam that never ends.
    maxTokens: Math.min(stt.max_tokens, 48),
    thresholds: {
      minScore: stt.guided_min_score,
      minScoreSensitive: stt.guided_min_score_sensitive,
      clearMargin: stt.guided_clear_margin || undefined,
      clearMinScore: stt.guided_clear_min_score,
      minMargin: stt.guided_min_margin,
      maxDrop: stt.guided_max_drop,
      minNumberLead: stt.guided_min_number_lead || undefined,
      minActionLead: stt.guided_min_action_lead || undefined,
      minQuestionLead: stt.guided_min_question_lead || undefined,
      minNameLead: stt.guided_min_name_lead || undefined,
      minStateLead: stt.guided_min_state_lead || undefined,
      minNameMargin: stt.guided_min_name_margin || undefined,
      minLastWordLead: stt.guided_min_last_word_lead || undefined,
      askMinScore: stt.guided_ask_min_score ?? undefined,
    },
  };
}
