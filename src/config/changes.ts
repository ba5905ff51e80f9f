import { type Config, configJsonSchema, type JsonSchema } from "./schema.js";

export type Section = keyof Config;

/** One setting that differs between two configs. */
export interface ConfigChange {
  section: Section;
  /** The field within an object section; null for a top-level value (`site`) or a list (`devices`). */
  field: string | null;
  /** Marked `restart` in the schema (the nearest mark wins): what reads it must be rebuilt. */
  restart: boolean;
}

let schema: JsonSchema | null = null;

/**
 * Every setting that differs between `before` and `after`, one entry per changed field of an
 * object section, with the schema's `restart` mark. Pure: compares values, never reads files.
 */
export function configChanges(before: Config, after: Config): ConfigChange[] {
  schema ??= configJsonSchema();
  const changes: ConfigChange[] = [];
  for (const section of Object.keys(after) as Section[]) {
    const a: unknown = before[section];
    const b: unknown = after[section];
    if (same(a, b)) continue;
    const sectionSchema = schema.properties?.[section];
    const mark = sectionSchema?.restart ?? false;
    if (!isRecord(a) || !isRecord(b) || !sectionSchema?.properties) {
      changes.push({ section, field: null, restart: mark });
      continue;
    }
    for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (same(a[field], b[field])) continue;
      changes.push({ section, field, restart: sectionSchema.properties[field]?.restart ?? mark });
    }
  }
  return changes;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
