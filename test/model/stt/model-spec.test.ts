import { describe, expect, it } from "vitest";
import { whisperSpec } from "../../../src/stt/model-spec.js";
import { englishOnlyJson, tinyJson, tinySpec, tinyTokenizer } from "./helpers.js";

describe("whisperSpec", () => {
  it("reads the multilingual tiny model's special tokens and front-end settings from its files", () => {
    const spec = tinySpec();
    expect(spec.multilingual).toBe(true);
    expect(spec.tokens).toMatchObject({
      eot: 50257,
      sot: 50258,
      sotPrev: 50361,
      noSpeech: 50362,
      noTimestamps: 50363,
      transcribe: 50359,
      translate: 50358,
    });
    expect(spec.tokens.languages.get("en")).toBe(50259);
    expect(spec.tokens.languages.get("de")).toBe(50261);
    expect(spec.tokens.languages.size).toBe(99);
    expect(spec.mel).toMatchObject({ featureSize: 80, nFft: 400, hopLength: 160, nbMaxFrames: 3000 });
    expect(spec.beginSuppressed).toEqual([220, 50257]);
    expect(spec.maxTargetPositions).toBe(448);
    expect(spec.headDim).toBe(64);
  });

  it("suppresses generation_config's tokens, timestamps and other specials, never end-of-text or words", () => {
    const { suppressed, tokens } = tinySpec();
    expect(suppressed[tokens.eot]).toBe(0);
    for (const id of [1, 2, 7, 50258, 50359, 50361, 50363, 50364, 51864]) expect(suppressed[id]).toBe(1);
    const word = tinyTokenizer().encode(" light")[0] as number;
    expect(suppressed[word]).toBe(0);
  });

  it("reads an English-only model's shifted ids instead of assuming the multilingual ones", () => {
    const spec = whisperSpec(englishOnlyJson());
    expect(spec.multilingual).toBe(false);
    expect(spec.tokens.languages.size).toBe(0);
    expect(spec.tokens).toMatchObject({ eot: 50256, sot: 50257, noTimestamps: 50362, sotPrev: 50360 });
    expect(spec.beginSuppressed).toEqual([220, 50256]);
    expect(spec.suppressed[50256]).toBe(0);
    expect(spec.suppressed[50257]).toBe(1);
  });

  it("takes 128 mel bins from a large-v3 style preprocessor config", () => {
    const json = tinyJson();
    json.preprocessor = { ...json.preprocessor, feature_size: 128 };
    json.config = { ...json.config, num_mel_bins: 128 };
    expect(whisperSpec(json).mel.featureSize).toBe(128);
  });

  it("refuses a tokenizer without Whisper's special tokens", () => {
    const json = tinyJson();
    json.tokenizer = { added_tokens: [] };
    expect(() => whisperSpec(json)).toThrow(/special tokens/);
  });
});
