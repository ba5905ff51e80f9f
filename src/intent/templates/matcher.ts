import { type Duration, durationSeconds, parseDuration } from "../text/duration.js";
import { type FuzzyKey, fuzzyKey, keySimilarity } from "../text/fuzzy.js";
import { parseNumber } from "../text/numbers.js";
import type { AreaEntry, NameEntry, Vocabulary } from "../vocabulary.js";
import type { TemplateNode } from "./syntax.js";
import { MAX_TIMER_LABEL_WORDS, readTimerLabel } from "./timer-names.js";
import type { CompiledTemplate, CompiledTemplates } from "./types.js";

export type SlotValue =
  | { kind: "name"; entry: NameEntry; confidence: number }
  | { kind: "area"; entry: AreaEntry; confidence: number }
  | { kind: "value"; value: string | number; confidence: number }
  | { kind: "duration"; value: Duration; confidence: number };

export interface Capture {
  slot: string;
  value: SlotValue;
}

export interface TemplateMatch {
  template: CompiledTemplate;
  captures: Capture[];
  /** Product of the slot confidences (1 for exact words). */
  confidence: number;
}

/** Utterances longer than this are not commands; the matcher does not try them. */
export const MAX_TEMPLATE_TOKENS = 40;
const MAX_MATCHES = 64;
const NUMBER_SPAN = 6;
const DURATION_SPAN = 12;

type CaptureList = { capture: Capture; next: CaptureList } | null;

/**
 * Backtracking matcher over the template trees: every full-length match of every template,
 * with slot spans resolved against the registry vocabulary as it goes (a span that is not
 * a name stops that branch at once). Spans are resolved once per utterance and cached, so
 * 50 templates cost about as much as one. `fuzzy` adds misheard names (keySimilarity >= threshold).
 */
export class UtteranceMatcher {
  readonly #cache = new Map<string, SlotValue | null>();
  readonly #matches: TemplateMatch[] = [];
  #template: CompiledTemplate | null = null;

  constructor(
    private readonly tokens: readonly string[],
    private readonly compiled: CompiledTemplates,
    private readonly vocabulary: Vocabulary,
    private readonly fuzzyThreshold: number | null,
  ) {}

  matchAll(): TemplateMatch[] {
    for (const template of this.compiled.templates) {
      if (this.#matches.length >= MAX_MATCHES) break;
      this.#template = template;
      this.#seq(template.nodes, 0, 0, null, (pos, captures) => {
        if (pos === this.tokens.length) this.#record(captures);
      });
    }
    // Stable sort: equal confidence keeps template order.
    return this.#matches.sort((a, b) => b.confidence - a.confidence);
  }

  #record(list: CaptureList): void {
    if (!this.#template || this.#matches.length >= MAX_MATCHES) return;
    const captures: Capture[] = [];
    let confidence = 1;
    for (let node = list; node; node = node.next) {
      captures.unshift(node.capture);
      confidence *= node.capture.value.confidence;
    }
    this.#matches.push({ template: this.#template, captures, confidence });
  }

  #seq(
    nodes: readonly TemplateNode[],
    index: number,
    pos: number,
    captures: CaptureList,
    done: (pos: number, captures: CaptureList) => void,
  ): void {
    if (this.#matches.length >= MAX_MATCHES) return;
    const node = nodes[index];
    if (!node) {
      done(pos, captures);
      return;
    }
    const next = (p: number, c: CaptureList) => this.#seq(nodes, index + 1, p, c, done);
    switch (node.kind) {
      case "word":
        if (this.tokens[pos] === node.word) next(pos + 1, captures);
        return;
      case "alt":
        for (const option of node.options) this.#seq(option, 0, pos, captures, next);
        if (node.optional) next(pos, captures);
        return;
      case "slot":
        for (let end = pos + 1; end <= Math.min(this.tokens.length, pos + this.#maxSpan(node.name)); end++) {
          const value = this.#resolve(node.name, pos, end);
          if (value) next(end, { capture: { slot: node.name, value }, next: captures });
        }
        return;
      case "rule":
        // Rules are expanded at compile time; an unexpanded one cannot match.
        return;
    }
  }

  #maxSpan(slot: string): number {
    const extra = this.fuzzyThreshold === null ? 0 : 1;
    if (slot === "name") return this.vocabulary.maxNameTokens + extra;
    if (slot === "area") return this.vocabulary.maxAreaTokens + extra;
    if (slot === "brightness" || slot === "temperature") return NUMBER_SPAN;
    if (slot === "duration") return DURATION_SPAN;
    if (slot === "timer_label") return MAX_TIMER_LABEL_WORDS;
    return this.compiled.lists.get(slot)?.maxTokens ?? 0;
  }

  #resolve(slot: string, start: number, end: number): SlotValue | null {
    const key = `${slot}:${start}:${end}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const value = this.#resolveSpan(slot, this.tokens.slice(start, end));
    this.#cache.set(key, value);
    return value;
  }

  #resolveSpan(slot: string, words: string[]): SlotValue | null {
    const text = words.join(" ");
    switch (slot) {
      case "name":
        return this.#name(text);
      case "area":
        return this.#area(text);
      case "brightness": {
        const value = parseNumber(words);
        return value !== null && Number.isInteger(value) && value >= 0 && value <= 100
          ? { kind: "value", value, confidence: 1 }
          : null;
      }
      case "temperature": {
        const value = parseNumber(words);
        return value !== null && value > 0 && value <= 100 ? { kind: "value", value, confidence: 1 } : null;
      }
      case "duration": {
        const value = parseDuration(words);
        const total = value && durationSeconds(value);
        return value && total && total > 0 && total <= 86_400
          ? { kind: "duration", value, confidence: 1 }
          : null;
      }
      case "timer_label": {
        // Below a listed name ({timer_name}, 1): where both read the words, the list wins.
        const label = readTimerLabel(words);
        return label === null ? null : { kind: "value", value: label, confidence: 0.95 };
      }
      default: {
        const value = this.compiled.lists.get(slot)?.values.get(text);
        return value === undefined ? null : { kind: "value", value, confidence: 1 };
      }
    }
  }

  #name(text: string): SlotValue | null {
    const exact = this.vocabulary.names.get(text) ?? this.vocabulary.names.get(singular(text));
    if (exact) return { kind: "name", entry: exact, confidence: 1 };
    if (this.fuzzyThreshold === null) return null;
    const best = bestFuzzy(fuzzyKey(text), this.vocabulary.fuzzyNames, this.fuzzyThreshold);
    return best ? { kind: "name", entry: best.entry, confidence: best.score } : null;
  }

  #area(text: string): SlotValue | null {
    const exact = this.vocabulary.areas.get(text);
    if (exact) return { kind: "area", entry: exact, confidence: 1 };
    if (this.fuzzyThreshold === null) return null;
    const best = bestFuzzy(fuzzyKey(text), this.vocabulary.fuzzyAreas, this.fuzzyThreshold);
    return best ? { kind: "area", entry: best.entry, confidence: best.score } : null;
  }
}

function bestFuzzy<E>(
  heard: FuzzyKey,
  candidates: ReadonlyArray<{ entry: E; key: FuzzyKey }>,
  threshold: number,
): { entry: E; score: number } | null {
  let best: { entry: E; score: number } | null = null;
  for (const candidate of candidates) {
    const score = keySimilarity(heard, candidate.key, best ? Math.max(best.score, threshold) : threshold);
    if (score >= threshold && (!best || score > best.score)) best = { entry: candidate.entry, score };
  }
  return best;
}

/** "kitchen lights" -> "kitchen light": people pluralise names they gave in the singular. */
function singular(text: string): string {
  return text.endsWith("s") && !text.endsWith("ss") ? text.slice(0, -1) : text;
}
