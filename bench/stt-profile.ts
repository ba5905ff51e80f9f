// Where one command's transcription time goes, part by part, with the daemon's settings and
// the fixture home's vocabulary prompt: the encoder, the prompted first decoder call, the
// no-speech probe, each greedy token. Each part is timed RUNS times on the same clip and the
// median printed, for the decoder computing logits on every prompt row (the peer: as the
// export does) and on the last rows only (lastRowOnly: prepare/logit-rows.ts), in one process,
// with the texts (which must be the same).
//
//   nice -n 10 npx tsx bench/stt-profile.ts [clip name under test/fixtures/wav/commands]

import os from "node:os";
import { int16ToFloat32 } from "../src/audio/format.js";
import { readWav16kMono } from "../src/audio/wav.js";
import { configSchema } from "../src/config/schema.js";
import { ModelStore } from "../src/models/store.js";
import { promptedSequence } from "../src/stt/decode.js";
import { argmaxAllowed, logitsRow } from "../src/stt/logits.js";
import { LogMelSpectrogram } from "../src/stt/mel.js";
import { readWhisperJson, whisperSpec } from "../src/stt/model-spec.js";
import { pickOnnxFiles, WhisperSessions } from "../src/stt/onnx-whisper.js";
import { WhisperTokenizer } from "../src/stt/tokenizer.js";
import { firstFrames, withLeadIn } from "../src/stt/windows.js";
import { FIXTURE_HOME_PROMPT } from "../test/integration/stt-support.js";

const RUNS = Number(process.env.RUNS ?? 7);
const clip = process.argv[2] ?? "turn-on-kitchen-light";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

const config = configSchema.parse({});
const store = new ModelStore({ modelsDir: "models", cacheFile: null });
const { dir: _dir, paths } = await store.verify(config.stt.model);
const spec = whisperSpec(readWhisperJson(paths, config.stt.model));
const tokenizer = WhisperTokenizer.fromFiles(
  paths["tokenizer.json"] as string,
  paths["tokenizer_config.json"],
);
const { samplingRate, hopLength, nbMaxFrames, featureSize } = spec.mel;
const frames = Math.min(
  nbMaxFrames,
  2 * Math.floor((config.stt.encoder_window_seconds * samplingRate) / hopLength / 2),
);
const sessions = await WhisperSessions.load(pickOnnxFiles(paths, config.stt.model), {
  threads: config.stt.threads,
  decoderThreads: config.stt.decoder_threads,
  shape: { heads: spec.decoderHeads, headDim: spec.headDim },
  positions: nbMaxFrames / 2,
  window: { frames, fullFrames: nbMaxFrames },
  outputLayer: "blocks",
  preparedDir: null,
});

const audio = int16ToFloat32((await readWav16kMono(`test/fixtures/wav/commands/${clip}.wav`)).samples);
const chunk = withLeadIn(audio, Math.round(config.stt.lead_in_seconds * samplingRate));
const useFrames = chunk.length <= frames * hopLength ? frames : nbMaxFrames;
const features = firstFrames(
  new LogMelSpectrogram(spec.mel).compute(chunk),
  featureSize,
  nbMaxFrames,
  useFrames,
);
const promptTokens = tokenizer.promptTokens(FIXTURE_HOME_PROMPT, Math.floor(spec.maxTargetPositions / 2) - 1);
const ids = promptedSequence(spec, "en", promptTokens);

type Part = "encode" | "first call" | "no-speech probe" | "per token" | "all";
async function once(
  lastRowOnly: boolean,
): Promise<{ ms: Record<Part, number>; text: string; tokens: number }> {
  const t0 = performance.now();
  const hidden = await sessions.encode(features, featureSize, useFrames);
  const t1 = performance.now();
  const decoder = sessions.decoder(hidden);
  let out = await decoder.step(ids, lastRowOnly ? { lastRowOnly } : undefined);
  const t2 = performance.now();
  await decoder.probe([spec.tokens.sot]);
  const t3 = performance.now();
  const tokens: number[] = [];
  for (let i = 0; i < 64; i++) {
    const row = logitsRow(out.logits, out.vocab, out.logits.length / out.vocab - 1);
    const next = argmaxAllowed(row, spec.suppressed, i === 0 ? spec.beginSuppressed : []);
    if (next === spec.tokens.eot || next < 0) break;
    tokens.push(next);
    out = await decoder.step([next]);
  }
  const t4 = performance.now();
  const ms = {
    encode: t1 - t0,
    "first call": t2 - t1,
    "no-speech probe": t3 - t2,
    "per token": (t4 - t3) / Math.max(1, tokens.length),
    all: t4 - t0,
  };
  return { ms, text: tokenizer.decode(tokens).trim(), tokens: tokens.length };
}

const variants = [
  ["every row (peer)", false],
  ["last rows only", true],
] as const;
const samples = new Map<string, Record<Part, number>[]>(variants.map(([name]) => [name, []]));
const texts = new Map<string, string>();
await once(false);
await once(true);
for (let r = 0; r < RUNS; r++) {
  for (const [name, last] of variants) {
    const result = await once(last);
    samples.get(name)?.push(result.ms);
    texts.set(name, `${result.text} (${result.tokens} tokens)`);
  }
}
console.log(
  `clip ${clip}, prompt ${ids.length} positions, encoder ${useFrames} frames, ${RUNS} runs, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
const parts: Part[] = ["encode", "first call", "no-speech probe", "per token", "all"];
console.log(["variant".padEnd(18), ...parts.map((p) => p.padStart(16))].join(""));
for (const [name] of variants) {
  const rows = samples.get(name) ?? [];
  console.log(
    [
      name.padEnd(18),
      ...parts.map((p) => `${median(rows.map((r) => r[p])).toFixed(1)} ms`.padStart(16)),
    ].join(""),
  );
}
const [peer, ours] = variants.map(([name]) => median((samples.get(name) ?? []).map((r) => r["first call"])));
console.log(`first call, last rows / every row: ${((ours ?? NaN) / (peer ?? NaN)).toFixed(2)}`);
for (const [name] of variants) console.log(`${name}: ${texts.get(name)}`);
await sessions.dispose();
