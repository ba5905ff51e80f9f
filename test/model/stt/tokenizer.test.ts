import { describe, expect, it } from "vitest";
import { stateRivalTokens } from "../../../src/stt/state-words.js";
import { tinyTokenizer } from "./helpers.js";

describe("WhisperTokenizer (byte-level BPE)", () => {
  const tokenizer = tinyTokenizer();

  it("round-trips ASCII and non-ASCII text", () => {
    for (const text of [
      " Turn on the kitchen light.",
      " Café, naïve, Grüße",
      " 日本語のテキスト",
      " Привет, мир",
      " 🙂 ok",
    ]) {
      expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    }
  });

  it("decodes no tokens as no text (a window that ends at once after a forced start)", () => {
    expect(tokenizer.decode([])).toBe("");
  });

  it("joins a character whose UTF-8 bytes are split across tokens", () => {
    // "鑫" and "🙂" are rare: several byte-level tokens each. Decoded one by one they are
    // replacement characters; decoded together, the character.
    for (const text of [" 鑫", " 🙂"]) {
      const ids = tokenizer.encode(text);
      expect(ids.length).toBeGreaterThan(2);
      expect(ids.map((id) => tokenizer.decode([id])).join("")).toContain("\uFFFD");
      expect(tokenizer.decode(ids)).toBe(text);
    }
  });

  it("drops special tokens when decoding", () => {
    const ids = [50258, 50259, 50359, 50363, ...tokenizer.encode(" Hello"), 50257];
    expect(tokenizer.decode(ids)).toBe(" Hello");
  });

  it("builds the previous-text prompt with a leading space, keeping the last tokens when too long", () => {
    const prompt = tokenizer.promptTokens("  living room lamp ", 223);
    expect(prompt).toEqual(tokenizer.encode(" living room lamp"));
    expect(tokenizer.promptTokens("   ", 223)).toEqual([]);
    const long = tokenizer.promptTokens("lamp ".repeat(400), 10);
    expect(long).toHaveLength(10);
  });
});

describe("WhisperTokenizer.tokenTexts", () => {
  const tokenizer = tinyTokenizer();

  it("gives each whole token's text as decode() does, without pieces of characters", () => {
    const texts = tokenizer.tokenTexts(50257);
    expect(texts.length).toBeGreaterThan(45_000);
    for (const [id, text] of texts.filter((_, i) => i % 997 === 0)) expect(tokenizer.decode([id])).toBe(text);
    const byId = new Map(texts);
    const [turn] = tokenizer.encode(" Turn");
    expect(byId.get(turn as number)).toBe(" Turn");
    expect([...byId.values()].some((t) => t.includes("\uFFFD"))).toBe(false);
  });
});

describe("stateRivalTokens (whisper-tiny's vocabulary)", () => {
  const tokenizer = tinyTokenizer();
  const id = (text: string) => tokenizer.encode(text)[0] as number;

  it("maps each state word's token to the others in the same spelling", () => {
    const rivals = stateRivalTokens(tokenizer);
    expect([...(rivals.get(id(" on")) ?? [])].sort()).toEqual([id(" off"), id(" up"), id(" down")].sort());
    expect([...(rivals.get(id(" Up")) ?? [])].sort()).toEqual([id(" On"), id(" Off"), id(" Down")].sort());
    expect(rivals.get(id(" the"))).toBeUndefined();
  });

  it("pairs on and off alone without the direction words", () => {
    const rivals = stateRivalTokens(tokenizer, false);
    expect(rivals.get(id(" on"))).toEqual([id(" off")]);
    expect(rivals.has(id(" up"))).toBe(false);
  });
});
