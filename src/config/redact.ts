import { hidePassword } from "./fields.js";
import type { JsonSchema } from "./schema.js";
import { configJsonSchema } from "./schema.js";

export const REDACTED = "***";

/**
 * A copy of the config with every field marked secret in the schema replaced (when set),
 * and any password written into a URL (`mqtt://user:secret@host`) hidden.
 */
export function redactConfig<T>(config: T, schema: JsonSchema = configJsonSchema()): T {
  return redact(config, schema) as T;
}

function redact(value: unknown, schema: JsonSchema | undefined): unknown {
  if (typeof value === "string") return schema?.secret ? REDACTED : hidePassword(value);
  if (!schema) return value;
  if (schema.secret && value !== null && value !== undefined) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redact(item, schema.items));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = redact(child, schema.properties?.[key]);
    return out;
  }
  return value;
}
