import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { makeDirs } from "../config/paths.js";
import { EdgeVoiceError, ExitCode } from "../errors.js";

/** One queued message. Payloads are text: every edge-voice payload is JSON or a short string. */
export interface OutboxEntry {
  seq: number;
  topic: string;
  payload: string;
  qos: 0 | 1;
  retain: boolean;
  /** Wall-clock epoch ms after which the message must not be delivered; null = never expires. */
  expiresAt: number | null;
  /** `event` telemetry never expires; `command`, `hermes` and `intent` are real-time and do. */
  kind: "event" | "command" | "hermes" | "intent";
  runId?: string;
}

/** Where the outbox keeps its entries between restarts. */
export interface OutboxLog {
  /** Entries left by the previous process, oldest first. */
  load(): OutboxEntry[];
  append(entry: OutboxEntry): void;
  remove(seq: number): void;
  close(): void;
}

export class MemoryOutboxLog implements OutboxLog {
  load(): OutboxEntry[] {
    return [];
  }
  append(): void {}
  remove(): void {}
  close(): void {}
}

type LogLine = { add: OutboxEntry } | { del: number };

/** Dead lines tolerated before a rewrite while messages are still pending. */
const COMPACT_AFTER = 200;

/** The outbox's file in the state directory (the stop warning names it too: undelivered.ts). */
export const OUTBOX_FILE = "mqtt-outbox.jsonl";

/**
 * An append-only JSON-lines journal (`{"add":...}` / `{"del":seq}`). Event payloads carry what
 * the person said, so delivered entries leave the file promptly: it is emptied (truncated)
 * whenever nothing is pending, which after a run on a healthy broker is within milliseconds,
 * and rewritten without the delivered entries once more than COMPACT_AFTER lines are dead
 * and they outnumber the live ones (a long outage, a steady stream). Written by hand because the job is small and
 * the libraries that do it (LevelDB bindings, SQLite) are native builds on a Pi for 100 lines.
 * Each line is one synchronous write(): a killed process loses nothing already returned; a
 * power cut can tear the last line, which load() skips. No fsync per message (SD-card wear).
 */
export class FileOutboxLog implements OutboxLog {
  readonly file: string;
  #fd: number | null = null;
  #live = new Set<number>();
  #deadLines = 0;
  /** Lines that could not be parsed on load (a torn last line after a power cut). */
  skippedLines = 0;

  #failed = false;

  /** @param onWriteError called once if the disk stops taking writes (full, read-only); the outbox then lives in memory. */
  constructor(
    dir: string,
    private readonly onWriteError: (error: unknown) => void = () => {},
  ) {
    this.file = path.join(dir, OUTBOX_FILE);
    try {
      makeDirs(dir);
    } catch (error) {
      throw new EdgeVoiceError(
        "config-invalid",
        `cannot create the state directory ${dir}: ${String(error)}`,
        {
          hint: "set state_dir to a writable directory (or set mqtt.outbox: false)",
          exitCode: ExitCode.config,
          cause: error,
        },
      );
    }
  }

  load(): OutboxEntry[] {
    try {
      return this.#load();
    } catch (error) {
      throw new EdgeVoiceError(
        "config-invalid",
        `cannot use the MQTT outbox ${this.file}: ${String(error)}`,
        {
          hint: "state_dir must be writable by the edge-voice user (or set mqtt.outbox: false)",
          exitCode: ExitCode.config,
          cause: error,
        },
      );
    }
  }

  #load(): OutboxEntry[] {
    const entries = new Map<number, OutboxEntry>();
    if (existsSync(this.file)) {
      for (const line of readFileSync(this.file, "utf8").split("\n")) {
        if (!line) continue;
        const parsed = parseLine(line);
        if (!parsed) this.skippedLines++;
        else if ("add" in parsed) entries.set(parsed.add.seq, parsed.add);
        else entries.delete(parsed.del);
      }
    }
    const live = [...entries.values()].sort((a, b) => a.seq - b.seq);
    this.#rewrite(live);
    return live;
  }

  append(entry: OutboxEntry): void {
    this.#write({ add: entry });
    this.#live.add(entry.seq);
  }

  remove(seq: number): void {
    if (!this.#live.delete(seq)) return;
    if (this.#live.size === 0) {
      this.#truncate();
      return;
    }
    this.#write({ del: seq });
    this.#deadLines += 2;
    if (this.#deadLines > COMPACT_AFTER && this.#deadLines > this.#live.size) this.#compact();
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  #write(line: LogLine): void {
    if (this.#failed) return;
    try {
      if (this.#fd === null) this.#fd = openSync(this.file, "a");
      writeSync(this.#fd, `${JSON.stringify(line)}\n`);
    } catch (error) {
      this.#failed = true;
      this.onWriteError(error);
    }
  }

  /** Nothing pending: the file is emptied in place (no rename, no fsync: nothing in it matters any more). */
  #truncate(): void {
    if (this.#failed) return;
    try {
      if (this.#fd === null) this.#fd = openSync(this.file, "a");
      ftruncateSync(this.#fd);
      this.#deadLines = 0;
    } catch (error) {
      this.#failed = true;
      this.onWriteError(error);
    }
  }

  #compact(): void {
    if (this.#failed) return;
    const live = [...this.#live];
    try {
      // Entries are re-read from the journal rather than kept twice in memory.
      const byseq = new Map(this.#readAdds().map((e) => [e.seq, e]));
      this.#rewrite(live.flatMap((seq) => byseq.get(seq) ?? []));
    } catch (error) {
      this.#failed = true;
      this.onWriteError(error);
    }
  }

  #readAdds(): OutboxEntry[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, "utf8")
      .split("\n")
      .flatMap((line) => {
        const parsed = line ? parseLine(line) : null;
        return parsed && "add" in parsed ? [parsed.add] : [];
      });
  }

  #rewrite(entries: OutboxEntry[]): void {
    this.close();
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, "w");
    for (const entry of entries) writeSync(fd, `${JSON.stringify({ add: entry })}\n`);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.file);
    this.#live = new Set(entries.map((e) => e.seq));
    this.#deadLines = 0;
  }
}

function parseLine(line: string): LogLine | null {
  try {
    const value = JSON.parse(line) as Partial<{ add: OutboxEntry; del: number }>;
    if (typeof value.del === "number") return { del: value.del };
    const add = value.add;
    if (
      add &&
      typeof add.seq === "number" &&
      typeof add.topic === "string" &&
      typeof add.payload === "string"
    )
      return { add };
  } catch {
    // A torn line: reported through skippedLines.
  }
  return null;
}
