import { type Document, isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { readUserFile } from "../../config/read-text.js";
import { yamlErrorPlace, yamlErrorText } from "../../config/yaml-errors.js";
import { EdgeVoiceError, ExitCode } from "../../errors.js";
import { compileTemplates, mergeTemplateSets, TemplateCompileError } from "./compile.js";
import { DEFAULT_TEMPLATES } from "./defaults.js";
import type { CompiledTemplates, TemplateSet } from "./types.js";

const listValue = z.union([
  z.string().min(1),
  z.strictObject({ in: z.string().min(1), out: z.union([z.string(), z.number()]) }),
]);

const templateFileSchema = z.strictObject({
  language: z.string().optional(),
  expansion_rules: z.record(z.string(), z.string()).optional(),
  lists: z.record(z.string(), z.strictObject({ values: z.array(listValue).min(1) })).optional(),
  intents: z
    .record(
      z.string(),
      z.strictObject({
        replace: z.boolean().optional(),
        data: z.array(
          z.strictObject({
            sentences: z.array(z.string().min(1)).min(1),
            requires: z.strictObject({ domain: z.array(z.string()).min(1).optional() }).optional(),
            slots: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
          }),
        ),
      }),
    )
    .optional(),
  skip_words: z.array(z.string()).optional(),
});

/**
 * Compiles the built-in templates, extended or overridden by the user's file
 * (intent.templates_file). Every problem is a config error (exit 78) naming the file and line.
 */
export function loadTemplates(file: string | null): CompiledTemplates {
  if (!file) return compileTemplates(DEFAULT_TEMPLATES);
  const { set, lineOf } = readTemplateFile(file);
  try {
    return compileTemplates(mergeTemplateSets(DEFAULT_TEMPLATES, set));
  } catch (error) {
    if (error instanceof TemplateCompileError) throw invalid(file, lineOf(error.path), error.message);
    throw error;
  }
}

function readTemplateFile(file: string): {
  set: TemplateSet;
  lineOf: (path: ReadonlyArray<PropertyKey>) => number;
} {
  const text = readUserFile(file, "templates file", "check intent.templates_file and the file's permissions");
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const [syntax] = doc.errors;
  if (syntax) {
    // Placed where an unclosed quote or bracket opened, not past the end of the file.
    const where = yamlErrorPlace(doc, syntax, text);
    throw invalid(file, where.line, `not valid YAML at column ${where.column}: ${yamlErrorText(where)}`);
  }
  const lineOf = (path: ReadonlyArray<PropertyKey>) => lineOfPath(doc, lineCounter, path);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 }); // an alias bomb is refused, not expanded
  } catch (error) {
    throw invalid(file, 1, (error as Error).message.split("\n")[0] ?? "unreadable");
  }
  const parsed = templateFileSchema.safeParse(value ?? {});
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    throw invalid(file, lineOf(issue?.path ?? []), `${issue?.message ?? "invalid"}${where}`);
  }
  return { set: parsed.data as TemplateSet, lineOf };
}

/** The line of the deepest node on `path` that exists: a map key's own line, else the value's. */
function lineOfPath(doc: Document, lines: LineCounter, path: ReadonlyArray<PropertyKey>): number {
  for (let depth = path.length; depth > 0; depth--) {
    const parent = doc.getIn(path.slice(0, depth - 1) as unknown[], true);
    const last = path[depth - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
      const range = isNode(pair?.key) ? pair.key.range : undefined;
      if (range) return lines.linePos(range[0]).line;
    }
    const node = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return 1;
}

function invalid(file: string, line: number, message: string): EdgeVoiceError {
  return new EdgeVoiceError("templates-invalid", `templates file ${file}, line ${line}: ${message}`, {
    exitCode: ExitCode.config,
    hint: "fix that line (docs/intent.md describes the template syntax), or unset intent.templates_file",
  });
}
