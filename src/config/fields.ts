import { z } from "zod";

/**
 * Small builders shared by the config sections so every field reads the same way:
 * a type, a default, and a one-line description (which becomes docs/configuration.md).
 */

export const secret = { secret: true } as const;

/** A URL string with one of the given schemes; the message names what was expected. */
export function urlString(schemes: readonly string[]) {
  const pattern = new RegExp(`^(${schemes.map((s) => s.replace("+", "\\+")).join("|")})://[^\\s]+$`);
  return z.string({ error: (issue) => `expected a URL string, got ${render(issue.input)}` }).regex(pattern, {
    error: (issue) => `expected a URL (${schemes.join(", ")}://...), got ${render(issue.input)}`,
  });
}

export function seconds(min = 0, max = 3600) {
  return z.number().min(min).max(max);
}

export function probability() {
  return z.number().min(0).max(1);
}

/** An object section whose own fields all have defaults, so the section may be omitted. */
export function section<T extends z.core.$ZodLooseShape>(shape: T, description: string) {
  // Every field has a default, so {} is a valid input; TypeScript cannot see that through the generic.
  return z
    .strictObject(shape)
    .prefault({} as never)
    .describe(description);
}

export function render(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  if (typeof value === "object") return "a mapping";
  return String(value);
}
