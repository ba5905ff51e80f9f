import { realClock, realSleep } from "../audio/timing.js";
import { stateDir } from "../config/paths.js";
import type { Config } from "../config/schema.js";
import type { EventBus } from "../events/bus.js";
import { SoundPlayer } from "../feedback/player.js";
import { TimerRinger } from "../feedback/timer-ringer.js";
import type { TimerControl } from "../mqtt/timers.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { TimerService, timerInfo } from "../skills/timers/service.js";
import { TimerSkill } from "../skills/timers/skill.js";
import { ringWords } from "../skills/timers/speech.js";
import { TimerStore } from "../skills/timers/store.js";
import { componentLogger, type Logger } from "../util/logger.js";

/** What the timers reach of the rest of the daemon, made after them. */
export interface BoardTimerHooks {
  /** Feedback's player when feedback is on (one queue, one microphone gate). */
  feedbackPlayer: () => SoundPlayer | null;
  /** The pipeline: its follow-up window hears "stop" between rings. */
  pipeline: () => Pipeline | null;
}

/**
 * The board's timers, wired: the service (kept in state_dir, restored at start), the skill the
 * pipeline hands timer intents to, and the ringer. Made once at start and kept across SIGHUP
 * (timers must not be lost to a reload); a change to the timers section only renews the ringer.
 * The ringer plays through feedback's player when feedback is on (one queue, one microphone
 * gate), else through a player of its own: a timer rings even with earcons and speech off.
 */
export class BoardTimers {
  readonly service: TimerService;
  readonly skill: TimerSkill;
  readonly #bus: EventBus;
  readonly #logger: Logger;
  readonly #hooks: BoardTimerHooks;
  #ownPlayer: SoundPlayer | null = null;
  #ringer: TimerRinger;
  #config: Config;

  private constructor(
    config: Config,
    bus: EventBus,
    logger: Logger,
    env: NodeJS.ProcessEnv,
    hooks: BoardTimerHooks,
  ) {
    this.#config = config;
    this.#bus = bus;
    this.#logger = componentLogger(logger, "timers");
    this.#hooks = hooks;
    const store = new TimerStore(stateDir(config.state_dir, env));
    this.service = new TimerService({ bus, store, logger: this.#logger });
    this.#ringer = this.#newRinger(config);
    this.skill = new TimerSkill(this.service, this.#ringer);
  }

  /** Null when timers.enabled is off (timer intents are then published for another system). */
  static start(
    config: Config,
    bus: EventBus,
    logger: Logger,
    env: NodeJS.ProcessEnv,
    hooks: BoardTimerHooks,
  ): BoardTimers | null {
    if (!config.timers.enabled) return null;
    const timers = new BoardTimers(config, bus, logger, env, hooks);
    timers.service.start();
    return timers;
  }

  /** What rings, for the skill ("stop the timer") and MQTT's stop control. */
  get ringer(): TimerRinger {
    return this.#ringer;
  }

  /** The timers of `site` for MQTT (state, events, the set/timer control). */
  control(site: string): TimerControl {
    return timerControl(this.service, { stop: (s) => this.#ringer.stop(s) }, site);
  }

  /** True while the ringer's own player plays (feedback's player reports its own). */
  isPlaying(): boolean {
    return this.#ownPlayer?.isPlaying() ?? false;
  }

  /** SIGHUP: new ring settings or voice; a ringing under way stops. */
  reconfigure(config: Config): void {
    if (
      config.timers.ring_limit_seconds === this.#config.timers.ring_limit_seconds &&
      config.timers.ring_pause_seconds === this.#config.timers.ring_pause_seconds &&
      config.feedback.voice === this.#config.feedback.voice
    )
      return;
    this.#config = config;
    this.#ringer.dispose();
    this.#ringer = this.#newRinger(config);
    this.skill.setRinging(this.#ringer);
  }

  async dispose(): Promise<void> {
    this.#ringer.dispose();
    this.service.stop();
    await this.#ownPlayer?.dispose();
  }

  #newRinger(config: Config): TimerRinger {
    const player = {
      playWav: (wav: Uint8Array) => this.#player().playWav(wav),
      speak: (text: string, voice: string) => this.#player().speak(text, voice),
    };
    return new TimerRinger({
      player,
      voice: config.feedback.voice,
      limitMs: config.timers.ring_limit_seconds * 1000,
      pauseMs: config.timers.ring_pause_seconds * 1000,
      words: ringWords,
      listen: (seconds) => this.#hooks.pipeline()?.openFollowUp(seconds),
      busy: () => this.#hooks.pipeline()?.busy ?? false,
      clock: realClock,
      sleep: realSleep,
      logger: this.#logger,
    }).attach(this.#bus);
  }

  #player(): SoundPlayer {
    const shared = this.#hooks.feedbackPlayer();
    if (shared) return shared;
    this.#ownPlayer ??= new SoundPlayer({
      player: this.#config.feedback.player,
      outputDevice: this.#config.feedback.output_device,
      tailMs: this.#config.feedback.gate_seconds * 1000,
      logger: this.#logger,
    });
    return this.#ownPlayer;
  }
}

/** The timers of one site as MQTT's TimerControl: only that site's timers can be listed or cancelled. */
export function timerControl(
  service: TimerService,
  ringing: { stop(site: string): boolean },
  site: string,
): TimerControl {
  return {
    list: () => service.list(site).map(timerInfo),
    cancel: (id) => service.list(site).some((t) => t.id === id) && service.cancel(id) !== null,
    cancelAll: () => service.list(site).filter((t) => service.cancel(t.id)).length,
    stopRinging: () => ringing.stop(site),
  };
}
