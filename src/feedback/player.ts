import { findProgram } from "../system/which.js";
import type { Logger } from "../util/logger.js";
import { realTimer, type StartTimer } from "../util/timer.js";
import { type RelayJob, SoundRelay, type Stage } from "./sound-relay.js";

export interface SoundPlayerOptions {
  /** feedback.player: auto = aplay when installed, else sox's play. */
  player: "auto" | "aplay" | "play";
  /** feedback.output_device: ALSA playback device, null = the default. */
  outputDevice: string | null;
  logger?: Logger;
  /** Program paths (tests put fakes here); default: found on $PATH. */
  programs?: { aplay?: string; play?: string; espeak?: string };
  /**
   * How long the microphone stays gated after a sound ends: the room's echo and the capture
   * buffer (frames recorded during playback arrive after it ends). Default 400 ms.
   */
  tailMs?: number;
  /** A sound or reply still playing after this long is killed, so the mic is never gated for good. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Starts the tail and kill timers. Injected for tests (a clock they step); defaults to real timers. */
  timer?: StartTimer;
  /**
   * Runs the programs: a relay shared with the players before and after this one (kept on
   * dispose), so a new player is no new fork of the loaded daemon. Default: one of its own,
   * started now.
   */
  relay?: SoundRelay;
}

type Job = () => Promise<void>;
const MAX_QUEUED = 4;
/** How long after the timeout's kill a sound that is still not over is given up on. */
const KILL_GRACE_MS = 2000;

/**
 * Plays WAV bytes (earcons) and espeak-ng speech through aplay or sox's play, one sound at a
 * time (run by a shell started with the player, never forked from the loaded daemon), and
 * says when it is playing so the pipeline can ignore the wake word meanwhile (the device must
 * never wake itself). Everything is optional: a missing or failing player or
 * espeak-ng is logged once as a warning and the run carries on without sound.
 */
export class SoundPlayer {
  readonly #options: SoundPlayerOptions;
  readonly #listeners = new Set<(playing: boolean) => void>();
  /** Runs the programs (sound-relay.ts): the daemon itself never forks for a sound. */
  readonly #relay: SoundRelay;
  readonly #ownRelay: boolean;
  #playing: RelayJob | null = null;
  readonly #warned = new Set<string>();
  #queue: Promise<void> = Promise.resolve();
  #queued = 0;
  #busy = false;
  /** Cancels the pending tail; null when no tail runs. */
  #tail: (() => void) | null = null;
  #player: { program: string; kind: "aplay" | "play" } | null | undefined;
  #espeak: string | null | undefined;
  #disposed = false;

  readonly #timer: StartTimer;

  constructor(options: SoundPlayerOptions) {
    this.#options = options;
    this.#timer = options.timer ?? realTimer;
    // Now, while the daemon is small: Feedback and the timers make their players before the models load.
    this.#ownRelay = !options.relay;
    this.#relay =
      options.relay ??
      new SoundRelay({
        env: options.env ?? process.env,
        onTrouble: (message) => this.#warn("relay", message),
      });
  }

  /** True while a sound plays and for the tail after it. */
  isPlaying(): boolean {
    return this.#busy || this.#tail !== null;
  }

  /** Called with true when playback starts and false once it (and its tail) is over. */
  onPlaying(listener: (playing: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Whether espeak-ng is installed (speech replies need it). */
  get canSpeak(): boolean {
    return this.#espeakProgram() !== null;
  }

  /** Queues a WAV (bytes) for playing; resolves once it has played (or failed). Never rejects. */
  playWav(wav: Uint8Array): Promise<void> {
    return this.#enqueue(async () => {
      const player = this.#resolvePlayer();
      if (!player) return;
      await this.#pipeline([{ program: player.program, args: this.#playerArgs(player.kind) }], wav);
    });
  }

  /** Queues a spoken reply (espeak-ng -> player); resolves once spoken. Never rejects. */
  speak(text: string, voice: string): Promise<void> {
    return this.#enqueue(async () => {
      const player = this.#resolvePlayer();
      const espeak = player && this.#espeakProgram();
      if (!player || !espeak) return;
      await this.#pipeline([
        { program: espeak, args: ["-v", voice, "--stdout", "--", text] },
        { program: player.program, args: this.#playerArgs(player.kind) },
      ]);
    });
  }

  /** Resolves when everything queued has played. */
  async idle(): Promise<void> {
    // A sound may queue another as it ends (the chime after "say yes to ..."): wait until none is added.
    let tail: Promise<void>;
    do {
      tail = this.#queue;
      await tail;
    } while (tail !== this.#queue);
  }

  /** Stops the sound playing now, drops the queue, ends the gate; idempotent. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#playing?.kill("SIGTERM");
    await this.#queue;
    this.#endTail();
    if (this.#ownRelay) this.#relay.dispose();
  }

  #enqueue(job: Job): Promise<void> {
    if (this.#disposed) return Promise.resolve();
    if (this.#queued >= MAX_QUEUED) {
      this.#warn("queue", "feedback: sounds are piling up (is the player stuck?); dropping one");
      return this.#queue;
    }
    this.#queued++;
    this.#setBusy(true); // gate the microphone from the moment a sound is asked for
    this.#queue = this.#queue.then(async () => {
      this.#queued--;
      try {
        if (!this.#disposed) await job();
      } finally {
        this.#setBusy(false);
      }
    });
    return this.#queue;
  }

  #setBusy(busy: boolean): void {
    // The next queued sound starts at once: stay busy rather than flicker off and on.
    if (!busy && this.#queued > 0) return;
    const before = this.isPlaying();
    this.#busy = busy;
    if (busy) {
      this.#tail?.();
      this.#tail = null;
    } else if (!this.#disposed && !this.#tail && (this.#options.tailMs ?? 400) > 0) {
      this.#tail = this.#timer(this.#options.tailMs ?? 400, () => this.#endTail(), { keepAlive: false });
    }
    if (before !== this.isPlaying()) this.#emit();
  }

  #endTail(): void {
    if (this.#tail === null) return;
    this.#tail();
    this.#tail = null;
    if (!this.isPlaying()) this.#emit();
  }

  #emit(): void {
    const playing = this.isPlaying();
    for (const listener of this.#listeners) {
      try {
        listener(playing);
      } catch (error) {
        this.#options.logger?.warn({ err: (error as Error)?.message }, "feedback: a playing listener failed");
      }
    }
  }

  #playerArgs(kind: "aplay" | "play"): string[] {
    const device = this.#options.outputDevice;
    if (kind === "aplay") return ["-q", ...(device ? ["-D", device] : []), "-"];
    return ["-q", "-t", "wav", "-", ...(device ? ["-t", "alsa", device] : [])];
  }

  #resolvePlayer(): { program: string; kind: "aplay" | "play" } | null {
    if (this.#player !== undefined) return this.#player;
    const wanted = this.#options.player;
    const kinds: Array<"aplay" | "play"> = wanted === "auto" ? ["aplay", "play"] : [wanted];
    for (const kind of kinds) {
      const program = this.#options.programs?.[kind] ?? findProgram(kind, this.#options.env);
      if (program) {
        this.#player = { program, kind };
        return this.#player;
      }
    }
    this.#warn(
      "player",
      `feedback: no ${kinds.join(" or ")} found, so no sounds are played (apt install alsa-utils, or sox)`,
    );
    this.#player = null;
    return null;
  }

  #espeakProgram(): string | null {
    if (this.#espeak === undefined) {
      this.#espeak = this.#options.programs?.espeak ?? findProgram("espeak-ng", this.#options.env);
      if (!this.#espeak) {
        this.#warn(
          "espeak",
          "feedback: espeak-ng is not installed, so replies are not spoken (apt install espeak-ng)",
        );
      }
    }
    return this.#espeak;
  }

  /** Runs the programs through the relay; kills them if they outlast timeoutMs; warns once per failing program. */
  async #pipeline(stages: Stage[], wav?: Uint8Array): Promise<void> {
    const job = this.#relay.run(stages, wav);
    this.#playing = job;
    let cancelGiveUp = () => {};
    const cancelKill = this.#timer(this.#options.timeoutMs ?? 30_000, () => {
      job.kill("SIGKILL");
      // Killed programs are answered for at once; a job the shell no longer answers for (its
      // job's subshell killed by someone) must not gate the microphone for good either.
      cancelGiveUp = this.#timer(KILL_GRACE_MS, () => job.abandon("no answer after it was killed"));
    });
    try {
      for (const { program, problem } of await job.done) {
        if (problem && !this.#disposed) this.#warn(`fail:${program}`, `feedback: ${program} ${problem}`);
      }
    } finally {
      cancelKill();
      cancelGiveUp();
      this.#playing = null;
    }
  }

  /** The first time per kind at warn level; repeats at debug, so a missing sound card doesn't flood the journal. */
  #warn(key: string, message: string): void {
    if (this.#warned.has(key)) this.#options.logger?.debug(message);
    else this.#options.logger?.warn(message);
    this.#warned.add(key);
  }
}
