import { tokenize } from "../text/normalize.js";

/**
 * Sentence template syntax (the same as Home Assistant's hassil, a subset):
 *   words              literal words, normalised like transcripts ("What's" -> "whats")
 *   (a|b c)            alternatives
 *   [a|b]              optional alternatives
 *   {slot}             a slot list: {name}, {area}, {domain}, {brightness}, a user list, ...
 *   <rule>             an expansion rule, replaced by its own template
 */
export type TemplateNode =
  | { kind: "word"; word: string }
  | { kind: "alt"; options: TemplateNode[][]; optional: boolean }
  | { kind: "slot"; name: string }
  | { kind: "rule"; name: string };

export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

const CLOSERS: Record<string, string> = { "(": ")", "[": "]" };
const IDENT = /^[a-z_][a-z0-9_]*$/;

export function parseTemplate(source: string): TemplateNode[] {
  const parser = new Parser(source);
  const nodes = parser.sequenceAlternatives(null);
  if (nodes.length !== 1) throw new TemplateSyntaxError("'|' outside ( ) or [ ]", 0);
  const [only] = nodes;
  if (!only || only.length === 0) throw new TemplateSyntaxError("empty template", 0);
  return only;
}

class Parser {
  #pos = 0;
  constructor(private readonly source: string) {}

  /** Parses `a | b | c` until `closer` (or the end when closer is null). */
  sequenceAlternatives(closer: string | null): TemplateNode[][] {
    const options: TemplateNode[][] = [[]];
    let text = "";
    const flush = () => {
      for (const word of tokenize(text)) options[options.length - 1]?.push({ kind: "word", word });
      text = "";
    };
    while (this.#pos < this.source.length) {
      const ch = this.source[this.#pos] as string;
      if (ch === closer) {
        flush();
        this.#pos++;
        return options;
      }
      if (ch === "|") {
        flush();
        if (closer === null) return this.#fail("'|' outside ( ) or [ ]");
        options.push([]);
        this.#pos++;
      } else if (ch === "(" || ch === "[") {
        flush();
        const start = this.#pos++;
        const inner = this.sequenceAlternatives(CLOSERS[ch] as string);
        if (ch === "(" && inner.some((o) => o.length === 0)) {
          this.#pos = start;
          return this.#fail("empty alternative in ( ); use [ ] for optional words");
        }
        options[options.length - 1]?.push({ kind: "alt", options: inner, optional: ch === "[" });
      } else if (ch === "{" || ch === "<") {
        flush();
        options[options.length - 1]?.push(this.#reference(ch));
      } else if (ch === ")" || ch === "]" || ch === "}" || ch === ">") {
        return this.#fail(`unexpected '${ch}'`);
      } else {
        text += ch;
        this.#pos++;
      }
    }
    if (closer !== null) return this.#fail(`missing '${closer}'`);
    flush();
    return options;
  }

  #reference(open: "{" | "<"): TemplateNode {
    const close = open === "{" ? "}" : ">";
    const end = this.source.indexOf(close, this.#pos);
    if (end < 0) return this.#fail(`missing '${close}'`);
    const name = this.source.slice(this.#pos + 1, end).trim();
    if (!IDENT.test(name)) return this.#fail(`bad ${open === "{" ? "slot" : "rule"} name "${name}"`);
    this.#pos = end + 1;
    return open === "{" ? { kind: "slot", name } : { kind: "rule", name };
  }

  #fail(message: string): never {
    throw new TemplateSyntaxError(`${message} at column ${this.#pos + 1}`, this.#pos + 1);
  }
}

/** Replaces rule references by their templates (recursively); throws on unknown or cyclic rules. */
export function expandRules(
  nodes: readonly TemplateNode[],
  rules: ReadonlyMap<string, TemplateNode[]>,
  stack: readonly string[] = [],
): TemplateNode[] {
  return nodes.map((node): TemplateNode => {
    if (node.kind === "alt") {
      return { ...node, options: node.options.map((o) => expandRules(o, rules, stack)) };
    }
    if (node.kind !== "rule") return node;
    if (stack.includes(node.name)) {
      throw new TemplateSyntaxError(`rule <${node.name}> refers to itself`, 0);
    }
    const body = rules.get(node.name);
    if (!body) throw new TemplateSyntaxError(`unknown rule <${node.name}>`, 0);
    return { kind: "alt", optional: false, options: [expandRules(body, rules, [...stack, node.name])] };
  });
}

/** Slot names a template uses, for validation against the known lists. */
export function slotNames(nodes: readonly TemplateNode[]): string[] {
  const out: string[] = [];
  for (const node of nodes) {
    if (node.kind === "slot") out.push(node.name);
    else if (node.kind === "alt") for (const option of node.options) out.push(...slotNames(option));
  }
  return out;
}
