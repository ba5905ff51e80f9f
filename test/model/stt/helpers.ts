import { readFileSync } from "node:fs";
import { ModelStore } from "../../../src/models/store.js";
import { type WhisperJsonFiles, whisperSpec } from "../../../src/stt/model-spec.js";
import { WhisperTokenizer } from "../../../src/stt/tokenizer.js";

/** whisper-tiny's JSON files where the store finds them (no hashing: these tests only read JSON). */
export function tinyPaths(): Record<string, string> {
  const store = new ModelStore({ modelsDir: "models", cacheFile: null });
  const paths: Record<string, string> = {};
  for (const located of store.locate("whisper-tiny")) {
    if (located.path) paths[located.file.name] = located.path;
  }
  return paths;
}

export function tinyJson(): WhisperJsonFiles {
  const paths = tinyPaths();
  const read = (name: string) => JSON.parse(readFileSync(paths[name] as string, "utf8"));
  return {
    config: read("config.json"),
    generation: read("generation_config.json"),
    preprocessor: read("preprocessor_config.json"),
    tokenizer: read("tokenizer.json"),
  };
}

export const tinySpec = () => whisperSpec(tinyJson());

export function tinyTokenizer(): WhisperTokenizer {
  const paths = tinyPaths();
  return WhisperTokenizer.fromFiles(paths["tokenizer.json"] as string, paths["tokenizer_config.json"]);
}

/**
 * The files of an English-only (`*.en`) model, derived from tiny's: in those vocabularies
 * end-of-text is 50256, every special token sits one id lower (language tokens included:
 * `.en` tokenizers list them, untrained) and the vocabulary has 51864 entries. Enough to
 * check that ids are read, never assumed.
 */
export function englishOnlyJson(): WhisperJsonFiles {
  const base = tinyJson();
  const added = (base.tokenizer.added_tokens ?? []).map((t) => ({ ...t, id: t.id - 1 }));
  return {
    config: { ...base.config, vocab_size: 51864, suppress_tokens: [1, 2, 7] },
    // No is_multilingual here: older exports lack it, and the vocabulary size must decide.
    generation: {
      suppress_tokens: [1, 2, 7],
      begin_suppress_tokens: [220, 50256],
      no_timestamps_token_id: 50362,
    },
    preprocessor: base.preprocessor,
    tokenizer: { added_tokens: added },
  };
}
