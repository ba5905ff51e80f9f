import type { DeviceRegistry } from "../registry.js";
import type { TemplateRecognizer } from "../templates/recognizer.js";
import type { CompiledTemplates } from "../templates/types.js";
import { Vocabulary } from "../vocabulary.js";
import { buildSentenceGraph } from "./build.js";
import { SentenceSpace } from "./space.js";

/**
 * The current sentence space of a registry: rebuilt after the registry changes (learned
 * devices), on a later turn of the event loop rather than on the audio path; until then
 * the previous space serves.
 */
export class SentenceSpaceCache {
  #space: SentenceSpace | null = null;
  #builtFor = -1;
  #scheduled = false;
  readonly #unsubscribe: () => void;

  constructor(
    private readonly compiled: CompiledTemplates,
    private readonly registry: DeviceRegistry,
    private readonly recognizer: TemplateRecognizer,
    private readonly wakePhrases: readonly string[],
    private readonly fuzzy: TemplateRecognizer = recognizer,
  ) {
    this.#unsubscribe = registry.onChange(() => this.#schedule());
  }

  get(): SentenceSpace {
    if (!this.#space) this.#rebuild();
    return this.#space as SentenceSpace;
  }

  dispose(): void {
    this.#unsubscribe();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#builtFor !== this.registry.version) this.#rebuild();
    });
  }

  #rebuild(): void {
    const version = this.registry.version;
    const source = {
      compiled: this.compiled,
      vocabulary: new Vocabulary(this.registry.all()),
      wakePhrases: this.wakePhrases,
    };
    this.#space = new SentenceSpace(
      buildSentenceGraph(source),
      this.recognizer,
      this.registry,
      this.wakePhrases,
      this.compiled.skipPhrases,
      buildSentenceGraph({ ...source, commandsOnly: true }),
      this.fuzzy,
    );
    this.#builtFor = version;
  }
}
