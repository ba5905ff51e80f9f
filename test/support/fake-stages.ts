import type { AudioFrame } from "../../src/audio/format.js";
import type {
  IntentContext,
  IntentDecision,
  IntentHandler,
  RecognizedIntent,
} from "../../src/intent/types.js";
import type { CommandPublisher, CommandResult } from "../../src/pipeline/publisher.js";
import type { TranscribeOptions, Transcriber, Transcript } from "../../src/stt/transcriber.js";
import { silentLogger } from "../../src/util/logger.js";
import type { VadWindow, VoiceActivityDetector } from "../../src/vad/detector.js";
import type { WakeDetection, WakeWordDetector } from "../../src/wake/detector.js";

/** Fires once per listed stream position: at the first frame ending at or after it. */
export class FakeWake implements WakeWordDetector {
  readonly engine = "fake";
  readonly wakeWords = ["hey_jarvis"];
  resets = 0;
  frames = 0;
  constructor(private readonly firesAt: number[]) {}
  async process(frame: AudioFrame): Promise<WakeDetection | null> {
    this.frames++;
    const end = frame.startSample + frame.samples.length;
    // A position passed while the pipeline was not listening (a run, mute) is missed, as with a real detector.
    for (let i = this.firesAt.length - 1; i >= 0; i--)
      if ((this.firesAt[i] ?? 0) < frame.startSample) this.firesAt.splice(i, 1);
    const index = this.firesAt.findIndex((at) => at <= end);
    if (index < 0) return null;
    this.firesAt.splice(index, 1);
    return { wakeWord: "hey_jarvis", score: 0.99, endSample: end };
  }
  reset(): void {
    this.resets++;
  }
  async dispose(): Promise<void> {}
}

/**
 * Fires on each frame whose end is a key of `fires`, exactly there (no positions inside a
 * frame, nothing missed): a detection at the frame's end with this fake's wake word and score,
 * and what the entry adds or overrides (`candidate`, `sure`, a score, an earlier `endSample`,
 * embeddings). For the wake word's own wrappers (gate, verifier, Porcupine's candidates).
 */
export class FrameEndWake implements WakeWordDetector {
  readonly engine: string;
  readonly wakeWords: string[];
  readonly #score: number;
  resets = 0;
  constructor(
    private readonly fires: ReadonlyMap<number, Partial<WakeDetection>>,
    { engine = "fake", wakeWord = "hey_jarvis", score = 0.9 } = {},
  ) {
    this.engine = engine;
    this.wakeWords = [wakeWord];
    this.#score = score;
  }
  async process(frame: AudioFrame): Promise<WakeDetection | null> {
    const end = frame.startSample + frame.samples.length;
    const fire = this.fires.get(end);
    if (!fire) return null;
    return { wakeWord: this.wakeWords[0] as string, score: this.#score, endSample: end, ...fire };
  }
  reset(): void {
    this.resets++;
  }
  async dispose(): Promise<void> {}
}

/** FrameEndWake's entries for plain detections on the frames ending at `ends`. */
export const firesAt = (...ends: number[]) => new Map(ends.map((end) => [end, {}]));

/** Speech where the stream position falls in one of the [from, to) sample ranges. */
export class FakeVad implements VoiceActivityDetector {
  #next = -1;
  constructor(private readonly speech: [number, number][]) {}
  async process(frame: AudioFrame): Promise<VadWindow[]> {
    if (this.#next < 0) this.#next = frame.startSample + 512;
    const end = frame.startSample + frame.samples.length;
    const windows: VadWindow[] = [];
    while (this.#next <= end) {
      const middle = this.#next - 256;
      const speaking = this.speech.some(([from, to]) => middle >= from && middle < to);
      windows.push({ endSample: this.#next, probability: speaking ? 0.95 : 0.02 });
      this.#next += 512;
    }
    return windows;
  }
  reset(): void {
    this.#next = -1;
  }
  async dispose(): Promise<void> {}
}

export interface TranscribeCall {
  samples: number;
  prompt?: string;
  retry?: TranscribeOptions["retry"];
  aborted: boolean;
}

/** Returns `text`; records each call and whether it was aborted. */
export class FakeTranscriber implements Transcriber {
  calls: TranscribeCall[] = [];
  /** A refused guess the transcript offers to ask back (Transcript.askBack); undefined: none. */
  askBack: string | undefined;
  /** With askBack: the other device names the question offers (Transcript.otherNames). */
  otherNames: string[] | undefined;
  /** With askBack: the other requests the question offers (Transcript.otherRequests). */
  otherRequests: string[] | undefined;
  constructor(public text = "turn on the kitchen light") {}
  async transcribe(audio: Float32Array, options: TranscribeOptions = {}): Promise<Transcript> {
    const call: TranscribeCall = {
      samples: audio.length,
      prompt: options.prompt,
      ...(options.retry ? { retry: options.retry } : {}),
      aborted: false,
    };
    this.calls.push(call);
    await new Promise((resolve) => setImmediate(resolve));
    if (options.signal?.aborted) {
      call.aborted = true;
      throw new Error("aborted");
    }
    return {
      text: this.text,
      language: "en",
      noSpeechProb: 0.01,
      avgLogprob: -0.2,
      encodeMs: 1,
      decodeMs: 1,
      ...(this.askBack ? { askBack: this.askBack } : {}),
      ...(this.otherNames ? { otherNames: this.otherNames } : {}),
      ...(this.otherRequests ? { otherRequests: this.otherRequests } : {}),
    };
  }
  async dispose(): Promise<void> {}
}

/** A recognized intent with no targets, as the templates give it ("pause the timer"). */
export const templateIntent = (name: string, slots: Record<string, unknown> = {}): RecognizedIntent => ({
  intent: name,
  targets: [],
  slots,
  source: "template",
  confidence: 1,
});

export const kitchenOn: RecognizedIntent = {
  intent: "HassTurnOn",
  targets: ["kitchen_light"],
  slots: { name: "kitchen light" },
  source: "template",
  confidence: 1,
};

/** Maps exact texts to decisions; anything else is not recognized. */
export class FakeIntent implements IntentHandler {
  texts: string[] = [];
  contexts: IntentContext[] = [];
  constructor(private readonly decisions: Record<string, IntentDecision>) {}
  async handle(text: string, context: IntentContext): Promise<IntentDecision> {
    this.texts.push(text);
    this.contexts.push(context);
    return this.decisions[text] ?? { kind: "reject", reason: "not-recognized", ms: 0 };
  }
  async dispose(): Promise<void> {}
}

export class FakeCommands implements CommandPublisher {
  published: RecognizedIntent[] = [];
  /** What the broker says of the next commands (none: the publisher does not report delivery). */
  delivery: CommandResult["delivered"];
  async publishCommand(intent: RecognizedIntent): Promise<CommandResult> {
    this.published.push(intent);
    const topics = intent.targets.map((t) => `home/${t}/set`);
    return { status: "published", topics, delivered: this.delivery };
  }
}

/** Silent 1280-sample frames covering [0, seconds). */
export function* silentFrames(seconds: number, from = 0): Generator<AudioFrame> {
  const total = Math.round(seconds * 16000);
  for (let start = from; start < total; start += 1280) {
    yield { samples: new Int16Array(Math.min(1280, total - start)), startSample: start };
  }
}

/**
 * One turn of the event loop, as between two of a microphone's frames: the run's steps after
 * the command's end run off the frame path, and a fake stage's setImmediate settles here.
 */
export const frameGap = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The listening settings most pipeline tests share: the daemon's endpointing defaults, half a
 * second of pre-roll, no speculative pass, no Whisper prompt, no log output.
 */
export function quietListening() {
  return {
    endpointer: {
      startThreshold: 0.5,
      endThreshold: 0.35,
      noSpeechTimeoutSeconds: 5,
      trailingSilenceSeconds: 0.7,
      maxCommandSeconds: 15,
      minSpeechSeconds: 0.1,
    },
    preRollSeconds: 0.5,
    speculative: false,
    sttPrompt: () => "",
    logger: silentLogger(),
  };
}
