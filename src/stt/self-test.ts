/**
 * Whisper's start-up self-test: a short known command (shipped in assets/self-test/) is
 * transcribed once after loading and must come back as its words. It doubles as the warm-up
 * run (onnxruntime's first run allocates its arena), so it costs only the few more tokens of
 * a real sentence. Its reason to exist: under qemu's `max` CPU the arm64 onnxruntime picked
 * KleidiAI SME kernels and Whisper returned garbage (", vend") while everything else worked;
 * a board whose CPU takes such a path would mishear every command, silently.
 */

import path from "node:path";
import { fileURLToPath } from "node:url";
import { int16ToFloat32 } from "../audio/format.js";
import { readWav16kMono } from "../audio/wav.js";
import { EdgeVoiceError, ExitCode } from "../errors.js";
import type { Logger } from "../util/logger.js";
import type { Transcriber } from "./transcriber.js";

/** What the self-test clip says (espeak-ng en-us, 150 wpm: the STT fixture of that command). */
export const SELF_TEST_WORDS = "turn on the kitchen light";

/** Resolved next to this module: src/stt under vitest and tsx, dist/stt once built; both are two levels down. */
export const SELF_TEST_CLIP = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../assets/self-test/turn-on-the-kitchen-light.wav",
);

export interface SelfTestResult {
  ok: boolean;
  /** What Whisper heard. */
  text: string;
  ms: number;
}

/** The clip as Whisper's input (16 kHz mono float). */
export async function selfTestAudio(file: string = SELF_TEST_CLIP): Promise<Float32Array> {
  return int16ToFloat32((await readWav16kMono(file)).samples);
}

/**
 * Heard right: at most one word differs from the expected words (a model may write "lights"
 * or drop "the"; broken arithmetic gives unrelated tokens, or nothing).
 */
export function heardRight(text: string, expected: string = SELF_TEST_WORDS): boolean {
  const words = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9' ]+/g, " ")
      .split(" ")
      .filter(Boolean);
  return wordDistance(words(text), words(expected)) <= 1;
}

/** Transcribes the clip (no vocabulary prompt: the words must come from the audio alone). */
export async function runSelfTest(transcriber: Transcriber, audio: Float32Array): Promise<SelfTestResult> {
  const started = performance.now();
  const { text } = await transcriber.transcribe(audio);
  return { ok: heardRight(text), text, ms: Math.round(performance.now() - started) };
}

/**
 * Opens Whisper and self-tests it; when it mishears, once more with onnxruntime's portable
 * kernels (`open(true)`), and if it still mishears, refuses to start (exit 78) naming the CPU.
 */
export async function openSelfTested(
  open: (safeKernels: boolean) => Promise<Transcriber>,
  cpu: string,
  log: Logger,
  audio?: Float32Array,
): Promise<Transcriber> {
  const clip = audio ?? (await selfTestAudio());
  const first = await open(false);
  const check = await runSelfTest(first, clip);
  if (check.ok) {
    log.debug({ heard: check.text, ms: check.ms }, "Whisper self-test passed");
    return first;
  }
  await first.dispose();
  log.warn(
    { heard: check.text, expected: SELF_TEST_WORDS, cpu },
    "Whisper misheard its self-test clip: loading it again with onnxruntime's portable kernels",
  );
  const safe = await open(true);
  const retry = await runSelfTest(safe, clip);
  if (retry.ok) {
    log.warn(
      { heard: retry.text, cpu },
      "Whisper self-test passed with the portable kernels: running with them",
    );
    return safe;
  }
  await safe.dispose();
  throw new EdgeVoiceError(
    "stt-self-test-failed",
    `Whisper mishears on this CPU (${cpu}): its self-test clip "${SELF_TEST_WORDS}" came back as "${retry.text}", with onnxruntime's portable kernels too`,
    {
      hint: "run `edge-voice doctor` and report its output; `stt.self_test: false` starts anyway, but every command may then be misheard",
      exitCode: ExitCode.config,
    },
  );
}

/** Word-level Levenshtein distance. */
function wordDistance(a: string[], b: string[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] as number;
}
