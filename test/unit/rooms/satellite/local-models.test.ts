import { describe, expect, it } from "vitest";
import { validate } from "../../../../src/config/load.js";
import { configSchema } from "../../../../src/config/schema.js";
import { hasLocalModels } from "../../../../src/config/sections/satellite.js";
import { checkBoard } from "../../../../src/doctor/checks-host.js";
import { checkLlama, checkSelfTest } from "../../../../src/doctor/checks-models.js";
import type { Probes } from "../../../../src/doctor/types.js";
import { configuredModels } from "../../../../src/models/startup.js";
import { decodePacket, encodePacket, parseResult } from "../../../../src/rooms/satellite/protocol.js";

/** What a satellite loads and checks (docs/rooms.md#what-a-satellite-loads). */

const satellite = (extra: Record<string, unknown> = {}) =>
  configSchema.parse({
    role: "satellite",
    satellite: { base: "pi5", ...extra },
    llm: { model: "/m/x.gguf" },
  });

describe("a satellite's models", () => {
  it("without the fallback: the wake word's and the VAD's only, no Whisper, no LLM", () => {
    const config = satellite();
    expect(hasLocalModels(config)).toBe(false);
    expect(configuredModels(config).map((r) => r.kind)).toEqual([
      "wake-feature",
      "wake-feature",
      "wake",
      "vad",
    ]);
  });

  it("with satellite.fallback: local, or any other role: Whisper and the LLM too", () => {
    for (const config of [satellite({ fallback: "local" }), configSchema.parse({ role: "base" })]) {
      expect(hasLocalModels(config)).toBe(true);
      expect(configuredModels(config).map((r) => r.kind)).toContain("stt");
    }
    expect(configuredModels(satellite({ fallback: "local" })).at(-1)?.kind).toBe("llm");
  });

  it("wake.verifier by Whisper is refused on a satellite without it, one clear line; by embeddings it runs", () => {
    const whisper = { enabled: true, method: "whisper" };
    const input = { role: "satellite", satellite: { base: "pi5" }, wake: { verifier: whisper } };
    expect(() => validate(input)).toThrow(/wake\.verifier\.enabled: needs Whisper on this board/);
    const both = { ...input, wake: { verifier: { ...whisper, method: "both" } } };
    expect(() => validate(both)).toThrow(/needs Whisper/);
    const local = { ...input, satellite: { base: "pi5", fallback: "local" } };
    expect(validate(local).wake.verifier.enabled).toBe(true);
    const embeddings = { ...input, wake: { verifier: { enabled: true, method: "embeddings" } } };
    expect(validate(embeddings).wake.verifier.enabled).toBe(true);
  });
});

describe("the doctor on a satellite without local models", () => {
  const failing = () => {
    throw new Error("must not be called on a satellite");
  };
  const probes = {
    sttSelfTest: failing,
    llama: async () => ({ supported: [], loaded: null }),
    readFile: (file: string) =>
      file === "/proc/device-tree/model" ? "Raspberry Pi Zero 2 W Rev 1.0\0" : null,
    cpus: () => ({ model: "Cortex-A53", count: 4, notable: [] }),
    arch: () => "arm64",
  } as unknown as Probes;

  it("runs no Whisper self-test and loads no LLM", async () => {
    const [selfTest] = await checkSelfTest({ probes, config: satellite() });
    expect(selfTest).toMatchObject({ status: "pass", detail: expect.stringMatching(/base transcribes/) });
    const [llama] = await checkLlama({ probes, config: satellite() });
    expect(llama).toMatchObject({
      status: "pass",
      detail: expect.stringMatching(/role satellite: the base understands/),
    });
  });

  it("finds a Pi Zero 2 W fit to be a satellite, not too slow for Whisper", async () => {
    const [board] = await checkBoard({ probes, config: satellite() });
    expect(board).toMatchObject({ status: "pass" });
    const [standalone] = await checkBoard({ probes, config: configSchema.parse({}) });
    expect(standalone).toMatchObject({ status: "warn" });
  });
});

describe("follow-ups in the protocol", () => {
  it("a start may name the run it answers; a result may ask for a follow-up window", () => {
    const start = {
      area: "kitchen",
      wakeWord: null,
      score: null,
      sampleRate: 16000 as const,
      previousRunId: "run-1",
    };
    const packet = { kind: "start" as const, seq: 0, start };
    expect(decodePacket(encodePacket(packet))).toEqual({ packet });
    const result = { v: 1, sessionId: "run-1", state: "ended", outcome: "rejected", followUpSeconds: 8 };
    expect(parseResult(Buffer.from(JSON.stringify(result)))).toEqual({ result });
    const broken = { ...result, followUpSeconds: 1e9 };
    expect(parseResult(Buffer.from(JSON.stringify(broken)))).toHaveProperty("problem");
  });
});
