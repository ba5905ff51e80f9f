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

  constructor(tokenizerJson: object, tokenizerConfig: object) {
    this.#tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
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
