import type { OutboxEntry, OutboxLog } from "./outbox-log.js";

export type OutboxInput = Omit<OutboxEntry, "seq">;

export interface OutboxLimits {
  maxMessages: number;
  maxBytes: number;
}

/**
 * The ordered queue of QoS 1 messages between edge-voice and the broker. Messages stay
 * here (and in the log on disk) until the broker acknowledges them; in-flight ones return
 * to the queue, in order, when the connection drops. Full: the oldest waiting telemetry is
 * dropped first, device commands only when nothing else is left, each returned to the caller
 * (which reports it). Expiry is checked against the `nowMs` the caller passes (pure).
 */
export class Outbox {
  readonly #entries = new Map<number, OutboxEntry>();
  readonly #inflight = new Set<number>();
  /** Seqs of waiting device commands, oldest first (they jump the queue). */
  readonly #commands = new Set<number>();
  #bytes = 0;
  #nextSeq = 1;
  /** Messages dropped because the outbox was full, since start. */
  droppedTotal = 0;

  constructor(
    private readonly log: OutboxLog,
    private readonly limits: OutboxLimits,
  ) {
    for (const entry of log.load()) this.#insert(entry);
    // The bounds may have been lowered since the last run.
    this.droppedTotal += this.#makeRoom(null).length;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Device commands among the waiting and in-flight messages. */
  get commands(): number {
    return this.#commands.size;
  }

  get inflight(): number {
    return this.#inflight.size;
  }

  /** Queues a message; returns the entries dropped to make room (oldest first; telemetry may be the new one itself). */
  add(input: OutboxInput): { entry: OutboxEntry; dropped: OutboxEntry[] } {
    const entry: OutboxEntry = { ...input, seq: this.#nextSeq };
    this.#insert(entry);
    this.log.append(entry);
    // A device command is never pushed out by newer telemetry: then the telemetry goes.
    const dropped = this.#makeRoom(entry.kind === "command" ? entry.seq : null);
    this.droppedTotal += dropped.length;
    return { entry, dropped };
  }

  /**
   * Drops the oldest waiting messages (never `keep`, never one in flight) until within bounds:
   * telemetry first, device commands last (someone is waiting for those).
   */
  #makeRoom(keep: number | null): OutboxEntry[] {
    const dropped: OutboxEntry[] = [];
    const full = () => this.#entries.size > this.limits.maxMessages || this.#bytes > this.limits.maxBytes;
    for (const commands of [false, true]) {
      for (const old of this.#entries.values()) {
        if (!full()) return dropped;
        if (old.seq === keep || this.#inflight.has(old.seq)) continue;
        if ((old.kind === "command") !== commands) continue;
        this.#delete(old.seq);
        dropped.push(old);
      }
    }
    return dropped;
  }

  /**
   * Up to `max` waiting messages to send now, marked in flight: device commands first, then
   * the rest, each oldest first; expired ones met on the way are removed and returned.
   */
  take(nowMs: number, max: number): { send: OutboxEntry[]; expired: OutboxEntry[] } {
    const send: OutboxEntry[] = [];
    const expired: OutboxEntry[] = [];
    // Device commands first (someone is waiting for the light), then everything else in order.
    const commands = [...this.#commands].flatMap((seq) => this.#entries.get(seq) ?? []);
    this.#takeInto(commands, send, expired, nowMs, max);
    this.#takeInto(this.#entries.values(), send, expired, nowMs, max);
    return { send, expired };
  }

  #takeInto(
    entries: Iterable<OutboxEntry>,
    send: OutboxEntry[],
    expired: OutboxEntry[],
    nowMs: number,
    max: number,
  ): void {
    for (const entry of entries) {
      if (send.length >= max) break;
      if (this.#inflight.has(entry.seq)) continue;
      if (isExpired(entry, nowMs)) {
        this.#delete(entry.seq);
        expired.push(entry);
        continue;
      }
      this.#inflight.add(entry.seq);
      send.push(entry);
    }
  }

  /** The broker acknowledged the message: it is gone for good. */
  ack(seq: number): void {
    this.#delete(seq);
  }

  /** Back to waiting (the connection dropped before the acknowledgement). */
  release(seq: number): void {
    this.#inflight.delete(seq);
  }

  releaseAll(): void {
    this.#inflight.clear();
  }

  /** Removes and returns waiting messages whose time is up. */
  expire(nowMs: number): OutboxEntry[] {
    const expired: OutboxEntry[] = [];
    for (const entry of this.#entries.values()) {
      if (this.#inflight.has(entry.seq) || !isExpired(entry, nowMs)) continue;
      this.#delete(entry.seq);
      expired.push(entry);
    }
    return expired;
  }

  close(): void {
    this.log.close();
  }

  #insert(entry: OutboxEntry): void {
    this.#entries.set(entry.seq, entry);
    if (entry.kind === "command") this.#commands.add(entry.seq);
    this.#bytes += entrySize(entry);
    this.#nextSeq = Math.max(this.#nextSeq, entry.seq + 1);
  }

  #delete(seq: number): void {
    const entry = this.#entries.get(seq);
    if (!entry) return;
    this.#entries.delete(seq);
    this.#inflight.delete(seq);
    this.#commands.delete(seq);
    this.#bytes -= entrySize(entry);
    this.log.remove(seq);
  }
}

export function isExpired(entry: OutboxEntry, nowMs: number): boolean {
  return entry.expiresAt !== null && nowMs >= entry.expiresAt;
}

/** Remaining lifetime in whole seconds (at least 1), for the MQTT 5 message expiry property. */
export function remainingSeconds(entry: OutboxEntry, nowMs: number): number | undefined {
  if (entry.expiresAt === null) return undefined;
  return Math.max(1, Math.ceil((entry.expiresAt - nowMs) / 1000));
}

function entrySize(entry: OutboxEntry): number {
  return Buffer.byteLength(entry.topic) + Buffer.byteLength(entry.payload);
}
