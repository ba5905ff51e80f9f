import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createIntentHandler } from "../../src/intent/create.js";
import { sensitiveVerb } from "../../src/intent/domains.js";
import { parseAnswer } from "../../src/intent/llm/answer.js";
import type { LlmRecognizer } from "../../src/intent/llm/recognizer.js";
import { silentLogger } from "../../src/util/logger.js";
import { repoModelStore } from "../support/model-store.js";
import { homeConfig, homeRegistry } from "../unit/intent/home.js";
import { expectedParse, UTTERANCES } from "./llm-cases.js";

/** The LLM path on a trained (not instruction-tuned) model, when ../shared has it; skipped otherwise. */
const STORIES = path.resolve("../shared/models/stories260K.gguf");

describe.skipIf(!existsSync(STORIES))(
  "LLM path on stories260K (trained, not instruction-tuned), when present",
  () => {
    it("loads, reuses the prefix, and its answers validate and meet the policy", async () => {
      const config = homeConfig({ llm: { model: STORIES, mode: "always", threads: 1, context_size: 3072 } });
      // Its tokenizer is nearly character-level: a small home keeps the prompt inside 2048 tokens.
      const keep = ["kitchen_light", "bedroom_fan", "front_door", "garage_door", "living_room_thermostat"];
      config.devices = config.devices.filter((d) => keep.includes(d.id));
      const registry = homeRegistry(config);
      const handler = await createIntentHandler(config, registry, silentLogger(), {
        store: repoModelStore(),
      });
      try {
        const llm = handler.llm as LlmRecognizer;
        const { prefixTokens, entityIds } = await llm.state();
        expect(prefixTokens).toBeGreaterThan(200);
        for (const [i, text] of UTTERANCES.entries()) {
          const result = await llm.recognize(text);
          expect(result.kind).not.toBe("timeout");
          if (result.kind === "intent" || result.kind === "invalid") {
            expect(result.generation.inputTokens).toBeLessThan(80);
            const again = parseAnswer(result.generation.text, {
              intents: new Set(config.intent.allowed_intents),
              entityIds,
            });
            expect(again.kind).toBe(expectedParse(result));
          }
          const decision = await handler.handle(text, {
            runId: "r",
            site: `s${i}`,
            nowSeconds: 0,
            wallSeconds: 0,
            origin: "voice",
          });
          if (decision.kind === "execute") {
            for (const id of decision.intent.targets) {
              const device = registry.get(id);
              expect(device && sensitiveVerb(decision.intent.intent, device)).toBeFalsy();
            }
          }
        }
      } finally {
        await handler.dispose();
      }
    });
  },
);
