import { spawnSync } from "node:child_process";
import { encodeWav } from "../../src/audio/wav-writer.js";

const RATE = 16_000;

/** A piece of a spoken clip: words (espeak-ng voice and words per minute) or seconds of silence. */
export type ClipPart = { say: string; voice?: string; speed?: number } | { silence: number };

/**
 * A 16 kHz mono WAV of espeak-ng speech and silences, made on the spot (as
 * scripts/make-hearing-fixtures.ts makes the committed clips): "hey jarvis" is best said at
 * 110-140 words per minute for openWakeWord to fire. Needs espeak-ng and sox.
 */
export function spokenClip(parts: readonly ClipPart[]): Uint8Array {
  const pieces = parts.map((part) =>
    "silence" in part ? new Int16Array(Math.round(part.silence * RATE)) : say(part),
  );
  const total = new Int16Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const piece of pieces) {
    total.set(piece, at);
    at += piece.length;
  }
  return encodeWav(total, RATE);
}

function say(part: { say: string; voice?: string; speed?: number }): Int16Array {
  const args = ["-v", part.voice ?? "en-us", "-s", String(part.speed ?? 140), "--stdout", part.say];
  const espeak = spawnSync("espeak-ng", args, { maxBuffer: 64 << 20 });
  if (espeak.status !== 0) throw new Error(`espeak-ng failed: ${espeak.stderr}`);
  const toRaw = [
    "-D",
    "-t",
    "wav",
    "-",
    "-t",
    "raw",
    "-r",
    String(RATE),
    "-c",
    "1",
    "-b",
    "16",
    "-e",
    "signed",
    "-",
  ];
  const run = spawnSync("sox", toRaw, { input: espeak.stdout, maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`sox failed: ${run.stderr}`);
  const bytes = run.stdout as Buffer;
  return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}
