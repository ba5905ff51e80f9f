import type { Logger } from "../util/logger.js";
import { type NotifyRelay, startNotifyRelay } from "./notify-relay.js";

/**
 * Tells systemd (Type=notify) the truth about the daemon: READY=1 once models are loaded
 * and audio flows, STATUS= in words, WATCHDOG=1 from the pipeline loop while it is healthy,
 * STOPPING=1 on shutdown. Does nothing when NOTIFY_SOCKET is unset (not under systemd).
 *
 * Why the `systemd-notify` binary: Node has no AF_UNIX datagram sockets. The choices were a
 * native addon (`unix-dgram`, `sd-notify`: each needs a compiler and libsystemd headers on
 * the board at `npm ci` time, and neither ships arm64 prebuilds) or the tool systemd itself
 * ships, always the same version as the service manager and already on every board that can
 * run the unit. It handles abstract (`@...`) and path sockets, and since systemd 246 it waits
 * for PID 1 to process the message (BARRIER=1), which closes the old race where a message from
 * a short-lived child was dropped because PID 1 could no longer attribute it to the unit.
 * The costs: the message comes from a child PID, so the unit needs NotifyAccess=all (its
 * cgroup holds only edge-voice and the helpers it starts: arecord, aplay, espeak-ng), and one
 * ~5 ms process per message (a watchdog ping every WatchdogSec/2 = 15 s), started by a small
 * shell the notifier starts once, before the models load (notify-relay.ts: a fork of the
 * loaded daemon itself cost the next command ~0.4 s).
 */

export type NotifySender = (fields: string[]) => Promise<void>;

export interface SystemdNotifierOptions {
  /** Environment holding NOTIFY_SOCKET; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Sends `KEY=VALUE` assignments; defaults to `systemd-notify` run by a relay shell. */
  send?: NotifySender;
  /** The program to run; defaults to `systemd-notify` on $PATH. */
  command?: string;
  logger?: Logger;
}

export class SystemdNotifier {
  readonly #socket: string | undefined;
  readonly #send: NotifySender;
  readonly #logger: Logger | undefined;
  readonly #relay: NotifyRelay | null = null;
  #queue: Promise<void> = Promise.resolve();
  #lastStatus: string | null = null;
  #broken = false;

  constructor(options: SystemdNotifierOptions = {}) {
    const env = options.env ?? process.env;
    this.#socket = env.NOTIFY_SOCKET || undefined;
    this.#logger = options.logger;
    if (options.send || !this.#socket) {
      this.#send = options.send ?? (async () => {});
      return;
    }
    // Started now, while the daemon is small: see notify-relay.ts.
    const relay = startNotifyRelay(options.command ?? "systemd-notify", {
      ...process.env,
      NOTIFY_SOCKET: this.#socket,
    });
    this.#relay = relay;
    this.#send = (fields) => relay.send(fields);
  }

  /** True when running under systemd with a notification socket. */
  get enabled(): boolean {
    return this.#socket !== undefined && !this.#broken;
  }

  /** READY=1, with a status line if given. */
  ready(status?: string): Promise<void> {
    return this.notify(["READY=1", ...this.#statusField(status)]);
  }

  /** STATUS=: what `systemctl status` shows. Repeats of the same text are not re-sent. */
  status(text: string): Promise<void> {
    const field = this.#statusField(text);
    return field.length ? this.notify(field) : Promise.resolve();
  }

  /** WATCHDOG=1: call from the pipeline loop only while it is healthy. */
  watchdog(): Promise<void> {
    return this.notify(["WATCHDOG=1"]);
  }

  /** STOPPING=1 at the start of an ordered shutdown. */
  stopping(status = "stopping"): Promise<void> {
    return this.notify(["STOPPING=1", ...this.#statusField(status)]);
  }

  /**
   * Sends the assignments in order (messages never overtake each other). Never rejects: a
   * failure is logged once as a warning and notification stops, since systemd would then
   * restart a healthy daemon on its watchdog anyway and retrying every ping only adds noise.
   */
  notify(fields: string[]): Promise<void> {
    if (!this.enabled || fields.length === 0) return this.#queue;
    this.#queue = this.#queue.then(() =>
      this.#send(fields).catch((error: unknown) => {
        if (this.#broken) return;
        this.#broken = true;
        this.#logger?.warn(
          { err: (error as Error).message },
          "could not notify systemd (is systemd-notify installed?); readiness and watchdog pings are off",
        );
      }),
    );
    return this.#queue;
  }

  /** Resolves once every queued message has been sent. */
  flush(): Promise<void> {
    return this.#queue;
  }

  /** Ends the relay after the queued messages (the daemon's last step). */
  async close(): Promise<void> {
    await this.#queue;
    this.#relay?.close();
  }

  #statusField(text: string | undefined): string[] {
    if (text === undefined || text === this.#lastStatus) return [];
    this.#lastStatus = text;
    // One line: systemd's STATUS ends at a newline (and the relay separates fields by tabs).
    return [`STATUS=${text.replace(/\s*[\n\t]\s*/g, " ")}`];
  }
}

/**
 * How often to send WATCHDOG=1, in ms: half of systemd's WATCHDOG_USEC (as sd_watchdog_enabled(3)
 * advises), or null when the watchdog is off or meant for another process (WATCHDOG_PID).
 */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv = process.env, pid = process.pid): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!env.WATCHDOG_USEC || !Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return null;
  return Math.max(1, Math.floor(usec / 2000));
}

/**
 * Decides when the pipeline loop sends the next watchdog ping. Pure: the caller passes the
 * time, so a stalled loop (no calls) means no pings and systemd restarts the daemon.
 */
export class WatchdogSchedule {
  #last: number | null = null;

  constructor(readonly intervalMs: number) {}

  /** True (and remembers `nowMs`) when a ping is due. */
  due(nowMs: number): boolean {
    if (this.#last !== null && nowMs - this.#last < this.intervalMs) return false;
    this.#last = nowMs;
    return true;
  }
}
