import { ENV_PREFIX } from "./env.js";
import { configJsonSchema, type JsonSchema } from "./schema.js";

/** Where the reference lives, from the package root. */
export const REFERENCE_FILE = "docs/configuration.md";

export const REFERENCE_START =
  "<!-- config-reference:start (generated from src/config/schema.ts by `npm run docs`) -->";
export const REFERENCE_END = "<!-- config-reference:end -->";

/**
 * The configuration reference (docs/configuration.md), generated from the schema so it cannot drift:
 * one table per section with each key, its type, default, environment variable and
 * description. test/unit/config/reference.test.ts fails when the page is stale.
 */
export function configReference(schema: JsonSchema = configJsonSchema()): string {
  const out: string[] = [];
  const top: string[] = [];
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    if (child.properties) {
      out.push(`#### \`${key}\`: ${child.description ?? ""}`, "", ...table(child, [key]), "");
    } else if (child.type === "array" && child.items?.properties) {
      out.push(
        `#### \`${key}\`: ${child.description ?? ""}`,
        "",
        HEADER,
        SEPARATOR,
        row(key, child, [key]),
        ...table(child.items, [`${key}[]`]).slice(2),
        "",
      );
    } else {
      top.push(row(key, child, [key]));
    }
  }
  return [`#### Top level`, "", HEADER, SEPARATOR, ...top, "", ...out].join("\n").trimEnd();
}

const HEADER = "| key | type | default | env | description |";
const SEPARATOR = "|---|---|---|---|---|";

function table(schema: JsonSchema, path: string[]): string[] {
  const rows: string[] = [HEADER, SEPARATOR];
  const walk = (node: JsonSchema, prefix: string[]) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (child.properties) walk(child, [...prefix, key]);
      else rows.push(row([...prefix, key].slice(1).join(".") || key, child, [...prefix, key]));
      if (child.type === "array" && child.items?.properties) walk(child.items, [...prefix, `${key}[]`]);
    }
  };
  walk(schema, path);
  return rows;
}

function row(name: string, schema: JsonSchema, path: string[]): string {
  const env = path.some((p) => p.endsWith("[]")) ? "" : `\`${ENV_PREFIX}${path.join("__").toUpperCase()}\``;
  const description = `${schema.description ?? ""}${schema.secret ? " (secret: redacted in output)" : ""}`;
  return `| \`${name}\` | ${typeName(schema)} | ${formatDefault(schema.default)} | ${env} | ${escapeCell(description)} |`;
}

function typeName(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(typeName).join(" \\| ");
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(" \\| ");
  if (schema.const !== undefined) return `\`${String(schema.const)}\``;
  if (schema.type === "array") return `list of ${schema.items ? typeName(schema.items) : "any"}`;
  if (Array.isArray(schema.type)) return schema.type.join(" \\| ");
  if (schema.type === "integer") return "integer";
  return schema.type ?? "any";
}

function formatDefault(value: unknown): string {
  if (value === undefined) return "(required)";
  const text = JSON.stringify(value);
  return `\`${escapeCell(text.length > 60 ? `${text.slice(0, 57)}...` : text)}\``;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
