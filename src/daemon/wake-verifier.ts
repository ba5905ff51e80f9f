import type { EventBus } from "../events/bus.js";
import { spokenWakePhrase } from "../pipeline/wake-phrase.js";
import type { Transcriber } from "../stt/transcriber.js";
import type { WakeFactoryOptions } from "../wake/create.js";

/**
 * The wake word's verifier (wake.verifier): the transcriber already loaded for commands, when
 * there is one that can score a phrase, is Whisper for the candidates that need it (port null
 * without: a satellite has only the embedding verifiers, which need no Whisper). Each
 * candidate's outcome goes on the bus as a `wake_word-candidate` event.
 */
export function wakeVerifier(
  transcriber: Transcriber | null,
  bus: EventBus | undefined,
  background = false,
): NonNullable<WakeFactoryOptions["verifier"]> {
  const score = transcriber?.scorePhrase?.bind(transcriber);
  return {
    port: score ? { scorePhrase: score, busy: () => transcriber?.busy?.() ?? false } : null,
    phraseFor: spokenWakePhrase,
    background,
    report: (c) => {
      bus?.emit({
        type: "wake_word-candidate",
        wakeWord: c.wakeWord,
        score: c.score,
        verified: c.outcome === "verified",
        outcome: c.outcome,
        ...(c.sure ? { sure: true } : {}),
        ms: Math.round(c.ms),
        ...(c.scores ? { margin: round(c.scores.phrase - c.scores.heard), heard: c.scores.text } : {}),
        ...(c.embeddingScore === undefined ? {} : { embeddingScore: round(c.embeddingScore) }),
        ...(c.melScore === undefined ? {} : { melScore: round(c.melScore) }),
        audioMs: Math.round(c.endSample / 16),
      });
    },
  };
}

function round(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : -99;
}
