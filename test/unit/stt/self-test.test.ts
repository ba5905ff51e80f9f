import { describe, expect, it } from "vitest";
import { heardRight, openSelfTested, SELF_TEST_WORDS } from "../../../src/stt/self-test.js";
import type { Transcriber, Transcript } from "../../../src/stt/transcriber.js";
import { silentLogger } from "../../../src/util/logger.js";

/** A transcriber that hears `text` and records whether it was disposed. */
function fakeTranscriber(text: string) {
  const state = { disposed: false, calls: 0 };
  const transcriber: Transcriber = {
    async transcribe(): Promise<Transcript> {
      state.calls++;
      return { text, language: "en", noSpeechProb: 0, avgLogprob: -0.3, encodeMs: 1, decodeMs: 1 };
    },
    async dispose() {
      state.disposed = true;
    },
  };
  return { transcriber, state };
}

const clip = new Float32Array(16_000);

describe("heardRight", () => {
  it.each([
    ["Turn on the kitchen light.", true],
    ["turn on the kitchen lights", true],
    ["Turn on kitchen light", true],
    ["Hey, turn on the kitchen light!", true],
    [", vend", false],
    ["", false],
    ["Turn off the living room lamp.", false],
    ["vend vend vend vend vend", false],
  ])("%j -> %s", (text, ok) => {
    expect(heardRight(text)).toBe(ok);
  });

  it("expects the words of the shipped clip", () => {
    expect(SELF_TEST_WORDS).toBe("turn on the kitchen light");
  });
});

describe("openSelfTested", () => {
  it("keeps the first load when it hears the clip", async () => {
    const good = fakeTranscriber("Turn on the kitchen light.");
    const opened: boolean[] = [];
    const result = await openSelfTested(
      async (safe) => {
        opened.push(safe);
        return good.transcriber;
      },
      "test CPU",
      silentLogger(),
      clip,
    );
    expect(result).toBe(good.transcriber);
    expect(opened).toEqual([false]);
    expect(good.state.disposed).toBe(false);
  });

  it("reloads with the portable kernels when the first load mishears, and keeps that one", async () => {
    const broken = fakeTranscriber(", vend");
    const good = fakeTranscriber("Turn on the kitchen light.");
    const opened: boolean[] = [];
    const result = await openSelfTested(
      async (safe) => {
        opened.push(safe);
        return safe ? good.transcriber : broken.transcriber;
      },
      "test CPU",
      silentLogger(),
      clip,
    );
    expect(opened).toEqual([false, true]);
    expect(broken.state.disposed).toBe(true);
    expect(result).toBe(good.transcriber);
  });

  it("refuses to start (exit 78) naming the CPU when both loads mishear", async () => {
    const broken = [fakeTranscriber(", vend"), fakeTranscriber("vend vend")];
    let n = 0;
    const attempt = openSelfTested(
      async () => (broken[n++] as ReturnType<typeof fakeTranscriber>).transcriber,
      "ARM Cortex-X (arm64, sme)",
      silentLogger(),
      clip,
    );
    await expect(attempt).rejects.toMatchObject({
      code: "stt-self-test-failed",
      exitCode: 78,
      message: expect.stringContaining("ARM Cortex-X (arm64, sme)"),
    });
    expect(broken.every((b) => b.state.disposed)).toBe(true);
  });
});
