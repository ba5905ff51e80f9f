import type { Config } from "../config/schema.js";

export interface EndpointerSettings {
  /** Probability at or above which speech starts (or resumes). */
  startThreshold: number;
  /** Probability below which a window counts as silence once speech has started (hysteresis). */
  endThreshold: number;
  /** End the run as `no-speech` when no speech is confirmed this long after the run started. */
  noSpeechTimeoutSeconds: number;
  /** Silence after speech that ends the command. */
  trailingSilenceSeconds: number;
  /**
   * Shorter silence that ends it once markComplete() said the words so far are a whole
   * command that cannot go on (vad.early_endpoint_seconds); null: never early.
   */
  earlyEndSeconds?: number | null;
  /** Cut the command this long after its speech began. */
  maxCommandSeconds: number;
  /** Speech (or resumed speech) shorter than this is ignored as a click. */
  minSpeechSeconds: number;
  /**
   * Speech already under way in the run's first window (the wake phrase's tail, when the wake
   * word fired before the phrase ended) counts only once it has lasted this long; shorter, it
   * is ignored and the command's speech is still awaited. Absent or 0: as any speech.
   */
  wakeTailSeconds?: number;
}

/**
 * A wake word may fire up to ~0.16 s before "jarvis" has ended (measured on the wake benchmark,
 * docs/listening.md, session 23); its tail then opened the command, and a pause after the wake
 * word ended the run with nothing but "Hey Jarvis." heard. Said in one breath, the command runs
 * on well past this.
 */
export const WAKE_TAIL_SECONDS = 0.3;

export type EndpointEvent =
  /** Speech confirmed (after minSpeechSeconds); `seconds` = when it began. */
  | { type: "speech-start"; seconds: number }
  /** Trailing silence began after speech (speculative STT may start here). */
  | { type: "silence-start"; seconds: number }
  /** Speech again before the endpoint (speculative STT is discarded); `seconds` = when it resumed. */
  | { type: "speech-resume"; seconds: number }
  /** The command ended at `seconds`. */
  | { type: "end"; seconds: number; reason: "silence" | "complete" | "max-length" }
  /** No speech within noSpeechTimeoutSeconds. */
  | { type: "no-speech"; seconds: number };

export function endpointerSettings(vad: Config["vad"]): EndpointerSettings {
  return {
    startThreshold: vad.start_threshold,
    // A config with end above start would make every speech window count as silence too;
    // treat it as no hysteresis rather than a contradiction.
    endThreshold: Math.min(vad.end_threshold, vad.start_threshold),
    noSpeechTimeoutSeconds: vad.no_speech_timeout_seconds,
    trailingSilenceSeconds: vad.trailing_silence_seconds,
    earlyEndSeconds: vad.early_endpoint_seconds,
    maxCommandSeconds: vad.max_command_seconds,
    minSpeechSeconds: vad.min_speech_seconds,
    wakeTailSeconds: WAKE_TAIL_SECONDS,
  };
}

/** Tolerance for comparing sums of window lengths (0.032 s each) against configured seconds. */
const EPSILON = 1e-9;

type State =
  | { kind: "waiting" }
  | { kind: "speech" }
  /** `announced`: silence-start was emitted (the silence outlasted minSpeechSeconds). */
  | { kind: "trailing"; silenceStart: number; announced: boolean; complete: boolean }
  | { kind: "done" };

/**
 * Turns a stream of (window end time, speech probability) into command boundaries.
 * Pure: time comes only from the `seconds` fed in (measured from the run's start, the wake
 * word's end), so it is tested with tables, never timers. A window fed at `seconds` covers
 * the time since the previous feed (or since 0 for the first).
 *
 * A rise to startThreshold opens a candidate; it becomes speech once it has lasted
 * minSpeechSeconds without dropping below endThreshold. The same applies to speech resuming
 * during trailing silence, so a click in the pause neither resets the endpoint nor discards
 * speculative STT. Silence is announced (silence-start, dated to when it began) only once it
 * has lasted minSpeechSeconds too, so a one-window dip inside a word (a stop consonant) does
 * not start and then discard a speculative transcription. The command length limit counts
 * from when speech began.
 */
export class Endpointer {
  readonly #s: EndpointerSettings;
  #state: State = { kind: "waiting" };
  #previous = 0;
  #speechStart = 0;
  /** Start of a rise to startThreshold not yet confirmed as speech (null when none). */
  #candidate: number | null = null;
  /** Where waiting for speech began: the run's start, or where awaitSpeechAgain() put it. */
  #waitingSince = 0;

  constructor(settings: EndpointerSettings) {
    this.#s = settings;
  }

  /** `seconds` = end of the VAD window; once `end` or `no-speech` was returned, further feeds return []. */
  feed(seconds: number, probability: number): EndpointEvent[] {
    const windowStart = this.#previous;
    this.#previous = seconds;
    const events: EndpointEvent[] = [];
    switch (this.#state.kind) {
      case "waiting":
        this.#whileWaiting(windowStart, seconds, probability, events);
        break;
      case "speech":
        this.#whileSpeaking(windowStart, seconds, probability, events);
        break;
      case "trailing":
        this.#whileTrailing(this.#state, windowStart, seconds, probability, events);
        break;
      case "done":
        break;
    }
    return events;
  }

  #whileWaiting(windowStart: number, seconds: number, p: number, events: EndpointEvent[]): void {
    const confirmed = this.#trackCandidate(windowStart, seconds, p);
    if (confirmed !== null) {
      this.#speechStart = confirmed;
      this.#state = { kind: "speech" };
      events.push({ type: "speech-start", seconds: confirmed });
      this.#checkMaxLength(seconds, events);
      return;
    }
    if (
      this.#candidate === null &&
      seconds - this.#waitingSince >= this.#s.noSpeechTimeoutSeconds - EPSILON
    ) {
      this.#state = { kind: "done" };
      events.push({ type: "no-speech", seconds });
    }
  }

  #whileSpeaking(windowStart: number, seconds: number, p: number, events: EndpointEvent[]): void {
    if (p < this.#s.endThreshold) {
      const state = {
        kind: "trailing" as const,
        silenceStart: windowStart,
        announced: false,
        complete: false,
      };
      this.#state = state;
      this.#whileTrailing(state, windowStart, seconds, Number.NaN, events);
      return;
    }
    this.#checkMaxLength(seconds, events);
  }

  /** `p` NaN: the window that began the silence, already judged silent. */
  #whileTrailing(
    state: Extract<State, { kind: "trailing" }>,
    windowStart: number,
    seconds: number,
    p: number,
    events: EndpointEvent[],
  ): void {
    const resumed = Number.isNaN(p) ? null : this.#trackCandidate(windowStart, seconds, p);
    if (resumed !== null) {
      this.#state = { kind: "speech" };
      // An unannounced dip was never a pause: speech simply goes on.
      if (state.announced) events.push({ type: "speech-resume", seconds: resumed });
      this.#checkMaxLength(seconds, events);
      return;
    }
    if (this.#candidate !== null) {
      this.#checkMaxLength(seconds, events);
      return;
    }
    const silent = seconds - state.silenceStart;
    if (!state.announced && silent >= this.#s.minSpeechSeconds - EPSILON) {
      state.announced = true;
      events.push({ type: "silence-start", seconds: state.silenceStart });
    }
    if (this.#endIfDue(state, seconds, events)) return;
    this.#checkMaxLength(seconds, events);
  }

  /** Ends the command when the silence up to `seconds` is long enough (shorter once marked complete). */
  #endIfDue(state: Extract<State, { kind: "trailing" }>, seconds: number, events: EndpointEvent[]): boolean {
    const early = state.complete ? (this.#s.earlyEndSeconds ?? null) : null;
    const needed = Math.min(this.#s.trailingSilenceSeconds, early ?? Number.POSITIVE_INFINITY);
    if (seconds - state.silenceStart < needed - EPSILON) return false;
    if (!state.announced) events.push({ type: "silence-start", seconds: state.silenceStart });
    this.#state = { kind: "done" };
    const reason = needed < this.#s.trailingSilenceSeconds ? "complete" : "silence";
    events.push({ type: "end", seconds: state.silenceStart, reason });
    return true;
  }

  /**
   * Where the current pause after speech began (seconds), from its first silent window on,
   * before it is announced as silence-start (which waits minSpeechSeconds, so a dip inside a
   * word is not taken for the end); null while speech goes on. A caller may begin work on the
   * words so far here and drop it if the pause turns out to be a dip (this is null again).
   */
  pauseStart(): number | null {
    return this.#state.kind === "trailing" ? this.#state.silenceStart : null;
  }

  /**
   * The words of the current trailing silence's speech are a whole command that cannot go
   * on (the caller's judgement, from its speculative transcript): the command may end after
   * earlyEndSeconds of silence. Forgotten when speech resumes; ignored outside a silence.
   * Returns the end at once when the silence fed so far has already lasted that long (the
   * judgement came back between windows: no need to wait for the next one), else [].
   */
  markComplete(): EndpointEvent[] {
    const state = this.#state;
    if (state.kind !== "trailing" || !state.announced) return [];
    state.complete = true;
    const events: EndpointEvent[] = [];
    // A rise not yet confirmed as speech holds the end, as it does in feed().
    if (this.#candidate === null) this.#endIfDue(state, this.#previous, events);
    return events;
  }

  /**
   * The speech so far was not the command but a wake phrase opening it (the wake word fired
   * while a reply was listened for): wait for the command's speech again from the last window
   * fed, as at a wake run's start (no-speech timeout counted from there, a rise already under
   * way held to wakeTailSeconds). Without this, a pause after "hey jarvis" as long as the
   * trailing silence ended the reply with only the phrase heard. Ignored once ended.
   */
  awaitSpeechAgain(): void {
    if (this.#state.kind === "done") return;
    this.#state = { kind: "waiting" };
    this.#candidate = null;
    this.#waitingSince = this.#previous;
  }

  /** Follows a rise to startThreshold; returns when it began once it has lasted minSpeechSeconds (wakeTailSeconds from the run's start). */
  #trackCandidate(windowStart: number, seconds: number, p: number): number | null {
    if (this.#candidate === null) {
      if (p < this.#s.startThreshold) return null;
      this.#candidate = windowStart;
    } else if (p < this.#s.endThreshold) {
      this.#candidate = null;
      return null;
    }
    const start = this.#candidate;
    // Under way when the run began: the wake phrase's tail unless it goes on (wakeTailSeconds).
    const needed =
      start <= this.#waitingSince
        ? Math.max(this.#s.minSpeechSeconds, this.#s.wakeTailSeconds ?? 0)
        : this.#s.minSpeechSeconds;
    if (seconds - start < needed - EPSILON) return null;
    this.#candidate = null;
    return start;
  }

  #checkMaxLength(seconds: number, events: EndpointEvent[]): void {
    if (this.#state.kind === "done") return;
    if (seconds - this.#speechStart >= this.#s.maxCommandSeconds - EPSILON) {
      this.#state = { kind: "done" };
      events.push({ type: "end", seconds, reason: "max-length" });
    }
  }
}
