// Whisper as bench/wake-noise.ts's verifier peer: it scores a candidate on the audio the daemon's
// VerifyingDetector would give it, and its verdicts are kept in DIR/verified.json (delete it
// after changing Whisper's verifier), since each takes seconds on a shared board.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SAMPLE_RATE } from "../src/audio/format.js";
import type { Transcriber } from "../src/stt/transcriber.js";
import { heardWords, phraseWins } from "../src/wake/verifier.js";
import type { Scored } from "./wake-scores.js";
import type { Stage } from "./wake-strategies.js";

const PHRASE = "Hey Jarvis";

export interface Verified {
  margin: number;
  text: string;
  cpuMs: number;
}

export class WhisperJudge {
  /** Verdicts by file@candidate@decision[@context], from earlier runs too. */
  readonly cache: Map<string, Verified>;
  readonly #file: string;
  #fresh = 0;

  /** `transcriber` null: Whisper left out (WAKE_WHISPER=0); the kept verdicts are still read. */
  constructor(
    dir: string,
    private readonly transcriber: Transcriber | null,
    /** Seconds of audio before the candidate's end Whisper hears (wake.verifier.before_seconds). */
    private readonly before: number,
  ) {
    this.#file = path.join(dir, "verified.json");
    this.cache = new Map<string, Verified>(
      existsSync(this.#file)
        ? (Object.entries(JSON.parse(readFileSync(this.#file, "utf8"))) as [string, Verified][])
        : [],
    );
  }

  get enabled(): boolean {
    return this.transcriber !== null;
  }

  /** `context`: seconds heard before the candidate's end and after the verdict would be due (null: the daemon's). */
  async verdict(s: Scored, stage: Stage, context: [number, number] | null = null): Promise<Verified> {
    const key = `${s.file}@${stage.endSample}@${stage.decidedAt}${context ? `@${context.join("+")}` : ""}`;
    const seen = this.cache.get(key);
    if (seen) return seen;
    const [before, after] = context ?? [this.before, 0];
    const from = Math.max(0, stage.endSample - Math.round(before * SAMPLE_RATE));
    const to = stage.decidedAt + Math.round(after * SAMPLE_RATE);
    const audio = Float32Array.from(s.samples.subarray(from, to), (x) => x / 32768);
    const cpu = process.cpuUsage();
    const scores = await this.transcriber?.scorePhrase?.(audio, PHRASE);
    const used = process.cpuUsage(cpu);
    if (!scores) throw new Error("the transcriber cannot score a phrase");
    const v = {
      margin: scores.phrase - scores.heard,
      text: scores.text,
      cpuMs: (used.user + used.system) / 1000,
    };
    this.cache.set(key, v);
    if (++this.#fresh % 10 === 0) this.save();
    return v;
  }

  async wakes(
    s: Scored,
    stage: Stage,
    margin: number,
    context: [number, number] | null = null,
  ): Promise<boolean> {
    const v = await this.verdict(s, stage, context);
    return heardWords(v.text) && phraseWins({ phrase: v.margin, heard: 0, text: v.text }, margin);
  }

  save(): void {
    writeFileSync(this.#file, JSON.stringify(Object.fromEntries(this.cache)));
  }

  async dispose(): Promise<void> {
    await this.transcriber?.dispose();
  }
}
