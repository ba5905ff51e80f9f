import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EmbeddingHistory } from "../../../src/wake/embedding-history.js";
import {
  BUNDLED_EMBEDDING_VERIFIERS,
  EmbeddingVerifier,
  type EmbeddingVerifierWeights,
  sigmoid,
} from "../../../src/wake/embedding-verifier.js";

const D = 96;

/** One frame: value i of the input is (x_i - 1) * 2, weighted by w_i. */
function weights(more: Partial<EmbeddingVerifierWeights> = {}): EmbeddingVerifierWeights {
  return {
    format: "edge-voice-wake-verifier/1",
    wakeWord: "hey_jarvis",
    frames: 1,
    mean: new Array(D).fill(1),
    scale: new Array(D).fill(2),
    hidden: null,
    output: { weights: new Array(D).fill(0), bias: 0 },
    threshold: 0.5,
    trainedOn: {},
    ...more,
  };
}

function row(values: Record<number, number>, fill = 1): Float32Array {
  const out = new Float32Array(D).fill(fill);
  for (const [i, v] of Object.entries(values)) out[Number(i)] = v;
  return out;
}

describe("EmbeddingVerifier", () => {
  it("is logistic regression over standardized inputs without a hidden layer", () => {
    const w = new Array(D).fill(0);
    w[0] = 1.5;
    w[5] = -0.5;
    const v = EmbeddingVerifier.fromWeights(weights({ output: { weights: w, bias: 0.25 } }));
    // (3 - 1) * 2 * 1.5 + (0 - 1) * 2 * -0.5 + 0.25 = 6 + 1 + 0.25
    expect(v.score(row({ 0: 3, 5: 0 }))).toBeCloseTo(sigmoid(7.25), 10);
    expect(v.score(row({}))).toBeCloseTo(sigmoid(0.25), 10);
  });

  it("passes through one ReLU layer when it has one", () => {
    const hiddenWeights = new Array(2 * D).fill(0);
    hiddenWeights[0] = 1; // unit 0 reads input 0
    hiddenWeights[D + 1] = 1; // unit 1 reads input 1
    const v = EmbeddingVerifier.fromWeights(
      weights({
        hidden: { weights: hiddenWeights, biases: [0, 0.5] },
        output: { weights: [2, -1], bias: -1 },
      }),
    );
    // unit 0: (2 - 1) * 2 = 2; unit 1: (0 - 1) * 2 + 0.5 = -1.5 -> 0 (ReLU)
    expect(v.score(row({ 0: 2, 1: 0 }))).toBeCloseTo(sigmoid(2 * 2 - 1), 10);
    // unit 1: (3 - 1) * 2 + 0.5 = 4.5
    expect(v.score(row({ 0: 1, 1: 3 }))).toBeCloseTo(sigmoid(-4.5 - 1), 10);
  });

  it("refuses weights of the wrong shape or format, naming what is wrong", () => {
    expect(() => EmbeddingVerifier.fromWeights(weights({ mean: [1] }))).toThrow(/mean and scale need 96/);
    expect(() => EmbeddingVerifier.fromWeights(weights({ output: { weights: [1], bias: 0 } }))).toThrow(
      /output weights need 96/,
    );
    expect(() => EmbeddingVerifier.fromWeights(weights({ threshold: 2 }))).toThrow(/threshold/);
    expect(() => EmbeddingVerifier.fromWeights(weights({ chunks: 0 }))).toThrow(/chunks must be 1..4/);
    expect(() => EmbeddingVerifier.fromWeights(weights({ chunks: 1.5 }))).toThrow(/chunks/);
    expect(EmbeddingVerifier.fromWeights(weights()).chunks).toBe(1);
    expect(EmbeddingVerifier.fromWeights(weights({ chunks: 3 })).chunks).toBe(3);
    const every = { threshold: 0.99, scoreFloor: 0.001, floorChunks: 4, consecutive: 3 };
    expect(EmbeddingVerifier.fromWeights(weights()).everyChunk).toBeNull();
    expect(EmbeddingVerifier.fromWeights(weights({ everyChunk: every })).everyChunk).toEqual(every);
    expect(() =>
      EmbeddingVerifier.fromWeights(weights({ everyChunk: { ...every, threshold: 1.5 } })),
    ).toThrow(/everyChunk/);
    expect(() =>
      EmbeddingVerifier.fromWeights(weights({ everyChunk: { ...every, consecutive: 0 } })),
    ).toThrow(/everyChunk/);
    const held = { ...every, holdChunks: 4 };
    expect(EmbeddingVerifier.fromWeights(weights({ everyChunk: held })).everyChunk).toEqual(held);
    expect(() =>
      EmbeddingVerifier.fromWeights(weights({ everyChunk: { ...every, holdChunks: -1 } })),
    ).toThrow(/holdChunks/);
    const other = { ...weights(), format: "something-else/2" } as unknown as EmbeddingVerifierWeights;
    expect(() => EmbeddingVerifier.fromWeights(other)).toThrow(/format something-else\/2/);
  });

  it("loads the bundled hey_jarvis verifier, whose bytes match their pinned sha256", () => {
    const v = EmbeddingVerifier.bundled("hey_jarvis");
    expect(v?.frames).toBe(16);
    expect(v?.threshold).toBeGreaterThan(0);
    expect(EmbeddingVerifier.bundled("alexa")).toBeNull();
  });

  it("stops with model-corrupt when the bundled file's bytes are not the pinned ones", () => {
    const root = mkdtempSync(path.join(tmpdir(), "verifier-"));
    const file = path.join(root, BUNDLED_EMBEDDING_VERIFIERS.hey_jarvis?.file as string);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(weights()));
    expect(() => EmbeddingVerifier.bundled("hey_jarvis", root)).toThrow(
      expect.objectContaining({ code: "model-corrupt", message: expect.stringMatching(/sha256/) }),
    );
    expect(() => EmbeddingVerifier.bundled("hey_jarvis", path.join(root, "nowhere"))).toThrow(
      expect.objectContaining({ code: "model-corrupt", message: expect.stringMatching(/cannot be read/) }),
    );
  });
});

describe("EmbeddingHistory", () => {
  const rowOf = (v: number) => new Float32Array(D).fill(v);

  it("hands out the rows ending some chunks back, oldest first, and nothing past what it keeps", () => {
    const history = new EmbeddingHistory(4);
    history.refill(Float32Array.from([...rowOf(-2), ...rowOf(-1)]));
    for (const v of [1, 2, 3]) history.push(rowOf(v));
    expect(Array.from(history.window(2) ?? [], (x) => x).filter((_, i) => i % D === 0)).toEqual([2, 3]);
    expect(Array.from(history.window(3, 1) ?? []).filter((_, i) => i % D === 0)).toEqual([-1, 1, 2]);
    expect(history.window(4, 1)).toBeNull();
    history.push(rowOf(4));
    expect(Array.from(history.window(4) ?? []).filter((_, i) => i % D === 0)).toEqual([1, 2, 3, 4]);
  });

  it("gives copies: later rows do not change a window handed out", () => {
    const history = new EmbeddingHistory(2);
    history.push(rowOf(1));
    const window = history.window(1);
    history.push(rowOf(2));
    expect(window?.[0]).toBe(1);
  });
});
