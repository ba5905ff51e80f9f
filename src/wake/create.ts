import { existsSync } from "node:fs";
import path from "node:path";
import { SAMPLE_RATE } from "../audio/format.js";
import type { Config } from "../config/schema.js";
import { EdgeVoiceError, ExitCode } from "../errors.js";
import type { ModelStore } from "../models/store.js";
import { cpuSummary, hostCpu } from "../system/cpu.js";
import { componentLogger, type Logger } from "../util/logger.js";
import { createVad } from "../vad/create.js";
import type { WakeWordDetector } from "./detector.js";
import { BUNDLED_EMBEDDING_VERIFIERS, EmbeddingVerifier } from "./embedding-verifier.js";
import { MelVerifier } from "./mel-verifier.js";
import { CANDIDATE_FRAMES, OpenWakeWordDetector, type OwwModelOptions } from "./openwakeword.js";
import { PorcupineDetector, type PorcupineFactory } from "./porcupine.js";
import { resolveAccessKey } from "./porcupine-access.js";
import type { PlatformInfo } from "./porcupine-platform.js";
import { CANARY_MODEL, openWakeSelfTested } from "./self-test.js";
import { SureCandidates } from "./sure-candidates.js";
import { DEFAULT_LOOKBACK_SECONDS, VadGatedDetector } from "./vad-gate.js";
import type { PhraseVerifier } from "./verifier.js";
import { type CandidateReport, type EmbeddingJudge, VerifyingDetector } from "./verifying-detector.js";

export interface WakeFactoryOptions {
  /** Where Porcupine's AccessKey may come from (the daemon's environment). */
  env: NodeJS.ProcessEnv;
  /** Defaults to this machine (Porcupine's library lookup); tests pass other boards. */
  platform?: PlatformInfo;
  /** Defaults to @picovoice/porcupine-node. */
  porcupine?: PorcupineFactory;
  /**
   * The second stage (wake.verifier): Whisper, wired by the daemon, and where each
   * candidate's outcome goes. Without it, candidates are never made.
   */
  verifier?: {
    /** Whisper; null: none on this board (a satellite), so only embedding verifiers judge. */
    port: PhraseVerifier | null;
    phraseFor: (wakeWord: string) => string | null;
    report: (c: CandidateReport) => void;
    /** Verify off the frame path (a live source); false: each candidate's frame waits (file input). */
    background?: boolean;
  };
}

/**
 * The wake-word detector the config asks for: openWakeWord (default) or Porcupine, wrapped
 * in the VAD gate when wake.vad_gate is on. Fails at start, with an EdgeVoiceError, on a
 * missing model, a Porcupine without AccessKey or library, or an invalid keyword.
 */
export async function createWakeWordDetector(
  config: Pick<Config, "wake" | "vad">,
  store: ModelStore,
  logger: Logger,
  options: WakeFactoryOptions,
): Promise<WakeWordDetector> {
  const log = componentLogger(logger, "wake");
  const verifying = config.wake.verifier.enabled && options.verifier !== undefined;
  // A damaged verifier file stops the start here, before any model is opened.
  const judges = verifying
    ? embeddingJudges(config.wake, config.wake.verifier.method)
    : new Map<string, EmbeddingJudge>();
  const detector =
    config.wake.engine === "porcupine"
      ? await PorcupineDetector.create({
          accessKey: resolveAccessKey(config.wake.porcupine, options.env),
          keywords: config.wake.porcupine.keywords,
          logger: log,
          platform: options.platform,
          factory: options.porcupine,
        })
      : await createOpenWakeWord(config.wake, store, log, verifying, options.verifier?.port != null, judges);
  log.info(
    {
      engine: detector.engine,
      wakeWords: detector.wakeWords,
      vadGate: config.wake.vad_gate,
      verifier: verifying,
    },
    "wake word ready",
  );
  // Porcupine has no scores: with verify_all each of its detections is a sure candidate.
  const porcupineVerified =
    verifying &&
    options.verifier?.port != null &&
    config.wake.verifier.verify_all &&
    config.wake.engine === "porcupine";
  const afterSamples = Math.round(config.wake.verifier.after_seconds * SAMPLE_RATE);
  let gated: WakeWordDetector = porcupineVerified ? new SureCandidates(detector, afterSamples) : detector;
  if (config.wake.vad_gate) {
    try {
      const vad = await createVad(config.vad, store, logger);
      const settings = { threshold: config.vad.start_threshold, lookbackSeconds: DEFAULT_LOOKBACK_SECONDS };
      gated = new VadGatedDetector(gated, vad, settings, log);
    } catch (error) {
      await detector.dispose();
      throw error;
    }
  }
  const verifier = options.verifier;
  if (!verifying || !verifier) return gated;
  // Outside the VAD gate: a candidate without speech before it is never verified.
  const { min_margin, sure_margin, before_seconds, budget_seconds, method } = config.wake.verifier;
  const settings = {
    method,
    embeddingJudge: (wakeWord: string) => judges.get(wakeWord) ?? null,
    minMargin: min_margin,
    sureMargin: sure_margin,
    beforeSeconds: before_seconds,
    phraseFor: verifier.phraseFor,
    background: verifier.background ?? false,
    budgetSeconds: budget_seconds,
  };
  // Nothing to verify with: no Whisper and no embedding verifier for any wake word.
  if (!verifier.port && judges.size === 0) return gated;
  return new VerifyingDetector(gated, verifier.port ?? NO_WHISPER, settings, verifier.report, log);
}

/**
 * The bundled embedding verifiers of the configured openWakeWord models (method embeddings or
 * both): only bundled models, whose bytes the verifier was trained on. A damaged verifier file
 * stops the start (model-corrupt); a model without one is judged by Whisper.
 */
function embeddingJudges(wake: Config["wake"], method: string): Map<string, EmbeddingJudge> {
  const judges = new Map<string, EmbeddingJudge>();
  if (method === "whisper" || wake.engine !== "openwakeword") return judges;
  for (const m of wake.models) {
    const verifier = m.path ? null : EmbeddingVerifier.bundled(m.id);
    if (!verifier) continue;
    if (verifier.frames !== CANDIDATE_FRAMES) {
      throw new EdgeVoiceError(
        "model-corrupt",
        `the wake-word verifier of ${m.id} reads ${verifier.frames} embeddings; candidates carry ${CANDIDATE_FRAMES}`,
        { exitCode: ExitCode.config, hint: "reinstall edge-voice, or set wake.verifier.method: whisper" },
      );
    }
    const threshold = wake.verifier.embedding_threshold ?? verifier.threshold;
    const everyChunk = wake.verifier.every_chunk ? verifier.everyChunk : null;
    judges.set(m.id, {
      score: (e) => verifier.score(e),
      threshold,
      chunks: verifier.chunks,
      ...(everyChunk ? { everyChunk } : {}),
    });
  }
  return judges;
}

/**
 * No Whisper on this board: never reached by a wake word with an embedding verifier (it judges
 * every candidate under method embeddings); others make no candidates there.
 */
const NO_WHISPER: PhraseVerifier = {
  scorePhrase: () => Promise.reject(new Error("no Whisper on this board")),
  busy: () => true,
};

async function createOpenWakeWord(
  wake: Config["wake"],
  store: ModelStore,
  logger: Logger,
  verifying: boolean,
  /** Whisper is there to verify wake words without an embedding verifier. */
  whisper: boolean,
  /** The embedding verifiers; one made for it is read on every chunk too (wake.verifier.every_chunk). */
  judges: ReadonlyMap<string, EmbeddingJudge>,
): Promise<WakeWordDetector> {
  const seen = new Set<string>();
  const models: OwwModelOptions[] = [];
  for (const m of wake.models) {
    if (seen.has(m.id)) {
      throw new EdgeVoiceError("config-invalid", `wake.models: ${m.id} is listed twice`, {
        exitCode: ExitCode.config,
        hint: "give each wake-word model once (custom models need their own id)",
      });
    }
    seen.add(m.id);
    const judged =
      verifying &&
      wake.verifier.method !== "whisper" &&
      !m.path &&
      BUNDLED_EMBEDDING_VERIFIERS[m.id] !== undefined;
    const judge = judged ? judges.get(m.id) : undefined;
    models.push({
      id: m.id,
      path: m.path ? customModelPath(m.id, m.path) : await storeModelPath(store, m.id),
      threshold: m.threshold,
      triggerLevel: m.trigger_level,
      refractorySeconds: m.refractory_seconds,
      ...(judged || (verifying && whisper) ? { candidateThreshold: m.candidate_threshold } : {}),
      // The embedding verifier judges sure detections too: it costs microseconds, is never busy,
      // and the model's confident mistakes ("hey Charlie") are what it is for.
      ...(judged ? { verifyAll: true } : {}),
      ...(judge?.everyChunk
        ? { everyChunk: { ...judge.everyChunk, score: judge.score, ...melReader(wake, m.id) } }
        : {}),
    });
  }
  const mel = await store.verify("oww_melspectrogram");
  const embedding = await store.verify("oww_embedding");
  const open = (list: OwwModelOptions[]) => (safeKernels: boolean) =>
    OpenWakeWordDetector.create({
      models: list,
      melPath: firstPath(mel.paths),
      embeddingPath: firstPath(embedding.paths),
      threads: wake.threads,
      candidateAfterSeconds: wake.verifier.after_seconds,
      verifyAll: verifying && wake.verifier.verify_all,
      logger,
      safeKernels,
    });
  if (!wake.self_test) return open(models)(false);
  // Bundled models only: their sha256 pins make the id name the bytes the expected score is for.
  const checked = wake.models.filter((m) => !m.path).map((m) => m.id);
  const canary = async (safeKernels: boolean) => {
    const path = await storeModelPath(store, CANARY_MODEL);
    const options = { id: CANARY_MODEL, path, threshold: 0.5, triggerLevel: 1, refractorySeconds: 0 };
    return open([options])(safeKernels);
  };
  return openWakeSelfTested(
    { open: open(models), checked, openCanary: canary },
    cpuSummary(hostCpu()),
    logger,
  );
}

/** The mel verifier's loader for a bundled wake word that has one (wake.verifier.mel); none otherwise. */
function melReader(
  wake: Config["wake"],
  id: string,
): Pick<NonNullable<OwwModelOptions["everyChunk"]>, "mel"> {
  const bundled = wake.verifier.mel ? MelVerifier.bundledFile(id) : null;
  if (!bundled) return {};
  return {
    mel: (threads, safeKernels) => MelVerifier.load(bundled.file, bundled.sha256, id, threads, safeKernels),
  };
}

function customModelPath(id: string, file: string): string {
  const full = path.resolve(file);
  if (!existsSync(full)) {
    throw new EdgeVoiceError("model-missing", `wake-word model ${id}: file not found: ${full}`, {
      exitCode: ExitCode.config,
      hint: "check wake.models[].path (an openWakeWord .onnx classifier; relative paths start at the working directory)",
    });
  }
  return full;
}

async function storeModelPath(store: ModelStore, id: string): Promise<string> {
  const entry = store.entry(id);
  if (entry.kind !== "wake") {
    throw new EdgeVoiceError(
      "config-invalid",
      `wake.models: ${id} is a ${entry.kind} model, not a wake word`,
      {
        exitCode: ExitCode.config,
        hint: "use a wake model id (hey_jarvis, alexa, hey_mycroft, hey_rhasspy, timer, weather) or a path",
      },
    );
  }
  return firstPath((await store.verify(id)).paths);
}

function firstPath(paths: Record<string, string>): string {
  const first = Object.values(paths)[0];
  if (!first) throw new Error("model without files");
  return first;
}
