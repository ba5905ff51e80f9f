import type { Config } from "../config/schema.js";
import { EdgeVoiceError, ExitCode } from "../errors.js";
import type { ModelStore } from "../models/store.js";
import { componentLogger, type Logger } from "../util/logger.js";
import type { VoiceActivityDetector } from "./detector.js";
import { SileroVad } from "./silero.js";

/** The voice-activity model named by vad.model (Silero v5), verified by the model store. */
export async function createVad(
  vad: Config["vad"],
  store: ModelStore,
  logger: Logger,
): Promise<VoiceActivityDetector> {
  const id = vad.model;
  const entry = store.entry(id);
  if (entry.kind !== "vad" || id !== "silero_vad_v5") {
    throw new EdgeVoiceError("config-invalid", `vad.model: ${id} is not a supported voice-activity model`, {
      exitCode: ExitCode.config,
      hint: "set vad.model to silero_vad_v5",
    });
  }
  const model = await store.verify(id);
  const file = Object.values(model.paths)[0] as string;
  const detector = await SileroVad.create(file);
  componentLogger(logger, "vad").debug({ model: id }, "voice-activity model ready");
  return detector;
}
