import type { Packet, SessionEnd, SessionStart } from "./protocol.js";

/** Why the base refuses a session (the satellite hears it on its result topic; the base emits `input-rejected`). */
export type SessionRejection =
  | "queue-full" // as many sessions as `satellite.queue` are streaming or waiting
  | "site-busy" // this satellite already has `satellite.per_site` sessions
  | "too-long" // more audio than `satellite.max_session_seconds`
  | "stalled" // the audio stopped for `satellite.stall_seconds` before the session's end
  | "audio-lost" // a packet is missing or out of order
  | "invalid"; // an end that does not fit the audio sent

export interface BaseLimits {
  queue: number;
  perSite: number;
  maxSamples: number;
  stallMs: number;
  /** Sessions transcribed and understood at once (1: Whisper runs one at a time anyway). */
  concurrency: number;
}

/** A session whose audio is complete, ready for speech recognition. */
export interface ReadySession {
  site: string;
  id: string;
  start: SessionStart;
  /** The command: the samples the end packet cut. */
  audio: Int16Array;
  /** When its end arrived (for the time it waited in the queue). */
  endedAt: number;
}

export type BaseAction =
  | { type: "accept"; site: string; id: string }
  | { type: "reject"; site: string; id: string; reason: SessionRejection }
  | { type: "run"; session: ReadySession }
  /** The satellite cancelled a session already running: abort its run. */
  | { type: "cancel"; site: string; id: string; outcome: string };

interface Streaming {
  site: string;
  id: string;
  start: SessionStart;
  chunks: Int16Array[];
  samples: number;
  nextSeq: number;
  lastAt: number;
  state: "streaming" | "waiting" | "running";
  ready?: ReadySession;
}

/**
 * The base's sessions, pure: admission (a bounded number at once, a per-satellite limit), the
 * assembly of each session's numbered packets, the stall check, and a FIFO of sessions ready
 * for speech recognition served `concurrency` at a time. Fed packets and the time (ms); answers
 * with actions for the MQTT side to carry out, so every limit is tested on a manual clock.
 */
export class BaseSessions {
  readonly #sessions = new Map<string, Streaming>();
  readonly #waiting: Streaming[] = [];
  #running = 0;

  constructor(private readonly limits: BaseLimits) {}

  /** Sessions streaming, waiting or running. */
  get size(): number {
    return this.#sessions.size;
  }

  /** Sessions whose audio is complete and that wait for a free recognizer. */
  get waiting(): number {
    return this.#waiting.length;
  }

  get running(): number {
    return this.#running;
  }

  receive(site: string, id: string, packet: Packet, now: number): BaseAction[] {
    const session = this.#sessions.get(key(site, id));
    if (packet.kind === "start") return session ? [] : this.#open(site, id, packet.start, packet.seq, now);
    // A packet of a session never opened or already refused: nothing more to say about it.
    if (!session) return [];
    if (packet.kind === "cancel") return this.#cancel(session, packet.outcome);
    if (session.state !== "streaming") return [];
    if (packet.seq !== session.nextSeq) return this.#reject(session, "audio-lost");
    session.nextSeq++;
    session.lastAt = now;
    if (packet.kind === "audio") return this.#audio(session, packet.offset, packet.samples);
    return this.#end(session, packet.end, now);
  }

  /** Drops the sessions whose audio stopped before their end. */
  tick(now: number): BaseAction[] {
    const stalled = [...this.#sessions.values()].filter(
      (s) => s.state === "streaming" && now - s.lastAt >= this.limits.stallMs,
    );
    return stalled.flatMap((s) => this.#reject(s, "stalled"));
  }

  /** A session's run ended: its slot serves the next waiting one. */
  done(site: string, id: string): BaseAction[] {
    const session = this.#sessions.get(key(site, id));
    if (session?.state !== "running") return [];
    this.#sessions.delete(key(site, id));
    this.#running--;
    return this.#next();
  }

  #open(site: string, id: string, start: SessionStart, seq: number, now: number): BaseAction[] {
    const reject = (reason: SessionRejection): BaseAction[] => [{ type: "reject", site, id, reason }];
    if (seq !== 0) return reject("audio-lost");
    if (this.#sessions.size >= this.limits.queue) return reject("queue-full");
    const ofSite = [...this.#sessions.values()].filter((s) => s.site === site).length;
    if (ofSite >= this.limits.perSite) return reject("site-busy");
    const session: Streaming = {
      site,
      id,
      start,
      chunks: [],
      samples: 0,
      nextSeq: 1,
      lastAt: now,
      state: "streaming",
    };
    this.#sessions.set(key(site, id), session);
    return [{ type: "accept", site, id }];
  }

  #audio(session: Streaming, offset: number, samples: Int16Array): BaseAction[] {
    if (offset !== session.samples) return this.#reject(session, "audio-lost");
    if (session.samples + samples.length > this.limits.maxSamples) return this.#reject(session, "too-long");
    session.chunks.push(samples);
    session.samples += samples.length;
    return [];
  }

  #end(session: Streaming, end: SessionEnd, now: number): BaseAction[] {
    if (end.from > end.to || end.to > session.samples || end.to === end.from)
      return this.#reject(session, "invalid");
    const all = new Int16Array(session.samples);
    let at = 0;
    for (const chunk of session.chunks) {
      all.set(chunk, at);
      at += chunk.length;
    }
    session.chunks = [];
    const { site, id, start } = session;
    session.ready = { site, id, start, audio: all.subarray(end.from, end.to), endedAt: now };
    session.state = "waiting";
    this.#waiting.push(session);
    return this.#next();
  }

  #cancel(session: Streaming, outcome: string): BaseAction[] {
    const { site, id } = session;
    if (session.state === "running") return [{ type: "cancel", site, id, outcome }];
    this.#sessions.delete(key(site, id));
    const at = this.#waiting.indexOf(session);
    if (at >= 0) this.#waiting.splice(at, 1);
    return [];
  }

  #reject(session: Streaming, reason: SessionRejection): BaseAction[] {
    this.#sessions.delete(key(session.site, session.id));
    return [{ type: "reject", site: session.site, id: session.id, reason }];
  }

  #next(): BaseAction[] {
    const actions: BaseAction[] = [];
    while (this.#running < this.limits.concurrency && this.#waiting.length > 0) {
      const session = this.#waiting.shift() as Streaming;
      session.state = "running";
      this.#running++;
      actions.push({ type: "run", session: session.ready as ReadySession });
    }
    return actions;
  }
}

function key(site: string, id: string): string {
  return `${site}/${id}`;
}
