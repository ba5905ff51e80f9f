import { describe, expect, it } from "vitest";
import { type DecoderSteps, greedyDecode, probeNoSpeech } from "../../../src/stt/decode.js";
import { type WhisperSpec, whisperSpec } from "../../../src/stt/model-spec.js";
import { englishOnlyJson, tinySpec } from "./helpers.js";

/**
 * A decoder that "says" a scripted sequence: after the start sequence, the i-th generated
 * position prefers script[i] (then end-of-text). `boost` adds logits for chosen ids at
 * every position; `sotRow` sets logits at the <|startoftranscript|> position.
 */
class ScriptedDecoder implements DecoderSteps {
  readonly calls: number[][] = [];
  readonly probes: number[][] = [];
  restarts = 0;
  #generated = 0;
  #started = false;

  constructor(
    private readonly spec: WhisperSpec,
    private readonly script: number[],
    private readonly options: {
      boost?: Record<number, number>;
      sotRow?: Record<number, number>;
      onStep?: () => void;
    } = {},
  ) {}

  async step(ids: readonly number[]) {
    this.options.onStep?.();
    this.calls.push([...ids]);
    const vocab = this.spec.vocabSize;
    const rows = this.#started ? 1 : ids.length;
    const logits = new Float32Array(rows * vocab);
    for (let r = 0; r < rows; r++) {
      const row = logits.subarray(r * vocab, (r + 1) * vocab);
      for (const [id, v] of Object.entries(this.options.boost ?? {})) row[Number(id)] = v;
      const sotFirst = !this.#started && r === 0 && ids[0] === this.spec.tokens.sot;
      if (sotFirst) for (const [id, v] of Object.entries(this.options.sotRow ?? {})) row[Number(id)] = v;
    }
    if (this.#isGenerated(ids)) this.#generated++;
    const last = logits.subarray((rows - 1) * vocab);
    const want = this.script[this.#generated] ?? this.spec.tokens.eot;
    last[want] = (last[want] as number) + 10;
    this.#started = true;
    return { logits, vocab };
  }

  /** A single generated id (not start-sequence or prompt tokens) moves the script on. */
  #isGenerated(ids: readonly number[]): boolean {
    return ids.length === 1 && ids[0] !== undefined && ids[0] < this.spec.tokens.eot;
  }

  async probe(ids: readonly number[]) {
    this.probes.push([...ids]);
    const vocab = this.spec.vocabSize;
    const logits = new Float32Array(vocab);
    for (const [id, v] of Object.entries(this.options.sotRow ?? {})) logits[Number(id)] = v;
    return { logits, vocab };
  }

  restart(): void {
    this.restarts++;
    this.#started = false;
  }
}

const spec = tinySpec();
const { sot, sotPrev, noSpeech, noTimestamps, transcribe, eot } = spec.tokens;
const en = spec.tokens.languages.get("en") as number;
const de = spec.tokens.languages.get("de") as number;

describe("greedyDecode", () => {
  it("feeds the start sequence in one call and reads no-speech at the <|startoftranscript|> position", async () => {
    const decoder = new ScriptedDecoder(spec, [100, 200, 300], { sotRow: { [noSpeech as number]: 12 } });
    const result = await greedyDecode(decoder, spec, { promptTokens: [], language: "en", maxTokens: 50 });
    expect(decoder.calls[0]).toEqual([sot, en, transcribe, noTimestamps]);
    expect(decoder.calls.slice(1)).toEqual([[100], [200], [300]]);
    expect(result.tokens).toEqual([100, 200, 300]);
    expect(result.noSpeechProb).toBeGreaterThan(0.5);
    expect(result.language).toBe("en");
    expect(result.avgLogprob).toBeLessThan(0);
    expect(result.budgetHit).toBe(false);
  });

  it("keeps each token's log-probability and, at each position, that of stopping there", async () => {
    // 50 is a stop (as "." is): boosted a little everywhere, never the argmax.
    const decoder = new ScriptedDecoder(spec, [100, 200], { boost: { 50: 5 } });
    const result = await greedyDecode(decoder, spec, {
      promptTokens: [],
      language: "en",
      maxTokens: 50,
      stopTokens: [eot, 50],
    });
    expect(result.tokens).toEqual([100, 200]);
    // Two tokens and end-of-text; their sum is the average's.
    expect(result.logprobs).toHaveLength(3);
    expect(result.logprobs.reduce((a, b) => a + b, 0) / 3).toBeCloseTo(result.avgLogprob, 6);
    expect(result.stopLogprobs).toHaveLength(3);
    // Before each scripted token the stop trails it by the scripted margin (10 against 5)...
    expect((result.logprobs[0] as number) - (result.stopLogprobs[0] as number)).toBeCloseTo(5, 4);
    // ... and at the end, the chosen end-of-text is itself the best stop.
    expect(result.stopLogprobs[2]).toBeCloseTo(result.logprobs[2] as number, 6);
    // Without stop tokens none are read.
    const plain = await greedyDecode(new ScriptedDecoder(spec, [100]), spec, {
      promptTokens: [],
      language: "en",
      maxTokens: 50,
    });
    expect(plain.stopLogprobs).toEqual([]);
  });

  it("keeps a chosen token's smallest lead over its rivals (on over off), read from the rows it has", async () => {
    // The scripted tokens get 10, token 50 gets 7 in every row: 100's lead over its rival 50 is 3.
    const decoder = new ScriptedDecoder(spec, [100, 200], { boost: { 50: 7 } });
    const rivalTokens = new Map([
      [100, [50]],
      [50, [100]],
    ]);
    const result = await greedyDecode(decoder, spec, {
      promptTokens: [],
      language: "en",
      maxTokens: 50,
      rivalTokens,
    });
    expect(result.tokens).toEqual([100, 200]);
    expect(result.rivalLead).toBeCloseTo(3, 4);
    expect(decoder.calls).toHaveLength(3);
    // No chosen token with rivals: none.
    const none = await greedyDecode(new ScriptedDecoder(spec, [200]), spec, {
      promptTokens: [],
      language: "en",
      maxTokens: 50,
      rivalTokens,
    });
    expect(none.rivalLead).toBeNull();
  });

  it("puts the prompt after <|startofprev|>; no-speech is left to a probe of <|startoftranscript|> alone", async () => {
    // The prompted sequence's own SOT row says "speech" (logit 0); the prompt-free probe says "no speech".
    const decoder = new ScriptedDecoder(spec, [100], { sotRow: { [noSpeech as number]: 12 } });
    const result = await greedyDecode(decoder, spec, {
      promptTokens: [7, 8, 9],
      language: "en",
      maxTokens: 50,
    });
    expect(decoder.calls[0]).toEqual([sotPrev, 7, 8, 9, sot, en, transcribe, noTimestamps]);
    expect(decoder.restarts).toBe(0);
    expect(result.tokens).toEqual([100]);
    // Not measured while decoding: the caller probes only when the value can decide.
    expect(decoder.probes).toEqual([]);
    expect(result.noSpeechProb).toBeNull();
    expect(await probeNoSpeech(decoder, spec)).toBeGreaterThan(0.5);
    expect(decoder.probes).toEqual([[sot]]);
  });

  it("with a prompt and language detection, detects first and then starts the prompted sequence afresh", async () => {
    const decoder = new ScriptedDecoder(spec, [100], { sotRow: { [de]: 9, [noSpeech as number]: 12 } });
    const result = await greedyDecode(decoder, spec, { promptTokens: [7], language: null, maxTokens: 50 });
    expect(decoder.calls[0]).toEqual([sot]);
    expect(decoder.restarts).toBe(1);
    expect(decoder.calls[1]).toEqual([sotPrev, 7, sot, de, transcribe, noTimestamps]);
    expect(result.language).toBe("de");
    expect(result.noSpeechProb).toBeGreaterThan(0.5);
  });

  it("goes on after a forced start (prefixTokens), fed in one call and not returned", async () => {
    const decoder = new ScriptedDecoder(spec, [300]);
    const result = await greedyDecode(decoder, spec, {
      promptTokens: [7, 8],
      language: "en",
      maxTokens: 50,
      prefixTokens: [100, 200],
    });
    expect(decoder.calls[0]).toEqual([sotPrev, 7, 8, sot, en, transcribe, noTimestamps]);
    expect(decoder.calls[1]).toEqual([100, 200]);
    expect(result.tokens).toEqual([300]);
    expect(result.logprobs).toHaveLength(2);
    // After it the text may end at once ("Hey Jarvis," and nothing more): end-of-text is no
    // first token of a transcript, but it is after a forced start.
    const ended = await greedyDecode(new ScriptedDecoder(spec, []), spec, {
      promptTokens: [],
      language: "en",
      maxTokens: 50,
      prefixTokens: [100],
    });
    expect(ended.tokens).toEqual([]);
    expect(ended.budgetHit).toBe(false);
  });

  it("never picks a suppressed token, nor a blank or end-of-text as the first token", async () => {
    const timestamp = noTimestamps + 1;
    const decoder = new ScriptedDecoder(spec, [eot, 100], { boost: { [timestamp]: 50, 220: 30, 1: 40 } });
    const result = await greedyDecode(decoder, spec, { promptTokens: [], language: "en", maxTokens: 3 });
    expect(result.tokens[0]).not.toBe(eot);
    expect(result.tokens).not.toContain(timestamp);
    expect(result.tokens).not.toContain(1);
    // " " (220) is allowed after the first token: it is the boosted best there.
    expect(result.tokens.slice(1)).toContain(220);
  });

  it("stops at the token budget", async () => {
    const decoder = new ScriptedDecoder(spec, [11, 12, 13, 14, 15, 16]);
    const result = await greedyDecode(decoder, spec, { promptTokens: [], language: "en", maxTokens: 3 });
    expect(result.tokens).toEqual([11, 12, 13]);
    expect(result.budgetHit).toBe(true);
    expect(decoder.calls).toHaveLength(3);
  });

  it("cuts a repetition loop to one copy", async () => {
    const decoder = new ScriptedDecoder(spec, [300, 400, 500, 400, 500, 400, 500, 400, 500, 400, 500]);
    const result = await greedyDecode(decoder, spec, { promptTokens: [], language: "en", maxTokens: 50 });
    expect(result.tokens).toEqual([300, 400, 500]);
    expect(result.loopCut).toBe(true);
  });

  it("detects the language from the <|startoftranscript|> logits when none is given", async () => {
    const decoder = new ScriptedDecoder(spec, [100], { sotRow: { [de]: 9, [en]: 8 } });
    const result = await greedyDecode(decoder, spec, { promptTokens: [], language: null, maxTokens: 50 });
    expect(decoder.calls[0]).toEqual([sot]);
    expect(decoder.calls[1]).toEqual([de, transcribe, noTimestamps]);
    expect(result.language).toBe("de");
  });

  it("uses an English-only model's own start sequence: no language or task tokens", async () => {
    const enSpec = whisperSpec(englishOnlyJson());
    const decoder = new ScriptedDecoder(enSpec, [100]);
    const result = await greedyDecode(decoder, enSpec, { promptTokens: [], language: null, maxTokens: 50 });
    expect(decoder.calls[0]).toEqual([50257, 50362]);
    expect(result.language).toBe("en");
    expect(result.tokens).toEqual([100]);
  });

  it("stops between decoder steps when aborted", async () => {
    const controller = new AbortController();
    let steps = 0;
    const decoder = new ScriptedDecoder(spec, [1000, 1001, 1002, 1003, 1004], {
      onStep: () => {
        steps++;
        if (steps === 3) controller.abort();
      },
    });
    const run = greedyDecode(decoder, spec, {
      promptTokens: [],
      language: "en",
      maxTokens: 50,
      signal: controller.signal,
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(steps).toBe(3);
  });
});
