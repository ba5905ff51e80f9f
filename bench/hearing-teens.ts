// Does Whisper tell a teen from its ten better in digits or spelled out? For each hearing
// utterance with such a number ("forty percent", "eighteen degrees"), every voice and
// condition: the free pass, then the said command's lead over the same command with the
// partner value (14 <-> 40), teacher-forced over the same audio, written in digits ("40%"
// against "14%") and spelled out ("forty percent" against "fourteen percent"). A negative
// lead is Whisper preferring the wrong value. The number check spells out a teen in the text
// (number-values.ts teenInWords) because of what this prints (docs/stt.md, Guided decoding 5).
//
//   nice -n 10 npx tsx bench/hearing-teens.ts [--voices en-us,en-029] [--conditions clean,reverb]

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { UTTERANCES } from "../scripts/hearing-utterances.js";
import { CONDITIONS, type Condition, commandAudio, VOICES } from "../scripts/make-hearing-fixtures.js";
import { int16ToFloat32 } from "../src/audio/format.js";
import { validate } from "../src/config/load.js";
import { preparedModelsDir, stateDir } from "../src/config/paths.js";
import { DeviceRegistry } from "../src/intent/registry.js";
import { modelStoreFromConfig } from "../src/models/startup.js";
import { createTranscriber, guidedSettings } from "../src/stt/create.js";
import { numberInWords } from "../src/stt/number-values.js";
import { vocabularyPrompt } from "../src/stt/prompt.js";
import type { WhisperTranscriber } from "../src/stt/whisper.js";
import { createLogger } from "../src/util/logger.js";
import { confusableAlternatives } from "./hearing-partners.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const UNIT_WORDS: Record<string, string> = {
  percent: "%",
  degrees: " degrees",
  minutes: " minutes",
  seconds: " seconds",
};

/** "set the bedroom light to forty percent" -> the command in digits and spelled out, and their partners. */
function forms(said: string): { digits: [string, string]; words: [string, string] } | null {
  const words = sentence(said);
  const [partnerWords] = confusableAlternatives(words);
  if (!partnerWords) return null;
  const digits = (text: string) =>
    // The partners are one word each ("forty", "fifteen"): "seventy five" has none.
    text.replace(/\b([a-z]+) (percent|degrees|minutes|seconds)\b/, (whole, number, unit) => {
      const value = wordsValue(number);
      return value === null ? whole : `${value}${UNIT_WORDS[unit]}`;
    });
  return { digits: [digits(words), digits(partnerWords)], words: [words, partnerWords] };
}

/** As Whisper writes a sentence: a capital and a full stop. */
function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function wordsValue(words: string): number | null {
  for (let value = 0; value <= 100; value++) if (numberInWords(value) === words) return value;
  return null;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { voices: { type: "string" }, conditions: { type: "string" } } });
  const voices = values.voices ? VOICES.filter((v) => values.voices?.split(",").includes(v.id)) : VOICES;
  const conditions = (values.conditions?.split(",") ?? [...CONDITIONS]) as Condition[];
  const config = validate(parse(readFileSync(path.join(ROOT, "examples/home.yaml"), "utf8")));
  const whisper = (await createTranscriber(
    { ...config.stt, guided: false },
    modelStoreFromConfig(config, { cwd: ROOT, env: {} }),
    createLogger({ level: "warn", format: "json" }),
    { preparedDir: preparedModelsDir(stateDir(config.state_dir, {})) },
  )) as WhisperTranscriber;
  const pass = whisper.guidedPass(guidedSettings(config.stt));
  const prompt = vocabularyPrompt(new DeviceRegistry(config.devices).all(), config.stt.initial_prompt);
  console.log("lead of the said value over its partner (negative: Whisper prefers the wrong one)");
  for (const [index, utterance] of UTTERANCES.entries()) {
    const pair = utterance.expect ? forms(utterance.text) : null;
    if (!pair) continue;
    const leads = { digits: [] as number[], words: [] as number[] };
    for (const voice of voices) {
      for (const condition of conditions) {
        const audio = int16ToFloat32(commandAudio({ utterance, index, voice, condition }));
        await whisper.transcribe(audio, {
          prompt,
          inspect: async (free) => {
            for (const form of ["digits", "words"] as const) {
              const [said, partner] = pair[form];
              const lead = await pass.leadOver(free, said, [partner]);
              leads[form].push(lead?.lead ?? Number.NaN);
            }
          },
        });
      }
    }
    const wrong = (xs: number[]) => xs.filter((x) => x < 0).length;
    const low = (xs: number[]) => Math.min(...xs).toFixed(1);
    console.log(
      `${utterance.text.padEnd(56)} digits wrong ${wrong(leads.digits)}/${leads.digits.length} (lowest ${low(leads.digits)})  spelled out wrong ${wrong(leads.words)}/${leads.words.length} (lowest ${low(leads.words)})  "${pair.digits[0]}" / "${pair.digits[1]}"`,
    );
  }
  await whisper.dispose();
}

await main();
