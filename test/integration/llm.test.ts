import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeviceConfig } from "../../src/config/schema.js";
import { EdgeVoiceError } from "../../src/errors.js";
import { type CreateIntentOptions, createIntentHandler, llmWords } from "../../src/intent/create.js";
import { sensitiveVerb } from "../../src/intent/domains.js";
import { DefaultIntentHandler } from "../../src/intent/handler.js";
import { parseAnswer } from "../../src/intent/llm/answer.js";
import { LlmEngine } from "../../src/intent/llm/engine.js";
import { LlmRecognizer } from "../../src/intent/llm/recognizer.js";
import { loadTemplates } from "../../src/intent/templates/file.js";
import { silentLogger } from "../../src/util/logger.js";
import { repoModelStore } from "../support/model-store.js";
import { tinyGgufInTempDir } from "../support/tiny-gguf.js";
import { homeConfig, homeRegistry } from "../unit/intent/home.js";

/**
 * The LLM path end to end on a real GGUF: a tiny random-weight llama written at test time
 * (always available), so answers are nonsense — they must still parse, validate and be
 * accepted or refused by the policy. One thread, as on the 2-core CI machine.
 */
const model = tinyGgufInTempDir();
const store = repoModelStore();
const llmConfig = (mode: "fallback" | "always", extra: Record<string, unknown> = {}) =>
  homeConfig({ llm: { model, mode, threads: 1, context_size: 5120, ...extra } });

import { expectedParse, UTTERANCES } from "./llm-cases.js";

describe("LLM fallback on a tiny random-weight GGUF", () => {
  let handler: DefaultIntentHandler;
  const config = llmConfig("always");
  const registry = homeRegistry(config);

  beforeAll(async () => {
    handler = await createIntentHandler(config, registry, silentLogger(), { store });
  });
  afterAll(async () => {
    await handler.dispose();
    await handler.dispose(); // idempotent
  });

  it("evaluates the prompt prefix once (warm-up) and then only each utterance's own tokens", async () => {
    const llm = handler.llm as LlmRecognizer;
    const { prefixTokens } = await llm.state();
    expect(prefixTokens).toBeGreaterThan(500);
    const first = await llm.recognize("turn on the kitchen light");
    const second = await llm.recognize("switch off the bedroom fan please");
    for (const result of [first, second]) {
      expect(result.kind).not.toBe("timeout");
      if (result.kind === "timeout" || !result.generation) continue;
      // The utterance plus the chat template's few closing tokens, never the prefix again.
      expect(result.generation.inputTokens).toBeLessThan(60);
      expect(result.generation.promptTokens).toBeGreaterThan(prefixTokens);
    }
  });

  it("every answer parses, validates, and is accepted or refused by the policy", async () => {
    const llm = handler.llm as LlmRecognizer;
    const { entityIds } = await llm.state();
    let site = 0;
    for (const text of UTTERANCES) {
      const result = await llm.recognize(text);
      expect(["intent", "unknown", "invalid"]).toContain(result.kind);
      if (result.kind === "invalid" || result.kind === "intent") {
        const generation = result.generation;
        // Grammar-constrained: either complete JSON, or cut off at the token budget.
        const complete = (() => {
          try {
            JSON.parse(generation.text);
            return true;
          } catch {
            return false;
          }
        })();
        expect(complete || generation.outputTokens >= 96).toBe(true);
        const again = parseAnswer(generation.text, {
          intents: new Set(config.intent.allowed_intents),
          entityIds,
        });
        expect(again.kind).toBe(expectedParse(result));
      }
      const decision = await handler.handle(text, {
        runId: `r${site}`,
        site: `s${site++}`,
        nowSeconds: 0,
        wallSeconds: 0,
        origin: "voice",
      });
      if (decision.kind === "execute") {
        expect(decision.intent.source).toBe("llm");
        expect(config.intent.allowed_intents).toContain(decision.intent.intent);
        for (const id of decision.intent.targets) {
          const device = registry.get(id);
          expect(device).toBeDefined();
          if (device) expect(sensitiveVerb(decision.intent.intent, device)).toBeNull();
        }
      } else {
        expect(["not-recognized", "not-allowed", "needs-confirmation"]).toContain(decision.reason);
      }
    }
  });

  it("rebuilds the grammar and prompt when the registry changes", async () => {
    const llm = handler.llm as LlmRecognizer;
    const before = await llm.state();
    registry.upsert(
      {
        ...(registry.get("kitchen_light") as DeviceConfig),
        id: "pantry_light",
        name: "pantry light",
        area: "kitchen",
      },
      "discovery",
    );
    const after = await llm.state();
    expect(after.version).toBe(registry.version);
    expect(after.entityIds.has("pantry_light")).toBe(true);
    expect(after.prefixTokens).toBeGreaterThan(before.prefixTokens);
    const result = await llm.recognize("turn on the pantry light");
    if (result.kind !== "timeout" && result.generation)
      expect(result.generation.inputTokens).toBeLessThan(60);
    registry.remove("pantry_light", "discovery");
    expect((await llm.state()).entityIds.has("pantry_light")).toBe(false);
  });
});

describe("LLM time limit and cancellation", () => {
  it("aborts a generation that passes llm.timeout_seconds and reports not-recognized", async () => {
    const config = llmConfig("always");
    const registry = homeRegistry(config);
    const engine = await LlmEngine.load({
      modelPath: model,
      gpu: false,
      threads: 1,
      contextSize: 5120,
      logger: silentLogger(),
    });
    const llm = await LlmRecognizer.create({
      engine,
      registry,
      allowedIntents: config.intent.allowed_intents,
      ...llmWords(loadTemplates(null)),
      timeoutSeconds: 0.001,
      logger: silentLogger(),
    });
    try {
      // The time limit's own result (not a wall-clock bound: those failed on a loaded machine).
      expect(await llm.recognize("turn on the kitchen light and then tell me a very long story")).toEqual({
        kind: "timeout",
      });
      // The engine is still usable after an abort.
      expect((await llm.state()).prefixTokens).toBeGreaterThan(0);
      const handler = new DefaultIntentHandler({
        registry,
        templates: null,
        llm,
        policy: {
          allowedIntents: config.intent.allowed_intents,
          confirmSensitive: true,
          allowSensitiveFromText: false,
        },
        confirmWindowSeconds: 8,
        logger: silentLogger(),
      });
      expect(
        await handler.handle("unlock the front door", {
          runId: "r",
          site: "s",
          nowSeconds: 0,
          wallSeconds: 0,
          origin: "voice",
        }),
      ).toMatchObject({
        kind: "reject",
        reason: "not-recognized",
        detail: "llm-timeout",
      });
    } finally {
      await llm.dispose();
    }
  });

  it("a pipeline abort propagates instead of becoming a decision", async () => {
    const config = llmConfig("always", { timeout_seconds: 0.1 });
    const registry = homeRegistry(config);
    const engine = await LlmEngine.load({
      modelPath: model,
      gpu: false,
      threads: 1,
      contextSize: 5120,
      logger: silentLogger(),
    });
    const options: CreateIntentOptions = { engine };
    const handler = await createIntentHandler(config, registry, silentLogger(), options);
    try {
      const controller = new AbortController();
      controller.abort(new Error("shutdown"));
      await expect(
        handler.handle("turn on the kitchen light", {
          runId: "r",
          site: "s",
          nowSeconds: 0,
          wallSeconds: 0,
          origin: "voice",
          signal: controller.signal,
        }),
      ).rejects.toThrow(/shutdown/);
    } finally {
      await handler.dispose();
    }
  });

  it("templates answer first in fallback mode; the LLM only gets what they miss", async () => {
    const config = llmConfig("fallback");
    const handler = await createIntentHandler(config, homeRegistry(config), silentLogger(), { store });
    try {
      const ctx = { runId: "r", site: "s", nowSeconds: 0, wallSeconds: 0, origin: "voice" } as const;
      expect(await handler.handle("turn on the kitchen light", ctx)).toMatchObject({
        kind: "execute",
        intent: { source: "template" },
      });
      const other = await handler.handle("make it cosy in here", ctx);
      if (other.kind === "execute") expect(other.intent.source).toBe("llm");
    } finally {
      await handler.dispose();
    }
  });
});

describe("LLM prompt state saved between runs", () => {
  it("a second start loads the evaluated prefix instead of evaluating it again", async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), "edge-voice-llm-state-"));
    const config = { ...llmConfig("always"), state_dir: stateDir };
    const prefixCacheDir = path.join(stateDir, "llm");
    const start = async () =>
      createIntentHandler(config, homeRegistry(config), silentLogger(), { store, prefixCacheDir });
    const first = await start();
    const cold = await (first.llm as LlmRecognizer).state();
    await first.dispose();
    expect(cold.warmed).toBeGreaterThanOrEqual(cold.prefixTokens);
    const saved = readdirSync(path.join(stateDir, "llm"));
    expect(saved).toHaveLength(1);

    const second = await start();
    try {
      const llm = second.llm as LlmRecognizer;
      expect((await llm.state()).warmed).toBe(0);
      const result = await llm.recognize("turn on the kitchen light");
      if (result.kind !== "timeout" && result.generation)
        expect(result.generation.inputTokens).toBeLessThan(60);
    } finally {
      await second.dispose();
    }

    // Another registry is another prompt: a new state replaces the old one.
    const other = { ...llmConfig("always"), state_dir: stateDir };
    other.devices = other.devices.slice(0, 5);
    const third = await createIntentHandler(other, homeRegistry(other), silentLogger(), {
      store,
      prefixCacheDir,
    });
    expect((await (third.llm as LlmRecognizer).state()).warmed).toBeGreaterThan(0);
    await third.dispose();
    const now = readdirSync(path.join(stateDir, "llm"));
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(saved[0]);
  });
});

describe("LLM prompt that outgrows the context at run time", () => {
  it("keeps serving the last good prompt when discovery adds too many devices", async () => {
    const probe = llmConfig("always");
    const probeHandler = await createIntentHandler(probe, homeRegistry(probe), silentLogger(), { store });
    const { prefixTokens } = await (probeHandler.llm as LlmRecognizer).state();
    await probeHandler.dispose();
    const config = llmConfig("always", { context_size: prefixTokens + 400 });
    const registry = homeRegistry(config);
    const handler = await createIntentHandler(config, registry, silentLogger(), { store });
    try {
      const llm = handler.llm as LlmRecognizer;
      const template = registry.get("kitchen_light") as DeviceConfig;
      for (let i = 0; i < 30; i++) {
        registry.upsert({ ...template, id: `extra_${i}`, name: `extra lamp number ${i}` }, "discovery");
      }
      const state = await llm.state();
      expect(state.version).toBe(registry.version);
      // The first few extra devices still fit; the last ones did not, and the prompt stayed inside the context.
      expect(state.entityIds.has("extra_29")).toBe(false);
      expect(state.prefixTokens).toBeLessThanOrEqual(llm.engine.sequence.contextSize - 192);
      expect(["intent", "unknown", "invalid"]).toContain(
        (await llm.recognize("turn on the kitchen light")).kind,
      );
    } finally {
      await handler.dispose();
    }
  });
});

describe("LLM configuration errors (exit 78)", () => {
  it("a missing model file", async () => {
    const config = homeConfig({ llm: { model: "/nonexistent/model.gguf", threads: 1 } });
    const error = await createIntentHandler(config, homeRegistry(config), silentLogger(), { store }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EdgeVoiceError);
    expect((error as EdgeVoiceError).code).toBe("model-missing");
    expect((error as EdgeVoiceError).exitCode).toBe(78);
  });

  it("a corrupt model file", async () => {
    const corrupt = path.join(path.dirname(model), "corrupt.gguf");
    writeFileSync(corrupt, Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(1000, 7)]));
    const config = homeConfig({ llm: { model: corrupt, threads: 1 } });
    const error = await createIntentHandler(config, homeRegistry(config), silentLogger(), { store }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EdgeVoiceError);
    expect((error as EdgeVoiceError).code).toBe("model-load-failed");
    expect((error as EdgeVoiceError).exitCode).toBe(78);
  });

  it("a prompt that does not fit llm.context_size", async () => {
    const config = llmConfig("fallback", { context_size: 256 });
    const error = await createIntentHandler(config, homeRegistry(config), silentLogger(), { store }).catch(
      (e: unknown) => e,
    );
    expect((error as EdgeVoiceError).exitCode).toBe(78);
    expect((error as EdgeVoiceError).message).toMatch(/does not fit llm.context_size/);
  });

  it("no model means no LLM: the daemon runs on templates alone", async () => {
    const config = homeConfig({ llm: { mode: "always" } });
    const handler = await createIntentHandler(config, homeRegistry(config), silentLogger(), { store });
    expect(handler.llm).toBeNull();
    expect(
      await handler.handle("turn on the kitchen light", {
        runId: "r",
        site: "s",
        nowSeconds: 0,
        wallSeconds: 0,
        origin: "voice",
      }),
    ).toMatchObject({
      kind: "execute",
    });
    await handler.dispose();
  });
});
