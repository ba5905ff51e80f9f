import type { z } from "zod";
import { render } from "./fields.js";

/**
 * Turns zod issues into one line per problem, with its path, in words a person editing
 * a YAML file understands: `mqtt.url: expected a URL string, got 5`.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) lines.push(`${formatPath([...issue.path, key])}: unknown key`);
      continue;
    }
    lines.push(`${formatPath(issue.path) || "(top level)"}: ${describeIssue(issue)}`);
  }
  return lines;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "invalid_type":
      // Custom messages (urlString) already say what was expected.
      if (!issue.message.startsWith("Invalid input")) return issue.message;
      if (input === undefined) return `required (expected ${article(issue.expected)})`;
      return `expected ${article(issue.expected)}, got ${render(input)}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${render(input)}`;
    case "too_small":
      if (issue.origin === "array") return `expected at least ${issue.minimum} item(s)`;
      // A bare "expected at least 1" for an empty name reads as a number: say what is counted.
      if (issue.origin === "string")
        return Number(issue.minimum) === 1 && input === ""
          ? "must not be empty"
          : `expected at least ${issue.minimum} characters, got ${render(input)}`;
      return `expected at least ${issue.minimum}, got ${render(input)}`;
    case "too_big":
      if (issue.origin === "array") return `expected at most ${issue.maximum} item(s)`;
      if (issue.origin === "string") return `expected at most ${issue.maximum} characters`;
      return `expected at most ${issue.maximum}, got ${render(input)}`;
    case "invalid_union":
      return `expected ${describeUnion(issue)}, got ${render(input)}`;
    case "invalid_format":
      return issue.message.startsWith("Invalid")
        ? `expected ${issue.format}, got ${render(input)}`
        : issue.message.includes(", got ")
          ? issue.message
          : `${issue.message}, got ${render(input)}`;
    default:
      return issue.message;
  }
}

function describeUnion(issue: z.core.$ZodIssueInvalidUnion): string {
  const options = issue.errors.flatMap((branch) =>
    branch.map((inner) => {
      if (inner.code === "invalid_value") return inner.values.map((v) => JSON.stringify(v)).join(", ");
      if (inner.code === "invalid_type") return article(inner.expected);
      return inner.message;
    }),
  );
  return [...new Set(options)].join(" or ");
}

function article(type: string): string {
  if (type === "array") return "a list";
  if (type === "object") return "a mapping";
  if (type === "int") return "a whole number";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
