import { realClock, realSleep } from "../audio/timing.js";
import { stateDir } from "../config/paths.js";
import type { Config } from "../config/schema.js";
import type { EventBus } from "../events/bus.js";
import type { TimerFinishedEvent } from "../events/types.js";
import { SoundPlayer } from "../feedback/player.js";
import { TimerRinger } from "../feedback/timer-ringer.js";
import type { RecognizedIntent } from "../intent/types.js";
import type { TimerControl } from "../mqtt/timers.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { LocalSkills, SkillAnswer, SkillContext } from "../pipeline/skills.js";
import { TimerService, timerInfo } from "../skills/timers/service.js";
import { TimerSkill } from "../skills/timers/skill.js";
import { ringWords } from "../skills/timers/speech.js";
import { TimerStore } from "../skills/timers/store.js";
import { componentLogger, type Logger } from "../util/logger.js";
import type { Service, ServiceContext } from "./service.js";

/** What the timers reach of the rest of the daemon, made after them. */
export interface BoardTimerHooks {
  /** Feedback's player when feedback is on (one queue, one microphone gate). */
  feedbackPlayer: () => SoundPlayer | null;
  /** The pipeline: its follow-up window hears "stop" between rings. */
  pipeline: () => Pipeline | null;
}

export interface BoardTimersOptions {
  bus: EventBus;
  logger: Logger;
  /** The state directory's environment ($STATE_DIRECTORY). */
  env: NodeJS.ProcessEnv;
  hooks: BoardTimerHooks;
}

/** What runs while timers.enabled is on. */
interface Running {
  service: TimerService;
  skill: TimerSkill;
  ringer: TimerRinger;
}

/**
 * The board's timers as a daemon service: the timer service (kept in state_dir, restored at
 * start), the skill the pipeline hands timer intents to, and the ringer. Started before the
 * pipeline (which is built with the skill) and kept across SIGHUP: timers must not be lost to
 * a reload, so a change of its sections only renews the ringer (timers.enabled and state_dir
 * take effect at the next start). The ringer plays through feedback's player when feedback is
 * on (one queue, one microphone gate), else through a player of its own: a timer rings even
 * with earcons and speech off.
 */
export class BoardTimers implements Service, LocalSkills {
  readonly name = "timers";
  readonly sections = ["timers", "feedback", "state_dir"] as const;
  readonly live = true;
  readonly #logger: Logger;
  #running: Running | null = null;
  #ownPlayer: SoundPlayer | null = null;
  /**
   * Timers that ended while the daemon was down finish (and are announced) at start, before
   * MQTT exists: their events wait here until MQTT takes them (`control(site).takeMissed()`).
   */
  #missed: TimerFinishedEvent[] = [];
  /** The config at start (timers.enabled, state_dir) and the latest one (ring, player). */
  #started: Config | null = null;
  #config: Config | null = null;

  constructor(private readonly options: BoardTimersOptions) {
    this.#logger = componentLogger(options.logger, "timers");
  }

  /** The skill for the pipeline; null with timers.enabled off (timer intents are then published). */
  get skill(): TimerSkill | null {
    return this.#running?.skill ?? null;
  }

  /** LocalSkills, handed on to the skill while the timers run (the board's SkillSet holds this). */
  handles(intent: RecognizedIntent): boolean {
    return this.#running?.skill.handles(intent) ?? false;
  }

  wouldAct(intent: RecognizedIntent, site: string): boolean {
    return this.#running?.skill.wouldAct(intent, site) ?? true;
  }

  perform(intent: RecognizedIntent, context: SkillContext): Promise<SkillAnswer> {
    const skill = this.#running?.skill;
    // The pipeline asks handles() first; the timers stop only after the pipeline.
    if (!skill) return Promise.reject(new Error("the timers are not running"));
    return skill.perform(intent, context);
  }

  /** The timers of `site` for MQTT (state, events, the set/timer control); null when off. */
  control(site: string): TimerControl | null {
    const running = this.#running;
    if (!running) return null;
    const stop = { stop: (s: string) => this.#running?.ringer.stop(s) ?? false };
    return {
      ...timerControl(running.service, stop, site),
      takeMissed: () => {
        const mine = this.#missed.filter((event) => event.timer.site === site);
        this.#missed = this.#missed.filter((event) => event.timer.site !== site);
        return mine;
      },
    };
  }

  /** True while the ringer's own player plays (feedback's player reports its own). */
  isPlaying(): boolean {
    return this.#ownPlayer?.isPlaying() ?? false;
  }

  async start({ config }: ServiceContext): Promise<void> {
    this.#started = config;
    this.#config = config;
    if (!config.timers.enabled) return;
    const { bus, env } = this.options;
    const store = new TimerStore(stateDir(config.state_dir, env));
    const service = new TimerService({ bus, store, logger: this.#logger });
    const ringer = this.#newRinger(config);
    this.#running = { service, ringer, skill: new TimerSkill(service, ringer) };
    // A player of its own now, before the models load, if it rings without feedback's: its
    // relay shell is then forked from a small daemon, not at the first ring (sound-relay.ts).
    if (!this.options.hooks.feedbackPlayer()) this.#player();
    const missed: TimerFinishedEvent[] = [];
    const stopNoting = bus.on("timer-finished", (event) => void missed.push(event));
    try {
      service.start();
    } finally {
      stopNoting();
    }
    this.#missed = missed;
  }

  /** SIGHUP: new ring settings or voice renew the ringer (a ringing under way stops). */
  async reload({ config }: ServiceContext): Promise<void> {
    const before = this.#config;
    const started = this.#started;
    if (!before || !started) return;
    this.#config = config;
    if (config.timers.enabled !== started.timers.enabled || config.state_dir !== started.state_dir)
      this.#logger.warn(
        "timers.enabled and state_dir take effect for timers at the next start (a reload neither stops nor starts them)",
      );
    const running = this.#running;
    // Feedback turned off: the ringer's own player now rather than at the first ring.
    if (running && !this.options.hooks.feedbackPlayer()) this.#player();
    const same =
      config.timers.ring_limit_seconds === before.timers.ring_limit_seconds &&
      config.timers.ring_pause_seconds === before.timers.ring_pause_seconds &&
      config.feedback.voice === before.feedback.voice;
    if (!running || same) return;
    running.ringer.dispose();
    running.ringer = this.#newRinger(config);
    running.skill.setRinging(running.ringer);
  }

  async stop(): Promise<void> {
    const running = this.#running;
    this.#running = null;
    running?.ringer.dispose();
    running?.service.stop();
    const player = this.#ownPlayer;
    this.#ownPlayer = null;
    await player?.dispose();
  }

  #newRinger(config: Config): TimerRinger {
    const { hooks } = this.options;
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
      listen: (seconds) => hooks.pipeline()?.openFollowUp(seconds),
      busy: () => hooks.pipeline()?.busy ?? false,
      clock: realClock,
      sleep: realSleep,
      logger: this.#logger,
    }).attach(this.options.bus);
  }

  #player(): SoundPlayer {
    const shared = this.options.hooks.feedbackPlayer();
    if (shared) return shared;
    const feedback = (this.#config as Config).feedback;
    this.#ownPlayer ??= new SoundPlayer({
      player: feedback.player,
      outputDevice: feedback.output_device,
      tailMs: feedback.gate_seconds * 1000,
      logger: this.#logger,
    });
    return this.#ownPlayer;
  }
}

/**
 * The timers of one site as MQTT's TimerControl: only that site's timers can be listed or
 * cancelled. Nothing missed: the caller started MQTT with the service (BoardTimers keeps the
 * events of the timers it restored as ended).
 */
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
    takeMissed: () => [],
  };
}
