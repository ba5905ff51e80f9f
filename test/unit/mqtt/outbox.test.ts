import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Outbox, type OutboxInput } from "../../../src/mqtt/outbox.js";
import { FileOutboxLog, MemoryOutboxLog } from "../../../src/mqtt/outbox-log.js";
import { removeTempDirs, tempDir } from "../../support/mqtt-harness.js";

afterAll(removeTempDirs);

const limits = { maxMessages: 100, maxBytes: 1_000_000 };
const event = (n: number): OutboxInput => ({
  topic: "t/event",
  payload: String(n),
  qos: 1,
  retain: false,
  expiresAt: null,
  kind: "event",
});

describe("Outbox", () => {
  it("hands messages out oldest first, up to the window, and puts unacknowledged ones back in order", () => {
    const outbox = new Outbox(new MemoryOutboxLog(), limits);
    for (let i = 0; i < 5; i++) outbox.add(event(i));
    const first = outbox.take(0, 3).send.map((e) => e.payload);
    expect(first).toEqual(["0", "1", "2"]);
    outbox.ack(1);
    expect(outbox.take(0, 10).send.map((e) => e.payload)).toEqual(["3", "4"]);
    outbox.releaseAll(); // the connection dropped
    expect(outbox.take(0, 10).send.map((e) => e.payload)).toEqual(["1", "2", "3", "4"]);
    expect(outbox.size).toBe(4);
  });

  it("lets device commands jump ahead of waiting telemetry, oldest command first", () => {
    const outbox = new Outbox(new MemoryOutboxLog(), limits);
    outbox.add(event(0));
    outbox.add({ ...event(1), kind: "command" });
    outbox.add(event(2));
    outbox.add({ ...event(3), kind: "command" });
    expect(outbox.take(0, 3).send.map((e) => e.payload)).toEqual(["1", "3", "0"]);
    expect(outbox.take(0, 3).send.map((e) => e.payload)).toEqual(["2"]);
  });

  it("drops the oldest waiting message when full (by count or bytes) and counts it", () => {
    const outbox = new Outbox(new MemoryOutboxLog(), { maxMessages: 3, maxBytes: 1_000_000 });
    const dropped = [0, 1, 2, 3, 4].flatMap((i) => outbox.add(event(i)).dropped.map((e) => e.payload));
    expect(dropped).toEqual(["0", "1"]);
    expect(outbox.droppedTotal).toBe(2);
    expect(outbox.take(0, 10).send.map((e) => e.payload)).toEqual(["2", "3", "4"]);

    const small = new Outbox(new MemoryOutboxLog(), { maxMessages: 100, maxBytes: 30 });
    for (let i = 0; i < 5; i++) small.add({ ...event(i), payload: "x".repeat(9) }); // 16 bytes each
    expect(small.size).toBe(1);
    expect(small.bytes).toBeLessThanOrEqual(30);
  });

  it("never drops a message that is in flight to make room", () => {
    const outbox = new Outbox(new MemoryOutboxLog(), { maxMessages: 2, maxBytes: 1_000_000 });
    outbox.add(event(0));
    outbox.add(event(1));
    outbox.take(0, 1); // "0" in flight
    expect(outbox.add(event(2)).dropped.map((e) => e.payload)).toEqual(["1"]);
  });

  it("removes expired messages instead of sending them, by the clock it is given", () => {
    const outbox = new Outbox(new MemoryOutboxLog(), limits);
    outbox.add({ ...event(0), kind: "command", expiresAt: 10_000 });
    outbox.add(event(1));
    const early = outbox.take(9_999, 10);
    expect(early.send.map((e) => e.payload)).toEqual(["0", "1"]);
    outbox.releaseAll();
    const late = outbox.take(10_000, 10);
    expect(late.expired.map((e) => e.payload)).toEqual(["0"]);
    expect(late.send.map((e) => e.payload)).toEqual(["1"]);
    outbox.releaseAll();
    outbox.add({ ...event(2), expiresAt: 20_000 });
    expect(outbox.expire(20_000).map((e) => e.payload)).toEqual(["2"]);
    expect(outbox.size).toBe(1);
  });
});

describe("FileOutboxLog", () => {
  it("keeps unacknowledged messages across instances, in order, with their sequence numbers", () => {
    const dir = tempDir("outbox-unit");
    const a = new Outbox(new FileOutboxLog(dir), limits);
    for (let i = 0; i < 5; i++) a.add(event(i));
    const sent = a.take(0, 2).send;
    for (const entry of sent) a.ack(entry.seq);
    a.close();
    const b = new Outbox(new FileOutboxLog(dir), limits);
    expect(b.take(0, 10).send.map((e) => [e.seq, e.payload])).toEqual([
      [3, "2"],
      [4, "3"],
      [5, "4"],
    ]);
    expect(b.add(event(9)).entry.seq).toBe(6);
    b.close();
  });

  it("applies lowered bounds to what the last run left", () => {
    const dir = tempDir("outbox-bounds");
    const a = new Outbox(new FileOutboxLog(dir), limits);
    for (let i = 0; i < 10; i++) a.add(event(i));
    a.close();
    const b = new Outbox(new FileOutboxLog(dir), { maxMessages: 4, maxBytes: 1_000_000 });
    expect(b.droppedTotal).toBe(6);
    expect(b.take(0, 10).send.map((e) => e.payload)).toEqual(["6", "7", "8", "9"]);
  });

  it("skips a torn last line (power cut mid-write) and compacts acknowledged lines away", () => {
    const dir = tempDir("outbox-torn");
    const log = new FileOutboxLog(dir);
    const outbox = new Outbox(log, limits);
    outbox.add(event(1));
    outbox.close();
    appendFileSync(log.file, '{"add":{"seq":2,"topic":"t/ev');
    const reopened = new FileOutboxLog(dir);
    const again = new Outbox(reopened, limits);
    expect(reopened.skippedLines).toBe(1);
    expect(again.size).toBe(1);
    for (let i = 0; i < 1500; i++) {
      const { entry } = again.add(event(i));
      again.ack(entry.seq);
    }
    again.close();
    const lines = readFileSync(reopened.file, "utf8").trim().split("\n");
    expect(lines.length).toBeLessThan(1100);
    expect(new Outbox(new FileOutboxLog(dir), limits).size).toBe(1);
  });
});

describe("Outbox privacy and priorities", () => {
  const spoken = (text: string): OutboxInput => ({
    ...event(0),
    topic: "edge-voice/kitchen/event/stt-end",
    payload: JSON.stringify({ type: "stt-end", text }),
  });

  it("leaves no text on disk once everything is delivered", () => {
    const log = new FileOutboxLog(tempDir("outbox-privacy"));
    const outbox = new Outbox(log, limits);
    const seqs = [spoken("Turn on the kitchen light."), command("home/kitchen_light/set")].map(
      (input) => outbox.add(input).entry.seq,
    );
    expect(readFileSync(log.file, "utf8")).toContain("kitchen light");
    for (const seq of seqs) outbox.ack(seq);
    expect(readFileSync(log.file, "utf8")).toBe("");
    outbox.close();
  });

  it("while messages wait, rewrites delivered ones away after a few hundred lines", () => {
    const log = new FileOutboxLog(tempDir("outbox-steady"));
    const outbox = new Outbox(log, limits);
    outbox.add(event(-1)); // waits throughout (the file is never empty)
    for (let i = 0; i < 300; i++) outbox.ack(outbox.add(spoken(`secret ${i}`)).entry.seq);
    const text = readFileSync(log.file, "utf8");
    expect(text.split("\n").length).toBeLessThan(250);
    expect(text).not.toContain('secret 1"');
    expect(text).not.toContain("secret 0");
    outbox.close();
  });

  it("makes room by dropping telemetry before any device command", () => {
    const outbox = new Outbox(new MemoryOutboxLog(), { maxMessages: 3, maxBytes: 1_000_000 });
    outbox.add(command("a/set"));
    outbox.add(event(1));
    outbox.add(command("b/set"));
    expect(outbox.add(command("c/set")).dropped.map((e) => e.payload)).toEqual(["1"]);
    expect(outbox.add(command("d/set")).dropped.map((e) => e.topic)).toEqual(["a/set"]);
    // Full of commands: new telemetry is what goes, never a command.
    expect(outbox.add(event(2)).dropped.map((e) => e.payload)).toEqual(["2"]);
    expect(outbox.size).toBe(3);
  });
});

function command(topic: string): OutboxInput {
  return { topic, payload: "ON", qos: 1, retain: false, expiresAt: null, kind: "command" };
}

describe("FileOutboxLog failures", () => {
  it("refuses an unusable state dir with a configuration error, and degrades to memory when writes fail", () => {
    const dir = tempDir("outbox-bad");
    writeFileSync(path.join(dir, "not-a-dir"), "");
    expect(() => new Outbox(new FileOutboxLog(path.join(dir, "not-a-dir", "x")), limits)).toThrow(
      expect.objectContaining({ code: "config-invalid", exitCode: 78 }),
    );
    const errors: unknown[] = [];
    const log = new FileOutboxLog(tempDir("outbox-vanish"), (error) => errors.push(error));
    const outbox = new Outbox(log, limits);
    rmSync(path.dirname(log.file), { recursive: true }); // the disk goes away under us
    outbox.add(event(1));
    outbox.add(event(2));
    expect(errors).toHaveLength(1);
    expect(outbox.take(0, 10).send.map((e) => e.payload)).toEqual(["1", "2"]);
  });
});
