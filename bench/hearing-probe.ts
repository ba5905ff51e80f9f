// The in-process part of bench/hearing-diagnose.ts: over each free pass, the said sentence
// scored (hearing-reference.ts) and the guided pass run with other settings (--try).

import type { TranscriptGuide } from "../src/stt/guide.js";
import type { GuidedPass } from "../src/stt/guided-pass.js";
import type { GuidedThresholds } from "../src/stt/guided-thresholds.js";
import type { FreePass, GuidedSettings } from "../src/stt/guided-types.js";
import type { WhisperTranscriber } from "../src/stt/whisper.js";
import { referenceConstraint, referenceForms } from "./hearing-reference.js";

const REFERENCE_BEAM = 4;

export interface Trial {
  name: string;
  settings: GuidedSettings;
}

/** What one transcription's free pass left, and what was found over it. */
export interface Probe {
  runId: string;
  clip: number;
  freeText: string;
  freeScore: number;
  reference: { text: string; score: number } | null;
  /** Per --try: the grammar's best sentence, the text that goes on, and the guided pass's time (null: none ran). */
  trials: Array<{ text: string | null; score: number | null; chosen: string; ms: number | null }>;
}

/** "beam=8,minScore=-1.6" over the configured settings. */
export function trial(spec: string, base: GuidedSettings): Trial {
  const settings = { ...base, thresholds: { ...base.thresholds } };
  for (const pair of spec.split(",")) {
    const [key, value] = pair.split("=") as [string, string];
    if (key === "beam") settings.beam = Number(value);
    else if (key === "wide") {
      const [beam, steps] = value.split("x").map(Number) as [number, number];
      settings.wide = { beam, steps };
    } else if (key in settings.thresholds) settings.thresholds[key as keyof GuidedThresholds] = Number(value);
    else throw new Error(`--try: unknown setting ${key}`);
  }
  return { name: spec, settings };
}

export async function probe(
  transcriber: WhisperTranscriber,
  free: FreePass,
  guide: TranscriptGuide,
  said: string,
  trials: Trial[],
  passes: Map<Trial, GuidedPass>,
  at: { runId: string; clip: number },
): Promise<Probe> {
  const first = trials[0] ?? {
    name: "reference",
    settings: {
      beam: REFERENCE_BEAM,
      maxTokens: 96,
      thresholds: { minScore: 0, minScoreSensitive: 0, minMargin: 0, maxDrop: 0 },
    },
  };
  const out: Probe = { ...at, freeText: free.text, freeScore: free.avgLogprob, reference: null, trials: [] };
  // Understood as it is: no guided pass runs, whatever the settings; nothing to score.
  if (!free.text || guide.understands(free.text)) {
    for (const _ of trials) out.trials.push({ text: null, score: null, chosen: free.text, ms: null });
    return out;
  }
  const scorer = passOf(transcriber, first, passes);
  const ref = await scorer.best(free, referenceConstraint(referenceForms(said)), REFERENCE_BEAM);
  out.reference = ref.best ? { text: ref.best.text, score: ref.best.score } : null;
  for (const t of trials) {
    const outcome = await passOf(transcriber, t, passes).run(free, guide);
    out.trials.push({
      text: outcome.hypothesis?.text ?? null,
      score: outcome.hypothesis?.score ?? null,
      chosen: outcome.text,
      ms: outcome.ms,
    });
  }
  return out;
}

function passOf(transcriber: WhisperTranscriber, t: Trial, passes: Map<Trial, GuidedPass>): GuidedPass {
  let pass = passes.get(t);
  if (!pass) {
    pass = transcriber.guidedPass(t.settings);
    passes.set(t, pass);
  }
  return pass;
}
