/** The scores a transcript carries about guided decoding, as the stt-end event and `transcribe --json` show them. */
export interface GuidedFields {
  /** The free decoding's text. */
  freeText: string;
  source: "free" | "grammar";
  /** Average log-probability per token of the chosen text, and of the free text. */
  score: number;
  freeScore: number;
  /** The grammar's best sentence's lead over its next-best different sentence. */
  margin?: number;
  /** The grammar's best sentence, its score, why it was (not) taken, and the guided pass's time. */
  guidedText?: string;
  guidedScore?: number;
  guidedWhy?: string;
  guidedMs?: number;
}

/**
 * Every transcript has them: without a guided pass (stt.guided off, audio longer than one
 * window) the free text is the text and its source is `free`.
 */
export function guidedFields(transcript: {
  text: string;
  avgLogprob: number;
  source?: "free" | "grammar";
  freeText?: string;
  guided?: { why: string; ms: number; text?: string; score?: number; margin?: number | null };
}): GuidedFields {
  const { guided } = transcript;
  const source = transcript.source ?? "free";
  const freeText = transcript.freeText ?? transcript.text;
  const score = source === "grammar" && guided?.score !== undefined ? guided.score : transcript.avgLogprob;
  const fields: GuidedFields = {
    freeText,
    source,
    score: round(score),
    freeScore: round(transcript.avgLogprob),
  };
  if (!guided) return fields;
  return {
    ...fields,
    ...(typeof guided.margin === "number" ? { margin: round(guided.margin) } : {}),
    ...(guided.text !== undefined ? { guidedText: guided.text } : {}),
    ...(guided.score !== undefined ? { guidedScore: round(guided.score) } : {}),
    guidedWhy: guided.why,
    guidedMs: Math.round(guided.ms),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
