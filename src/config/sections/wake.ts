import { z } from "zod";
import { probability, seconds, secret, section } from "../fields.js";

/**
 * Where the verifier's candidates start: chosen with the embedding verifier on training voices
 * held out of fitting (scripts/train-wake-verifier.ts; docs/listening.md), not on the benchmark.
 */
const CANDIDATE_THRESHOLD = 0.05;

const wakeModel = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9_]+$/, "expected a model id of [a-z0-9_]")
    .describe("Model id from models/manifest.json (hey_jarvis, alexa, ...) or a name for a custom model"),
  path: z.string().nullable().default(null).describe("Path to a custom openWakeWord .onnx classifier"),
  threshold: probability().default(0.5).describe("Score a frame must exceed"),
  candidate_threshold: probability()
    .default(CANDIDATE_THRESHOLD)
    .describe(
      "With wake.verifier on: a lower score that makes a candidate, woken only if the verifier accepts it",
    ),
  trigger_level: z
    .number()
    .int()
    .min(1)
    .max(20)
    .default(1)
    .describe("Consecutive 80 ms frames over threshold to fire"),
  refractory_seconds: z
    .number()
    .min(0)
    .max(60)
    .default(2)
    .describe("Ignore this model after a detection for this long"),
});

const porcupineKeyword = z.strictObject({
  keyword: z
    .string()
    .min(1)
    .describe("Built-in keyword name (porcupine, jarvis, ...) or a path to a .ppn file"),
  sensitivity: probability().default(0.5).describe("Higher wakes more easily and falsely more often"),
});

export const wakeSection = section(
  {
    engine: z.enum(["openwakeword", "porcupine"]).default("openwakeword").describe("Wake-word engine"),
    models: z
      .array(wakeModel)
      .min(1)
      .default([
        {
          id: "hey_jarvis",
          path: null,
          threshold: 0.5,
          candidate_threshold: CANDIDATE_THRESHOLD,
          trigger_level: 1,
          refractory_seconds: 2,
        },
      ])
      .describe("openWakeWord models that run at once (sharing the mel and embedding work)"),
    self_test: z
      .boolean()
      .default(true)
      .describe(
        'At start, score a known "hey jarvis" clip and refuse to run (exit 78) when the scores are off even with onnxruntime\'s portable kernels: catches a CPU whose arithmetic goes wrong (docs/boards.md)',
      ),
    vad_gate: z
      .boolean()
      .default(true)
      .describe(
        "Accept a detection only when Silero VAD hears speech in the second before it: drops wakes on tones and noise (docs/listening.md)",
      ),
    verifier: section(
      {
        enabled: z
          .boolean()
          .default(true)
          .describe(
            "Two stages: candidates from candidate_threshold wake only when the verifier (method) accepts them; false: the single threshold",
          ),
        method: z
          .enum(["embeddings", "whisper", "both"])
          .default("embeddings")
          .describe(
            "How candidates are judged: embeddings (a small model on openWakeWord's own features, trained for the bundled hey_jarvis; no Whisper, and sure detections are judged too, as with verify_all), whisper (Whisper hears the wake phrase), or both (embeddings for sure detections, both for weak ones). Wake words without an embedding verifier use Whisper",
          ),
        embedding_threshold: probability()
          .nullable()
          .default(null)
          .describe(
            "The embedding verifier's probability a candidate needs to wake; null: the one chosen when it was trained (on voices held out of training)",
          ),
        every_chunk: z
          .boolean()
          .default(true)
          .describe(
            "Also read the embedding verifier on every chunk where openWakeWord heard anything at all (a first stage of its own, for wake words openWakeWord barely scores in babble), at the threshold chosen when it was trained; method embeddings or both, bundled hey_jarvis only",
          ),
        mel: z
          .boolean()
          .default(true)
          .describe(
            'With every_chunk, also read a small network over openWakeWord\'s mel frames on those chunks (trained with other talkers in the audio): a chunk wakes when either hears the wake phrase. Hears "hey jarvis" among other talkers that the embeddings lose; bundled hey_jarvis only',
          ),
        min_margin: z
          .number()
          .min(-10)
          .max(0)
          .default(-1.5)
          .describe(
            "Per-token log-probability the wake phrase may fall below what Whisper heard and still wake",
          ),
        sure_margin: z
          .number()
          .min(-10)
          .max(0)
          .default(-3)
          .describe(
            "The same for a detection at or above threshold (verify_all): only a clear 'something else' turns it away",
          ),
        before_seconds: seconds(0.5, 3)
          .default(1.5)
          .describe("Audio before the candidate's end that the verifier hears"),
        after_seconds: seconds(0, 1)
          .default(0.3)
          .describe("... and after it (the candidate waits this long before it is verified)"),
        verify_all: z
          .boolean()
          .default(false)
          .describe(
            "Verify detections at or above threshold too (the model's own confident mistakes); unverifiable ones still wake",
          ),
        budget_seconds: seconds(0.5, 10)
          .default(3)
          .describe("A live source's verdict reached later than this after the wake word is dropped (late)"),
      },
      "Wake-word verifier (openWakeWord candidates; Porcupine detections too with verify_all)",
    ),
    threads: z
      .number()
      .int()
      .min(1)
      .max(16)
      .default(1)
      .describe("onnxruntime intra-op threads for the wake models"),
    porcupine: section(
      {
        access_key: z.string().nullable().default(null).meta(secret).describe("Picovoice AccessKey"),
        access_key_file: z.string().nullable().default(null).describe("File holding the Picovoice AccessKey"),
        keywords: z
          .array(porcupineKeyword)
          .default([{ keyword: "jarvis", sensitivity: 0.5 }])
          .describe("Porcupine keywords"),
      },
      "Picovoice Porcupine (engine: porcupine); needs an AccessKey validated online",
    ),
  },
  "Wake word",
);
