import { describe, expect, it } from "vitest";
import { wakeVerifier } from "../../../src/daemon/wake-verifier.js";
import type { EventOfType } from "../../../src/events/types.js";
import type { Transcriber } from "../../../src/stt/transcriber.js";
import { testBus } from "../../support/bus.js";

function fakeTranscriber(busy: boolean): Transcriber & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    transcribe: async () => {
      throw new Error("not used");
    },
    scorePhrase: async (_audio, phrase) => {
      asked.push(phrase);
      return { phrase: -0.4, heard: -0.25, text: "Hey Jarvis, turn" };
    },
    busy: () => busy,
    dispose: async () => {},
  };
}

describe("wakeVerifier (Whisper as the wake word's verifier)", () => {
  it("scores with the transcriber, says the wake word's words and reports candidates as events", async () => {
    const bus = testBus();
    const events: Array<EventOfType<"wake_word-candidate">> = [];
    bus.on("wake_word-candidate", (e) => events.push(e));
    const transcriber = fakeTranscriber(true);
    const verifier = wakeVerifier(transcriber, bus);
    const port = verifier.port;
    if (!port) throw new Error("expected Whisper as the port");
    expect(verifier.phraseFor("hey_jarvis")).toBe("Hey Jarvis");
    expect(port.busy()).toBe(true);
    const scores = await port.scorePhrase(new Float32Array(16), "Hey Jarvis");
    expect(transcriber.asked).toEqual(["Hey Jarvis"]);
    verifier.report({
      wakeWord: "hey_jarvis",
      score: 0.31,
      endSample: 32000,
      outcome: "verified",
      sure: false,
      ms: 812.4,
      scores,
    });
    verifier.report({
      wakeWord: "hey_jarvis",
      score: 0.2,
      endSample: 48000,
      outcome: "busy",
      sure: false,
      ms: 0,
    });
    verifier.report({
      wakeWord: "hey_jarvis",
      score: 0.9,
      endSample: 64000,
      outcome: "late",
      sure: true,
      ms: 3,
    });
    expect(events).toMatchObject([
      {
        wakeWord: "hey_jarvis",
        score: 0.31,
        verified: true,
        outcome: "verified",
        ms: 812,
        margin: -0.15,
        heard: "Hey Jarvis, turn",
        audioMs: 2000,
      },
      { verified: false, outcome: "busy", ms: 0, audioMs: 3000 },
      { verified: false, outcome: "late", sure: true, audioMs: 4000 },
    ]);
    expect(events[1]).not.toHaveProperty("margin");
    expect(events[0]).not.toHaveProperty("sure");
  });

  it("has no Whisper port without a transcriber that can score a phrase (the embedding verifier needs none)", () => {
    const plain: Transcriber = {
      transcribe: async () => Promise.reject(new Error("x")),
      dispose: async () => {},
    };
    expect(wakeVerifier(plain, undefined).port).toBeNull();
    expect(wakeVerifier(null, undefined).port).toBeNull();
  });
});
