import { describe, expect, it } from "vitest";
import {
  BaseTopics,
  decodePacket,
  encodePacket,
  HEADER_BYTES,
  MAX_AUDIO_BYTES,
  parseResult,
  parseStatus,
} from "../../../../src/rooms/satellite/protocol.js";

const start = { area: "kitchen", wakeWord: "hey_jarvis", score: 0.97, sampleRate: 16000 as const };

describe("satellite packets", () => {
  it("round-trip every kind", () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768]);
    for (const packet of [
      { kind: "start" as const, seq: 0, start },
      { kind: "audio" as const, seq: 1, offset: 1280, samples },
      { kind: "end" as const, seq: 2, end: { from: 10, to: 2000 } },
      { kind: "cancel" as const, seq: 3, outcome: "no-speech" },
    ]) {
      expect(decodePacket(encodePacket(packet))).toEqual({ packet });
    }
  });

  it("an audio packet is the header and the samples, nothing more", () => {
    const samples = new Int16Array(1280);
    expect(encodePacket({ kind: "audio", seq: 1, offset: 0, samples }).length).toBe(HEADER_BYTES + 2560);
  });

  it("decodes audio from an unaligned buffer", () => {
    const encoded = encodePacket({ kind: "audio", seq: 7, offset: 3, samples: Int16Array.from([5, -6]) });
    const shifted = Buffer.alloc(encoded.length + 1);
    encoded.copy(shifted, 1);
    const decoded = decodePacket(shifted.subarray(1));
    expect(decoded).toEqual({
      packet: { kind: "audio", seq: 7, offset: 3, samples: Int16Array.from([5, -6]) },
    });
  });

  it("refuses what is not a packet, with the reason", () => {
    const problem = (payload: Uint8Array) =>
      "problem" in decodePacket(payload) ? decodePacket(payload) : null;
    expect(problem(Buffer.from("hello"))).toEqual({ problem: "shorter than the header" });
    expect(problem(Buffer.from("hello, this is not it"))).toEqual({ problem: "not a satellite packet" });
    const good = encodePacket({ kind: "start", seq: 0, start });
    const version = Buffer.from(good);
    version[2] = 9;
    expect(problem(version)).toEqual({ problem: "protocol version 9" });
    const kind = Buffer.from(good);
    kind[3] = 42;
    expect(problem(kind)).toEqual({ problem: "unknown packet kind 42" });
    const odd = Buffer.concat([
      encodePacket({ kind: "audio", seq: 1, offset: 0, samples: new Int16Array(1) }),
      Buffer.from([1]),
    ]);
    expect(problem(odd)).toEqual({ problem: "audio packet of an odd byte count" });
    const huge = encodePacket({
      kind: "audio",
      seq: 1,
      offset: 0,
      samples: new Int16Array(MAX_AUDIO_BYTES / 2 + 1),
    });
    expect(problem(huge)).toEqual({ problem: `audio packet over ${MAX_AUDIO_BYTES} bytes` });
    const badStart = Buffer.concat([
      good.subarray(0, HEADER_BYTES),
      Buffer.from('{"area":null,"wakeWord":null,"score":2,"sampleRate":16000}'),
    ]);
    expect(problem(badStart)).toEqual({ problem: "field score: Too big: expected number to be <=1" });
    const notJson = Buffer.concat([good.subarray(0, HEADER_BYTES), Buffer.from("{")]);
    expect(problem(notJson)).toEqual({ problem: "start packet is not JSON" });
  });
});

describe("base messages", () => {
  it("parse results and statuses, and refuse broken ones", () => {
    const result = { v: 1, sessionId: "abc-1", state: "ended", outcome: "published" };
    expect(parseResult(Buffer.from(JSON.stringify(result)))).toEqual({ result });
    expect(parseResult(Buffer.from('{"v":1,"sessionId":"a b","state":"ended"}'))).toHaveProperty("problem");
    const status = { v: 1, site: "base", state: "online", beat: 3, heartbeatMs: 2000 };
    expect(parseStatus(Buffer.from(JSON.stringify(status)))).toEqual({ status });
    expect(parseStatus(Buffer.from("offline"))).toEqual({ problem: "not JSON" });
    expect(parseStatus(Buffer.alloc(2000, 32))).toEqual({ problem: "message over 1024 bytes" });
  });
});

describe("base topics", () => {
  const topics = new BaseTopics("edge-voice", "pi5");
  it("name a session's audio and read it back", () => {
    const topic = topics.audio("kitchen", "run-1");
    expect(topic).toBe("edge-voice/base/pi5/audio/kitchen/run-1");
    expect(topics.parseAudio(topic)).toEqual({ site: "kitchen", session: "run-1" });
  });
  it("refuse topics that are not one session's, or a site id out of the rules", () => {
    expect(topics.parseAudio("edge-voice/base/other/audio/kitchen/run-1")).toBeNull();
    expect(topics.parseAudio("edge-voice/base/pi5/audio/kitchen/run-1/x")).toBeNull();
    expect(topics.parseAudio("edge-voice/base/pi5/audio/Kitchen!/run-1")).toBeNull();
    expect(topics.status).toBe("edge-voice/base/pi5/status");
    expect(topics.result("kitchen")).toBe("edge-voice/base/pi5/result/kitchen");
  });
});
