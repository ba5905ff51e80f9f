import { readFileSync } from "node:fs";
import { EdgeVoiceError, ExitCode } from "../errors.js";
import type { MelConfig } from "./mel.js";

/** Ids of Whisper's special tokens, read from the model's own files (they differ between `.en`, multilingual and v3 models). */
export interface SpecialTokens {
  eot: number;
  sot: number;
  sotPrev: number | null;
  noSpeech: number | null;
  noTimestamps: number;
  transcribe: number | null;
  translate: number | null;
  /** ISO 639-1 (or Whisper's) code -> token id; empty for English-only models. */
  languages: Map<string, number>;
}

/** What the decoder needs to know about one Whisper model, from its transformers.js layout. */
export interface WhisperSpec {
  mel: MelConfig;
  multilingual: boolean;
  tokens: SpecialTokens;
  /** Decoder context (448): prompt + start sequence + generated tokens must fit. */
  maxTargetPositions: number;
  decoderHeads: number;
  headDim: number;
  vocabSize: number;
  /** Never sampled: generation_config's suppress_tokens plus every added token except end-of-text (timestamps, language, task). */
  suppressed: Uint8Array;
  /** Not sampled as the first text token (" " and end-of-text). */
  beginSuppressed: number[];
}

/** Raw JSON of the files a WhisperSpec comes from (keys: file names as in the manifest). */
export interface WhisperJsonFiles {
  config: Record<string, unknown>;
  generation: Record<string, unknown>;
  preprocessor: Record<string, unknown>;
  tokenizer: { added_tokens?: { id: number; content: string; special?: boolean }[] };
}

const LAYOUT =
  "an STT model needs the transformers.js layout: config.json, generation_config.json, preprocessor_config.json, tokenizer.json, tokenizer_config.json, onnx/*.onnx";

export function readWhisperJson(paths: Record<string, string>, modelId: string): WhisperJsonFiles {
  const read = (name: string, optional = false): Record<string, unknown> => {
    const file = paths[name];
    if (!file) {
      if (optional) return {};
      throw new EdgeVoiceError("model-load-failed", `model ${modelId} has no ${name}`, {
        hint: LAYOUT,
        exitCode: ExitCode.config,
      });
    }
    try {
      return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch (error) {
      // A hand-made model directory with a broken file: one line naming it, not a stack trace.
      throw new EdgeVoiceError(
        "model-load-failed",
        `model ${modelId}: cannot read ${file}: ${(error as Error).message}`,
        {
          hint: `${LAYOUT}; each a valid JSON file as exported by transformers.js`,
          exitCode: ExitCode.config,
          cause: error,
        },
      );
    }
  };
  return {
    config: read("config.json"),
    generation: read("generation_config.json", true),
    preprocessor: read("preprocessor_config.json"),
    tokenizer: read("tokenizer.json") as WhisperJsonFiles["tokenizer"],
  };
}

export function whisperSpec(files: WhisperJsonFiles): WhisperSpec {
  const { config, generation, preprocessor } = files;
  const added = files.tokenizer.added_tokens ?? [];
  const byContent = new Map(added.map((t) => [t.content, t.id]));
  const id = (...names: string[]): number | null => {
    for (const name of names) {
      const found = byContent.get(name);
      if (found !== undefined) return found;
    }
    return null;
  };
  const eot = id("<|endoftext|>");
  const sot = id("<|startoftranscript|>");
  const noTimestamps = id("<|notimestamps|>");
  if (eot === null || sot === null || noTimestamps === null) {
    throw new EdgeVoiceError(
      "model-load-failed",
      "the model's tokenizer.json lacks Whisper's special tokens",
      {
        hint: "use a Whisper model in the transformers.js layout (e.g. whisper-tiny)",
        exitCode: ExitCode.config,
      },
    );
  }
  const languages = languageTokens(generation, added);
  const vocabSize = num(config.vocab_size, 51865);
  // As the reference decides it: English-only vocabularies have 51864 entries, multilingual
  // ones 51865 (51866 for v3). `.en` tokenizers still list (untrained) language tokens.
  const multilingual =
    typeof generation.is_multilingual === "boolean" ? generation.is_multilingual : vocabSize >= 51865;
  const heads = num(config.decoder_attention_heads, 6);
  return {
    mel: melConfig(preprocessor, num(config.num_mel_bins, 80)),
    multilingual,
    tokens: {
      eot,
      sot,
      sotPrev: id("<|startofprev|>"),
      noSpeech: id("<|nospeech|>", "<|nocaptions|>"),
      noTimestamps,
      transcribe: id("<|transcribe|>"),
      translate: id("<|translate|>"),
      languages: multilingual ? languages : new Map(),
    },
    maxTargetPositions: num(config.max_target_positions, 448),
    decoderHeads: heads,
    headDim: num(config.d_model, 384) / heads,
    vocabSize,
    suppressed: suppressionMask(vocabSize, eot, added, generation.suppress_tokens ?? config.suppress_tokens),
    beginSuppressed: numbers(generation.begin_suppress_tokens ?? config.begin_suppress_tokens ?? [220, eot]),
  };
}

function languageTokens(
  generation: Record<string, unknown>,
  added: { id: number; content: string }[],
): Map<string, number> {
  const out = new Map<string, number>();
  const fromConfig = generation.lang_to_id as Record<string, number> | undefined;
  const entries = fromConfig
    ? Object.entries(fromConfig)
    : added.map((t) => [t.content, t.id] as [string, number]);
  for (const [content, tokenId] of entries) {
    const match = /^<\|([a-z]{2,3})\|>$/.exec(content);
    if (match?.[1]) out.set(match[1], tokenId);
  }
  return out;
}

function suppressionMask(
  vocabSize: number,
  eot: number,
  added: { id: number }[],
  suppress: unknown,
): Uint8Array {
  const mask = new Uint8Array(vocabSize);
  for (const t of numbers(suppress ?? [])) if (t >= 0 && t < vocabSize) mask[t] = 1;
  for (const t of added) if (t.id !== eot && t.id < vocabSize) mask[t.id] = 1;
  return mask;
}

function melConfig(pre: Record<string, unknown>, nMels: number): MelConfig {
  const mel: MelConfig = {
    featureSize: num(pre.feature_size, nMels),
    nFft: num(pre.n_fft, 400),
    hopLength: num(pre.hop_length, 160),
    nSamples: num(pre.n_samples, 480_000),
    nbMaxFrames: num(pre.nb_max_frames, 3000),
    samplingRate: num(pre.sampling_rate, 16_000),
  };
  if (Array.isArray(pre.mel_filters)) {
    const filters = pre.mel_filters as number[][];
    // Saved by the feature extractor as [bins][mels] (transformers' layout); the front end wants [mels][bins].
    mel.melFilters =
      filters.length === mel.featureSize
        ? filters
        : filters[0]?.map((_, m) => filters.map((row) => row[m] ?? 0));
  }
  return mel;
}

function num(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : [];
}
