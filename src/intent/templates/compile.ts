import { INTENT_DOMAINS } from "../domains.js";
import { normalizeText, tokenize } from "../text/normalize.js";
import { DEFAULT_TEMPLATES } from "./defaults.js";
import { expandRules, parseTemplate, slotNames, type TemplateNode, TemplateSyntaxError } from "./syntax.js";
import { BUILTIN_SLOTS, type CompiledList, type CompiledTemplates, type TemplateSet } from "./types.js";

/** A problem in a template set, with the YAML path to the offending value (for its line number). */
export class TemplateCompileError extends Error {
  constructor(
    message: string,
    readonly path: ReadonlyArray<string | number>,
  ) {
    super(message);
  }
}

/** The built-in set with a user set on top: rules and lists replace by name, sentences add (or replace). */
export function mergeTemplateSets(base: TemplateSet, user: TemplateSet): TemplateSet {
  const intents: NonNullable<TemplateSet["intents"]> = { ...base.intents };
  for (const [name, spec] of Object.entries(user.intents ?? {})) {
    const builtin = spec.replace ? [] : (base.intents?.[name]?.data ?? []);
    const own = spec.data.map((group, index) => ({ ...group, origin: ["intents", name, "data", index] }));
    intents[name] = { data: [...builtin, ...own] };
  }
  return {
    expansion_rules: { ...base.expansion_rules, ...user.expansion_rules },
    lists: { ...base.lists, ...user.lists },
    intents,
    skip_words: [...(base.skip_words ?? []), ...(user.skip_words ?? [])],
  };
}

export function compileTemplates(set: TemplateSet = DEFAULT_TEMPLATES): CompiledTemplates {
  const rules = new Map<string, TemplateNode[]>();
  for (const [name, source] of Object.entries(set.expansion_rules ?? {})) {
    rules.set(name, parseAt(source, ["expansion_rules", name]));
  }
  const lists = compileLists(set.lists ?? {});
  const known = new Set<string>([...BUILTIN_SLOTS, ...lists.keys()]);
  const templates: CompiledTemplates["templates"] = [];
  for (const [intent, spec] of Object.entries(set.intents ?? {})) {
    if (!(intent in INTENT_DOMAINS)) {
      throw new TemplateCompileError(
        `unknown intent "${intent}" (known: ${Object.keys(INTENT_DOMAINS).join(", ")})`,
        ["intents", intent],
      );
    }
    spec.data.forEach((group, g) => {
      const requires = group.requires?.domain;
      checkRequiredDomains(intent, requires, [
        ...(group.origin ?? ["intents", intent, "data", g]),
        "requires",
      ]);
      group.sentences.forEach((sentence, s) => {
        const path = [...(group.origin ?? ["intents", intent, "data", g]), "sentences", s];
        let nodes: TemplateNode[];
        try {
          nodes = expandRules(parseAt(sentence, path), rules);
        } catch (error) {
          if (error instanceof TemplateSyntaxError) throw new TemplateCompileError(error.message, path);
          throw error;
        }
        const unknown = slotNames(nodes).find((slot) => !known.has(slot));
        if (unknown) throw new TemplateCompileError(`unknown slot {${unknown}}`, path);
        templates.push({
          intent,
          nodes,
          requiresDomains: requires ? new Set(requires) : null,
          fixedSlots: group.slots ?? {},
          sentence,
        });
      });
    });
  }
  const skipPhrases = (set.skip_words ?? [])
    .map((phrase) => tokenize(phrase))
    .filter((tokens) => tokens.length > 0)
    .sort((a, b) => b.length - a.length);
  return { templates, lists, skipPhrases };
}

function parseAt(source: string, path: ReadonlyArray<string | number>): TemplateNode[] {
  try {
    return parseTemplate(source);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) {
      throw new TemplateCompileError(`${error.message} in "${source}"`, path);
    }
    throw error;
  }
}

function compileLists(lists: NonNullable<TemplateSet["lists"]>): Map<string, CompiledList> {
  const out = new Map<string, CompiledList>();
  for (const [name, spec] of Object.entries(lists)) {
    if ((BUILTIN_SLOTS as readonly string[]).includes(name)) {
      throw new TemplateCompileError(`list {${name}} is filled from the registry and cannot be redefined`, [
        "lists",
        name,
      ]);
    }
    const values = new Map<string, string | number>();
    let maxTokens = 0;
    spec.values.forEach((value, index) => {
      const spoken = typeof value === "string" ? value : value.in;
      const key = normalizeText(spoken);
      if (!key)
        throw new TemplateCompileError(`empty value in list {${name}}`, ["lists", name, "values", index]);
      const slotValue = typeof value === "string" ? key : value.out;
      if (name === "domain" && !Object.values(INTENT_DOMAINS).some((d) => d?.includes(String(slotValue)))) {
        throw new TemplateCompileError(`unknown domain "${slotValue}" in list {domain}`, [
          "lists",
          name,
          "values",
          index,
        ]);
      }
      values.set(key, slotValue);
      maxTokens = Math.max(maxTokens, key.split(" ").length);
    });
    out.set(name, { values, maxTokens });
  }
  return out;
}

/** A sentence that requires a domain its intent cannot act on could never match: say so at start. */
function checkRequiredDomains(
  intent: string,
  required: readonly string[] | undefined,
  path: ReadonlyArray<string | number>,
): void {
  const acts = INTENT_DOMAINS[intent];
  for (const [i, domain] of (required ?? []).entries()) {
    if (acts?.includes(domain)) continue;
    const can = acts ? `it acts on ${acts.join(", ")}` : "it acts on no device";
    throw new TemplateCompileError(
      `${intent} cannot act on domain "${domain}" (${can}): these sentences could never match`,
      [...path, "domain", i],
    );
  }
}
