import type { Transcript } from "../stt/transcriber.js";

/**
 * Whether a speculative transcript may end its command early (vad.early_endpoint_seconds):
 * the chosen text is a command the templates read (free, or a guess that cleared the bars) and
 * Whisper was sure of it: the fixture commands it hears right score -0.17 to -0.5 per token.
 */
const WHOLE_MIN_SCORE = -0.5;

export function isConfidentCommand(transcript: Transcript): boolean {
  const { guided } = transcript;
  if (!guided) return false;
  if (guided.why === "understood") return transcript.avgLogprob >= WHOLE_MIN_SCORE;
  return guided.why === "accepted" && (guided.score ?? Number.NEGATIVE_INFINITY) >= WHOLE_MIN_SCORE;
}
