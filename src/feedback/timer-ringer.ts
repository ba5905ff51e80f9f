import type { Clock, Sleep } from "../audio/timing.js";
import { encodeWav } from "../audio/wav-writer.js";
import type { EventBus } from "../events/bus.js";
import type { TimerFinishedEvent } from "../events/types.js";
import type { Logger } from "../util/logger.js";
import { EARCON_RATE, synthesizeEarcon } from "./earcons.js";
import type { SoundPlayer } from "./player.js";

export interface TimerRingerOptions {
  player: Pick<SoundPlayer, "playWav" | "speak">;
  /** espeak-ng voice (feedback.voice). */
  voice: string;
  /** timers.ring_limit_seconds, in ms: a ringing nobody stops ends after this. */
  limitMs: number;
  /** timers.ring_pause_seconds, in ms: the quiet between rings, when the microphone listens. */
  pauseMs: number;
  /** "your pasta timer is done" / "your 10 minute timer ended 3 minutes ago" for a finished timer. */
  words: (event: TimerFinishedEvent) => { text: string; overdue: boolean };
  /** Opens the pipeline's follow-up window for the pause: "stop" is heard without the wake word. */
  listen?: (seconds: number) => void;
  /** A run is in progress (someone is saying "stop"): the next ring waits for its end. */
  busy?: () => boolean;
  /** Monotonic ms and waits (tests: ManualTimers). */
  clock: Clock;
  sleep: Sleep;
  logger?: Logger;
}

/** How often a ring that waits for a run's end looks again. */
const BUSY_POLL_MS = 250;

interface Ring {
  texts: string[];
  abort: AbortController;
}

/**
 * Rings finished timers, driven by `timer-finished`: the timer earcon and the spoken words,
 * again after a pause, until stopped (by voice or MQTT: stop()) or for timers.ring_limit_seconds.
 * The player gates the microphone while it plays (the board must not hear itself); the pauses
 * between rings are when "stop" can be heard. A timer that ended while the daemon was down is
 * announced once ("ended 3 minutes ago"), not rung as if it had just ended.
 */
export class TimerRinger {
  readonly #options: TimerRingerOptions;
  readonly #rings = new Map<string, Ring>();
  #wav: Uint8Array | null = null;
  #unsubscribe: (() => void) | null = null;

  constructor(options: TimerRingerOptions) {
    this.#options = options;
  }

  attach(bus: EventBus): this {
    this.#unsubscribe = bus.on("timer-finished", (event) => this.#finished(event));
    return this;
  }

  /** Whether `site` rings (any site when none is given). */
  isRinging(site?: string): boolean {
    return site === undefined ? this.#rings.size > 0 : this.#rings.has(site);
  }

  /** Stops the ringing at `site`; true when it was ringing. The sound under way plays to its end. */
  stop(site: string): boolean {
    const ring = this.#rings.get(site);
    if (!ring) return false;
    this.#rings.delete(site);
    ring.abort.abort();
    this.#options.logger?.info({ site }, "timers: ringing stopped");
    return true;
  }

  /** Resolves when the ringing at `site` has ended (tests, shutdown). */
  dispose(): void {
    this.#unsubscribe?.();
    for (const site of [...this.#rings.keys()]) this.stop(site);
  }

  #finished(event: TimerFinishedEvent): void {
    const { text, overdue } = this.#options.words(event);
    if (overdue) {
      void this.#play(text);
      return;
    }
    const site = event.timer.site;
    const ring = this.#rings.get(site);
    // Two timers ending together ring as one: "your pasta timer is done. your egg timer is done".
    if (ring) ring.texts.push(text);
    else void this.#ring(site, text);
  }

  async #ring(site: string, text: string): Promise<void> {
    const ring: Ring = { texts: [text], abort: new AbortController() };
    this.#rings.set(site, ring);
    const { clock, sleep, limitMs, pauseMs } = this.#options;
    const until = clock() + limitMs;
    const { signal } = ring.abort;
    try {
      while (!signal.aborted) {
        await this.#play(ring.texts.join(". "));
        if (signal.aborted || clock() + pauseMs >= until) break;
        this.#options.listen?.(pauseMs / 1000);
        await sleep(pauseMs, signal);
        // Never ring over someone answering: the ring would be heard as (part of) their words.
        while (!signal.aborted && this.#options.busy?.() && clock() < until)
          await sleep(BUSY_POLL_MS, signal);
      }
    } finally {
      if (this.#rings.get(site) === ring) {
        this.#rings.delete(site);
        if (!signal.aborted)
          this.#options.logger?.info({ site }, "timers: nobody stopped the ringing; it ended at the limit");
      }
    }
  }

  async #play(text: string): Promise<void> {
    const { player, voice } = this.#options;
    this.#wav ??= encodeWav(synthesizeEarcon("timer"), EARCON_RATE);
    await player.playWav(this.#wav);
    await player.speak(text, voice);
  }
}
