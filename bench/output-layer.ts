// Whisper's output layer as stt.output_layer chooses it, in one run: "blocks" (the peer, auto's
// choice below 1.5 GiB: weights dequantized a block at a time on every decoder call) against
// "float" (dequantized once at load: auto's choice from 1.5 GiB) and, with --int8, "int8".
// Each clip is transcribed by every layer in turn (the order rotating from clip to clip), with
// the hearing home's templates and prompt, so load drifts hit all alike. Prints per layer the
// median whole transcription, the guided pass where it ran and its decoder calls' share, the
// texts that differ from the peer's, and the process's peak RSS after loading each layer (one
// layer per process: --rss).
//
//   nice -n 10 npx tsx bench/output-layer.ts [--count 8] [--conditions noisy,reverb] [--int8]
//   npx tsx bench/output-layer.ts --rss float     (one process, one layer: its resident memory)

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
import { sentenceSpace } from "../src/intent/create.js";
import { DeviceRegistry } from "../src/intent/registry.js";
import { modelStoreFromConfig } from "../src/models/startup.js";
import { createTranscriber } from "../src/stt/create.js";
import { vocabularyPrompt } from "../src/stt/prompt.js";
import type { Transcriber, Transcript } from "../src/stt/transcriber.js";
import { createLogger } from "../src/util/logger.js";

type Layer = "blocks" | "float" | "int8";
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "8" },
    conditions: { type: "string", default: "noisy,reverb" },
    int8: { type: "boolean", default: false },
    rss: { type: "string" },
  },
});

const home = parse(readFileSync(path.join(ROOT, "examples/home.yaml"), "utf8")) as Record<string, unknown>;
const config = validate({ ...home, log: { level: "warn" } });
const registry = new DeviceRegistry(config.devices);
const space = sentenceSpace(config, registry);
const prompt = vocabularyPrompt(registry.all(), config.stt.initial_prompt);
const logger = createLogger({ level: "warn", format: "json" });

function load(layer: Layer): Promise<Transcriber> {
  return createTranscriber(
    { ...config.stt, output_layer: layer },
    modelStoreFromConfig(config, { cwd: ROOT, env: {} }),
    logger,
    { preparedDir: preparedModelsDir(stateDir(config.state_dir, {})) },
  );
}

if (values.rss) {
  // One layer per process: what the daemon holds with it, after one command both searches ran on.
  const transcriber = await load(values.rss as Layer);
  const audio = int16ToFloat32(commandAudio(spec(8, 0, "noisy")));
  await transcriber.transcribe(audio, { prompt, guide: space.get() });
  console.log(
    `${values.rss}: rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB after one guided command`,
  );
  await transcriber.dispose();
  space.dispose();
  process.exit(0);
}

function spec(index: number, voice: number, condition: Condition) {
  const utterance = UTTERANCES[index];
  const v = VOICES[voice];
  if (!utterance || !v) throw new Error(`no utterance ${index} or voice ${voice}`);
  return { utterance, index, voice: v, condition };
}

const layers: Layer[] = ["blocks", "float", ...(values.int8 ? (["int8"] as const) : [])];
const transcribers = new Map<Layer, Transcriber>();
for (const layer of layers) transcribers.set(layer, await load(layer));
const conditions = (values.conditions ?? "").split(",") as Condition[];
if (conditions.some((c) => !CONDITIONS.includes(c))) throw new Error(`--conditions: ${CONDITIONS.join(",")}`);
const commands = UTTERANCES.map((u, i) => ({ u, i }))
  .filter(({ u }) => u.expect !== null)
  .slice(0, Number(values.count));

type Row = { whole: number; guided?: number; decoder?: number; text: string };
const rows = new Map<Layer, Row[]>(layers.map((l) => [l, []]));
let clip = 0;
for (const { i } of commands)
  for (let v = 0; v < VOICES.length; v++)
    for (const condition of conditions) {
      const audio = int16ToFloat32(commandAudio(spec(i, v, condition)));
      const order = layers.map((_, k) => layers[(k + clip) % layers.length] as Layer);
      clip++;
      for (const layer of order) {
        const t0 = performance.now();
        const result: Transcript = await (transcribers.get(layer) as Transcriber).transcribe(audio, {
          prompt,
          guide: space.get(),
        });
        const whole = performance.now() - t0;
        const guided = result.guided;
        rows.get(layer)?.push({
          whole,
          text: result.text,
          ...(guided && guided.why !== "understood"
            ? { guided: guided.ms, decoder: guided.decoderMs ?? 0 }
            : {}),
        });
      }
    }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const peer = rows.get("blocks") ?? [];
console.log(
  `${peer.length} clips (${commands.length} commands x ${VOICES.length} voices x ${conditions.join("/")})`,
);
for (const layer of layers) {
  const own = rows.get(layer) ?? [];
  const guidedRows = own.filter((r) => r.guided !== undefined);
  const whole = median(own.map((r) => r.whole));
  const guided = median(guidedRows.map((r) => r.guided ?? 0));
  const decoder = median(guidedRows.map((r) => r.decoder ?? 0));
  const differ = own.filter((r, k) => r.text !== peer[k]?.text).length;
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  console.log(
    `${layer.padEnd(7)} whole ${whole.toFixed(0)} ms (${ratio(whole, median(peer.map((r) => r.whole)))}), guided pass ${guided.toFixed(0)} ms over ${guidedRows.length} (${ratio(guided, median(peer.filter((r) => r.guided !== undefined).map((r) => r.guided ?? 0)))}), its decoder ${decoder.toFixed(0)} ms; texts unlike the peer's ${differ}`,
  );
}
for (const t of transcribers.values()) await t.dispose();
space.dispose();
