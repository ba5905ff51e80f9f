// Commands said in one breath with the wake phrase ("hey jarvis set the thermostat to twenty one
// degrees", no pause; every eighth hearing utterance): where should the command audio handed to
// Whisper begin, and what should its prompt say? Each clip (scripts/make-hearing-fixtures.ts's
// voices, conditions, noise and reverb, after 2.5 s of silence) goes through openWakeWord and
// Silero as the pipeline's would; then for each --try the command audio is cut and transcribed
// with guided decoding, and the home's templates judge the text: right / wrong action / rejected.
// "today" (the peer) is the pipeline's rule: from 0.1 s before the phrase's first speech, prompt
// "Hey Jarvis, <device names>". The others, in the same run over the same clips:
//   last          the same audio, prompt "<device names> Hey Jarvis," (the phrase after the names)
//   none          the same audio, no prompt
//   det+S         audio from the detection's end + S seconds (negative: before), names only
//   fall-S        from S seconds before the wake score's fall (the last chunk >= 0.5 within a
//                 second after the detection), names only
//   low-S         the same with the last chunk >= 0.2
//
//   nice -n 10 npx tsx bench/hearing-breath.ts --try last --try fall-0.6 \
//       [--voices en-us,en-gb-m3] [--conditions clean,noisy] [--only 35,43]

import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { BENCH_AREA, UTTERANCES } from "../scripts/hearing-utterances.js";
import {
  addNoise,
  CONDITIONS,
  type Condition,
  concat,
  isNoPause,
  reverberate,
  say,
  VOICES,
  zeros,
} from "../scripts/make-hearing-fixtures.js";
import { int16ToFloat32 } from "../src/audio/format.js";
import { validate } from "../src/config/load.js";
import { preparedModelsDir, stateDir } from "../src/config/paths.js";
import { sentenceSpace } from "../src/intent/create.js";
import { DeviceRegistry } from "../src/intent/registry.js";
import { loadTemplates } from "../src/intent/templates/file.js";
import { TemplateRecognizer } from "../src/intent/templates/recognizer.js";
import { VocabularyCache } from "../src/intent/vocabulary.js";
import { modelStoreFromConfig } from "../src/models/startup.js";
import { stripWakePhrase } from "../src/pipeline/wake-phrase.js";
import { createTranscriber } from "../src/stt/create.js";
import { vocabularyPrompt } from "../src/stt/prompt.js";
import { createLogger } from "../src/util/logger.js";
import { createVad } from "../src/vad/create.js";
import { createWakeWordDetector } from "../src/wake/create.js";
import type { OpenWakeWordDetector } from "../src/wake/openwakeword.js";
import { matches } from "./hearing-score.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RATE = 16_000;
type Verdict = "right" | "wrong" | "rejected";

const { values } = parseArgs({
  options: {
    voices: { type: "string" },
    conditions: { type: "string" },
    only: { type: "string" },
    try: { type: "string", multiple: true },
  },
});
const voices = values.voices
  ? VOICES.filter((v) => values.voices?.split(",").includes(v.id))
  : VOICES.slice(0, 6);
const conditions = (values.conditions?.split(",") ?? [...CONDITIONS]) as Condition[];
const only = values.only?.split(",").map(Number) ?? null;
const tries = ["today", ...(values.try ?? ["last"])];

const home = parse(readFileSync(path.join(ROOT, "examples/home.yaml"), "utf8")) as Record<string, unknown>;
const config = validate({ ...home, area: BENCH_AREA, log: { level: "warn" } });
const logger = createLogger({ level: "warn", format: "json" });
const store = modelStoreFromConfig(config, { cwd: ROOT, env: {} });
const transcriber = await createTranscriber(config.stt, store, logger, {
  preparedDir: preparedModelsDir(stateDir(config.state_dir, {})),
});
const registry = new DeviceRegistry(config.devices);
const guide = sentenceSpace(config, registry).get();
const templates = new TemplateRecognizer(
  loadTemplates(config.intent.templates_file),
  new VocabularyCache(registry),
  config.intent.fuzzy_threshold,
);
const names = vocabularyPrompt(registry.all(), config.stt.initial_prompt);
const wake = (await createWakeWordDetector(config, store, logger, { env: {} })) as OpenWakeWordDetector;
const vad = await createVad(config.vad, store, logger);

interface Clip {
  samples: Int16Array;
  detection: number;
  /** First window at the VAD's start threshold, less the window: where the phrase's speech begins. */
  speechStart: number;
  /** 0.7 s after the last speech window (the endpoint). */
  end: number;
  scores: Array<[number, number]>;
}

/** The wake word and the VAD over one clip, as the pipeline hears it; null when the wake word never fired. */
async function hear(samples: Int16Array): Promise<Clip | null> {
  wake.reset();
  const scores: Array<[number, number]> = [];
  wake.onScores = (chunk) => scores.push([chunk.endSample, chunk.scores.hey_jarvis ?? 0]);
  let detection: number | null = null;
  for (let k = 0; k < samples.length; k += 1280) {
    const fired = await wake.process({ samples: samples.subarray(k, k + 1280), startSample: k });
    if (fired && detection === null) detection = fired.endSample;
  }
  wake.onScores = null;
  if (detection === null) return null;
  vad.reset();
  const windows = await vad.process({ samples, startSample: 0 });
  const first = windows.find((w) => w.probability >= config.vad.start_threshold);
  let last = 0;
  for (const w of windows) if (w.probability >= config.vad.end_threshold) last = w.endSample;
  const end = Math.min(samples.length, last + Math.round(config.vad.trailing_silence_seconds * RATE));
  return { samples, detection, speechStart: (first?.endSample ?? 512) - 512, end, scores };
}

/** The last chunk at or above `level` within a second after the detection. */
function fall(clip: Clip, level: number): number {
  const after = clip.scores.filter(
    ([e, s]) => e >= clip.detection && e <= clip.detection + RATE && s >= level,
  );
  return Math.max(clip.detection, ...after.map(([e]) => e));
}

/** Where the command audio starts, and Whisper's prompt, for one --try. */
function variant(name: string, clip: Clip): { start: number; prompt: string } {
  const phrase = clip.speechStart - Math.round(0.1 * RATE);
  if (name === "today") return { start: phrase, prompt: `Hey Jarvis, ${names}` };
  if (name === "last") return { start: phrase, prompt: `${names} Hey Jarvis,` };
  if (name === "none") return { start: phrase, prompt: "" };
  const [, kind, seconds] = /^(det|fall|low)([+-][\d.]+)$/.exec(name) ?? [];
  if (!kind) throw new Error(`--try ${name}: unknown`);
  const from = kind === "det" ? clip.detection : fall(clip, kind === "fall" ? 0.5 : 0.2);
  return { start: from + Math.round(Number(seconds) * RATE), prompt: names };
}

async function judge(
  audio: Int16Array,
  prompt: string,
  expect: NonNullable<(typeof UTTERANCES)[number]["expect"]>,
) {
  const transcript = await transcriber.transcribe(int16ToFloat32(audio), { prompt, guide });
  const text = stripWakePhrase(transcript.text, "hey_jarvis");
  const intent = text ? templates.recognize(text, BENCH_AREA) : null;
  const verdict: Verdict = !intent ? "rejected" : matches(intent, expect) ? "right" : "wrong";
  return { verdict, heard: transcript.text };
}

const rows: Array<{ voice: string; verdicts: Verdict[] }> = [];
let noWake = 0;
console.log(`tries: ${tries.join(" | ")}; load ${os.loadavg()[0]?.toFixed(1)}`);
for (const [index, utterance] of UTTERANCES.entries()) {
  const expect = utterance.expect;
  if (!isNoPause(index) || !expect || (only && !only.includes(index))) continue;
  for (const voice of voices) {
    const speech = say(voice.voice, Math.min(voice.speed, 130), `hey jarvis ${utterance.text}`);
    for (const condition of conditions) {
      // As scripts/make-hearing-fixtures.ts makes the clip, with more silence before it for the wake word.
      const clean = concat(zeros(2.5), speech, zeros(1.5));
      const seed = index * 31 + VOICES.indexOf(voice) + 1;
      const samples =
        condition === "noisy"
          ? addNoise(clean, 10, seed, index % 2 === 0 ? "pink" : "brown")
          : condition === "reverb"
            ? reverberate(clean)
            : clean;
      const clip = await hear(samples);
      const label = `${index} ${voice.id} ${condition}`;
      if (!clip) {
        noWake++;
        console.log(`${label}: not woken`);
        continue;
      }
      const results = [];
      for (const name of tries) {
        const { start, prompt } = variant(name, clip);
        results.push({
          name,
          ...(await judge(samples.subarray(Math.max(0, start), clip.end), prompt, expect)),
        });
      }
      rows.push({ voice: voice.id, verdicts: results.map((r) => r.verdict) });
      console.log(
        `${label} | ${results.map((r) => `${r.name} ${r.verdict} ${JSON.stringify(r.heard)}`).join(" | ")}`,
      );
    }
  }
}
console.log(`\n${rows.length} commands woken (${noWake} not woken): right / wrong action / rejected`);
for (const [k, name] of tries.entries()) {
  const count = (v: Verdict, pick = rows) => pick.filter((r) => r.verdicts[k] === v).length;
  const byVoice = voices
    .map((v) => rows.filter((r) => r.voice === v.id))
    .map((mine, i) => `${voices[i]?.id} ${count("right", mine)}/${mine.length}`);
  console.log(
    `  ${name.padEnd(10)} ${count("right")} / ${count("wrong")} / ${count("rejected")}   ${byVoice.join(", ")}`,
  );
}
await transcriber.dispose();
await wake.dispose();
await vad.dispose();
