// Answers in a question's window ("did you mean ...? say yes", "say yes to unlock the front
// door"): which spoken yes and no words whisper-tiny writes as an answer the intent stage
// reads (intent/confirmation.ts), in ten espeak-ng voices, clean, in 10 dB pink noise and
// reverberant, and which other short utterances ("wait", "hmm", "what") or noises it would
// take for a yes. The peer column is an answer grammar tried here and not shipped: every
// answer forced after the window's prompt (teacher forcing over the free pass's caches) and
// the best taken when it scores at least FLOOR per token, no more than MARGIN below what
// Whisper wrote, and LEAD above the best answer of the other kind (docs/conversation.md).
//
//   nice -n 10 npx tsx bench/answer-words.ts [--floor -0.8] [--margin 0.4] [--lead 0.5]
//     [--voices en-us@150,en-029@130] [--conditions clean,noisy,reverb]

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { addNoise, concat, reverberate, say, zeros } from "../scripts/make-hearing-fixtures.js";
import { int16ToFloat32 } from "../src/audio/format.js";
import { validate } from "../src/config/load.js";
import { preparedModelsDir, stateDir } from "../src/config/paths.js";
import { afterNo, isYes } from "../src/intent/confirmation.js";
import { DeviceRegistry } from "../src/intent/registry.js";
import { modelStoreFromConfig } from "../src/models/startup.js";
import { whisperPrompt } from "../src/pipeline/wake-phrase.js";
import { createTranscriber } from "../src/stt/create.js";
import type { FreePass } from "../src/stt/guided-types.js";
import { forcedAfterFree } from "../src/stt/phrase-score.js";
import { vocabularyPrompt } from "../src/stt/prompt.js";
import type { WhisperTranscriber } from "../src/stt/whisper.js";
import { createLogger } from "../src/util/logger.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const YES_WORDS = ["yes", "yeah", "yep", "yes please", "okay", "sure", "correct", "go ahead", "do it"];
const NO_WORDS = ["no", "nope", "no thanks", "cancel"];
const OTHERS = ["what", "hmm", "hang on", "hello", "wait", "thanks", "maybe", "I don't know"];
const SENTENCES = ["turn on the kitchen light", "the weather will be sunny"];
/** sox synth effects: a burst of noise, a rumble, a beep (one voice's worth each). */
const NOISES: Record<string, string[]> = {
  "(pink burst)": ["synth", "0.5", "pinknoise", "vol", "0.25"],
  "(rumble)": ["synth", "0.8", "brownnoise", "vol", "0.4"],
  "(beep)": ["synth", "0.4", "sine", "440", "vol", "0.2"],
};
const DEFAULT_VOICES =
  "en-us@150,en-029@130,en-gb-scotland+m3@120,en-gb-x-rp+f3@160,en-us-nyc+m4@170," +
  "en-gb+m3@140,en-us+f3@145,en-gb-x-gbclan@135,en-gb-x-gbcwmd+f2@155,en-us+m7@125";

type Reading = "yes" | "no" | "nothing";

/**
 * How the confirmation book reads a text: a yes; other words, which cancel the question (a
 * guess asked back may be answered with the request said again); or nothing heard, which
 * leaves the question open until its window ends.
 */
function reading(text: string): Reading {
  if (!text.trim()) return "nothing";
  return isYes(text) ? "yes" : "no";
}

function options() {
  const { values } = parseArgs({
    options: {
      floor: { type: "string", default: "-0.8" },
      margin: { type: "string", default: "0.4" },
      lead: { type: "string", default: "0.5" },
      voices: { type: "string", default: DEFAULT_VOICES },
      conditions: { type: "string", default: "clean,noisy,reverb" },
    },
  });
  return {
    floor: Number(values.floor),
    margin: Number(values.margin),
    lead: Number(values.lead),
    voices: values.voices.split(",").map((v) => {
      const [voice = "en-us", speed = "150"] = v.split("@");
      return { voice, speed: Number(speed) };
    }),
    conditions: values.conditions.split(","),
  };
}

function noise(effects: string[]): Int16Array {
  const args = ["-n", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed", "-t", "raw", "-", ...effects];
  const bytes = spawnSync("sox", args, { maxBuffer: 1 << 26 }).stdout as Buffer;
  return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

const average = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

type Counts = Map<string, { n: number; today: Record<Reading, number>; grammar: Record<Reading, number> }>;

async function main(): Promise<void> {
  const opts = options();
  const home = parse(readFileSync(path.join(ROOT, "examples/home.yaml"), "utf8")) as Record<string, unknown>;
  const config = validate({ ...home, log: { level: "warn" } });
  const registry = new DeviceRegistry(config.devices);
  const transcriber = (await createTranscriber(
    { ...config.stt, guided: false },
    modelStoreFromConfig(config, { cwd: ROOT, env: {} }),
    createLogger({ level: "warn", format: "json" }),
    { preparedDir: preparedModelsDir(stateDir(config.state_dir, {})) },
  )) as WhisperTranscriber;
  // The answer window's prompt: a follow-up's, without a wake phrase.
  const prompt = whisperPrompt(null, vocabularyPrompt(registry.all(), config.stt.initial_prompt));
  const table = await measure(transcriber, prompt, answerGrammar(transcriber, opts), opts);
  await transcriber.dispose();
  print(table, opts);
}

/** The answer grammar (the peer): its reading of a window whose free text is no answer; null: it takes none. */
function answerGrammar(
  transcriber: WhisperTranscriber,
  opts: ReturnType<typeof options>,
): (free: FreePass) => Promise<string | null> {
  // Whisper's internals, for the forced answers (a measuring tool's reach, as hearing-diagnose.ts).
  const { spec, tokenizer, sessions } = transcriber as unknown as {
    spec: Parameters<typeof forcedAfterFree>[1];
    tokenizer: { encode(text: string): number[] };
    sessions: Parameters<typeof forcedAfterFree>[0];
  };
  const answers = [...YES_WORDS, ...NO_WORDS];
  const spellings = answers.map((answer) => {
    const capital = answer.charAt(0).toUpperCase() + answer.slice(1);
    const forms = [capital, answer, capital.replace(" ", ", ")];
    return [...new Set(forms.flatMap((f) => [` ${f}.`, ` ${f}`]))].map((f) => [
      ...tokenizer.encode(f),
      spec.tokens.eot,
    ]);
  });
  return async (free) => {
    const heardRow = [...(free.tokenIds ?? []), spec.tokens.eot];
    const rows = await forcedAfterFree(sessions, spec, free, [...spellings.flat(), heardRow]);
    if (!rows) return null;
    let at = 0;
    const scores = spellings.map((own) => {
      at += own.length;
      return Math.max(...rows.slice(at - own.length, at).map(average));
    });
    const heard = average(rows[rows.length - 1] ?? []);
    const best = scores.indexOf(Math.max(...scores));
    const bestIsYes = best < YES_WORDS.length;
    const rival = Math.max(...scores.filter((_, i) => i < YES_WORDS.length !== bestIsYes));
    const score = scores[best] ?? Number.NEGATIVE_INFINITY;
    const taken = score >= opts.floor && score >= heard - opts.margin && score - rival >= opts.lead;
    return taken ? (answers[best] ?? null) : null;
  };
}

/** Every clip in every condition, read today and by the answer grammar. */
async function measure(
  transcriber: WhisperTranscriber,
  prompt: ReturnType<typeof whisperPrompt>,
  forcedAnswer: (free: FreePass) => Promise<string | null>,
  opts: ReturnType<typeof options>,
): Promise<Counts> {
  const clips: Array<{ word: string; voice: string; speed: number }> = [];
  for (const word of [...YES_WORDS, ...NO_WORDS, ...OTHERS, ...SENTENCES])
    for (const v of opts.voices) clips.push({ word, ...v });
  for (const word of Object.keys(NOISES)) clips.push({ word, voice: "", speed: 0 });
  const table: Counts = new Map();
  const empty = (): Record<Reading, number> => ({ yes: 0, no: 0, nothing: 0 });
  for (const clip of clips) {
    const body = NOISES[clip.word] ? noise(NOISES[clip.word] ?? []) : say(clip.voice, clip.speed, clip.word);
    const clean = concat(zeros(0.3), body, zeros(0.7));
    for (const condition of opts.conditions) {
      const audio =
        condition === "noisy"
          ? addNoise(clean, 10, 7, "pink")
          : condition === "reverb"
            ? reverberate(clean)
            : clean;
      let forced: string | null = null;
      const transcript = await transcriber.transcribe(int16ToFloat32(audio), {
        ...prompt,
        inspect: async (free) => {
          // Only a window whose free text is no answer of its own: dropped, or words other
          // than a yes or a refusal ("No.", "Nope.").
          if (free.text && (isYes(free.text) || afterNo(free.text) === "")) return;
          forced = await forcedAnswer(free);
        },
      });
      const today = reading(transcript.text);
      const row = table.get(clip.word) ?? { n: 0, today: empty(), grammar: empty() };
      row.n++;
      row.today[today]++;
      row.grammar[forced === null ? today : reading(forced)]++;
      table.set(clip.word, row);
    }
  }
  return table;
}

function print(table: Counts, opts: ReturnType<typeof options>): void {
  const cell = (r: Record<Reading, number>) => `${r.yes} / ${r.no} / ${r.nothing}`;
  console.log(`answer grammar (peer): floor ${opts.floor}, margin ${opts.margin}, lead ${opts.lead}`);
  console.log("| said | clips | today: yes / no / nothing | answer grammar | right, ratio |");
  console.log("|---|---|---|---|---|");
  for (const [word, row] of table) {
    const kind = YES_WORDS.includes(word) ? "yes" : NO_WORDS.includes(word) ? "no" : null;
    const right = kind
      ? `${row.today[kind]} -> ${row.grammar[kind]}`
      : `yes ${row.today.yes} -> ${row.grammar.yes}`;
    const ratio =
      kind && row.today[kind] > 0 ? ` (${(row.grammar[kind] / row.today[kind]).toFixed(2)}x)` : "";
    console.log(`| ${word} | ${row.n} | ${cell(row.today)} | ${cell(row.grammar)} | ${right}${ratio} |`);
  }
}

await main();
