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
    ? checkIntent(got, registry, { allowedIntents: config.intent.allowed_intents, confirmSensitive: true })
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
    private readonly prompt: string,
    private readonly allowed: { intents: ReadonlySet<string>; entityIds: ReadonlySet<string> },
  ) {}

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
    // The same examples, with Home Assistant intent names as a plain prompt would use them.
    const shots = spec.examples.map((e) => {
      const { action, targets, ...slots } = e.answer;
      const intent = action === "unknown" ? "unknown" : actionFor(String(action))?.intent;
      return `Command: ${e.user}\nJSON: ${JSON.stringify({ intent, targets: targets ?? [], slots })}`;
    });
    const prompt = `${spec.system}\n\n${shots.join("\n\n")}\n\nCommand: `;
    return new PeerRecognizer(engine, grammar, prompt, {
      intents: new Set(intents),
      entityIds: new Set(ids),
    });
  }

  async recognize(text: string): Promise<Outcome> {
    const started = performance.now();
    const sequence = this.engine.sequence;
    const before = sequence.tokenMeter.getState();
    await sequence.clearHistory();
    const { LlamaCompletion } = await import("node-llama-cpp");
    const completion = new LlamaCompletion({ contextSequence: sequence });
    const out = await completion.generateCompletion(`${this.prompt}${text}\nJSON: `, {
      grammar: this.grammar,
      maxTokens: 96,
      temperature: 0,
    });
    completion.dispose();
    const used = sequence.tokenMeter.diff(before);
    let intent: RecognizedIntent | null = null;
    try {
      intent = peerIntent(JSON.parse(out), this.allowed);
    } catch {
      intent = null;
    }
    return {
      intent,
      ms: performance.now() - started,
      inputTokens: used.usedInputTokens,
      outputTokens: used.usedOutputTokens,
    };
  }
}
