import path from "node:path";
import { readWavLayoutSync } from "../audio/wav.js";
import { WavAudioReader } from "../audio/wav-reader.js";
import { preparedModelsDir, stateDir } from "../config/paths.js";
import { usageError } from "../errors.js";
import { sentenceSpace } from "../intent/create.js";
import { DeviceRegistry } from "../intent/registry.js";
import { modelStoreFromConfig } from "../models/startup.js";
import { createTranscriber } from "../stt/create.js";
import { guidedFields } from "../stt/guided-fields.js";
import { vocabularyPrompt } from "../stt/prompt.js";
import { createLogger } from "../util/logger.js";
import { CONFIG_HELP, CONFIG_OPTIONS, type Command } from "./command.js";
import { loadConfigFor } from "./load-config.js";

export const transcribeCommand: Command = {
  name: "transcribe",
  summary: "transcribe a WAV file with Whisper (as the daemon would), print the text or JSON",
  help: `Usage: edge-voice transcribe FILE.wav [--model ID] [--json] [--prompt TEXT] [--no-prompt]

  FILE.wav         any PCM or float WAV; converted to 16 kHz mono as the daemon does.
                   Audio longer than 30 s is transcribed in 30 s windows.
  --model ID       Whisper model id from the manifest, or a model directory (default: stt.model)
  --json           print one JSON object: {text, language, noSpeechProb, avgLogprob, audioMs,
                   encodeMs, decodeMs, source (free|grammar), freeText, score, freeScore},
                   plus "dropped" when Whisper's text was thrown away, and when the guided
                   pass was considered (stt.guided): margin, guidedText, guidedScore,
                   guidedWhy, guidedMs, and askBack: a refused guess the daemon
                   would ask back, "did you mean ...?" (docs/stt.md)
  --prompt TEXT    vocabulary to bias towards (default: the config's device and area names
                   and stt.initial_prompt, as the daemon uses)
  --no-prompt      no vocabulary prompt
${CONFIG_HELP}

Prints an empty line (and exits 0) when the audio holds no speech: silence, noise, or
text Whisper is known to invent on silence. Exit 78 when the model is missing or corrupt.
`,
  takesArguments: true,
  options: {
    ...CONFIG_OPTIONS,
    model: { type: "string", short: "m" },
    json: { type: "boolean" },
    prompt: { type: "string" },
    "no-prompt": { type: "boolean" },
  },
  async run(args, io) {
    const [file, ...extra] = args.positionals;
    if (!file) throw usageError("transcribe needs a WAV file", "edge-voice transcribe command.wav");
    if (extra.length > 0) throw usageError(`transcribe takes one file, got ${args.positionals.length}`);
    const overrides = typeof args.values.model === "string" ? { "stt.model": args.values.model } : {};
    const { config } = loadConfigFor(args, io, overrides);
    // A one-shot command: only warnings, unless the config asks for debug (which shows timings and text).
    const logger = createLogger({
      level: ["debug", "trace"].includes(config.log.level) ? config.log.level : "warn",
      format: config.log.format,
      destination: io.stderr as NodeJS.WritableStream & { fd?: number },
    });
    // The header only: a missing or corrupt file is refused before models load, and the audio is
    // read a window at a time as Whisper takes it (a long recording is never in memory whole).
    const wavFile = path.resolve(io.cwd, file);
    const layout = readWavLayoutSync(wavFile);
    const preparedDir = preparedModelsDir(stateDir(config.state_dir, io.env));
    const transcriber = await createTranscriber(config.stt, modelStoreFromConfig(config, io), logger, {
      preparedDir,
    });
    const audio = new WavAudioReader(wavFile, layout);
    try {
      const prompt =
        args.values["no-prompt"] === true
          ? ""
          : typeof args.values.prompt === "string"
            ? args.values.prompt
            : vocabularyPrompt(config.devices, config.stt.initial_prompt);
      // As the daemon: guided by the config's devices and templates (stt.guided).
      const space = config.stt.guided ? sentenceSpace(config, new DeviceRegistry(config.devices)) : null;
      const guide = space?.get();
      // The one-off spelling of the vocabulary, as the daemon does at start: guidedMs is then the pass alone.
      if (guide) transcriber.prepareGuide?.(guide);
      const options = { prompt, ...(guide ? { guide } : {}), measureNoSpeech: true };
      const result = transcriber.transcribeFrom
        ? await transcriber.transcribeFrom(audio, options)
        : await transcriber.transcribe(await audio.read(audio.samples), options);
      space?.dispose();
      if (args.values.json === true) {
        const { text, language, noSpeechProb, avgLogprob, audioMs, encodeMs, decodeMs, dropped } = result;
        const out = {
          text,
          language,
          noSpeechProb,
          avgLogprob,
          audioMs,
          encodeMs,
          decodeMs,
          dropped,
          ...guidedFields(result),
          ...(result.askBack ? { askBack: result.askBack } : {}),
        };
        io.stdout.write(`${JSON.stringify(out, roundNumbers)}\n`);
      } else {
        io.stdout.write(`${result.text}\n`);
      }
      return 0;
    } finally {
      await audio.close();
      await transcriber.dispose();
    }
  },
};

/** Three decimals for scores, whole milliseconds for times: readable, and stable enough for scripts. */
function roundNumbers(key: string, value: unknown): unknown {
  if (typeof value !== "number") return value;
  return key.endsWith("Ms") ? Math.round(value) : Math.round(value * 1000) / 1000;
}
