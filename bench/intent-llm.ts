// The LLM half of bench/intent.ts: our recognizer (chat template, per-intent grammar with the
// registry's entity ids, prompt prefix kept in the KV cache) against the peer, a plain
// few-shot completion prompt with one flat JSON-schema grammar, evaluated from scratch for
// every utterance, on the same model, threads and examples.

import type { LlamaGrammar } from "node-llama-cpp";
import type { Config } from "../src/config/schema.js";
import { actionFor } from "../src/intent/llm/actions.js";
import type { LlmEngine } from "../src/intent/llm/engine.js";
import { buildPrompt } from "../src/intent/llm/prompt.js";
import type { LlmRecognizer } from "../src/intent/llm/recognizer.js";
import { checkIntent } from "../src/intent/policy.js";
import type { DeviceRegistry } from "../src/intent/registry.js";
import type { RecognizedIntent } from "../src/intent/types.js";
import type { Phrasing } from "../test/unit/intent/home.js";

export interface Outcome {
  intent: RecognizedIntent | null;
  ms: number;
  inputTokens: number;
  outputTokens: number;
}

const VALUE_SLOTS = ["brightness", "color", "temperature", "hours", "minutes", "seconds"];

/** Right when the intent, targets and value slots match; for a refusal, when nothing executable came out. */
export function isCorrect(
  expected: Phrasing,
  got: RecognizedIntent | null,
  config: Config,
  registry: DeviceRegistry,
) {
  const verdict = got
    ? checkIntent(
        got,
        registry,
        {
          allowedIntents: config.intent.allowed_intents,
          confirmSensitive: true,
          allowSensitiveFromText: false,
        },
        { origin: "voice", confirmed: false },
      )
    : null;
  const accepted = verdict && verdict.kind !== "reject" ? got : null;
  if (!expected.intent || expected.reject === "not-recognized") return accepted === null;
  if (!accepted || accepted.intent !== expected.intent) return false;
  if (JSON.stringify(accepted.targets) !== JSON.stringify(expected.targets ?? [])) return false;
  return VALUE_SLOTS.every(
    (k) => expected.slots?.[k] === undefined || expected.slots[k] === accepted.slots[k],
  );
}

export async function oursRecognize(llm: LlmRecognizer, text: string): Promise<Outcome> {
  const started = performance.now();
  const result = await llm.recognize(text);
  const ms = performance.now() - started;
  const generation = result.kind === "timeout" ? null : result.generation;
  return {
    intent: result.kind === "intent" ? result.intent : null,
    ms,
    inputTokens: generation?.inputTokens ?? 0,
    outputTokens: generation?.outputTokens ?? 0,
  };
}

/** The peer's answer as an intent: allowed names and ids only, the known slots, zero timer units dropped. */
function peerIntent(
  raw: { intent?: string; targets?: string[]; slots?: Record<string, unknown> },
  allowed: { intents: ReadonlySet<string>; entityIds: ReadonlySet<string> },
): RecognizedIntent | null {
  if (!raw.intent || !allowed.intents.has(raw.intent)) return null;
  const targets = [...new Set(raw.targets ?? [])].sort();
  if (targets.some((id) => !allowed.entityIds.has(id))) return null;
  const slots: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw.slots ?? {})) {
    if (!VALUE_SLOTS.includes(key) || value === 0) continue;
    if (typeof value === "number" && !Number.isFinite(value)) return null;
    slots[key] = value;
  }
  return { intent: raw.intent, targets, slots, source: "llm", confidence: 0.5 };
}

/** The peer: one plain text prompt with the same examples, a flat schema, no prefix reuse. */
export class PeerRecognizer {
  private constructor(
    private readonly engine: LlmEngine,
    private readonly grammar: LlamaGrammar,
    private readonly allowed: { intents: ReadonlySet<string>; entityIds: ReadonlySet<string> },
  ) {}

  /**
   * What a developer would write first: the model's chat template with one system message
   * holding the device list and the same examples as text (with Home Assistant intent names),
   * one flat schema (intent enum, target enum, free-form slots), evaluated from scratch each time.
   */
  static async create(engine: LlmEngine, registry: DeviceRegistry, intents: readonly string[]) {
    const devices = registry.all();
    const ids = devices.map((d) => d.id);
    const grammar = await engine.createGrammar({
      type: "object",
      properties: {
        intent: { enum: [...intents, "unknown"] },
        targets: { type: "array", items: { enum: ids } },
        slots: { type: "object", additionalProperties: { type: ["number", "string"] } },
      },
    });
    const spec = buildPrompt(devices, intents);
    const shots = spec.examples.map((e) => {
      const { action, targets, ...slots } = e.answer;
      const intent = action === "unknown" ? "unknown" : actionFor(String(action))?.intent;
      return `Command: ${e.user}\nJSON: ${JSON.stringify({ intent, targets: targets ?? [], slots })}`;
    });
    const devicesPart = spec.system.slice(0, spec.system.indexOf("Actions:"));
    const system = `${devicesPart}Intents: ${intents.join(", ")}, or unknown for anything else.\n\nExamples:\n${shots.join("\n")}`;
    engine.setPrompt({ system, deviceCount: devices.length, examples: [] });
    return new PeerRecognizer(engine, grammar, { intents: new Set(intents), entityIds: new Set(ids) });
  }

  async recognize(text: string): Promise<Outcome> {
    const started = performance.now();
    const generation = await this.engine.generate(text, this.grammar, { reusePrefix: false });
    let intent: RecognizedIntent | null = null;
    try {
      intent = peerIntent(JSON.parse(generation.text), this.allowed);
    } catch {
      intent = null;
    }
    return {
      intent,
      ms: performance.now() - started,
      inputTokens: generation.inputTokens,
      outputTokens: generation.outputTokens,
    };
  }
}
