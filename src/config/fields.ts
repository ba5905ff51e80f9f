import { z } from "zod";

/**
 * Small builders shared by the config sections so every field reads the same way:
 * a type, a default, and a one-line description (which becomes docs/configuration.md).
 */

export const secret = { secret: true } as const;

/**
 * A field (or a whole section) whose change on SIGHUP needs the part that reads it rebuilt (a
 * model loaded again, the broker reconnected), rather than the new value read live. The
 * nearest mark wins: `live` inside a section marked `restart` is a field read live.
 * daemon/reload.ts derives the reload plan from these marks (config/changes.ts).
 */
export const restart = { restart: true } as const;
export const live = { restart: false } as const;

/**
 * A URL string with one of the given schemes, whose port (if any) is 1-65535 and which
 * Node can parse; the message names what was expected, with any password in it hidden.
 */
export function urlString(schemes: readonly string[]) {
  const pattern = new RegExp(`^(${schemes.map((s) => s.replace("+", "\\+")).join("|")})://[^\\s]+$`);
  return z
    .string({ error: (issue) => `expected a URL string, got ${render(issue.input)}` })
    .regex(pattern, {
      error: (issue) =>
        `expected a URL (${schemes.join(", ")}://...), got ${render(typeof issue.input === "string" ? hidePassword(issue.input) : issue.input)}`,
    })
    .check(
      z.superRefine((value: string, ctx) => {
        const problem = urlProblem(value);
        if (problem)
          ctx.addIssue({ code: "custom", message: `${problem}, got ${render(hidePassword(value))}` });
      }),
    );
}

/** Why Node cannot use `value` as a URL (a port out of range, most often), or null. */
function urlProblem(value: string): string | null {
  const port = /^[a-z+]+:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?/i.exec(value)?.[1];
  if (port !== undefined && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535))
    return "expected a port from 1 to 65535";
  try {
    new URL(value);
    return null;
  } catch {
    return "expected a URL Node can parse";
  }
}

/** `mqtt://user:secret@host` -> `mqtt://user:***@host`: for messages and `config --print`. */
export function hidePassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]*@/i, "$1:***@");
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
