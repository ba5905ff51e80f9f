import { INTENT_DOMAINS } from "../domains.js";
import type { TemplateNode } from "../templates/syntax.js";
import type { CompiledTemplate, CompiledTemplates } from "../templates/types.js";
import { tokenize } from "../text/normalize.js";
import type { Vocabulary } from "../vocabulary.js";
import { followUpShapes } from "./follow-ups.js";
import { Network, SentenceGraph } from "./graph.js";
import { buildDuration, buildNumber, buildPhrases } from "./slots.js";

export interface SentenceSpaceSource {
  compiled: CompiledTemplates;
  vocabulary: Vocabulary;
  /** Wake phrases ("hey jarvis"): heard at the start when the command follows without a pause. */
  wakePhrases: readonly string[];
  /**
   * Only the commands themselves (default: also fillers and follow-up shapes): the second
   * search of guided decoding walks this graph, where a poorly heard "Turn" cannot be outrun
   * by "So, now, ..." nor by a follow-up's "And also ...".
   */
  commandsOnly?: boolean;
}

/**
 * Compiles every sentence the intent stage understands into one graph: an optional wake
 * phrase, filler words ("please", "can you") before and after, then any template, with its
 * slots as shared networks. {name} and {area} only hold what the template can act on
 * ("lock the {name}" holds the locks), so the space is close to what the matcher accepts.
 */
export function buildSentenceGraph(source: SentenceSpaceSource): SentenceGraph {
  const builder = new Builder(source);
  return builder.build();
}

class Builder {
  readonly #networks: Network[] = [];
  readonly #shared = new Map<string, Network>();

  constructor(private readonly source: SentenceSpaceSource) {}

  build(): SentenceGraph {
    const root = this.#network("sentence");
    const afterWake = root.node();
    root.empty(0, afterWake);
    // "hey jarvis" and "jarvis": the detector fires before the phrase is over, so Whisper may hear its end.
    const wake = this.source.wakePhrases.map((p) => tokenize(p)).flatMap((w) => w.map((_, i) => w.slice(i)));
    for (const words of wake) root.phrase(0, words, afterWake);
    const fillers = this.source.commandsOnly ? [] : this.source.compiled.skipPhrases;
    for (const filler of fillers) root.phrase(afterWake, filler, afterWake);
    const end = root.node();
    root.final(end);
    for (const filler of fillers) root.phrase(end, filler, end);
    const followUps = this.source.commandsOnly ? [] : followUpShapes();
    for (const template of [...this.source.compiled.templates, ...followUps]) {
      const last = this.#sequence(root, afterWake, template.nodes, template);
      root.empty(last, end);
    }
    return new SentenceGraph(this.#networks, root.id, end);
  }

  #network(name: string): Network {
    const network = new Network(this.#networks.length, name);
    this.#networks.push(network);
    return network;
  }

  #sequence(net: Network, from: number, nodes: readonly TemplateNode[], template: CompiledTemplate): number {
    let at = from;
    for (const node of nodes) {
      if (node.kind === "word") {
        const next = net.node();
        net.word(at, next, node.word);
        at = next;
      } else if (node.kind === "alt") {
        const join = net.node();
        for (const option of node.options) net.empty(this.#sequence(net, at, option, template), join);
        if (node.optional) net.empty(at, join);
        at = join;
      } else if (node.kind === "slot") {
        const next = net.node();
        net.call(at, next, this.#slot(node.name, domainsOf(template)));
        at = next;
      } else {
        throw new Error(`rule <${node.name}> was not expanded`);
      }
    }
    return at;
  }

  /** The network of a slot, built once per slot and domain filter and shared by reference. */
  #slot(name: string, domains: ReadonlySet<string> | null): Network {
    const filtered = name === "name" || name === "area" || name === "domain";
    const key = filtered && domains ? `${name}:${[...domains].sort().join(",")}` : name;
    const existing = this.#shared.get(key);
    if (existing) return existing;
    if (name === "brightness" || name === "temperature") return this.#number();
    const net = this.#network(key);
    this.#shared.set(key, net);
    const fits = (domain: string) => !domains || domains.has(domain);
    const { vocabulary, compiled } = this.source;
    switch (name) {
      case "name":
        buildPhrases(net, nameVariants(vocabulary, fits));
        break;
      case "area": {
        const areas = [...vocabulary.areas.values()].filter((entry) =>
          vocabulary.devices.some((d) => d.area === entry.area && fits(d.domain)),
        );
        buildPhrases(
          net,
          areas.map((entry) => entry.key.split(" ")),
        );
        break;
      }
      case "duration":
        buildDuration(net, this.#number());
        break;
      default: {
        // A free timer name is heard as the listed ones (templates/timer-names.ts).
        const list = name === "timer_label" ? "timer_name" : name;
        const values = [...(compiled.lists.get(list)?.values ?? [])];
        const kept = values.filter(([, out]) => name !== "domain" || fits(String(out)));
        buildPhrases(
          net,
          kept.map(([spoken]) => spoken.split(" ")),
        );
      }
    }
    return net;
  }

  /** Whole numbers: one network for {brightness}, {temperature} and the amounts of {duration}. */
  #number(): Network {
    const shared = this.#shared.get("number");
    if (shared) return shared;
    const net = this.#network("number");
    this.#shared.set("number", net);
    buildNumber(net);
    return net;
  }
}

/** The domains a template's {name}, {area} and {domain} may refer to; null for any. */
function domainsOf(template: CompiledTemplate): ReadonlySet<string> | null {
  const allowed = INTENT_DOMAINS[template.intent];
  if (!allowed && !template.requiresDomains) return null;
  const out = new Set(allowed ?? template.requiresDomains ?? []);
  if (template.requiresDomains) for (const d of out) if (!template.requiresDomains.has(d)) out.delete(d);
  return out;
}

/** Names and aliases of the devices that fit, each also with a plural last word ("kitchen lights"). */
function nameVariants(vocabulary: Vocabulary, fits: (domain: string) => boolean): string[][] {
  const out: string[][] = [];
  for (const entry of vocabulary.names.values()) {
    if (!entry.devices.some((d) => fits(d.domain))) continue;
    const words = entry.key.split(" ");
    out.push(words);
    const last = words[words.length - 1] as string;
    if (!last.endsWith("s")) out.push([...words.slice(0, -1), `${last}s`]);
  }
  return out;
}
