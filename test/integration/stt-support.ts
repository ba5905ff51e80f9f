import { readFileSync } from "node:fs";
import { afterAll, beforeAll } from "vitest";
import { parse } from "yaml";
import { UTTERANCES } from "../../scripts/hearing-utterances.js";
import { commandAudio, VOICES, type Voice } from "../../scripts/make-hearing-fixtures.js";
import { int16ToFloat32 } from "../../src/audio/format.js";
import { readWav16kMono } from "../../src/audio/wav.js";
import { validate } from "../../src/config/load.js";
import { preparedModelsDir, stateDir } from "../../src/config/paths.js";
import { configSchema } from "../../src/config/schema.js";
import { sentenceSpace } from "../../src/intent/create.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import type { SentenceSpaceCache } from "../../src/intent/sentence-space/cache.js";
import { numberToWords } from "../../src/intent/text/numbers.js";
import { ModelStore } from "../../src/models/store.js";
import { createTranscriber } from "../../src/stt/create.js";
import { readWhisperJson, type WhisperSpec, whisperSpec } from "../../src/stt/model-spec.js";
import { pickOnnxFiles, WhisperSessions } from "../../src/stt/onnx-whisper.js";
import { vocabularyPrompt } from "../../src/stt/prompt.js";
import { WhisperTokenizer } from "../../src/stt/tokenizer.js";
import type { Transcriber } from "../../src/stt/transcriber.js";
import type { WhisperTranscriber } from "../../src/stt/whisper.js";
import { silentLogger } from "../../src/util/logger.js";

export const COMMANDS_DIR = "test/fixtures/wav/commands";

/** The devices of the home the fixtures speak to, as the daemon passes them to Whisper. */
export const FIXTURE_HOME_PROMPT = vocabularyPrompt([
  { name: "kitchen light", area: "kitchen" },
  { name: "living room lamp", area: "living room" },
  { name: "bedroom light", area: "bedroom" },
  { name: "thermostat", area: "hallway" },
  { name: "front door", area: "hallway" },
]);

/**
 * Guided decoding as it was before the command words were read ahead of its searches
 * (stt.guided_prompt, session 12): the settings the clips of the rules below it (the second
 * search, names kept, a number not heard) were found with, so each test shows its own rule.
 */
export const WITHOUT_COMMAND_PROMPT = { guided_prompt: "", guided_min_score: -1.4 } as const;

/** The hearing fixtures' home (examples/home.yaml). */
export const HEARING_HOME = validate(parse(readFileSync("examples/home.yaml", "utf8")));
/** ... its devices as the daemon prompts Whisper. */
export const HEARING_PROMPT = vocabularyPrompt(HEARING_HOME.devices, HEARING_HOME.stt.initial_prompt);

/**
 * Command audio made by the hearing fixture script (espeak-ng + sox, seeded noise, as
 * bench/hearing-decode.ts makes it): what the pipeline hands Whisper after the wake word.
 * `wakePhrase`: the wake phrase said before it too, as the daemon's pre-roll hands a paused
 * command over (hearing-decode --wake-phrase).
 */
export function spoken(
  text: string,
  voiceId: string,
  condition: "clean" | "noisy" | "reverb",
  { wakePhrase = false } = {},
): Float32Array {
  const index = UTTERANCES.findIndex((u) => u.text === text);
  const utterance = UTTERANCES[index];
  const voice = VOICES.find((v) => v.id === voiceId) ?? otherVoice(voiceId);
  if (!utterance || !voice) throw new Error(`no utterance "${text}" or voice ${voiceId}`);
  return int16ToFloat32(commandAudio({ utterance, index, voice, condition }, undefined, wakePhrase));
}

/** A voice outside the fixture list, as the hearing bench's --other-voices names it: "en-gb-scotland+f4@140". */
function otherVoice(spec: string): Voice | undefined {
  const [voice, speed] = spec.split("@");
  if (!voice?.includes("+") || !speed) return undefined;
  return { id: voice.replace("+", "-"), voice, speed: Number(speed) };
}

/**
 * The layers the clips of these tests were chosen with: each test names what whisper-tiny heard
 * with its layers in int8 (the model file's own arithmetic, the default before session 44) and
 * shows a rule on that mishearing. With the layers in float (stt.layers, the default now) most
 * of those clips are heard right and the rules are not reached; stt-float-layers.test.ts shows that.
 */
export const MISHEARD_WITH = { layers: "int8" } as const;

/** The daemon's defaults but the layers in int8 (MISHEARD_WITH) unless `stt` says otherwise. */
export function loadTinyTranscriber(stt: Record<string, unknown> = {}): Promise<Transcriber> {
  const config = configSchema.parse({ stt: { ...MISHEARD_WITH, ...stt } });
  const store = new ModelStore({ modelsDir: "models", cacheFile: null });
  return createTranscriber(config.stt, store, silentLogger(), { preparedDir: defaultPreparedDir() });
}

/**
 * The hearing home's sentence space and whisper-tiny as loadTinyTranscriber opens it, for the tests
 * of the describe block this is called in: opened before them, closed after them.
 */
export function hearingWhisper(): {
  readonly space: SentenceSpaceCache;
  readonly whisper: WhisperTranscriber;
} {
  const opened = {} as { space: SentenceSpaceCache; whisper: WhisperTranscriber };
  beforeAll(async () => {
    opened.space = sentenceSpace(HEARING_HOME, new DeviceRegistry(HEARING_HOME.devices));
    opened.whisper = (await loadTinyTranscriber({})) as WhisperTranscriber;
  });
  afterAll(async () => {
    opened.space?.dispose();
    await opened.whisper?.dispose();
  });
  return opened;
}

/**
 * whisper-tiny's onnxruntime sessions, spec and tokenizer from the repository's model store,
 * for tests that drive the decoder themselves: one thread, the exact output layer;
 * `preparedDir` gives the daemon's prepared decoder, none the files as exported.
 */
export async function loadTinySessions(
  preparedDir?: string,
): Promise<{ sessions: WhisperSessions; spec: WhisperSpec; tokenizer: WhisperTokenizer }> {
  const model = await new ModelStore({ modelsDir: "models", cacheFile: null }).verify("whisper-tiny");
  const spec = whisperSpec(readWhisperJson(model.paths, "whisper-tiny"));
  const tokenizer = WhisperTokenizer.fromFiles(
    model.paths["tokenizer.json"] as string,
    model.paths["tokenizer_config.json"],
  );
  const sessions = await WhisperSessions.load(pickOnnxFiles(model.paths, "whisper-tiny"), {
    threads: 1,
    shape: { heads: spec.decoderHeads, headDim: spec.headDim },
    positions: spec.mel.nbMaxFrames / 2,
    outputLayer: "blocks",
    ...(preparedDir ? { preparedDir } : {}),
  });
  return { sessions, spec, tokenizer };
}

/** Where the daemon keeps prepared models with no state_dir configured, as these tests always have. */
export function defaultPreparedDir(): string {
  return preparedModelsDir(stateDir(null));
}

export async function fixtureAudio(name: string): Promise<Float32Array> {
  const wav = await readWav16kMono(`${COMMANDS_DIR}/${name}.wav`);
  return int16ToFloat32(wav.samples);
}

/** A deterministic pseudo-random source, so a failing noise test fails the same way again. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function whiteNoise(seconds: number, amplitude: number, seed = 1): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: Math.round(seconds * 16_000) }, () => (random() * 2 - 1) * amplitude);
}

/** Brown (random-walk) noise: rumble, like a fan or traffic, with most energy low. */
export function brownNoise(seconds: number, amplitude: number, seed = 2): Float32Array {
  const random = seededRandom(seed);
  let value = 0;
  return Float32Array.from({ length: Math.round(seconds * 16_000) }, () => {
    value = 0.98 * value + (random() * 2 - 1) * 0.2;
    return value * amplitude;
  });
}

export function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Lower case, no punctuation, digits and "%" spelled out: "Set it to 40%." -> "set it to forty percent". */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/%/g, " percent")
    .replace(/\d+/g, (digits) => numberToWords(Number(digits)))
    .replace(/[^\p{L}\p{N}' ]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Word error rate of `hypothesis` against `reference` (both normalised first). */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const ref = normalise(reference).split(" ").filter(Boolean);
  const hyp = normalise(hypothesis).split(" ").filter(Boolean);
  let previous = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const row = [i];
    for (let j = 1; j <= hyp.length; j++) {
      const substitution = (previous[j - 1] as number) + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, substitution));
    }
    previous = row;
  }
  return (previous[hyp.length] as number) / Math.max(1, ref.length);
}
