import { encodeWav } from "../audio/wav-writer.js";
import type { Config } from "../config/schema.js";
import type { EventBus } from "../events/bus.js";
import type { PipelineEvent, RunEndEvent } from "../events/types.js";
import type { Logger } from "../util/logger.js";
import { EARCON_RATE, type Earcon, synthesizeEarcon } from "./earcons.js";
import { SoundPlayer } from "./player.js";
import type { DeviceLookup } from "./reply-text.js";
import { type RunNotes, runReply } from "./run-reply.js";
import type { SoundRelay } from "./sound-relay.js";

export interface FeedbackOptions {
  config: Config["feedback"];
  /** Device names for spoken replies (e.g. `(id) => registry.get(id)`). */
  lookup: DeviceLookup;
  logger?: Logger;
  /** Defaults to a SoundPlayer built from the config. */
  player?: SoundPlayer;
  /** The relay shell that player runs its programs through; default: one of its own. */
  relay?: SoundRelay;
}

/**
 * Sounds and words for the person speaking, driven by the pipeline's events: a chime when the
 * wake word is heard, a bell or a falling tone at the end of the run, and (feedback.speech) a
 * short spoken reply through espeak-ng. While anything plays, `isPlaying()` is true: the pipeline
 * drops wake detections then, so the device never wakes itself.
 */
export class Feedback {
  readonly player: SoundPlayer;
  readonly #config: Config["feedback"];
  readonly #lookup: DeviceLookup;
  readonly #earcons = new Map<Earcon, Uint8Array>();
  readonly #runs = new Map<string, RunNotes>();
  /**
   * Runs claimed in a rooms group whose decision is not in yet: their wake earcon, and their
   * end feedback if the run ended first, wait for it, so only the board that answers is heard.
   */
  readonly #awaitingDecision = new Map<string, { chime: boolean; ended?: RunEndEvent }>();
  readonly #unsubscribe: Array<() => void> = [];
  /** On a base: runs for a satellite, which plays and speaks for itself (docs/rooms.md). */
  readonly #satelliteRuns = new Set<string>();
  /** Satellite runs that ended lately: a follow-up naming one (its answer) is the satellite's too. */
  readonly #satelliteEnded: string[] = [];

  constructor(options: FeedbackOptions) {
    this.#config = options.config;
    this.#lookup = options.lookup;
    this.player =
      options.player ??
      new SoundPlayer({
        player: options.config.player,
        outputDevice: options.config.output_device,
        tailMs: options.config.gate_seconds * 1000,
        logger: options.logger,
        relay: options.relay,
      });
  }

  /** Feedback as configured, or null when earcons and speech are both off (the default). */
  static fromConfig(
    config: Config["feedback"],
    lookup: DeviceLookup,
    logger?: Logger,
    relay?: SoundRelay,
  ): Feedback | null {
    if (!config.earcons && !config.speech) return null;
    return new Feedback({ config, lookup, logger, relay });
  }

  /** True when earcons or speech are on (else the daemon need not attach this at all). */
  get enabled(): boolean {
    return this.#config.earcons || this.#config.speech;
  }

  attach(bus: EventBus): this {
    this.#unsubscribe.push(bus.onAny((event) => this.handle(event)));
    return this;
  }

  isPlaying(): boolean {
    return this.player.isPlaying();
  }

  onPlaying(listener: (playing: boolean) => void): () => void {
    return this.player.onPlaying(listener);
  }

  /** Reacts to one pipeline event (what attach() wires to the bus). */
  handle(event: PipelineEvent): void {
    if (event.type === "run-start" && this.#forSatellite(event)) this.#satelliteRuns.add(event.runId);
    if (event.runId && this.#satelliteRuns.has(event.runId)) {
      if (event.type === "run-end") this.#satelliteEndedRun(event.runId);
      return;
    }
    switch (event.type) {
      case "wake_word-end":
        if (event.arbitrated) this.#awaitingDecision.set(event.runId, { chime: true });
        else this.#earcon("wake");
        break;
      case "arbitration":
        this.#decided(event.runId, event.won);
        break;
      case "intent-end":
        this.#notes(event.runId).intent = event;
        break;
      case "intent-rejected":
        this.#notes(event.runId).rejected = event;
        break;
      case "run-end":
        if (this.#awaitingDecision.has(event.runId)) {
          const waiting = this.#awaitingDecision.get(event.runId);
          if (waiting) waiting.ended = event;
        } else this.#runEnded(event);
        break;
    }
  }

  #forSatellite(event: Extract<PipelineEvent, { type: "run-start" }>): boolean {
    if (event.trigger === "satellite") return true;
    return event.trigger === "follow-up" && this.#satelliteEnded.includes(event.previousRunId ?? "");
  }

  #satelliteEndedRun(runId: string): void {
    this.#satelliteRuns.delete(runId);
    this.#satelliteEnded.push(runId);
    if (this.#satelliteEnded.length > 64) this.#satelliteEnded.shift();
  }

  /** Stops playing and unsubscribes; idempotent. */
  async dispose(): Promise<void> {
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#runs.clear();
    this.#awaitingDecision.clear();
    await this.player.dispose();
  }

  /** The rooms decision on a claimed run: the winner chimes (and ends aloud if it ended); a loser stays silent. */
  #decided(runId: string, won: boolean): void {
    const waiting = this.#awaitingDecision.get(runId);
    if (!waiting) return;
    this.#awaitingDecision.delete(runId);
    if (!won) {
      this.#runs.delete(runId);
      return;
    }
    if (waiting.chime && !waiting.ended) this.#earcon("wake");
    if (waiting.ended) this.#runEnded(waiting.ended);
  }

  #runEnded(event: RunEndEvent): void {
    const notes = this.#runs.get(event.runId) ?? {};
    this.#runs.delete(event.runId);
    const earcon = endEarcon(event, notes);
    if (earcon) this.#earcon(earcon);
    const reply = runReply(event.outcome, notes, this.#lookup);
    // A satellite's base sends its reply on hermes/tts/say, which the satellite speaks (daemon/satellite.ts).
    if (reply && this.#config.speech && !event.answeredBy) void this.player.speak(reply, this.#config.voice);
    // After a confirmation question, chime again: "I'm listening for your yes".
    if (notes.rejected?.reason === "needs-confirmation") this.#earcon("wake");
  }

  #earcon(earcon: Earcon): void {
    if (!this.#config.earcons) return;
    let wav = this.#earcons.get(earcon);
    if (!wav) {
      wav = encodeWav(synthesizeEarcon(earcon), EARCON_RATE);
      this.#earcons.set(earcon, wav);
    }
    void this.player.playWav(wav);
  }

  #notes(runId: string): RunNotes {
    let notes = this.#runs.get(runId);
    if (!notes) {
      notes = {};
      this.#runs.set(runId, notes);
    }
    return notes;
  }
}

/** done for a carried-out command; error for failures and refusals; nothing after a false wake. */
function endEarcon(event: RunEndEvent, notes: RunNotes): Earcon | null {
  switch (event.outcome) {
    case "published":
    case "recognized":
    case "answered":
      return "done";
    case "error":
    case "timeout":
    case "dropped":
      return "error";
    case "rejected":
      return notes.rejected?.reason === "needs-confirmation" ? null : "error";
    default:
      // no-speech (most often a false wake) and aborted (shutdown): stay quiet.
      return null;
  }
}
