import type { TemplateNode } from "./syntax.js";

/** A value of a slot list: what is said (`in`) and what goes into the slot (`out`). */
export interface ListValue {
  in: string;
  out: string | number;
}

export interface SentenceGroup {
  sentences: string[];
  /** Restricts {name}/{area} matches to these domains (e.g. "lock the {name}" only locks). */
  requires?: { domain?: string[] };
  /** Fixed slot values this group adds (e.g. {brightness: 100} for "full brightness"). */
  slots?: Record<string, string | number>;
  /** Where the group came from in the user's file (set when merging), so errors name its line. */
  origin?: ReadonlyArray<string | number>;
}

/** The shape of the built-in templates and of a user's templates file (YAML). */
export interface TemplateSet {
  /** `<name>` rules. A user rule with a built-in name replaces it. */
  expansion_rules?: Record<string, string>;
  /** `{name}` lists with fixed values. A user list with a built-in name replaces it. */
  lists?: Record<string, { values: Array<string | ListValue> }>;
  /** Sentences per intent. User groups are added to the built-in ones, or replace them with `replace: true`. */
  intents?: Record<string, { replace?: boolean; data: SentenceGroup[] }>;
  /** Filler words and phrases dropped at the start or end of an utterance ("please", "can you"). */
  skip_words?: string[];
}

/** Slots filled from the registry or parsed from numbers, rather than from a fixed list. */
export const BUILTIN_SLOTS = [
  "name",
  "area",
  "brightness",
  "temperature",
  "duration",
  "timer_label",
] as const;

export interface CompiledTemplate {
  intent: string;
  nodes: TemplateNode[];
  requiresDomains: ReadonlySet<string> | null;
  fixedSlots: Readonly<Record<string, string | number>>;
  /** The sentence as written, for debugging and tests. */
  sentence: string;
}

export interface CompiledList {
  /** Normalised spoken form -> slot value. */
  values: Map<string, string | number>;
  maxTokens: number;
}

export interface CompiledTemplates {
  templates: CompiledTemplate[];
  lists: Map<string, CompiledList>;
  /** Filler phrases as token lists, longest first. */
  skipPhrases: string[][];
}
