/**
 * A home's sentences as a recursive transition network: networks of nodes joined by word
 * edges, empty edges, and call edges into other networks (a slot such as {name} or a number
 * is one network, shared by every template that uses it, so 200 devices x 50 templates x
 * 101 numbers is never enumerated). It is walked one character at a time over canonical
 * text (lower-case letters, digits, and " " between words), which is what a Whisper token
 * spells (spell.ts), so a decoder can ask "can this prefix continue?" for any token.
 */

export interface WordEdge {
  word: string;
  to: number;
}

interface NetworkNode {
  words: WordEdge[];
  empty: number[];
  calls: Array<{ network: number; to: number }>;
  final: boolean;
}

/** One network under construction: node 0 is its start. */
export class Network {
  readonly nodes: NetworkNode[] = [];
  constructor(
    readonly id: number,
    readonly name: string,
  ) {
    this.node();
  }

  node(): number {
    this.nodes.push({ words: [], empty: [], calls: [], final: false });
    return this.nodes.length - 1;
  }

  word(from: number, to: number, word: string): void {
    this.#at(from).words.push({ word, to });
  }

  /** A path of words from `from`; returns the node it ends at (`to` when given). */
  phrase(from: number, words: readonly string[], to?: number): number {
    let at = from;
    words.forEach((word, i) => {
      const next = i === words.length - 1 && to !== undefined ? to : this.node();
      this.word(at, next, word);
      at = next;
    });
    if (words.length === 0 && to !== undefined) this.empty(from, to);
    return words.length === 0 && to !== undefined ? to : at;
  }

  empty(from: number, to: number): void {
    this.#at(from).empty.push(to);
  }

  call(from: number, to: number, network: Network): void {
    this.#at(from).calls.push({ network: network.id, to });
  }

  final(node: number): void {
    this.#at(node).final = true;
  }

  #at(node: number): NetworkNode {
    const found = this.nodes[node];
    if (!found) throw new RangeError(`network ${this.name} has no node ${node}`);
    return found;
  }
}

/** Where to go back to when a called network reaches one of its final nodes. */
interface Frame {
  id: number;
  network: number;
  node: number;
  parent: Frame | null;
}

/** A position: at a node between words (`open`: a word may start here), or inside a word edge. */
type Cursor =
  | { kind: "node"; network: number; node: number; stack: Frame | null; open: boolean }
  | { kind: "word"; network: number; edge: WordEdge; offset: number; stack: Frame | null };

/** Every position the text so far can be at; immutable. */
export interface GraphState {
  readonly cursors: readonly Cursor[];
  readonly key: string;
}

export interface GraphSize {
  networks: number;
  nodes: number;
  edges: number;
}

type Place = { network: number; node: number; stack: Frame | null };

/** A compiled sentence space: the character-level walk over its networks. */
export class SentenceGraph {
  readonly #networks: Array<{ nodes: NetworkNode[]; byFirst: Map<string, WordEdge[]>[] }>;
  readonly #frames = new Map<string, Frame>();
  readonly #closures = new Map<string, Place[]>();
  readonly start: GraphState;

  /** `tail`: the root's node of trailing fillers ("please", "thanks"), which nextWords() leaves out. */
  constructor(
    networks: readonly Network[],
    readonly root: number,
    private readonly tail: number | null = null,
  ) {
    this.#networks = networks.map((network) => ({
      nodes: network.nodes,
      byFirst: network.nodes.map((node) => {
        const index = new Map<string, WordEdge[]>();
        for (const edge of node.words) {
          const first = edge.word[0] as string;
          index.set(first, [...(index.get(first) ?? []), edge]);
        }
        return index;
      }),
    }));
    this.start = state([{ kind: "node", network: root, node: 0, stack: null, open: true }]);
  }

  /** Every word any sentence is made of, as the graph spells them ("turn", "21", "18.5"). */
  words(): ReadonlySet<string> {
    const words = new Set<string>();
    for (const network of this.#networks)
      for (const node of network.nodes) for (const edge of node.words) words.add(edge.word);
    return words;
  }

  get size(): GraphSize {
    let nodes = 0;
    let edges = 0;
    for (const network of this.#networks) {
      nodes += network.nodes.length;
      for (const node of network.nodes) edges += node.words.length + node.empty.length + node.calls.length;
    }
    return { networks: this.#networks.length, nodes, edges };
  }

  /** The state after one canonical character (a letter, a digit, " " or "."), or null when no sentence goes on so. */
  step(from: GraphState, char: string): GraphState | null {
    const next: Cursor[] = [];
    for (const cursor of from.cursors) {
      if (char === " " || char === ".") {
        // Separators collapse: any number of them between words, or around the sentence.
        // A "." also goes on inside a word that has one ("21.5").
        if (cursor.kind === "node") next.push(cursor.open ? cursor : { ...cursor, open: true });
        else if (char === "." && cursor.edge.word[cursor.offset] === char) {
          next.push(this.#advance(cursor, cursor.offset + 1));
        }
      } else if (cursor.kind === "word") {
        if (cursor.edge.word[cursor.offset] === char) next.push(this.#advance(cursor, cursor.offset + 1));
      } else if (cursor.open) {
        for (const place of this.#closure(cursor)) {
          const edges = this.#networks[place.network]?.byFirst[place.node]?.get(char) ?? [];
          for (const edge of edges) {
            next.push(
              this.#advance({ kind: "word", network: place.network, edge, offset: 0, stack: place.stack }, 1),
            );
          }
        }
      }
    }
    return next.length === 0 ? null : state(next);
  }

  /**
   * The characters step() can take from `at`; every other one gives null. Whisper's token trie
   * is walked against the graph (stt/token-trie.ts), and inside a word all but one of a trie
   * node's children fail: asking first spares those steps (most of a first search's walk).
   */
  nextChars(at: GraphState): Set<string> {
    const out = new Set<string>();
    for (const cursor of at.cursors) {
      if (cursor.kind === "word") {
        out.add(cursor.edge.word[cursor.offset] as string);
        continue;
      }
      out.add(" ").add(".");
      if (!cursor.open) continue;
      for (const place of this.#closure(cursor))
        for (const first of this.#networks[place.network]?.byFirst[place.node]?.keys() ?? []) out.add(first);
    }
    return out;
  }

  /** Steps through a whole canonical string; null as soon as it leaves the space. */
  walk(from: GraphState, text: string): GraphState | null {
    let at: GraphState | null = from;
    for (const char of text) {
      at = this.step(at, char);
      if (!at) return null;
    }
    return at;
  }

  /** True when the text so far is a whole sentence (it may still continue). */
  isComplete(at: GraphState): boolean {
    return at.cursors.some(
      (cursor) =>
        cursor.kind === "node" &&
        this.#closure(cursor).some((p) => p.stack === null && p.network === this.root && this.#isFinal(p)),
    );
  }

  /** True when some longer sentence starts with the text so far (a word, or more words, may follow). */
  canContinue(at: GraphState): boolean {
    return at.cursors.some(
      (cursor) =>
        cursor.kind === "word" ||
        this.#closure(cursor).some((p) => (this.#networks[p.network]?.byFirst[p.node]?.size ?? 0) > 0),
    );
  }

  /**
   * The words that may follow the text so far as a new word (trailing fillers left out):
   * empty when no longer sentence starts with it. Words running on inside the last word
   * ("light" -> "lights") are not counted: a pause never falls inside a word.
   */
  nextWords(at: GraphState): Set<string> {
    const out = new Set<string>();
    for (const cursor of at.cursors) {
      if (cursor.kind !== "node") continue;
      for (const place of this.#closure(cursor)) {
        if (place.network === this.root && place.node === this.tail && place.stack === null) continue;
        for (const edge of this.#networks[place.network]?.nodes[place.node]?.words ?? []) out.add(edge.word);
      }
    }
    return out;
  }

  #advance(cursor: Extract<Cursor, { kind: "word" }>, offset: number): Cursor {
    if (offset < cursor.edge.word.length) return { ...cursor, offset };
    return { kind: "node", network: cursor.network, node: cursor.edge.to, stack: cursor.stack, open: false };
  }

  #isFinal(place: Place): boolean {
    return this.#networks[place.network]?.nodes[place.node]?.final ?? false;
  }

  /** The places reachable without reading a word: empty edges, calls into networks, returns from them. */
  #closure(start: Place): Place[] {
    const key = placeKey(start);
    const cached = this.#closures.get(key);
    if (cached) return cached;
    const seen = new Set<string>();
    const out: Place[] = [];
    const visit = (place: Place) => {
      const k = placeKey(place);
      if (seen.has(k)) return;
      seen.add(k);
      out.push(place);
      const node = this.#networks[place.network]?.nodes[place.node];
      if (!node) return;
      for (const to of node.empty) visit({ ...place, node: to });
      for (const call of node.calls) {
        const frame = this.#frame(place.network, call.to, place.stack);
        visit({ network: call.network, node: 0, stack: frame });
      }
      if (node.final && place.stack) {
        const { network, node: back, parent } = place.stack;
        visit({ network, node: back, stack: parent });
      }
    };
    visit(start);
    this.#closures.set(key, out);
    return out;
  }

  #frame(network: number, node: number, parent: Frame | null): Frame {
    const key = `${parent?.id ?? -1}:${network}:${node}`;
    let frame = this.#frames.get(key);
    if (!frame) {
      frame = { id: this.#frames.size, network, node, parent };
      this.#frames.set(key, frame);
    }
    return frame;
  }
}

function placeKey(place: Place): string {
  return `${place.network}.${place.node}.${place.stack?.id ?? -1}`;
}

function cursorKey(cursor: Cursor): string {
  const stack = cursor.stack?.id ?? -1;
  return cursor.kind === "node"
    ? `n${cursor.network}.${cursor.node}.${stack}.${cursor.open ? 1 : 0}`
    : `w${cursor.network}.${cursor.edge.to}.${cursor.edge.word}.${cursor.offset}.${stack}`;
}

function state(cursors: Cursor[]): GraphState {
  const unique = new Map<string, Cursor>();
  for (const cursor of cursors) unique.set(cursorKey(cursor), cursor);
  const keys = [...unique.keys()].sort();
  return { cursors: keys.map((k) => unique.get(k) as Cursor), key: keys.join("|") };
}
