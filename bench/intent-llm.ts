// The LLM half of bench/intent.ts: our recognizer (chat template, per-intent grammar with the
// registry's entity ids, prompt prefix kept in the KV cache) against the peer, a plain
// few-shot completion prompt with one flat JSON-schema grammar, evaluated from scratch for
// every utterance, on the same model, threads and examples.

import type { LlamaGrammar } from "node-llama-cpp";
import type { Config } from "../src/config/schema.js";
import { parseAnswer } from "../src/intent/llm/answer.js";
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
    const shots = spec.examples.map((e) => {
      const { intent, targets, ...slots } = e.answer;
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
      const raw = JSON.parse(out) as { intent: string; targets: string[]; slots: Record<string, unknown> };
      const flat = JSON.stringify({ intent: raw.intent, targets: raw.targets, ...raw.slots });
      const parsed = parseAnswer(flat, this.allowed);
      intent = parsed.kind === "intent" ? parsed.intent : null;
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
