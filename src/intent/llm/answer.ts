import type { RecognizedIntent } from "../types.js";
import { actionFor } from "./actions.js";
import { answerSchema, UNKNOWN_INTENT } from "./schema.js";

export type ParsedAnswer =
  | { kind: "intent"; intent: RecognizedIntent }
  | { kind: "unknown" }
  | { kind: "invalid"; why: string };

/** The LLM's answers carry no calibrated probability; this marks them as less certain than a template. */
export const LLM_CONFIDENCE = 0.5;

const NUMBER_FIELDS = ["brightness", "temperature", "hours", "minutes", "seconds"] as const;

/**
 * Parses and re-validates one LLM answer: JSON, then the strict answer schema, then the
 * allow-lists the grammar was built from (actions and their intents, entity ids and their
 * kinds), then the numbers (finite,
 * which also rules out exponent overflow such as 967E7407760 -> Infinity). The policy
 * checks ranges and sensitivity afterwards, as for templates.
 */
export function parseAnswer(
  text: string,
  allowed: {
    intents: ReadonlySet<string>;
    entityIds: ReadonlySet<string>;
    /** The kind of each entity, to check it fits the action ("unlock" only locks). */
    domainOf?: (id: string) => string | undefined;
  },
): ParsedAnswer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: "invalid", why: "not JSON" };
  }
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) return { kind: "invalid", why: "not the answer schema" };
  const answer = parsed.data;
  if (answer.action === UNKNOWN_INTENT) return { kind: "unknown" };
  const action = actionFor(answer.action);
  if (!action) return { kind: "invalid", why: `unknown action ${answer.action}` };
  if (!allowed.intents.has(action.intent))
    return { kind: "invalid", why: `intent ${action.intent} not allowed` };
  const targets = [...new Set(answer.targets ?? [])];
  const stranger = targets.find((id) => !allowed.entityIds.has(id));
  if (stranger !== undefined) return { kind: "invalid", why: `entity ${stranger} not in the registry` };
  const misfit = targets.find(
    (id) => action.domains && allowed.domainOf && !action.domains.includes(allowed.domainOf(id) ?? ""),
  );
  if (misfit !== undefined) return { kind: "invalid", why: `${answer.action} cannot act on ${misfit}` };
  const slots: Record<string, unknown> = { ...action.slots };
  for (const field of NUMBER_FIELDS) {
    const value = answer[field];
    if (value === undefined) continue;
    if (!Number.isFinite(value)) return { kind: "invalid", why: `${field} is not a finite number` };
    // Timer units the model set to 0 were not spoken.
    if (["hours", "minutes", "seconds"].includes(field) && value === 0) continue;
    slots[field] = value;
  }
  if (answer.color !== undefined) slots.color = answer.color;
  return {
    kind: "intent",
    intent: {
      intent: action.intent,
      targets: targets.sort(),
      slots,
      source: "llm",
      confidence: LLM_CONFIDENCE,
    },
  };
}
