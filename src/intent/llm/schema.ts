import { z } from "zod";
import { canTarget } from "../domains.js";
import type { Device } from "../registry.js";

/** What the LLM may say for a request that is not a home command. */
export const UNKNOWN_INTENT = "unknown";

const range = (from: number, to: number, step = 1) =>
  Array.from(
    { length: Math.round((to - from) / step) + 1 },
    (_, i) => Math.round((from + i * step) * 10) / 10,
  );

/**
 * Numbers as enums: the grammar then cannot write 1e9, 21.0000001 or -5 (node-llama-cpp's
 * `integer` accepts exponents and ignores minimum/maximum). Answers are still range-checked.
 */
const BRIGHTNESS = range(0, 100);
const TEMPERATURES = [...range(5, 35, 0.5), ...range(36, 95)];
const HOURS = range(0, 23);
const MINUTES = range(0, 59);

export interface GrammarSpec {
  intents: readonly string[];
  devices: readonly Device[];
  colors: readonly string[];
}

type JsonSchema = Record<string, unknown>;

/**
 * The JSON schema of an answer: one branch per allowed intent, each with the entity ids it
 * can act on as an enum (lights only for HassLightSet, ...), no other properties. Branches
 * without any possible target are left out, so the grammar can only express allowed acts.
 */
export function answerJsonSchema(spec: GrammarSpec): JsonSchema {
  const branches: JsonSchema[] = [];
  const ids = (intent: string) => spec.devices.filter((d) => canTarget(intent, d)).map((d) => d.id);
  const targets = (intent: string) => ({
    type: "array",
    items: { enum: ids(intent) },
    minItems: 1,
    maxItems: Math.min(8, ids(intent).length),
  });
  const branch = (intent: string, extra: Record<string, JsonSchema> = {}, withTargets = true) => {
    if (!spec.intents.includes(intent)) return;
    if (withTargets && ids(intent).length === 0) return;
    branches.push({
      type: "object",
      properties: {
        intent: { const: intent },
        ...(withTargets ? { targets: targets(intent) } : {}),
        ...extra,
      },
      additionalProperties: false,
    });
  };
  branch("HassTurnOn");
  branch("HassTurnOff");
  branch("HassLightSet", { brightness: { enum: BRIGHTNESS } });
  if (spec.colors.length > 0) branch("HassLightSet", { color: { enum: [...spec.colors] } });
  branch("HassClimateSetTemperature", { temperature: { enum: TEMPERATURES } });
  branch(
    "HassStartTimer",
    { hours: { enum: HOURS }, minutes: { enum: MINUTES }, seconds: { enum: MINUTES } },
    false,
  );
  branch("HassCancelTimer", {}, false);
  branch("HassGetState");
  branch("HassNevermind", {}, false);
  branches.push({
    type: "object",
    properties: { intent: { const: UNKNOWN_INTENT } },
    additionalProperties: false,
  });
  return { oneOf: branches };
}

/**
 * The same shape checked again after parsing (never trust the sampler): strict objects,
 * known keys only, plain JSON types. Ranges and the allow-list are the policy's job.
 */
export const answerSchema = z.strictObject({
  intent: z.string().max(64),
  targets: z.array(z.string().max(128)).max(16).optional(),
  brightness: z.number().optional(),
  color: z.string().max(32).optional(),
  temperature: z.number().optional(),
  hours: z.number().optional(),
  minutes: z.number().optional(),
  seconds: z.number().optional(),
});

export type Answer = z.infer<typeof answerSchema>;
