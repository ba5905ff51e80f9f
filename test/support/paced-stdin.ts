import type { Writable } from "node:stream";
import { type ClipPart, spokenClip } from "./spoken.js";

const RATE = 16_000;
/** One frame of the daemon's input: 80 ms. */
const FRAME = 1280;

/**
 * A microphone made of a pipe: raw 16 kHz mono s16le into `edge-voice run --input -`, one
 * 80 ms frame every 80 ms, silence unless something was queued to be said. What is said goes
 * in when the test decides (after an event), as a person answers what they heard: the daemon's
 * timers and windows run on wall time, so the audio must arrive as time passes.
 */
export class PacedStdin {
  #queue: Int16Array[] = [];
  #timer: NodeJS.Timeout | null = null;
  #sent = 0;

  constructor(private readonly stdin: Writable) {}

  start(): this {
    this.#timer = setInterval(() => this.#frame(), (FRAME / RATE) * 1000);
    return this;
  }

  /** Queues espeak-ng speech (and silences) after what is still queued. */
  say(parts: readonly ClipPart[]): void {
    const wav = spokenClip(parts);
    const samples = new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + wav.length));
    for (let at = 0; at < samples.length; at += FRAME) this.#queue.push(samples.slice(at, at + FRAME));
  }

  /** Seconds of audio written so far. */
  get seconds(): number {
    return this.#sent / RATE;
  }

  /** Stops writing and ends the input (the daemon then finishes and exits). */
  end(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.stdin.end();
  }

  #frame(): void {
    const next = this.#queue.shift();
    const frame = new Int16Array(FRAME);
    if (next) frame.set(next);
    this.#sent += FRAME;
    this.stdin.write(Buffer.from(frame.buffer));
  }
}
