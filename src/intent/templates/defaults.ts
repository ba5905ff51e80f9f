import { BUILTIN_TEMPLATES } from "./builtin.js";
import { RELATIVE_TEMPLATES } from "./relative.js";
import { TIMER_NAME_TEMPLATES } from "./timer-names.js";
import type { TemplateSet } from "./types.js";

/**
 * The templates the board starts from: the built-in sentences, then the conversation's own
 * (relative changes, relative.ts; free timer names, timer-names.ts), kept in files of their own so each stays small. A user's
 * templates file extends or replaces these (file.ts).
 */
export const DEFAULT_TEMPLATES: TemplateSet = joinSets([
  BUILTIN_TEMPLATES,
  RELATIVE_TEMPLATES,
  TIMER_NAME_TEMPLATES,
]);

/** Rules and lists of later sets win; sentence groups are added after the earlier ones. */
function joinSets(sets: readonly TemplateSet[]): TemplateSet {
  const intents: NonNullable<TemplateSet["intents"]> = {};
  for (const set of sets)
    for (const [name, spec] of Object.entries(set.intents ?? {}))
      intents[name] = { data: [...(intents[name]?.data ?? []), ...spec.data] };
  return {
    expansion_rules: Object.assign({}, ...sets.map((s) => s.expansion_rules ?? {})),
    lists: Object.assign({}, ...sets.map((s) => s.lists ?? {})),
    intents,
    skip_words: sets.flatMap((s) => s.skip_words ?? []),
  };
}
