import { z } from "zod";
import { canTarget } from "../domains.js";
import type { Device } from "../registry.js";
import { ACTIONS, ANY_TARGET } from "./actions.js";

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
 * The JSON schema of an answer: one branch per action of an allowed intent, each with the
 * entity ids it can act on as an enum (locks for "unlock", lights for "set_brightness", ...),
 * no other properties, and {"action":"unknown"}. Branches without a possible target are left
 * out, so the grammar can only express allowed acts on existing devices.
 */
export function answerJsonSchema(spec: GrammarSpec): JsonSchema {
  const branches: JsonSchema[] = [];
  for (const action of ACTIONS) {
    if (!spec.intents.includes(action.intent)) continue;
    const ids = spec.devices
      .filter(
        (d) =>
          canTarget(action.intent, d) && (action.domains?.includes(d.domain) ?? action.label === ANY_TARGET),
      )
      .map((d) => d.id);
    const wantsTargets = action.domains !== null || action.label === ANY_TARGET;
    if (wantsTargets && ids.length === 0) continue;
    const properties: Record<string, JsonSchema> = { action: { const: action.label } };
    if (wantsTargets)
      properties.targets = {
        type: "array",
        items: { enum: ids },
        minItems: 1,
        maxItems: Math.min(8, ids.length),
      };
    for (const field of action.fields) Object.assign(properties, FIELDS(spec)[field]);
    if (action.fields.includes("color") && spec.colors.length === 0) continue;
    branches.push({ type: "object", properties, additionalProperties: false });
  }
  branches.push({
    type: "object",
    properties: { action: { const: UNKNOWN_INTENT } },
    additionalProperties: false,
  });
  return { oneOf: branches };
}

const FIELDS = (spec: GrammarSpec): Record<string, Record<string, JsonSchema>> => ({
  brightness: { brightness: { enum: BRIGHTNESS } },
  color: { color: { enum: [...spec.colors] } },
  temperature: { temperature: { enum: TEMPERATURES } },
  timer: { hours: { enum: HOURS }, minutes: { enum: MINUTES }, seconds: { enum: MINUTES } },
});

/**
 * The same shape checked again after parsing (never trust the sampler): strict objects,
 * known keys only, plain JSON types. Ranges and the allow-list are the policy's job.
 */
export const answerSchema = z.strictObject({
  action: z.string().max(64),
  targets: z.array(z.string().max(128)).max(16).optional(),
  brightness: z.number().optional(),
  color: z.string().max(32).optional(),
  temperature: z.number().optional(),
  hours: z.number().optional(),
  minutes: z.number().optional(),
  seconds: z.number().optional(),
});
