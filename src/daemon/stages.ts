import { llmPrefixCacheDir, preparedModelsDir } from "../config/paths.js";
import type { Config } from "../config/schema.js";
import { hasLocalModels } from "../config/sections/satellite.js";
import type { EventBus } from "../events/bus.js";
import { createIntentHandler } from "../intent/create.js";
import type { DeviceRegistry } from "../intent/registry.js";
import type { IntentHandler } from "../intent/types.js";
import { configuredModels, verifyModels } from "../models/startup.js";
import type { ModelStore } from "../models/store.js";
import { createTranscriber } from "../stt/create.js";
import type { Transcriber } from "../stt/transcriber.js";
import { componentLogger, type Logger } from "../util/logger.js";
import { createVad } from "../vad/create.js";
import type { VoiceActivityDetector } from "../vad/detector.js";
import { createWakeWordDetector } from "../wake/create.js";
import type { WakeWordDetector } from "../wake/detector.js";
import { wakeVerifier } from "./wake-verifier.js";

/**
 * The model-backed stages of one pipeline, loaded once at start and reused for every run.
 * Whisper and the intent stage are null on a satellite without local models (hasLocalModels).
 */
export interface Stages {
  wake: WakeWordDetector;
  vad: VoiceActivityDetector;
  transcriber: Transcriber | null;
  intent: IntentHandler | null;
}

/** What the stages' factories are given besides their config sections. */
export interface StageDeps {
  /** The shared model store (the daemon's working directory and environment). */
  store: ModelStore;
  /** The state directory (`stateDir(config.state_dir, env)`): Whisper's prepared models, the LLM's prefix. */
  stateDir: string;
  /** The daemon's environment (Porcupine's AccessKey). */
  env: NodeJS.ProcessEnv;
}

/**
 * Ordered start of the model stages: every configured model is verified first (so one
 * start lists every missing or corrupt file), then each stage loads. If a later stage
 * fails, the ones already loaded are disposed before the error goes up. A satellite without
 * local models loads the wake word and the VAD only (docs/rooms.md#what-a-satellite-loads).
 */
export async function loadStages(
  config: Config,
  deps: StageDeps,
  registry: DeviceRegistry,
  logger: Logger,
  bus?: EventBus,
  /** A live source: the wake word's verifier works off the frame path (wake.verifier). */
  live = false,
): Promise<Stages> {
  const { store } = deps;
  await verifyModels(store, configuredModels(config), { logger: componentLogger(logger, "models") });
  const loaded: { dispose(): Promise<void> }[] = [];
  const track = <T extends { dispose(): Promise<void> }>(stage: T): T => {
    loaded.push(stage);
    return stage;
  };
  try {
    const local = hasLocalModels(config);
    const vad = track(await createVad(config.vad, store, componentLogger(logger, "vad")));
    const transcriber = local ? track(await loadTranscriber(config, deps, logger)) : null;
    // After the transcriber: it is the wake word's verifier (wake.verifier).
    const verifier = wakeVerifier(transcriber, bus, live);
    const wake = track(
      await createWakeWordDetector(config, store, componentLogger(logger, "wake"), {
        verifier,
        env: deps.env,
      }),
    );
    const intent = local ? track(await loadIntent(config, deps, registry, logger)) : null;
    prepareGuidedDecoding(transcriber, intent, logger);
    return { wake, vad, transcriber, intent };
  } catch (error) {
    await disposeAll(loaded);
    throw error;
  }
}

/**
 * SIGHUP: loads new instances of the stages whose settings changed, while the old ones keep
 * serving. All or nothing: if one fails, the new ones are disposed and the error goes up,
 * so the daemon keeps its old config. Whisper and the intent stage become null when the
 * board stops needing them (a standalone board turned satellite).
 */
export async function reloadStages(
  which: Record<keyof Stages, boolean>,
  current: Pick<Stages, "transcriber" | "intent">,
  config: Config,
  deps: StageDeps,
  registry: DeviceRegistry,
  logger: Logger,
  bus?: EventBus,
  live = false,
): Promise<Partial<Stages>> {
  const { store } = deps;
  await verifyModels(store, configuredModels(config), { logger: componentLogger(logger, "models") });
  const local = hasLocalModels(config);
  const fresh: Partial<Stages> = {};
  try {
    if (which.vad) fresh.vad = await createVad(config.vad, store, componentLogger(logger, "vad"));
    if (which.transcriber) fresh.transcriber = local ? await loadTranscriber(config, deps, logger) : null;
    const transcriber = fresh.transcriber !== undefined ? fresh.transcriber : current.transcriber;
    // A new transcriber is a new verifier: the wake detector holding the old one goes too.
    if (which.wake || (fresh.transcriber && config.wake.verifier.enabled)) {
      const verifier = wakeVerifier(transcriber, bus, live);
      const log = componentLogger(logger, "wake");
      fresh.wake = await createWakeWordDetector(config, store, log, { verifier, env: deps.env });
    }
    if (which.intent) fresh.intent = local ? await loadIntent(config, deps, registry, logger) : null;
    if (fresh.transcriber || fresh.intent) {
      const intent = fresh.intent !== undefined ? fresh.intent : current.intent;
      prepareGuidedDecoding(transcriber, intent, logger);
    }
    return fresh;
  } catch (error) {
    await disposeAll(Object.values(fresh));
    throw error;
  }
}

function loadTranscriber(config: Config, deps: StageDeps, logger: Logger): Promise<Transcriber> {
  const preparedDir = preparedModelsDir(deps.stateDir);
  return createTranscriber(config.stt, deps.store, componentLogger(logger, "stt"), { preparedDir });
}

function loadIntent(config: Config, deps: StageDeps, registry: DeviceRegistry, logger: Logger) {
  return createIntentHandler(config, registry, componentLogger(logger, "intent"), {
    store: deps.store,
    prefixCacheDir: llmPrefixCacheDir(deps.stateDir),
  });
}

/** Guided decoding's one-off work (spelling Whisper's vocabulary) at start, not on the first command. */
function prepareGuidedDecoding(
  transcriber: Transcriber | null,
  intent: IntentHandler | null,
  logger: Logger,
): void {
  const guide = intent?.transcriptGuide?.();
  if (!guide || !transcriber?.prepareGuide) return;
  const started = performance.now();
  transcriber.prepareGuide(guide);
  componentLogger(logger, "stt").debug(
    { ms: Math.round(performance.now() - started) },
    "guided decoding prepared",
  );
}

export async function disposeStages(stages: Stages): Promise<void> {
  await disposeAll([stages.wake, stages.vad, stages.transcriber, stages.intent]);
}

async function disposeAll(stages: ({ dispose(): Promise<void> } | null)[]): Promise<void> {
  await Promise.allSettled(stages.map((stage) => stage?.dispose()));
}
