import { readFileSync } from "node:fs";
import { Tokenizer } from "@huggingface/tokenizers";

/**
 * Whisper's byte-level BPE, through Hugging Face's tokenizers.js (zero dependencies, the
 * tokenizer transformers.js itself uses): it reads the model's tokenizer.json as-is, so
 * `.en`, multilingual and v3 vocabularies all work, and it joins byte-level pieces before
 * UTF-8 decoding, so characters split across tokens ("é", "日") come out whole.
 */
export class WhisperTokenizer {
  readonly #tokenizer: Tokenizer;
  readonly #vocab: Record<string, number>;

  constructor(tokenizerJson: object, tokenizerConfig: object) {
    this.#tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    this.#vocab = (tokenizerJson as { model?: { vocab?: Record<string, number> } }).model?.vocab ?? {};
  }

  /**
   * The text of every vocabulary token below `limit` that is whole UTF-8 on its own (pieces
   * of a multi-byte character are left out), as decode([id]) gives it: read from the
   * byte-level vocabulary directly, ~50x faster than 50,000 decode calls (guided decoding
   * spells the whole vocabulary once).
   */
  tokenTexts(limit: number): Array<[id: number, text: string]> {
    const bytes = byteLevelTable();
    const utf8 = new TextDecoder("utf-8", { fatal: true });
    const out: Array<[number, string]> = [];
    for (const [piece, id] of Object.entries(this.#vocab)) {
      if (id >= limit) continue;
      const raw = Uint8Array.from([...piece].map((ch) => bytes.get(ch) ?? 0));
      try {
        const text = utf8.decode(raw);
        if (!text.includes("\uFFFD")) out.push([id, text]);
      } catch {
        // Part of a character: never a word of ours on its own.
      }
    }
    return out;
  }

  static fromFiles(tokenizerFile: string, configFile: string | undefined): WhisperTokenizer {
    const json = JSON.parse(readFileSync(tokenizerFile, "utf8")) as object;
    const config = configFile ? (JSON.parse(readFileSync(configFile, "utf8")) as object) : {};
    return new WhisperTokenizer(json, config);
  }

  /** Token ids of plain text, with no special tokens around it. */
  encode(text: string): number[] {
    return this.#tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /** Text of generated ids, special tokens dropped; space clean-up as the model's tokenizer_config.json says. */
  decode(ids: number[]): string {
    // The library refuses an empty list; a window can end at once after a forced start.
    if (ids.length === 0) return "";
    return this.#tokenizer.decode(ids, { skip_special_tokens: true });
  }

  /**
   * Whisper's previous-text prompt: the text after a leading space (as the reference encodes it),
   * keeping the last `maxTokens` tokens when it is longer.
   */
  promptTokens(text: string, maxTokens: number): number[] {
    const trimmed = text.trim();
    if (!trimmed || maxTokens <= 0) return [];
    const ids = this.encode(` ${trimmed}`);
    return ids.length > maxTokens ? ids.slice(ids.length - maxTokens) : ids;
  }
}

let table: Map<string, number> | null = null;

/** GPT-2's byte-level alphabet: each byte is written as one printable character (" " as "Ġ"). */
function byteLevelTable(): Map<string, number> {
  if (table) return table;
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  table = new Map();
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table.set(String.fromCharCode(printable(b) ? b : 256 + extra++), b);
  }
  return table;
}
