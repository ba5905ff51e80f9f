import { type Document, isCollection, isScalar, LineCounter, type Node, visit, type YAMLError } from "yaml";

/** A YAML syntax error as a person editing the file reads it: a line and column they can see. */
export interface YamlErrorPlace {
  line: number;
  column: number;
  /** yaml's message without its own "at line N, column M" and code frame. */
  message: string;
  /** Set when the error was moved from the end of the file to where the unclosed quote or bracket opened. */
  opened?: boolean;
}

/**
 * Where to point at for a YAML syntax error. yaml places an error where it noticed it: for a
 * quote or bracket left open, that is the end of the file, a line after the last one (or a
 * blank line past the content) that an editor does not show, and nowhere near the mistake.
 * Such an error is placed where the quote or bracket opened; any other error past the
 * content (or without a position) on the end of the last line that has content.
 */
export function yamlErrorPlace(doc: Document, error: YAMLError, text: string): YamlErrorPlace {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) lines.addNewLine(at + 1);
  const message = (error.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
  const contentEnd = text.trimEnd().length;
  const at = error.pos[0];
  if (at >= 0 && at < contentEnd) return { ...place(lines, at), message };
  const opener = unclosedOpener(doc, message, contentEnd);
  if (opener !== undefined) return { ...place(lines, opener), message, opened: true };
  // Just past the last character that is not white space: the end of the last line with content.
  const last = place(lines, Math.max(0, contentEnd - 1));
  return { line: last.line, column: contentEnd === 0 ? 1 : last.column + 1, message };
}

/** One line for an error message: `line 3, column 8: Missing closing "quote (...)`. */
export function describeYamlError(where: YamlErrorPlace): string {
  return `line ${where.line}, column ${where.column}: ${yamlErrorText(where)}`;
}

/** The message alone, saying so when it was moved to where a quote or bracket opened. */
export function yamlErrorText(where: YamlErrorPlace): string {
  return where.opened ? `${where.message} (opened here, still open at the end of the file)` : where.message;
}

function place(lines: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

/**
 * The start of the innermost quoted string or flow collection ([...] or {...}) that runs to
 * the end of the content, of the kind the message is about; undefined when there is none.
 */
function unclosedOpener(doc: Document, message: string, contentEnd: number): number | undefined {
  const quote = /quote/i.test(message);
  const bracket = /flow (sequence|map|collection)|end with a [\]}]/i.test(message);
  if (!quote && !bracket) return undefined;
  let start: number | undefined;
  visit(doc, {
    Node(_key, node: Node) {
      const range = node.range;
      if (!range || range[1] < contentEnd) return;
      const open = quote
        ? isScalar(node) && (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE")
        : isCollection(node) && node.flow === true;
      if (open && (start === undefined || range[0] > start)) start = range[0];
    },
  });
  return start;
}
