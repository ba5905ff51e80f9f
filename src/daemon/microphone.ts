import type { EventBus } from "../events/bus.js";
import type { SystemdNotifier } from "../system/sd-notify.js";
import { realTimer, type StartTimer } from "../util/timer.js";

export type MicrophoneState = "open" | "waiting" | "closed";

/**
 * A missing microphone is a state the daemon supervises, not a failure: it reports READY (so
 * systemd does not time the start out) with a status saying what it waits for, says so once
 * with an `error` event (code `mic-unavailable`), and keeps the watchdog fed from the retry
 * wait, since no frames flow to feed it. The microphone source reports each change once.
 */
export class MicrophoneSupervisor {
  #cancelPing: (() => void) | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly notifier: Pick<SystemdNotifier, "ready" | "status" | "watchdog">,
    /** systemd's watchdog interval (WATCHDOG_USEC / 2), or null without a watchdog. */
    private readonly watchdogMs: number | null,
    private readonly timer: StartTimer = realTimer,
  ) {}

  onState(state: MicrophoneState, detail?: string): void {
    this.stop();
    if (state === "open") void this.notifier.status("listening");
    if (state !== "waiting") return;
    const reason = detail ? `: ${detail}` : "";
    void this.notifier.ready(`waiting for microphone${reason}`);
    this.bus.emit({
      type: "error",
      code: "mic-unavailable",
      message: `microphone unavailable${reason}; retrying until it is back`,
    });
    const every = this.watchdogMs;
    if (every === null) return;
    const ping = () => {
      void this.notifier.watchdog();
      this.#cancelPing = this.timer(every, ping, { keepAlive: false });
    };
    this.#cancelPing = this.timer(every, ping, { keepAlive: false });
  }

  /** Stops the watchdog pings of a wait. */
  stop(): void {
    this.#cancelPing?.();
    this.#cancelPing = null;
  }
}
